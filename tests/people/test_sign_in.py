from __future__ import annotations

import re
import typing
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.backends.cached_db import KEY_PREFIX as CACHED
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings as SettingsWrapper

from rapport.people.models import LoginFailure, Person
from rapport.people.sessions import SessionStore
from tests.cast import PASSWORD, Cast

THROTTLED = "Too many sign-in attempts"


def sign_in(
    client: Client, email: str, password: str, address: str = "203.0.113.7", **extra: str
) -> Any:
    return client.post(
        reverse("login"), {"email": email, "password": password, **extra}, REMOTE_ADDR=address
    )


def test_a_person_signs_in_with_their_email_in_any_case(cast: Cast, client: Client) -> None:
    response = sign_in(client, "MIA@Example.com", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).context["user"] == cast.manager


def test_a_wrong_password_is_answered_without_saying_which_part_was_wrong(
    cast: Cast, client: Client
) -> None:
    response = sign_in(client, "mia@example.com", "wrong password")
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()


def test_the_eleventh_wrong_password_for_an_account_is_refused(cast: Cast, client: Client) -> None:
    for attempt in range(10):
        response = sign_in(
            client, "mia@example.com", f"wrong {attempt}", address=f"198.51.100.{attempt}"
        )
        assert THROTTLED not in response.content.decode()
    response = sign_in(client, "mia@example.com", "wrong again", address="198.51.100.99")
    assert response.status_code == 429
    assert THROTTLED in response.content.decode()
    # Even the right password is refused during the cool-down.
    response = sign_in(client, "mia@example.com", PASSWORD, address="198.51.100.100")
    assert response.status_code == 429


def test_throttling_reads_the_same_for_an_account_that_does_not_exist(
    cast: Cast, client: Client
) -> None:
    def eleven_tries(email: str) -> tuple[int, str]:
        for attempt in range(10):
            sign_in(client, email, f"wrong {attempt}", address=f"192.0.2.{attempt}")
        response = sign_in(client, email, "wrong", address="192.0.2.200")
        return response.status_code, response.content.decode().replace(email, "EMAIL")

    real = eleven_tries("mia@example.com")
    ghost = eleven_tries("nobody@example.com")
    assert real[0] == ghost[0] == 429
    # The pages differ only in their one-time tokens (CSRF and the CSP nonce).
    assert without_tokens(real[1]) == without_tokens(ghost[1])


def without_tokens(html: str) -> str:
    return re.sub(r'(nonce|value|X-CSRFToken": )="?[A-Za-z0-9_\-]{16,}"?', "TOKEN", html)


def test_ten_failures_from_one_address_pause_every_account_from_it(
    cast: Cast, client: Client
) -> None:
    for attempt in range(10):
        sign_in(client, f"guess{attempt}@example.com", "wrong", address="203.0.113.50")
    assert sign_in(client, "rui@example.com", PASSWORD, address="203.0.113.50").status_code == 429
    assert sign_in(client, "rui@example.com", PASSWORD, address="203.0.113.51").status_code == 302


def test_the_pause_ends_when_the_window_has_passed(
    cast: Cast, client: Client, settings: SettingsWrapper
) -> None:
    for attempt in range(10):
        sign_in(client, "mia@example.com", f"wrong {attempt}")
    LoginFailure.objects.update(
        at=timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS + 1)
    )
    assert sign_in(client, "mia@example.com", PASSWORD).status_code == 302


def test_sign_in_only_follows_next_within_the_site(cast: Cast, client: Client) -> None:
    response = sign_in(client, "mia@example.com", PASSWORD, next="https://evil.example/steal")
    assert response["Location"] == reverse("home")
    response = Client().post(
        reverse("login"), {"email": "mia@example.com", "password": PASSWORD, "next": "/people/"}
    )
    assert response["Location"] == "/people/"


def test_a_person_who_has_left_cannot_sign_in(cast: Cast, client: Client) -> None:
    Person.objects.filter(pk=cast.report.pk).update(is_active=False)
    assert sign_in(client, "rui@example.com", PASSWORD).status_code == 200


def test_signing_out_takes_a_post(cast: Cast, client: Client) -> None:
    client.force_login(cast.manager)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def _session_queries(client: Client) -> list[str]:
    """Signed in as the manager, the `django_session` queries of one page."""
    with CaptureQueriesContext(connection) as read:
        assert client.get(reverse("home")).context["user"].email == "mia@example.com"
    return [query["sql"] for query in read.captured_queries if "django_session" in query["sql"]]


