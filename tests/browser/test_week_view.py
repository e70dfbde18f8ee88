"""The week view in a real browser: blocks are links reached by keyboard, the chosen report's
band appears, no Content-Security-Policy complaints, and at phone width a list that fits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import screenshot
from tests.browser.test_meeting_flow import sign_in
from tests.cast import build_cast


def test_the_manager_reads_the_week_and_opens_a_1_1_from_it(
    live_server: LiveServer, open_page: Any
) -> None:
    cast = build_cast()
    day = cast.meeting.scheduled_for.astimezone(cast.manager.zone).date()
    week = f"?week={(day - timedelta(days=day.weekday())).isoformat()}"
    base = live_server.url

    page = open_page(width=1366)
    sign_in(page, base, cast.manager.email)
    page.goto(f"{base}/week/{week}")
    block = page.get_by_role("link", name="Rui Report")
    expect(block).to_be_visible()
    page.get_by_label("Show the hours of").select_option(label="Rui Report")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".week-shade.is-theirs").first).to_be_attached()
    screenshot(page, "week-view")
    assert page.console_problems == []

    block = page.get_by_role("link", name="Rui Report")
    block.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/meetings/{cast.meeting.uuid}/")

    phone = open_page(width=390)
    sign_in(phone, base, cast.report.email)
    phone.goto(f"{base}/week/{week}")
    expect(phone.get_by_role("link", name="Mia Manager")).to_be_visible()
    screenshot(phone, "week-view-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
