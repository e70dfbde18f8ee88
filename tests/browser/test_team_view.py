"""The manager's team view in a real browser: a signal with its evidence, dismissed with a
reason through htmx, gone afterwards; sorting through the GET form; and the page at phone width."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import screenshot
from tests.browser.test_meeting_flow import sign_in
from tests.cast import build_cast
from tests.insights.test_team_view import held_meetings, overdue_actions


def test_the_manager_dismisses_a_signal_with_a_reason_and_it_disappears(
    live_server: LiveServer, open_page: Any
) -> None:
    cast = build_cast()
    held_meetings(cast.one_on_one, 6, mood=4, connection=10)
    overdue_actions(cast.one_on_one)
    base = live_server.url

    page = open_page()
    sign_in(page, base, cast.manager.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Team").click()
    page.get_by_role("heading", name="Your team", exact=True).wait_for()
    rui = page.locator("article", has_text="Rui Report")
    overdue = rui.locator(".tv-signal", has_text="4 actions overdue")
    expect(overdue).to_contain_text("Overdue thing 0")
    expect(rui.get_by_role("img", name="Rui Report: mood trend")).to_be_visible()
    screenshot(page, "team-view")

    # Sorting goes through the GET form and htmx: Rui, with signals, comes first.
    page.get_by_label("Sort by").select_option("signals")
    expect(page.locator("article").first).to_contain_text("Rui Report")
    assert "sort=signals" in page.url

    overdue.get_by_text("Dismiss", exact=True).first.click()
    overdue.get_by_role("button", name="Dismiss").click()  # no reason yet
    expect(rui.get_by_role("alert")).to_contain_text("Give a reason")
    overdue.get_by_label("Why can this rest?").fill("Rui is back from leave on Monday")
    overdue.get_by_role("button", name="Dismiss").click()
    expect(rui).not_to_contain_text("4 actions overdue")
    expect(rui).to_contain_text("1 signal dismissed")
    expect(rui).to_contain_text("no signals")  # the whole card was answered, not just the list
    screenshot(page, "team-view-dismissed")

    page.reload()
    expect(page.locator("article", has_text="Rui Report")).not_to_contain_text("actions overdue")
    assert page.console_problems == []

    phone = open_page(width=390)
    sign_in(phone, base, cast.manager.email)
    phone.goto(f"{base}/insights/team/")
    phone.get_by_role("heading", name="Your team", exact=True).wait_for()
    screenshot(phone, "team-view-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
