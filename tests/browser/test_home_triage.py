"""Home as a triage board in a real browser: the manager sees who needs a 1:1 soon and what
each 1:1 needs; the rest is folded and opens with one click; restoring a dismissed signal
from its history brings it back; the page fits a phone. The report sees none of it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from rapport.insights.selectors import team_view
from rapport.insights.services import signal_dismiss
from rapport.meetings.models import OneOnOne
from tests.browser.conftest import screenshot
from tests.browser.test_meeting_flow import sign_in
from tests.cast import build_cast
from tests.insights.test_team_view import overdue_actions


def test_the_manager_triages_from_home_and_restores_a_dismissed_signal(
    live_server: LiveServer, open_page: Any
) -> None:
    cast = build_cast()
    # A pair that never met in 60 days: act now (lapsed), and four overdue actions.
    OneOnOne.objects.filter(pk=cast.one_on_one.pk).update(
        starts_on=timezone.localdate() - timedelta(days=60)
    )
    overdue_actions(cast.one_on_one)
    member = team_view(cast.manager, one_on_one=cast.one_on_one).members[0]
    overdue = next(s for s in member.signals if s.rule == "overdue_actions")
    signal_dismiss(
        one_on_one=cast.one_on_one,
        rule=overdue.rule,
        since=overdue.since,
        reason="New dates agreed",
        by=cast.manager,
        signal=overdue,
    )
    base = live_server.url

    page = open_page(width=1366)
    sign_in(page, base, cast.manager.email)
    attention = page.get_by_role("region", name="Needs a 1:1 soon")
    expect(attention).to_contain_text("Rui Report")
    expect(attention).to_contain_text("Act now")
    team = page.locator("details#team")
    expect(team.get_by_role("link", name="Rosa Report")).to_be_hidden()
    team.locator("summary").click()
    expect(team.get_by_role("link", name="Rosa Report")).to_be_visible()
    screenshot(page, "home-manager")

    # The history of dismissed signals, and restore.
    page.goto(f"{base}/insights/team/{cast.one_on_one.uuid}/signals/dismissed/")
    expect(page.get_by_role("main")).to_contain_text("New dates agreed")
    page.get_by_role("button", name="Restore").click()
    expect(page.get_by_role("main")).to_contain_text("Restored by Mia Manager")
    page.goto(f"{base}/insights/team/")
    expect(page.locator("article", has_text="Rui Report")).to_contain_text("4 actions overdue")
    assert page.console_problems == []

    phone = open_page(width=390)
    sign_in(phone, base, cast.manager.email)
    phone.get_by_role("region", name="Needs a 1:1 soon").wait_for()
    screenshot(phone, "home-manager-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    report = open_page(width=390)
    sign_in(report, base, cast.report.email)
    expect(report.get_by_role("region", name="Your next 1:1")).to_contain_text("Mia Manager")
    expect(report.get_by_role("main")).not_to_contain_text("Act now")
    expect(report.get_by_role("main")).not_to_contain_text("keep an eye on")
    screenshot(report, "home-report-phone")
    assert report.evaluate("document.documentElement.scrollWidth") <= 390