def test_a_session_is_read_from_the_cache_and_from_the_database_once_the_cache_lost_it(
    cast: Cast, client: Client
) -> None:
    # settings.SESSION_ENGINE: every signed-in request reads its session, from the shared cache.
    sign_in(client, "mia@example.com", PASSWORD)
    assert _session_queries(client) == [], "read from the cache"
    cache.clear()
    # Its row, then whether it is still there (a sign-out may have come between the two).
    assert len(_session_queries(client)) == 2, "read from the database, still signed in"
    assert _session_queries(client) == [], "and kept in the cache again"


def test_signing_out_ends_the_session_in_the_cache_and_in_the_database(
    cast: Cast, client: Client
) -> None:
    sign_in(client, "mia@example.com", PASSWORD)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=key).exists() and cache.get(CACHED + key)
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert cache.get(CACHED + key) is None
    # Someone who kept the cookie is signed in no more.
    kept = Client()
    kept.cookies[settings.SESSION_COOKIE_NAME] = key
    assert kept.get(reverse("home")).status_code == 302


def test_a_sign_out_while_another_request_reads_the_session_leaves_it_nowhere(
    cast: Cast, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A review found it in Django's cached_db store: a request that missed the cache read the
    # row, a sign-out with the same cookie deleted the row and the entry, and the request then
    # put the session back in the cache, alive for whoever kept the cookie until it expired.
    sign_in(client, "mia@example.com", PASSWORD)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    cache.clear()
    other = Client()
    other.cookies[settings.SESSION_COOKIE_NAME] = key
    # Unbound, it takes the store (typed as the store's attribute, without it).
    read = typing.cast(Callable[[SessionStore], Any], SessionStore._get_session_from_db)
    signed_out: list[int] = []

    def read_then_sign_out(store: SessionStore) -> Any:
        row = read(store)
        if not signed_out:  # once: the sign-out's own request reads the row too
            signed_out.append(0)
            signed_out[0] = other.post(reverse("logout")).status_code
        return row

    monkeypatch.setattr(SessionStore, "_get_session_from_db", read_then_sign_out)
    during = client.get(reverse("home"))
    assert signed_out == [302]
    assert not Session.objects.filter(session_key=key).exists()
    assert cache.get(CACHED + key) is None, "the session was put back in the cache"
    kept = Client()
    kept.cookies[settings.SESSION_COOKIE_NAME] = key
    assert kept.get(reverse("home")).status_code == 302
    # The request that read the row is answered as signed out too: its session ended.
    assert during.status_code == 302


def test_a_person_who_has_left_is_signed_out_though_their_session_is_in_the_cache(
    cast: Cast, client: Client
) -> None:
    # The person is read from the database on every request, their session from the cache.
    client.force_login(cast.report)
    assert client.get(reverse("home")).status_code == 200
    Person.objects.filter(pk=cast.report.pk).update(is_active=False)
    assert client.get(reverse("home")).status_code == 302


def test_forms_refuse_posts_without_a_csrf_token(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"email": "mia@example.com", "password": PASSWORD})
    assert response.status_code == 403


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2(settings: SettingsWrapper) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    person = Person.objects.create_user("argon@example.com", PASSWORD, name="Argon")
    assert person.password.startswith("argon2$")


def test_the_project_setting_puts_argon2_first() -> None:
    from rapport import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_a_person_changes_their_password(cast: Cast, client: Client) -> None:
    client.force_login(cast.report)
    new_password = "another good passphrase"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    assert sign_in(Client(), "rui@example.com", new_password).status_code == 302


def test_pages_carry_the_security_headers(cast: Cast, client: Client) -> None:
    client.force_login(cast.manager)
    response = client.get(reverse("home"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert (
        "script-src 'self'" in policy
        and "unsafe-inline" not in policy
        and "unsafe-eval" not in policy
    )
    assert "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_scripts_or_styles(cast: Cast, client: Client) -> None:
    client.force_login(cast.admin)
    for url in (reverse("home"), reverse("people:org_chart"), reverse("account"), reverse("login")):
        html = client.get(url).content.decode()
        assert " style=" not in html, url
        assert "<style" not in html, url
        for chunk in html.split("<script")[1:]:
            assert " src=" in chunk.split(">", 1)[0], f"inline script on {url}"
