"""A whole 1:1 from the one meeting screen, in a real browser: start the clock, take notes in
both sections, put a signal on the agenda, ask a suggested question, tick a point, end; then
the summary shows what happened and the recap email carries the shared parts only. At
1366x768 both note editors start within the first screen; on a phone the columns are tabs."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from playwright.sync_api import expect
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from rapport.meetings.models import Meeting, TalkingPoint
from rapport.meetings.services import person_card_save
from rapport.notify.services import notify_tick, outbox_send_due
from rapport.questions.models import AskedQuestion
from tests.access_rows.insights import overdue_actions
from tests.browser.conftest import screenshot
from tests.browser.test_meeting_flow import sign_in
from tests.canaries import PERSON_CARD
from tests.cast import PRIVATE_POINT_MARKER, build_cast
from tests.notify.conftest import DUMMY_TASKS

SAVED = re.compile(r"^Saved \d\d:\d\d$")
SHARED_TEXT = "We agreed to try pairing on Fridays"
PRIVATE_TEXT = "Rui seems tired MODE-PRIVATE-NOTE-5c1e"
LEFT_POINT = "Plan the team offsite"
ACTION = "Book a Friday pairing slot"


def test_a_whole_one_on_one_from_the_meeting_screen(
    live_server: LiveServer, open_page: Any, settings: Settings, mailoutbox: list[Any]
) -> None:
    settings.TASKS = DUMMY_TASKS  # the test sends the outbox itself, at the recap's moment
    cast = build_cast()
    overdue_actions(cast)  # an open "actions overdue" signal on the pair
    person_card_save(one_on_one=cast.one_on_one, by=cast.manager, motivators=f"Craft {PERSON_CARD}")
    mode_url = f"{live_server.url}/meetings/{cast.meeting.uuid}/mode/"

    manager = open_page(width=1366)
    manager.set_viewport_size({"width": 1366, "height": 768})
    sign_in(manager, live_server.url, cast.manager.email)
    manager.goto(mode_url)

    # One laptop screen: both note editors start within 768 px, without scrolling.
    assert manager.evaluate("window.scrollY") == 0
    for editor in ("#note-shared", "#note-private"):
        box = manager.locator(editor).bounding_box()
        assert box is not None and 0 < box["y"] < 768 - 40, (editor, box)
    for part in ("Signals", "Last time", "Questions to ask", "Person card"):
        if part != "Last time":  # the cast's first meeting has no meeting before it
            expect(manager.locator("summary", has_text=part)).to_be_visible()
    screenshot(manager, "meeting-screen-1366")

    # Start; the server renders the state, the page counts the seconds on.
    state = manager.locator("[data-state-text]")
    manager.get_by_role("button", name="Start with connection").click()
    expect(state).to_have_text("Connection running")
    expect(manager.locator('[data-time="connection"]')).to_have_text(re.compile(r"^0:0[2-9]$"))

    # Notes in both sections, saved as typed (the same notes.js as the meeting page).
    manager.locator("#note-shared").fill(SHARED_TEXT)
    expect(manager.locator('[data-kind="shared"] [data-status]')).to_have_text(SAVED)
    manager.locator("#note-private").fill(PRIVATE_TEXT)
    expect(manager.locator('[data-kind="private"] [data-status]')).to_have_text(SAVED)

    # A signal onto the agenda, as the manager's private point, without leaving the screen.
    manager.get_by_role("button", name="Add to the agenda (private)").first.click()
    agenda = manager.locator("#agenda-block")
    expect(agenda.get_by_text(re.compile("^4 actions overdue"))).to_be_visible()
    assert manager.url == mode_url
    [point] = [p for p in TalkingPoint.objects.all() if p.text.startswith("4 actions overdue")]
    assert point.is_private and point.author_id == cast.manager.pk

    # Ask a suggested question, and tick a point discussed.
    ask = manager.locator("#questions-connection").get_by_role(
        "button", name=re.compile("^Mark asked: ")
    )
    question = (ask.first.get_attribute("aria-label") or "").removeprefix("Mark asked: ")
    ask.first.click()
    expect(manager.locator("#questions-connection .question-asked")).to_contain_text(question)
    manager.get_by_role("button", name="Mark discussed: How the move went").click()
    manager.get_by_role("button", name="Mark not discussed: How the move went").wait_for()
    # A point raised but not reached, and an action agreed.
    manager.locator("form.add-point input[name=text]").fill(LEFT_POINT)
    manager.locator("form.add-point").get_by_role("button", name="Add").click()
    expect(agenda.get_by_text(LEFT_POINT)).to_be_visible()
    manager.locator("form.add-action input[name=text]").fill(ACTION)
    manager.locator("form.add-action").get_by_role("button", name="Add").click()
    expect(manager.locator("#actions-block").get_by_text(ACTION)).to_be_visible()
    assert AskedQuestion.objects.filter(meeting=cast.meeting, question__text=question).exists()

    # On a phone the report sees the same meeting as three tabs.
    report = open_page(width=390)
    report.set_viewport_size({"width": 390, "height": 844})
    sign_in(report, live_server.url, cast.report.email)
    report.goto(mode_url)
    tabs = report.get_by_role("tablist", name="Meeting mode")
    expect(tabs).to_be_visible()
    expect(report.get_by_role("tab", name="Agenda")).to_have_attribute("aria-selected", "true")
    expect(report.locator("#mode-clock")).to_be_visible()
    expect(report.locator("#note-shared")).to_be_hidden()
    report.get_by_role("tab", name="Notes").click()
    expect(report.get_by_role("tab", name="Notes")).to_have_attribute("aria-selected", "true")
    expect(report.locator("#note-shared")).to_be_visible()
    expect(report.locator("#mode-clock")).to_be_hidden()
    report.keyboard.press("ArrowRight")
    expect(report.get_by_role("tab", name="Context")).to_have_attribute("aria-selected", "true")
    expect(report.get_by_role("tab", name="Context")).to_be_focused()
    expect(report.locator("#mode-panel-context")).to_be_visible()
    expect(report.locator("#note-shared")).to_be_hidden()
    screenshot(report, "meeting-screen-phone")

    # End: the summary shows what happened.
    manager.get_by_text("End meeting…").click()
    manager.get_by_role("button", name="End and see the summary").click()
    manager.wait_for_url(re.compile(r"/summary/$"))
    notes = manager.get_by_role("region", name="Notes")
    expect(notes.locator('[data-summary-note="shared"]')).to_contain_text(SHARED_TEXT)
    private = notes.locator('[data-summary-note="private"]')
    expect(private).to_contain_text(PRIVATE_TEXT)
    expect(private).to_contain_text("only you")
    expect(manager.get_by_role("region", name=re.compile("Questions asked"))).to_contain_text(
        question
    )
    covered = manager.get_by_role("region", name=re.compile("Points covered"))
    expect(covered).to_contain_text("How the move went")
    left = manager.get_by_role("region", name=re.compile("Points left"))
    expect(left).to_contain_text(LEFT_POINT)
    expect(left).to_contain_text("4 actions overdue")  # the manager's own private point
    created = manager.get_by_role("region", name=re.compile("Actions created"))
    expect(created).to_contain_text(ACTION)
    expect(manager.locator("[data-measured]").first).to_have_text(re.compile(r"^\d+:\d\d$"))
    screenshot(manager, "meeting-screen-summary")

    # The recap, through the outbox: shared notes, points covered and left; nothing private.
    meeting = Meeting.objects.get(pk=cast.meeting.pk)
    assert meeting.status == Meeting.Status.HELD
    moment = meeting.ends_at + timedelta(hours=1)
    notify_tick(now=moment)
    outbox_send_due(now=moment)
    recaps = [m for m in mailoutbox if m.subject.startswith("Recap of your 1:1")]
    assert sorted(address for m in recaps for address in m.to) == sorted(
        [cast.manager.email, cast.report.email]
    )
    for message in recaps:
        html = message.alternatives[0][0] if message.alternatives else ""
        for body in (message.body, html):
            assert SHARED_TEXT in body
            assert "How the move went" in body and ACTION in body and LEFT_POINT in body
            assert "Left for next time" in body
            for secret in (PRIVATE_TEXT, PERSON_CARD, PRIVATE_POINT_MARKER, "4 actions overdue"):
                assert secret not in body, (message.to, secret)

    assert manager.console_problems == []
    assert report.console_problems == []
