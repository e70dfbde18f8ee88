"""The check-in in a real browser: the report answers it with the keyboard alone (radio groups
by arrow keys, the share switch by space), and the manager's meeting page shows how they are."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from rapport.checkins.models import CheckIn
from rapport.meetings.models import Meeting, TalkingPoint
from tests.browser.conftest import screenshot
from tests.browser.test_meeting_flow import meeting_url, sign_in
from tests.cast import build_cast
from tests.checkins.helpers import move_to
from tests.helpers.sealed import with_text


def test_the_report_checks_in_by_keyboard_and_the_manager_sees_the_mood(
    live_server: LiveServer, open_page: Any
) -> None:
    cast = build_cast()
    move_to(cast.meeting, timedelta(days=1))
    base = live_server.url

    report = open_page()
    sign_in(report, base, cast.report.email)
    expect(report.get_by_role("heading", name="Check in for your 1:1 on")).to_be_visible()
    screenshot(report, "checkin-home-prompt")
    report.get_by_role("link", name="Check in", exact=True).click()
    expect(report.get_by_role("heading", name="Before your 1:1 with Mia")).to_be_visible()
    screenshot(report, "checkin-form")

    # Into the first group; space picks Rough, the arrows move on to Good.
    report.locator("#id_mood_0").focus()
    report.keyboard.press("Space")
    for _ in range(3):
        report.keyboard.press("ArrowRight")
    report.keyboard.press("Tab")  # energy
    report.keyboard.press("Space")
    report.keyboard.press("ArrowRight")
    report.keyboard.press("Tab")  # workload
    report.keyboard.press("Space")
    for _ in range(3):
        report.keyboard.press("ArrowRight")
    report.keyboard.press("Tab")
    report.keyboard.type("Shipped the search rewrite")
    report.keyboard.press("Tab")
    report.keyboard.type("Reviews pile up")
    report.keyboard.press("Tab")
    report.keyboard.type("Training for a half marathon")
    report.keyboard.press("Tab")
    report.keyboard.press("Space")  # share it with Mia
    expect(report.get_by_role("switch", name="Share with Mia")).to_be_checked()
    report.keyboard.press("Tab")
    report.keyboard.type("Conference budget")
    screenshot(report, "checkin-form-filled")
    report.keyboard.press("Tab")
    report.keyboard.press("Enter")

    expect(report.get_by_text("Thanks. Mia will see it.")).to_be_visible()
    checkin = CheckIn.objects.get()
    assert (checkin.mood, checkin.energy, checkin.workload) == (4, 2, 4)
    assert checkin.outside_work_shared
    assert len(with_text(TalkingPoint.objects.all(), "Conference budget")) == 1
    expect(report.locator("#agenda").get_by_text("Conference budget")).to_be_visible()

    manager = open_page()
    sign_in(manager, base, cast.manager.email)
    manager.goto(meeting_url(base, cast))
    card = manager.locator(".checkin-card")
    expect(card).to_contain_text("Mood")
    expect(card).to_contain_text("Good")
    expect(card).to_contain_text("Training for a half marathon")
    screenshot(manager, "checkin-manager-meeting")
    manager.goto(meeting_url(base, cast) + "mode/")
    expect(manager.locator(".checkin-card")).to_contain_text("Heavy")
    screenshot(manager, "checkin-meeting-mode")
    # The team view shows the new mood and the workload beside Rui's name.
    manager.goto(f"{base}/insights/team/")
    rui = manager.locator(".tv-member", has_text="Rui Report")
    expect(rui.locator(".tv-mood")).to_contain_text("4")
    assert not report.console_problems and not manager.console_problems

    # A longer history for the pair's trends (the later meetings stand in for past ones).
    for index, meeting in enumerate(cast.one_on_one.meetings.order_by("scheduled_for")[1:9]):
        CheckIn.objects.create(
            meeting=meeting,
            one_on_one=cast.one_on_one,
            report=cast.report,
            mood=(4, 4, 5, 4, 3, 3, 2, 2)[index],
            energy=(3, 4, 4, 3, 3, 2, 2, 3)[index],
            workload=(3, 3, 2, 3, 4, 4, 5, 4)[index],
        )
        meeting.status = Meeting.Status.HELD
        meeting.estimated_connection_minutes = 10 + index
        meeting.estimated_performance_minutes = 20 - index
        meeting.save()
    phone = open_page(width=390)
    sign_in(phone, base, cast.report.email)
    phone.goto(f"{base}/check-ins/{cast.meeting.uuid}/")
    screenshot(phone, "checkin-form-phone")
    phone.goto(f"{base}/one-on-ones/{cast.one_on_one.uuid}/")
    expect(phone.get_by_role("img", name="Mood in the last 9 check-ins")).to_be_visible()
    screenshot(phone, "checkin-trends-phone")
    wide = open_page()
    sign_in(wide, base, cast.manager.email)
    wide.goto(f"{base}/one-on-ones/{cast.one_on_one.uuid}/")
    screenshot(wide, "checkin-trends")
