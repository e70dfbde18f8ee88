"""The second factor: the codes themselves (RFC 6238), setting up an app, signing in with a
code or a recovery code, refusals (wrong, replayed, spent), throttling of the code step, and
the rule that HR and admins reach nothing before they have set one up."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone
from pytest_django import Settings

from rapport import env
from rapport.audit.models import Action, AuditEvent
from rapport.people import totp
from rapport.people.models import LoginFailure, Person, RecoveryCode, SecondFactor
from tests.cast import PASSWORD, Cast
from tests.clock import TEST_NOW

pytestmark = pytest.mark.django_db

SECRET = base64.b32encode(b"12345678901234567890").decode()
THROTTLED = "Too many sign-in attempts"


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    # Codes change every 30 s: the clock stands still so a test never straddles a step.
    with time_machine.travel(TEST_NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _required_for_hr_and_admins(settings: Settings) -> None:
    settings.TOTP_REQUIRED_FOR = frozenset({"hr", "admin"})


def code(offset_steps: int = 0, secret: str = SECRET) -> str:
    return totp.code_at(secret, totp.step_at(timezone.now()) + offset_steps)


def with_app(person: Person) -> SecondFactor:
    return SecondFactor.objects.create(person=person, secret=SECRET)


def password_step(client: Client, person: Person, address: str = "203.0.113.7") -> Any:
    return client.post(
        reverse("login"), {"email": person.email, "password": PASSWORD}, REMOTE_ADDR=address
    )


def code_step(client: Client, value: str, address: str = "203.0.113.7") -> Any:
    return client.post(reverse("sign_in_code"), {"code": value}, REMOTE_ADDR=address)


def signed_in_as(client: Client) -> Person | None:
    response = client.get(reverse("account"))
    return response.context["user"] if response.status_code == 200 else None


# --- The codes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unix_time", "expected"),
    # RFC 6238 appendix B, SHA-1, the last six of its eight digits.
    [(59, "287082"), (1111111109, "081804"), (1234567890, "005924"), (20000000000, "353130")],
)
def test_codes_match_the_rfc_test_vectors(unix_time: int, expected: str) -> None:
    moment = datetime.fromtimestamp(unix_time, tz=UTC)
    assert totp.code_at(SECRET, totp.step_at(moment)) == expected


def test_a_code_is_accepted_one_step_either_side_and_no_further() -> None:
    now = timezone.now()
    step = totp.step_at(now)
    assert totp.matching_step(SECRET, code(-1), now) == step - 1
    assert totp.matching_step(SECRET, code(1), now) == step + 1
    assert totp.matching_step(SECRET, code(2), now) is None
    assert totp.matching_step(SECRET, "12345", now) is None


def test_the_qr_code_carries_what_authenticator_apps_expect() -> None:
    uri = totp.provisioning_uri(SECRET, account="ada@example.com", issuer="Rapport")
    assert uri.startswith("otpauth://totp/Rapport%3Aada%40example.com?")
    assert "algorithm=SHA1" in uri and "digits=6" in uri and "period=30" in uri
    assert totp.qr_code_data_uri(uri).startswith("data:image/svg+xml")


# --- Setting up ---------------------------------------------------------------------------------


def set_up_page(client: Client) -> tuple[str, str]:
    page = client.get(reverse("account_second_factor")).content.decode()
    token = re.search(r'name="enrolment" value="([^"]+)"', page)
    secret = re.search(r'class="totp-secret">([A-Z2-7 ]+)<', page)
    assert token and secret
    return token.group(1), secret.group(1).replace(" ", "")


def test_setting_up_shows_ten_recovery_codes_once_and_stores_them_hashed(
    cast: Cast, client: Client
) -> None:
    client.force_login(cast.report)
    token, secret = set_up_page(client)
    response = client.post(
        reverse("account_second_factor"), {"enrolment": token, "code": code(secret=secret)}
    )
    assert response.status_code == 200
    shown = re.findall(
        r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", response.content.decode()
    )
    assert len(shown) == 10
    assert SecondFactor.objects.get(person=cast.report).secret == secret
    stored = set(
        RecoveryCode.objects.filter(person=cast.report).values_list("code_hash", flat=True)
    )
    assert stored == {totp.recovery_code_digest(c) for c in shown}
    assert not stored & set(shown)
    # The next visit shows no codes, only how many are left.
    page = client.get(reverse("account_second_factor")).content.decode()
    assert shown[0] not in page and "10 recovery codes left" in page
    (event,) = AuditEvent.objects.filter(action=Action.SECOND_FACTOR_ENROLLED)
    assert event.subject == cast.report and event.details == {}


def test_a_wrong_code_sets_nothing_up(cast: Cast, client: Client) -> None:
    client.force_login(cast.report)
    token, secret = set_up_page(client)
    wrong = str((int(code(secret=secret)) + 1) % 1_000_000).zfill(6)
    response = client.post(reverse("account_second_factor"), {"enrolment": token, "code": wrong})
    assert "That code does not match" in response.content.decode()
    assert not SecondFactor.objects.exists() and not RecoveryCode.objects.exists()


def test_a_set_up_page_signed_for_someone_else_is_refused(cast: Cast, client: Client) -> None:
    client.force_login(cast.manager)
    token, secret = set_up_page(client)
    client.force_login(cast.report)
    response = client.post(
        reverse("account_second_factor"), {"enrolment": token, "code": code(secret=secret)}
    )
    assert "too old" in response.content.decode()
    assert not SecondFactor.objects.exists()


# --- Signing in ---------------------------------------------------------------------------------


def test_with_an_app_the_password_alone_signs_nobody_in(cast: Cast, client: Client) -> None:
    with_app(cast.report)
    response = password_step(client, cast.report)
    assert response["Location"] == reverse("sign_in_code")
    assert signed_in_as(client) is None
    assert not AuditEvent.objects.filter(action=Action.SIGN_IN).exists()


def test_the_right_code_signs_in_and_is_recorded(cast: Cast, client: Client) -> None:
    with_app(cast.report)
    password_step(client, cast.report, address="127.0.0.9")
    response = code_step(client, code(), address="127.0.0.9")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert signed_in_as(client) == cast.report
    (event,) = AuditEvent.objects.filter(action=Action.SIGN_IN)
    assert event.details == {"address": "127.0.0.9", "second_factor": "app"}


def test_a_wrong_code_is_refused_counted_and_recorded(cast: Cast, client: Client) -> None:
    with_app(cast.report)
    password_step(client, cast.report)
    response = code_step(client, code(5))
    assert response.status_code == 200
    assert "That code does not match" in response.content.decode()
    assert signed_in_as(client) is None
    assert LoginFailure.objects.filter(email=cast.report.email).count() == 1
    (event,) = AuditEvent.objects.filter(action=Action.SIGN_IN_CODE_FAILED)
    assert (event.actor, event.subject) == (None, cast.report)


def test_a_code_is_good_once(cast: Cast) -> None:
    with_app(cast.report)
    first, second = Client(), Client()
    password_step(first, cast.report)
    password_step(second, cast.report)
    assert code_step(first, code()).status_code == 302
    # The same code again, from another browser within its 30 seconds: refused.
    response = code_step(second, code())
    assert "used already" in response.content.decode()
    assert signed_in_as(second) is None


def test_an_older_code_is_refused_once_a_newer_one_was_used(cast: Cast) -> None:
    with_app(cast.report)
    first, second = Client(), Client()
    password_step(first, cast.report)
    password_step(second, cast.report)
    assert code_step(first, code(1)).status_code == 302
    assert code_step(second, code(0)).status_code == 200
    assert signed_in_as(second) is None


def test_a_recovery_code_signs_in_once(cast: Cast) -> None:
    with_app(cast.report)
    RecoveryCode.objects.create(
        person=cast.report, code_hash=totp.recovery_code_digest("abcde-fghjk")
    )
    first, second = Client(), Client()
    password_step(first, cast.report)
    assert code_step(first, " ABCDE-FGHJK ").status_code == 302
    assert signed_in_as(first) == cast.report
    (used,) = AuditEvent.objects.filter(action=Action.RECOVERY_CODE_USED)
    assert used.details["codes_left"] == 0
    password_step(second, cast.report)
    assert code_step(second, "abcde-fghjk").status_code == 200
    assert signed_in_as(second) is None


def test_the_code_step_waits_five_minutes_for_its_code(cast: Cast, client: Client) -> None:
    with_app(cast.report)
    password_step(client, cast.report)
    with time_machine.travel(timezone.now() + timedelta(minutes=6), tick=False):
        response = code_step(client, code())
    assert response["Location"] == reverse("login")
    assert signed_in_as(client) is None


def test_the_code_step_without_a_password_step_goes_back_to_the_start(client: Client) -> None:
    assert code_step(client, "123456")["Location"] == reverse("login")


# --- Throttling ---------------------------------------------------------------------------------


def test_the_code_step_is_throttled_like_the_password(
    cast: Cast, client: Client, settings: Settings
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    with_app(cast.report)
    password_step(client, cast.report)
    for attempt in range(3):
        assert code_step(client, code(10 + attempt)).status_code == 200
    # The fourth try is refused before the code is looked at, even the right one.
    response = code_step(client, code())
    assert response.status_code == 429 and THROTTLED in response.content.decode()
    assert signed_in_as(client) is None
    # And the password step refuses a fresh browser for this account too.
    assert password_step(Client(), cast.report, address="198.51.100.1").status_code == 429


def test_code_guessing_does_not_lock_the_person_out_of_their_own_browser(
    cast: Cast, settings: Settings
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    with_app(cast.report)
    own = Client()
    password_step(own, cast.report, address="192.0.2.10")
    assert code_step(own, code(-1), address="192.0.2.10").status_code == 302
    own.post(reverse("logout"))
    # Someone who has the password guesses codes from elsewhere until the account is paused.
    attacker = Client()
    password_step(attacker, cast.report, address="198.51.100.66")
    for attempt in range(4):
        code_step(attacker, code(10 + attempt), address="198.51.100.66")
    assert password_step(Client(), cast.report, address="198.51.100.67").status_code == 429
    # The person's own browser, trusted since their last sign-in, still gets in.
    assert password_step(own, cast.report, address="192.0.2.10")["Location"] == reverse(
        "sign_in_code"
    )
    assert code_step(own, code(), address="192.0.2.10").status_code == 302
    assert signed_in_as(own) == cast.report


# --- Required for HR and admins -----------------------------------------------------------------


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_hr_and_admins_reach_no_page_before_setting_up_an_app(
    cast: Cast, client: Client, role: str
) -> None:
    from tests.test_access_matrix import MATRIX

    person = cast.person(role)
    assert person is not None
    response = password_step(client, person)
    enrol = reverse("account_second_factor")
    assert response["Location"] == enrol
    reached = {}
    for name, row in MATRIX.items():
        url = row.url(cast)
        if not getattr(resolve(url.split("?")[0]).func, "login_required", True):
            continue  # pages for the signed-out (sign-in, resets, feeds) are not behind it
        if name in ("account_second_factor", "logout"):
            continue  # the two pages this state allows
        answer = client.get(url)
        if answer.status_code != 302 or answer["Location"] != enrol:
            reached[name] = answer.status_code
    assert not reached
    # A write is turned away before it happens.
    before = Person.objects.values_list("name", flat=True).get(pk=person.pk)
    response = client.post(reverse("account"), {"name": "Changed", "timezone": "UTC"})
    assert response["Location"] == enrol
    assert Person.objects.values_list("name", flat=True).get(pk=person.pk) == before
    # htmx is sent to the page, not a fragment of it.
    answer = client.get(reverse("home"), headers={"HX-Request": "true"})
    assert answer.status_code == 204 and answer["HX-Redirect"] == enrol
    # Once set up, everything opens.
    token, secret = set_up_page(client)
    client.post(enrol, {"enrolment": token, "code": code(secret=secret)})
    assert client.get(reverse("home")).status_code == 200


def test_members_are_not_asked_and_may_choose_an_app(cast: Cast, client: Client) -> None:
    response = password_step(client, cast.report)
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_everyone_can_be_required(cast: Cast, client: Client, settings: Settings) -> None:
    settings.TOTP_REQUIRED_FOR = frozenset({"member", "hr", "admin"})
    response = password_step(client, cast.report)
    assert response["Location"] == reverse("account_second_factor")
    assert client.get(reverse("home"))["Location"] == reverse("account_second_factor")


def test_the_setting_reads_roles_everyone_and_nobody(monkeypatch: pytest.MonkeyPatch) -> None:
    name = "RAPPORT_TOTP_REQUIRED_FOR"
    default = ("hr", "admin")
    monkeypatch.delenv(name, raising=False)
    assert env.totp_required_for(name, default) == {"hr", "admin"}
    monkeypatch.setenv(name, "everyone")
    assert env.totp_required_for(name, default) == {"member", "hr", "admin"}
    monkeypatch.setenv(name, "nobody")
    assert env.totp_required_for(name, default) == frozenset()
    monkeypatch.setenv(name, "admin")
    assert env.totp_required_for(name, default) == {"admin"}
    monkeypatch.setenv(name, "hr,boss")
    with pytest.raises(env.ConfigError):
        env.totp_required_for(name, default)


# --- Recovery codes, renewed ---------------------------------------------------------------------


def test_new_recovery_codes_need_a_code_and_replace_the_old_ones(
    cast: Cast, client: Client
) -> None:
    with_app(cast.report)
    RecoveryCode.objects.create(
        person=cast.report, code_hash=totp.recovery_code_digest("old00-00000")
    )
    client.force_login(cast.report)
    refused = client.post(reverse("account_recovery_codes"), {"code": code(7)})
    assert "That code does not match" in refused.content.decode()
    assert RecoveryCode.objects.filter(person=cast.report).count() == 1
    response = client.post(reverse("account_recovery_codes"), {"code": code()})
    shown = re.findall(
        r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", response.content.decode()
    )
    assert len(shown) == 10
    hashes = set(
        RecoveryCode.objects.filter(person=cast.report).values_list("code_hash", flat=True)
    )
    assert totp.recovery_code_digest("old00-00000") not in hashes and len(hashes) == 10
    assert AuditEvent.objects.filter(action=Action.RECOVERY_CODES_RENEWED).count() == 1


def test_the_secret_is_never_shown_once_the_app_is_set_up(cast: Cast, client: Client) -> None:
    with_app(cast.admin)
    client.force_login(cast.admin)
    for url in (reverse("account"), reverse("account_second_factor"), reverse("audit:events")):
        page = client.get(url).content.decode()
        assert SECRET not in page and SECRET[:4] + " " + SECRET[4:8] not in page
