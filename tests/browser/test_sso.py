"""Single sign-on end to end in Chromium: Rapport's button, the provider's own login page
(tests/oidc_provider.py on a free loopback port), back to Rapport's home page as the right
person, and signing out through the provider's end-session page."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils.csp import CSP
from playwright.sync_api import expect
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import AXE, violations_in_every_state, violations_now
from tests.cast import build_cast
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, PROVIDER_NAME, Provider, running_provider

# Set to a folder to keep copies of the screenshots (a review of the sign-in page).
SHOTS = os.environ.get("RAPPORT_SHOTS_DIR", "")


@pytest.fixture
def provider(settings: Settings) -> Iterator[Provider]:
    with running_provider() as running:
        settings.OIDC_ISSUER = running.issuer
        settings.OIDC_CLIENT_ID = CLIENT_ID
        settings.OIDC_CLIENT_SECRET = CLIENT_SECRET
        settings.OIDC_PROVIDER_NAME = PROVIDER_NAME
        # As rapport/settings.py does when the issuer comes from the environment.
        settings.SECURE_CSP = {**settings.SECURE_CSP, "form-action": [CSP.SELF, running.issuer]}
        yield running


def keep(path: Path, name: str) -> None:
    if SHOTS:
        shutil.copy(path, Path(SHOTS) / f"sso-{name}.png")


def test_a_report_signs_in_through_the_providers_page_and_out_again(
    live_server: LiveServer, open_page: Any, provider: Provider, settings: Settings
) -> None:
    cast = build_cast()
    provider.add_user(cast.report.email, name="Rui Report", password="provider-secret")
    page = open_page()
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/sign-in/")
    keep(screenshot(page, "sso-sign-in"), "sign-in-desktop")

    page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}").click()
    page.wait_for_url(f"{provider.issuer}/authorize?**")
    page.get_by_label("Username").fill(cast.report.email)
    page.get_by_label("Secret").fill("provider-secret")
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("heading", name="Hello, Rui").wait_for()
    assert page.url == f"{live_server.url}/"
    assert page.console_problems == [], "the page logged errors (a CSP violation shows up here)"

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/sign-in/**")
    assert len(provider.ended_sessions) == 1, "the provider's session was ended too"
    assert provider.ended_sessions[0]["client_id"] == CLIENT_ID
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/sign-in/"), "Rapport's session is over"


def test_an_unknown_person_reads_why_they_cannot_come_in(
    live_server: LiveServer, open_page: Any, provider: Provider
) -> None:
    build_cast()
    provider.add_user("stranger@example.com", password="provider-secret")
    page = open_page(390)
    page.goto(f"{live_server.url}/sign-in/")
    keep(screenshot(page, "sso-sign-in-phone"), "sign-in-phone")
    page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}").click()
    page.get_by_label("Username").fill("stranger@example.com")
    page.get_by_label("Secret").fill("provider-secret")
    page.get_by_role("button", name="Continue").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("No one in Rapport has the email address stranger@example.com")
    assert page.url.startswith(f"{live_server.url}/sign-in/")
    keep(screenshot(page, "sso-refused-phone"), "refused-phone")


def test_with_passwords_off_the_page_leads_with_the_provider(
    live_server: LiveServer, open_page: Any, provider: Provider, settings: Settings
) -> None:
    cast = build_cast()
    settings.PASSWORD_SIGN_IN = False
    settings.PASSWORD_SIGN_IN_ADMINS = [cast.admin.email]
    page = open_page()
    page.goto(f"{live_server.url}/sign-in/")
    expect(page.get_by_label("Password")).to_be_hidden()
    keep(screenshot(page, "sso-break-glass-closed"), "break-glass-desktop")
    page.get_by_text("Administrators: sign in with a password").click()
    page.get_by_label("Email").fill(cast.admin.email)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("heading", name="Hello, Ada").wait_for()
    assert page.console_problems == []


def test_the_sign_in_page_with_single_sign_on_has_no_wcag_22_aa_violations(
    live_server: LiveServer, open_page: Any, provider: Provider, settings: Settings
) -> None:
    cast = build_cast()
    axe_source = AXE.read_text(encoding="utf-8")
    page = open_page()
    found, states = violations_in_every_state(page, f"{live_server.url}/sign-in/", axe_source)
    settings.PASSWORD_SIGN_IN = False
    settings.PASSWORD_SIGN_IN_ADMINS = [cast.admin.email]
    # Passwords off, and a refused password: the folded form opens with its error.
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_text("Administrators: sign in with a password").click()
    page.get_by_label("Email").fill(cast.manager.email)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Passwords are switched off here")
    refused = violations_now(page, "refused password, passwords off, 1280px", axe_source)
    page.set_viewport_size({"width": 390, "height": 900})
    refused += violations_now(page, "refused password, passwords off, 390px", axe_source)
    assert states == 4
    assert not found + refused, "\n".join(found + refused)
