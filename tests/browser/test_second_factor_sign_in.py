"""An admin, who must have a second factor, sets up an authenticator app on their first
sign-in and signs in with a code the next time; the codes are computed here, on the server's
pinned clock (the live server runs in this process)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from playwright.sync_api import expect
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from rapport.people import totp
from tests.browser.conftest import screenshot
from tests.cast import PASSWORD, build_cast


def app_code(secret: str, steps_ahead: int = 0) -> str:
    return totp.code_at(secret, totp.step_at(timezone.now()) + steps_ahead)


def test_an_admin_sets_up_an_app_then_signs_in_with_its_code(
    live_server: LiveServer, page: Any, transactional_db: None, settings: Settings
) -> None:
    settings.TOTP_REQUIRED_FOR = frozenset({"hr", "admin"})
    cast = build_cast()
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email").fill(cast.admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Nothing opens before the app is set up.
    page.get_by_role("heading", name="Authenticator app").wait_for()
    page.goto(f"{live_server.url}/audit/")
    page.get_by_role("heading", name="Authenticator app").wait_for()
    expect(page.locator("img.qr-code")).to_be_visible()
    secret = page.locator(".totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Code from your app").fill(app_code(secret))
    page.get_by_role("button", name="Set up").click()
    page.get_by_role("heading", name="Your recovery codes").wait_for()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    screenshot(page, "second-factor-recovery-codes")
    page.get_by_role("link", name="I have kept them: go on").click()
    page.get_by_role("heading", name="Hello, Ada").wait_for()

    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Email").fill(cast.admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Your code").wait_for()
    # The code just used is refused; the next one (the app's, 30 s on) is accepted.
    page.get_by_label("Code").fill(app_code(secret))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("was used already")).to_be_visible()
    page.get_by_label("Code").fill(app_code(secret, 1))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Hello, Ada").wait_for()
    page.goto(f"{live_server.url}/audit/")
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    expect(page.get_by_role("cell", name="Authenticator app set up")).to_be_visible()
    assert page.console_problems == [], "the page logged errors (a CSP violation shows up here)"
    screenshot(page, "audit-trail-as-admin")
