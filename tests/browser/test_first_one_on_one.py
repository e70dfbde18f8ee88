"""A new pair's first 1:1 in a real browser: the report follows the agenda's point to their
working-with-me profile, fills it in with the keyboard, shares one answer and keeps another; the
manager's meeting page shows the shared one beside the person card, never the kept one; holding
the first meeting puts the first goals on the second."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from rapport.meetings.services import FIRST_GOALS_PROMPT, PROFILE_PROMPT
from tests.browser.conftest import screenshot
from tests.browser.test_meeting_flow import sign_in
from tests.cast import build_cast
from tests.meetings.test_first_one_on_ones import new_pair

SHARED = "Tell me straight away, in private, with one example"
KEPT = "My partner is unwell and I leave early on Thursdays"


def test_the_report_shares_one_answer_and_the_manager_sees_only_that_one(
    live_server: LiveServer, open_page: Any
) -> None:
    cast = build_cast()
    base = live_server.url
    pair = new_pair(cast)
    first, second = pair.meetings.order_by("scheduled_for")[:2]

    report = open_page()
    sign_in(report, base, cast.report_two.email)
    report.goto(f"{base}/meetings/{first.uuid}/")
    report.get_by_role("link", name=PROFILE_PROMPT).click()
    expect(report.get_by_role("heading", name="Working with me")).to_be_visible()
    expect(report.locator(".wp-who")).to_contain_text("Mia Manager, your manager,")

    # With the keyboard: type an answer, Tab to its choice, arrow to "Shared with my manager".
    feedback = report.get_by_label("How I like to get feedback")
    feedback.fill(SHARED)
    feedback.press("Tab")
    kept_choice = report.locator("#id_feedback_sharing_0")
    expect(kept_choice).to_be_focused()
    kept_choice.press("ArrowRight")
    expect(report.locator("#id_feedback_sharing_1")).to_be_checked()
    # The outside-work answer stays with the default: kept to myself.
    report.get_by_label("Outside work, what I choose to share").fill(KEPT)
    expect(report.locator("#id_outside_work_sharing_0")).to_be_checked()
    screenshot(report, "working-profile-form")
    report.get_by_role("button", name="Save my profile").click()
    expect(report.locator(".message")).to_contain_text("1 answer shared with your manager")

    manager = open_page()
    sign_in(manager, base, cast.manager.email)
    manager.goto(f"{base}/meetings/{first.uuid}/")
    shared = manager.locator(".shared-profile")
    expect(shared).to_contain_text("In Rosa's words")
    expect(shared).to_contain_text(SHARED)
    expect(manager.locator("body")).not_to_contain_text(KEPT)
    # Beside the card, not inside it.
    expect(manager.locator(".person-card")).not_to_contain_text(SHARED)
    screenshot(manager, "working-profile-beside-card")

    # The first meeting is held: the second one defines the first goals.
    manager.get_by_role("button", name="Mark held").click()
    manager.goto(f"{base}/meetings/{second.uuid}/")
    expect(manager.locator("#agenda-block")).to_contain_text(FIRST_GOALS_PROMPT)
