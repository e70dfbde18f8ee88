"""Single sign-on against a real OpenID provider on loopback (tests/oidc_provider.py): the
sign-in page's button, who gets in and who is refused, tampered ID tokens, passwords switched
off but for the break-glass admin, and signing out of the provider too."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth import authenticate
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from rapport.access import Refused
from rapport.people import services
from rapport.people.models import Person, Role
from rapport.people.throttle import TRUSTED_BROWSER_COOKIE
from tests.cast import PASSWORD, Cast
from tests.oidc_provider import (
    CLIENT_ID,
    CLIENT_SECRET,
    PROVIDER_NAME,
    Provider,
    authorize_query,
    running_provider,
)

INVALID_ANSWER = "did not give a valid answer, so you are not signed in"


@pytest.fixture
def provider(settings: Settings) -> Iterator[Provider]:
    with running_provider() as running:
        configure(settings, running)
        yield running


def configure(settings: Settings, provider: Provider) -> None:
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_SCOPES = "openid email profile"
    settings.OIDC_PROVIDER_NAME = PROVIDER_NAME


def through_provider(
    client: Client, provider: Provider, email: str, *, next_url: str = ""
) -> tuple[str, str]:
    """Start at Rapport, fill in the provider's login form, come back: the callback's answer
    (its redirect target) and the sign-in page's text afterwards."""
    start = client.get(reverse("sso_start"), {"next": next_url} if next_url else {})
    assert start.status_code == 302
    assert start["Location"].startswith(f"{provider.issuer}/authorize?")
    params = authorize_query(start["Location"])
    login_page = requests.get(start["Location"], timeout=10)
    assert '<form method="post" action="/authorize">' in login_page.text
    answer = requests.post(
        f"{provider.issuer}/authorize",
        data={**params, "username": email, "password": "provider-pass"},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text
    callback = client.get(answer.headers["Location"])
    assert callback.status_code == 302
    return callback["Location"], client.get(reverse("login")).content.decode()


def signed_in_as(client: Client) -> str | None:
    user_id = client.session.get("_auth_user_id")
    return None if user_id is None else Person.objects.get(pk=user_id).email


def test_without_configuration_the_sign_in_page_is_as_it_was(client: Client, db: None) -> None:
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with" not in page
    assert "Forgotten your password?" in page
    assert client.get(reverse("sso_start")).status_code == 404
    assert client.get(reverse("sso_callback"), {"code": "x", "state": "y"}).status_code == 404


def test_the_sign_in_page_offers_the_provider_by_name(
    client: Client, provider: Provider, db: None
) -> None:
    page = client.get(reverse("login")).content.decode()
    assert f"Sign in with {PROVIDER_NAME}" in page
    assert "or with your email and password" in page


def test_a_known_person_signs_in_and_goes_where_they_were_going(
    client: Client, provider: Provider, cast: Cast
) -> None:
    provider.add_user("RUI@example.com", name="Rui R.")
    target, _ = through_provider(client, provider, "rui@example.com", next_url="/goals/")
    assert target == "/goals/"
    assert signed_in_as(client) == cast.report.email
    # The provider proved the person: this browser is now trusted for the account.
    assert TRUSTED_BROWSER_COOKIE in client.cookies
    assert client.get(reverse("home")).status_code == 200


def test_an_unknown_email_is_refused_with_a_clear_message(
    client: Client, provider: Provider, cast: Cast
) -> None:
    provider.add_user("stranger@example.com")
    target, page = through_provider(client, provider, "stranger@example.com")
    assert target == reverse("login")
    assert signed_in_as(client) is None
    assert "No one in Rapport has the email address stranger@example.com" in page
    assert "Ask your administrator to add you" in page
    assert not Person.objects.filter(email="stranger@example.com").exists()


def test_when_the_admin_allows_it_a_newcomer_joins_as_a_member_without_a_manager(
    client: Client, provider: Provider, cast: Cast, settings: Settings
) -> None:
    settings.OIDC_CREATE_ACCOUNTS = True
    provider.add_user("nina@example.com", name="Nina Newcomer")
    target, _ = through_provider(client, provider, "nina@example.com")
    assert target == reverse("home")
    nina = Person.objects.get(email="nina@example.com")
    assert (nina.name, nina.role, nina.manager, nina.has_usable_password()) == (
        "Nina Newcomer",
        Role.MEMBER,
        None,
        False,
    )
    assert signed_in_as(client) == "nina@example.com"


@pytest.mark.parametrize(
    ("tamper", "cause"),
    [
        ("audience", "InvalidClaimError: invalid_claim: Invalid claim: 'aud'"),
        ("expired", "ExpiredTokenError"),
        ("signature", "BadSignatureError"),
    ],
)
def test_a_tampered_id_token_is_refused(
    client: Client,
    provider: Provider,
    cast: Cast,
    tamper: str,
    cause: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    provider.add_user(cast.report.email, tamper=tamper)
    with caplog.at_level(logging.INFO, logger="rapport.people.views_sso"):
        target, page = through_provider(client, provider, cast.report.email)
    assert target == reverse("login")
    assert signed_in_as(client) is None
    assert f"{PROVIDER_NAME} {INVALID_ANSWER}" in page
    # Refused for the right reason, not by accident.
    assert cause in caplog.text


def test_an_unverified_email_is_refused(client: Client, provider: Provider, cast: Cast) -> None:
    provider.add_user(cast.report.email, email_verified=False)
    _, page = through_provider(client, provider, cast.report.email)
    assert signed_in_as(client) is None
    assert f"{PROVIDER_NAME} has not verified the email address rui@example.com" in page


def test_a_callback_cannot_be_replayed(client: Client, provider: Provider, cast: Cast) -> None:
    provider.add_user(cast.report.email)
    start = client.get(reverse("sso_start"))
    params = authorize_query(start["Location"])
    answer = requests.post(
        f"{provider.issuer}/authorize",
        data={**params, "username": cast.report.email, "password": "provider-pass"},
        allow_redirects=False,
        timeout=10,
    )
    callback = answer.headers["Location"]
    other = Client()
    other.get(callback)
    assert signed_in_as(other) is None, "a state from another browser's session is refused"
    client.get(callback)
    assert signed_in_as(client) == cast.report.email
    client.logout()
    client.get(callback)
    assert signed_in_as(client) is None


def test_a_person_who_left_cannot_sign_in_through_the_provider(
    client: Client, provider: Provider, cast: Cast
) -> None:
    Person.objects.filter(pk=cast.report.pk).update(is_active=False)
    provider.add_user(cast.report.email)
    _, page = through_provider(client, provider, cast.report.email)
    assert signed_in_as(client) is None
    assert "cannot sign in: it is closed or not in use" in page


def test_a_demo_account_cannot_sign_in_through_the_provider_in_production(
    client: Client, provider: Provider, cast: Cast, settings: Settings
) -> None:
    settings.PRODUCTION = True
    Person.objects.filter(pk=cast.report.pk).update(is_demo=True)
    provider.add_user(cast.report.email)
    through_provider(client, provider, cast.report.email)
    assert signed_in_as(client) is None


def test_a_provider_that_cannot_be_reached_is_said_so(
    client: Client, settings: Settings, db: None
) -> None:
    with running_provider() as gone:
        configure(settings, gone)
    response = client.get(reverse("sso_start"), follow=True)
    assert f"{PROVIDER_NAME} could not be reached" in response.content.decode()


# --- Passwords switched off but for the break-glass admin -----------------------------------


@pytest.fixture
def passwords_off(settings: Settings, provider: Provider, cast: Cast) -> Cast:
    settings.PASSWORD_SIGN_IN = False
    settings.PASSWORD_SIGN_IN_ADMINS = [cast.admin.email.upper(), cast.report.email]
    return cast


def post_password(client: Client, email: str, password: str = PASSWORD) -> int:
    return client.post(reverse("login"), {"email": email, "password": password}).status_code


def test_with_passwords_off_a_persons_right_password_is_refused(
    client: Client, passwords_off: Cast
) -> None:
    response = client.post(
        reverse("login"), {"email": passwords_off.manager.email, "password": PASSWORD}
    )
    assert signed_in_as(client) is None
    assert f"Passwords are switched off here: sign in with {PROVIDER_NAME} instead." in (
        response.content.decode()
    )


def test_with_passwords_off_the_break_glass_admin_still_signs_in(
    client: Client, passwords_off: Cast
) -> None:
    page = client.get(reverse("login")).content.decode()
    assert "Administrators: sign in with a password" in page
    assert "Forgotten your password?" not in page
    assert post_password(client, passwords_off.admin.email) == 302
    assert signed_in_as(client) == passwords_off.admin.email


def test_a_break_glass_address_that_is_not_an_admins_is_refused(
    client: Client, passwords_off: Cast
) -> None:
    # The report is listed by mistake: the role is checked too.
    post_password(client, passwords_off.report.email)
    assert signed_in_as(client) is None


def test_with_passwords_off_the_break_glass_admin_is_still_throttled(
    client: Client, passwords_off: Cast, settings: Settings
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 2
    admin = passwords_off.admin.email
    assert post_password(client, admin, "wrong one") == 200
    assert post_password(client, admin, "wrong two") == 200
    assert post_password(Client(), admin) == 429


def test_with_passwords_off_no_reset_email_is_sent_to_a_person(
    client: Client, passwords_off: Cast
) -> None:
    from rapport.people.models import PasswordResetRequest

    response = client.post(reverse("password_reset"), {"email": passwords_off.manager.email})
    assert response.status_code == 302
    assert not PasswordResetRequest.objects.exists()


def test_with_passwords_off_people_still_sign_in_through_the_provider(
    client: Client, passwords_off: Cast, provider: Provider
) -> None:
    provider.add_user(passwords_off.manager.email)
    through_provider(client, provider, passwords_off.manager.email)
    assert signed_in_as(client) == passwords_off.manager.email


# --- Signing out -------------------------------------------------------------------------


def test_signing_out_ends_the_providers_session_too(
    client: Client, provider: Provider, cast: Cast
) -> None:
    provider.add_user(cast.report.email)
    through_provider(client, provider, cast.report.email)
    response = client.post(reverse("logout"))
    assert signed_in_as(client) is None
    location = response["Location"]
    assert location.startswith(f"{provider.issuer}/end-session?")
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    assert query["post_logout_redirect_uri"] == "http://testserver/sign-in/"
    assert query["client_id"] == CLIENT_ID
    assert query["id_token_hint"].count(".") == 2
    back = requests.get(location, allow_redirects=False, timeout=10)
    assert back.headers["Location"].startswith("http://testserver/sign-in/")
    assert provider.ended_sessions[0]["id_token_hint"] == query["id_token_hint"]


def test_without_an_end_session_endpoint_signing_out_stays_local(
    client: Client, settings: Settings, cast: Cast
) -> None:
    with running_provider(with_end_session=False) as provider:
        configure(settings, provider)
        provider.add_user(cast.report.email)
        through_provider(client, provider, cast.report.email)
        response = client.post(reverse("logout"))
    assert signed_in_as(client) is None
    assert response["Location"] == reverse("login")


def test_a_password_sign_in_signs_out_locally(
    client: Client, provider: Provider, cast: Cast
) -> None:
    assert post_password(client, cast.report.email) == 302
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert provider.ended_sessions == []


def test_joining_through_the_provider_is_refused_while_the_setting_is_off(db: None) -> None:
    with pytest.raises(Refused):
        services.person_join_by_sso(email="nina@example.com", name="Nina Newcomer")
    assert not Person.objects.exists()


def test_with_passwords_off_the_backend_refuses_a_password_whatever_calls_it(
    passwords_off: Cast,
) -> None:
    # Not only the form: any caller of authenticate() meets the same rule.
    assert authenticate(None, username=passwords_off.manager.email, password=PASSWORD) is None
    assert authenticate(None, email=passwords_off.manager.email, password=PASSWORD) is None
    assert authenticate(None, username=passwords_off.admin.email, password=PASSWORD) is not None


def test_password_guesses_against_an_account_do_not_shut_its_owner_out_of_the_provider(
    client: Client, provider: Provider, cast: Cast, settings: Settings
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 2
    for guess in ("guess one", "guess two"):
        post_password(Client(), cast.report.email, guess)
    assert post_password(Client(), cast.report.email) == 429, "the account is paused"
    provider.add_user(cast.report.email)
    through_provider(client, provider, cast.report.email)
    assert signed_in_as(client) == cast.report.email


def test_an_admin_signed_in_through_the_provider_is_not_sent_to_set_up_an_app(
    client: Client, provider: Provider, cast: Cast, settings: Settings
) -> None:
    """The identity provider's own second factor counts for people it signed in; a password
    sign-in of the same admin still has to set up an authenticator app."""
    settings.TOTP_REQUIRED_FOR = frozenset({"admin", "hr"})
    provider.add_user(cast.admin.email, name="Ada Admin")
    through_provider(client, provider, cast.admin.email)
    assert signed_in_as(client) == cast.admin.email
    assert client.get(reverse("home")).status_code == 200

    by_password = Client()
    by_password.force_login(cast.admin)
    answer = by_password.get(reverse("home"))
    assert answer.status_code == 302
    assert answer["Location"] == reverse("account_second_factor")
