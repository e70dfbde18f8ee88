"""Sign-in throttling: per account, per real client address, per trusted browser, and the global
ceiling (rapport/people/throttle.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings

from rapport.people import throttle
from rapport.people.models import LoginFailure
from tests.cast import PASSWORD, Cast

THROTTLED = "Too many sign-in attempts"
PROXY = "10.0.0.2"


def sign_in(
    client: Client, email: str, password: str, *, address: str = "203.0.113.7", **meta: Any
) -> Any:
    return client.post(
        reverse("login"), {"email": email, "password": password}, REMOTE_ADDR=address, **meta
    )


def via_proxy(client: Client, email: str, password: str, forwarded_for: str) -> Any:
    return sign_in(client, email, password, address=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


@pytest.fixture
def behind_proxy(settings: Settings) -> Settings:
    settings.BEHIND_PROXY = True
    settings.PROXY_HOPS = 1
    return settings


def trusted_client(email: str, address: str = "192.0.2.10") -> Client:
    """A browser that has signed in to `email` before and kept its cookie, now signed out."""
    first = Client()
    assert sign_in(first, email, PASSWORD, address=address).status_code == 302
    browser = Client()
    browser.cookies[throttle.TRUSTED_BROWSER_COOKIE] = first.cookies[
        throttle.TRUSTED_BROWSER_COOKIE
    ].value
    return browser


# --- The client's address -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("forwarded_for", "hops", "expected"),
    [
        ("198.51.100.4", 1, "198.51.100.4"),
        # Entries left of our proxy's come from the client and are ignored.
        ("1.1.1.1, 6.6.6.6, 198.51.100.4", 1, "198.51.100.4"),
        # Two proxies of ours (a CDN, then nginx): the client is second from the right.
        ("1.1.1.1, 198.51.100.4, 192.0.2.99", 2, "198.51.100.4"),
        (" 198.51.100.4 ", 1, "198.51.100.4"),
        # Missing, malformed or too short: the connecting address, never a client's word.
        ("", 1, PROXY),
        ("not-an-address", 1, PROXY),
        ("198.51.100.4, ", 1, PROXY),
        ("198.51.100.4", 2, PROXY),
        ("198.51.100.4:443", 1, PROXY),
        # IPv6 clients are counted per /64, the smallest block one customer gets.
        ("2001:db8:1:2:3:4:5:6", 1, "2001:db8:1:2::/64"),
        ("::ffff:198.51.100.4", 1, "198.51.100.4"),
    ],
)
def test_behind_a_proxy_the_address_is_the_hop_the_proxy_appended(
    behind_proxy: Settings, forwarded_for: str, hops: int, expected: str
) -> None:
    behind_proxy.PROXY_HOPS = hops
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)
    assert throttle.client_address(request) == expected


def test_without_the_proxy_setting_x_forwarded_for_is_ignored(settings: Settings) -> None:
    settings.BEHIND_PROXY = False
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert throttle.client_address(request) == PROXY


def test_behind_the_proxy_one_attacker_no_longer_locks_out_everyone(
    cast: Cast, client: Client, behind_proxy: Settings
) -> None:
    for attempt in range(10):
        via_proxy(client, f"nobody{attempt}@example.com", "wrong", "198.51.100.66")
    assert via_proxy(client, "mia@example.com", PASSWORD, "198.51.100.66").status_code == 429
    assert via_proxy(Client(), "rui@example.com", PASSWORD, "203.0.113.20").status_code == 302


def test_with_the_setting_off_a_forged_header_does_not_escape_the_address_limit(
    cast: Cast, client: Client, settings: Settings
) -> None:
    settings.BEHIND_PROXY = False
    for attempt in range(10):
        sign_in(
            client, "nobody@example.com", "wrong", address="203.0.113.50",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}",
        )  # fmt: skip
    response = sign_in(
        client, "rui@example.com", PASSWORD, address="203.0.113.50",
        HTTP_X_FORWARDED_FOR="198.51.100.200",
    )  # fmt: skip
    assert response.status_code == 429


def test_spoofed_left_most_entries_do_not_give_an_attacker_new_addresses(
    cast: Cast, client: Client, behind_proxy: Settings
) -> None:
    for attempt in range(10):
        via_proxy(client, f"guess{attempt}@example.com", "wrong", f"1.2.3.{attempt}, 198.51.100.66")
    response = via_proxy(client, "rui@example.com", PASSWORD, "9.9.9.9, 198.51.100.66")
    assert response.status_code == 429
    assert THROTTLED in response.content.decode()


# --- Accounts and trusted browsers --------------------------------------------------------


def test_a_sign_in_does_not_give_an_attacker_a_fresh_budget(cast: Cast, client: Client) -> None:
    for attempt in range(9):
        sign_in(client, "mia@example.com", "wrong", address=f"198.51.100.{attempt}")
    assert sign_in(Client(), "mia@example.com", PASSWORD, address="192.0.2.1").status_code == 302
    sign_in(client, "mia@example.com", "wrong", address="198.51.100.9")
    assert sign_in(Client(), "mia@example.com", PASSWORD, address="192.0.2.2").status_code == 429


def test_a_successful_sign_in_leaves_a_trusted_browser_cookie(
    cast: Cast, client: Client, settings: Settings
) -> None:
    settings.SESSION_COOKIE_SECURE = True
    sign_in(client, "mia@example.com", PASSWORD)
    cookie = client.cookies[throttle.TRUSTED_BROWSER_COOKIE]
    assert cookie["httponly"] and cookie["secure"]
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 90 * 24 * 60 * 60
    # It names the account without carrying a readable address.
    assert "mia" not in cookie.value


def test_an_account_under_attack_still_lets_its_trusted_browser_in(
    cast: Cast, client: Client
) -> None:
    browser = trusted_client("mia@example.com")
    for attempt in range(12):
        sign_in(client, "mia@example.com", "wrong", address=f"198.51.100.{attempt}")
    assert sign_in(Client(), "mia@example.com", PASSWORD, address="192.0.2.10").status_code == 429
    response = sign_in(browser, "mia@example.com", PASSWORD, address="192.0.2.10")
    assert response.status_code == 302


def test_a_trusted_browser_signs_in_from_an_address_that_is_paused(
    cast: Cast, client: Client
) -> None:
    # An office behind one NAT address, or a proxy without RAPPORT_BEHIND_PROXY: the address is
    # paused for everyone, but a colleague's usual browser still gets in.
    browser = trusted_client("rui@example.com", address="203.0.113.50")
    for attempt in range(10):
        sign_in(client, f"guess{attempt}@example.com", "wrong", address="203.0.113.50")
    assert sign_in(Client(), "rui@example.com", PASSWORD, address="203.0.113.50").status_code == 429
    assert sign_in(browser, "rui@example.com", PASSWORD, address="203.0.113.50").status_code == 302


def test_a_trusted_cookie_only_helps_the_account_it_names(cast: Cast, client: Client) -> None:
    browser = trusted_client("rui@example.com")
    for attempt in range(10):
        sign_in(client, "mia@example.com", "wrong", address=f"198.51.100.{attempt}")
    assert sign_in(browser, "mia@example.com", PASSWORD).status_code == 429


def test_a_forged_trusted_cookie_is_ignored(cast: Cast, client: Client) -> None:
    for attempt in range(10):
        sign_in(client, "mia@example.com", "wrong", address=f"198.51.100.{attempt}")
    forged = Client()
    forged.cookies[throttle.TRUSTED_BROWSER_COOKIE] = "x" * 32 + ":" + "0" * 32
    assert sign_in(forged, "mia@example.com", PASSWORD).status_code == 429


def test_a_stolen_trusted_cookie_buys_no_more_guesses_than_the_account_allows(
    cast: Cast,
) -> None:
    browser = trusted_client("mia@example.com")
    for attempt in range(10):
        assert sign_in(browser, "mia@example.com", f"wrong {attempt}").status_code == 200
    # Its own limit is spent, and its failures count for the account as well.
    assert sign_in(browser, "mia@example.com", "wrong again").status_code == 429
    assert sign_in(browser, "mia@example.com", PASSWORD).status_code == 429


# --- The global ceiling -------------------------------------------------------------------


@pytest.fixture
def ceiling(settings: Settings) -> Settings:
    settings.LOGIN_FAILURE_CEILING = 20
    settings.LOGIN_CEILING_COOLDOWN_SECONDS = 60
    return settings


def spread_attack(client: Client, *, round: int = 0, tries: int = 20) -> None:
    """One failure each from many addresses, each against another account."""
    for attempt in range(tries):
        email = f"guess{round}-{attempt}@example.com"
        sign_in(client, email, "wrong", address=f"198.51.{100 + round}.{attempt}")


def test_above_the_ceiling_an_address_waits_after_its_own_failure(
    cast: Cast, client: Client, ceiling: Settings
) -> None:
    spread_attack(client)
    # An address that just failed waits out the cool-down, even with the right password ...
    assert sign_in(Client(), "mia@example.com", PASSWORD, address="198.51.100.3").status_code == 429
    # ... and may try again afterwards.
    with time_machine.travel(timezone.now() + timedelta(seconds=61), tick=True):
        response = sign_in(Client(), "mia@example.com", PASSWORD, address="198.51.100.3")
    assert response.status_code == 302


def test_the_ceiling_never_refuses_an_untouched_address_or_a_trusted_browser(
    cast: Cast, client: Client, ceiling: Settings
) -> None:
    browser = trusted_client("rui@example.com", address="198.51.100.5")
    # The attack goes on round after round, far above the ceiling.
    for round in range(4):
        spread_attack(client, round=round)
        fresh = f"192.0.2.{round}"
        assert sign_in(Client(), "mia@example.com", PASSWORD, address=fresh).status_code == 302
        # The trusted browser shares an attacking address that has just failed.
        assert sign_in(
            browser, "rui@example.com", PASSWORD, address="198.51.100.5"
        ).status_code == (302)
    assert LoginFailure.objects.count() >= 4 * 20


def test_below_the_ceiling_a_failure_costs_no_wait(
    cast: Cast, client: Client, ceiling: Settings
) -> None:
    spread_attack(client, tries=19)
    assert sign_in(Client(), "mia@example.com", PASSWORD, address="198.51.100.3").status_code == 302
