"""Running a 1:1 in meeting mode, in a real browser: the clock lives on the server, so a reload
and the report's phone show the same minutes, and the summary shows what was measured."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from rapport.meetings.models import Meeting
from rapport.meetings.views.mode import clock_text
from tests.browser.conftest import screenshot
from tests.browser.test_meeting_flow import meeting_url, sign_in
from tests.cast import build_cast

SECTIONS = ("connection", "performance")


def section_times(page: Any) -> dict[str, str]:
    return {section: page.locator(f'[data-time="{section}"]').inner_text() for section in SECTIONS}


def seconds_of(text: str) -> int:
    minutes, seconds = text.split(":")
    return int(minutes) * 60 + int(seconds)


def test_a_manager_runs_a_meeting_and_the_summary_shows_the_minutes_measured(
    live_server: LiveServer, open_page: Any
) -> None:
    cast = build_cast()
    manager = open_page()
    sign_in(manager, live_server.url, cast.manager.email)
    manager.goto(meeting_url(live_server.url, cast))
    manager.get_by_role("link", name="Meeting mode").click()
    state = manager.locator("[data-state-text]")
    expect(state).to_have_text("Not started")

    # Start, and talk: tick a point and agree an action while connection runs. Typing "c"
    # and "p" into a field must not switch sections.
    manager.get_by_role("button", name="Start with connection").click()
    expect(state).to_have_text("Connection running")
    manager.get_by_role("button", name="Mark discussed: How the move went").click()
    manager.get_by_role("button", name="Mark not discussed: How the move went").wait_for()
    manager.get_by_placeholder("Add an action…").fill("Pick a conference talk to propose")
    manager.get_by_role("button", name="Add", exact=True).last.click()
    manager.get_by_text("Pick a conference talk to propose").wait_for()
    expect(state).to_have_text("Connection running")
    expect(manager.locator('[data-time="connection"]')).to_have_text(
        re.compile(r"^0:(0[2-9]|[1-5]\d)$")
    )

    # Switch with the keyboard shortcut; the report follows on a phone.
    manager.keyboard.press("p")
    expect(state).to_have_text("Performance running")
    expect(manager.locator('button[data-section="performance"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    report = open_page(width=390)
    sign_in(report, live_server.url, cast.report.email)
    report.goto(live_server.url + f"/meetings/{cast.meeting.uuid}/mode/")
    expect(report.locator("[data-state-text]")).to_have_text("Performance running")
    expect(manager.locator('[data-time="performance"]')).to_have_text(
        re.compile(r"^0:(0[1-9]|[1-5]\d)$")
    )
    screenshot(manager, "meeting-mode")

    # Pause, and reload: the same clock comes back, paused, with both sections' time.
    manager.get_by_role("button", name="Pause").click()
    expect(state).to_have_text("Paused")
    paused = section_times(manager)
    manager.reload()
    expect(state).to_have_text("Paused")
    assert section_times(manager) == paused
    assert seconds_of(paused["connection"]) >= 2
    assert seconds_of(paused["performance"]) >= 1
    expect(manager.get_by_role("button", name="Resume")).to_be_visible()
    expect(report.locator("[data-state-text]")).to_have_text("Paused", timeout=8000)
    assert section_times(report) == paused
    screenshot(report, "meeting-mode-phone")
    manager.set_viewport_size({"width": 390, "height": 844})
    screenshot(manager, "meeting-mode-phone-manager")
    manager.set_viewport_size({"width": 1280, "height": 900})

    # Resume with Space, then end.
    manager.keyboard.press("Space")
    expect(state).to_have_text("Performance running")
    manager.get_by_text("End meeting…").click()
    manager.get_by_role("button", name="End and see the summary").click()
    manager.wait_for_url(re.compile(r"/summary/$"))

    meeting = Meeting.objects.get(pk=cast.meeting.pk)
    assert meeting.status == Meeting.Status.HELD
    assert meeting.connection_seconds is not None and meeting.connection_seconds >= 2
    assert meeting.performance_seconds is not None and meeting.performance_seconds >= 1
    measured = manager.locator("[data-measured]")
    expect(measured.nth(0)).to_have_text(clock_text(meeting.connection_seconds))
    expect(measured.nth(1)).to_have_text(clock_text(meeting.performance_seconds))
    covered = manager.get_by_role("region", name=re.compile("Points covered"))
    expect(covered.get_by_text("How the move went")).to_be_visible()
    created = manager.get_by_role("region", name=re.compile("Actions created"))
    expect(created.get_by_text("Pick a conference talk to propose")).to_be_visible()
    screenshot(manager, "meeting-summary")

    # The report's phone sees the end at its next poll and offers the summary.
    expect(report.get_by_role("link", name="See the summary")).to_be_visible(timeout=8000)
    assert manager.console_problems == []
    assert report.console_problems == []
