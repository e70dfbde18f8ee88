"""Setting up five 1:1s in one form in a real browser: select-all, the proposals in both zones,
and one time outside someone's hours that is saved only after its warning is confirmed, then the
week view with that 1:1 marked as outside someone's hours."""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from rapport.meetings.models import Meeting, OneOnOne
from rapport.people.models import Person
from tests.browser.conftest import screenshot
from tests.browser.test_meeting_flow import sign_in
from tests.cast import PASSWORD, build_cast


def test_the_manager_sets_up_five_reports_and_confirms_the_one_out_of_hours(
    live_server: LiveServer, open_page: Any
) -> None:
    cast = build_cast()
    cast.manager.timezone = "Europe/London"
    cast.manager.save(update_fields=["timezone"])
    cast.report_two.timezone = "America/New_York"
    cast.report_two.save(update_fields=["timezone"])
    for email, name, zone in [
        ("aroha@example.com", "Aroha Ngata", "Pacific/Auckland"),
        ("priya.r@example.com", "Priya Raman", "Asia/Kolkata"),
        ("hannah@example.com", "Hannah Kim", "America/Los_Angeles"),
    ]:
        Person.objects.create_user(email, PASSWORD, name=name, timezone=zone, manager=cast.manager)

    page = open_page()
    sign_in(page, live_server.url, cast.manager.email)
    page.goto(f"{live_server.url}/one-on-ones/")
    everyone = page.get_by_label("Everyone on the team")
    everyone.check()  # the script ticks all five, Rui too (he has a 1:1 already)
    expect(page.get_by_label("Rui Report")).to_be_checked()
    page.get_by_label("Length").select_option("30")
    page.get_by_role("button", name="Propose times").click()

    table = page.locator("table.proposals")
    expect(table.locator("tbody tr")).to_have_count(5)
    aroha = table.locator("tr", has_text="Aroha Ngata")
    expect(aroha).to_contain_text("No time fits both")
    expect(aroha).to_contain_text("Pacific/Auckland")
    expect(aroha).to_contain_text("Europe/London")
    expect(table.locator("tr", has_text="Hannah Kim")).to_contain_text("Inside both people's hours")
    screenshot(page, "team-slots-proposals")
    assert OneOnOne.objects.filter(manager=cast.manager).count() == 1  # nothing saved yet

    # Saving without the tick: the warning names who the time is bad for.
    page.get_by_role("button", name="Set up 5 1:1s").click()
    aroha = page.locator("table.proposals tr", has_text="Aroha Ngata")
    expect(aroha).to_contain_text("Tick to confirm")
    assert OneOnOne.objects.filter(manager=cast.manager).count() == 1
    confirm = aroha.get_by_label("I know", exact=False)
    expect(confirm).not_to_be_checked()
    confirm.check()
    screenshot(page, "team-slots-confirm")
    page.get_by_role("button", name="Set up 5 1:1s").click()
    expect(page.locator(".message.success")).to_contain_text(
        "5 1:1s set up; 1 outside someone's working hours, as you confirmed."
    )
    assert OneOnOne.objects.filter(manager=cast.manager, status="active").count() == 5

    # The week of Aroha's first 1:1: on the grid, marked as outside someone's hours.
    first = (
        Meeting.objects.filter(one_on_one__report__name="Aroha Ngata")
        .order_by("scheduled_for")
        .first()
    )
    assert first is not None
    day = first.scheduled_for.astimezone(ZoneInfo("Europe/London")).date()
    page.goto(f"{live_server.url}/week/?week={day.isoformat()}")
    block = page.locator(".week-block", has_text="Aroha Ngata").first
    expect(block).to_have_class(re.compile(r"\bis-outside\b"))
    screenshot(page, "team-slots-week")
    assert page.console_problems == []
