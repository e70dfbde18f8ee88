"""A whole 1:1 with the keyboard alone, from both sides (issue 18): the report adds a point and
writes a shared note; the manager runs meeting mode with its shortcuts, ticks a point, writes,
ends the meeting and ticks an action done. Only page.keyboard drives the pages (no click, no
fill); after every Tab the focused element must show a focus ring, and the meeting clock must
say each change in its polite live region."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.db.models import F
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from rapport.meetings.models import ActionItem, Meeting, Note, TalkingPoint, TimeSegment
from tests.browser.conftest import screenshot
from tests.cast import PASSWORD, build_cast
from tests.helpers.sealed import with_text

# What the focused element looks like: a ring is a drawn outline or a box shadow.
FOCUS = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return { where: "body", ring: false };
  // Chromium's date field has one more stop after its day, month and year: its calendar
  // button, inside the browser's own shadow tree, which draws its own ring (the field itself
  // is then not :focus). Scripts cannot read that ring's style, so it counts as shown.
  if (element.matches("input[type=date]") && !element.matches(":focus")) {
    return { where: "calendar button", ring: true };
  }
  const style = getComputedStyle(element);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = Boolean(style.boxShadow) && style.boxShadow !== "none";
  const name = element.getAttribute("aria-label") || element.textContent.trim().slice(0, 60);
  const where = `${element.tagName.toLowerCase()}#${element.id} ${name}`;
  return { where, ring: outline || shadow };
}"""
POSITIVE_TABINDEX = (
    "() => [...document.querySelectorAll('[tabindex]')].filter(e => e.tabIndex > 0).length"
)


def tab_to(page: Any, selector: str, *, backwards: bool = False, limit: int = 150) -> None:
    """Presses Tab (or Shift+Tab) until the focused element matches `selector`, checking that
    every element passed on the way shows its focus. An autofocused field counts as reached."""
    if page.evaluate("(s) => document.activeElement.matches(s)", selector):
        return
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focus = page.evaluate(FOCUS)
        assert focus["ring"], f"no visible focus on {focus['where']}"
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def focused_id(page: Any) -> str:
    return str(page.evaluate("() => document.activeElement.id"))


def sign_in_by_keyboard(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/sign-in/")
    assert page.evaluate(POSITIVE_TABINDEX) == 0
    tab_to(page, "input[type=email]")
    page.keyboard.type(email)
    tab_to(page, "input[type=password]")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Hello").wait_for()


def test_a_whole_one_on_one_runs_from_the_keyboard_alone_on_both_sides(
    live_server: LiveServer, open_page: Any
) -> None:
    cast = build_cast()
    meeting = cast.meeting
    meeting_page = f"{live_server.url}/meetings/{meeting.uuid}/"
    new_point = "Could I lead the next design review?"

    # The report: a talking point for the performance section, and a shared note.
    report = open_page()
    sign_in_by_keyboard(report, live_server.url, cast.report.email)
    report.goto(meeting_page)
    assert report.evaluate(POSITIVE_TABINDEX) == 0
    tab_to(report, "#id_text")
    report.keyboard.type(new_point)
    tab_to(report, "#id_section")
    report.keyboard.press("p")  # a closed select takes the option starting with the letter
    tab_to(report, "#point-add")
    report.keyboard.press("Enter")
    expect(report.locator(".point-text", has_text=new_point)).to_be_visible()
    [point] = with_text(TalkingPoint.objects.all(), new_point)
    assert (point.author_id, point.section) == (cast.report.pk, "performance")
    assert focused_id(report) == "point-add"  # the swapped form keeps focus where it was

    tab_to(report, "#note-shared")
    report.keyboard.type("Shipped the search rewrite")
    expect(report.locator('[data-note][data-kind="shared"] [data-status]')).to_have_text(
        re.compile(r"^Saved \d")
    )
    shared = Note.objects.get(meeting=meeting, author=cast.report, kind="shared")
    assert shared.body == "Shipped the search rewrite"

    # The report follows along in meeting mode (where the clock is read-only).
    report.goto(f"{meeting_page}mode/")
    expect(report.locator("#mode-announce")).to_have_text("")

    # The manager: meeting page, then meeting mode.
    manager = open_page()
    sign_in_by_keyboard(manager, live_server.url, cast.manager.email)
    manager.goto(meeting_page)
    tab_to(manager, f'a[href="/meetings/{meeting.uuid}/mode/"]')
    manager.keyboard.press("Enter")
    manager.wait_for_url(re.compile(r"/mode/$"))
    assert manager.evaluate(POSITIVE_TABINDEX) == 0
    state = manager.locator("[data-state-text]")
    said = manager.locator("#mode-announce")
    expect(state).to_have_text("Not started")
    assert said.get_attribute("aria-live") == "polite"
    # The ticking seconds are a timer, which screen readers do not read out on every change.
    assert manager.locator("[data-total]").get_attribute("role") == "timer"
    expect(said).to_have_text("")

    # Space (nothing focused) starts with connection; P switches to performance.
    manager.keyboard.press("Space")
    expect(state).to_have_text("Connection running")
    expect(said).to_have_text("Connection started")
    assert TimeSegment.objects.get(meeting=meeting, ended_at=None).section == "connection"
    assert manager.evaluate(FOCUS)["ring"]  # focus went to the button that replaced Start
    manager.keyboard.press("p")
    expect(state).to_have_text("Performance running")
    expect(said).to_have_text("Switched to performance")
    assert TimeSegment.objects.get(meeting=meeting, ended_at=None).section == "performance"

    # Tick the report's point: focus stays on its tick after the agenda is swapped.
    tab_to(manager, f"#discuss-{point.uuid}")
    manager.keyboard.press("Enter")
    expect(manager.get_by_role("button", name=f"Mark not discussed: {new_point}")).to_be_focused()
    point.refresh_from_db()
    assert point.discussed_in_id == meeting.pk

    # An action agreed on the way (typing C, P or a space in a field is only typing).
    new_action = "Book a slot for the design review"
    tab_to(manager, "#id_action_text")
    manager.keyboard.type(new_action)
    tab_to(manager, "#action-add")
    manager.keyboard.press("Enter")
    expect(manager.locator(".action", has_text=new_action)).to_be_visible()
    action = ActionItem.objects.get(text=new_action)
    assert action.created_in_id == meeting.pk
    expect(state).to_have_text("Performance running")

    # Twenty-six minutes in (moved on the server), the next poll says five minutes are left;
    # the swap of the clock leaves focus on the button it was on.
    tab_to(manager, "#mode-switch-performance", backwards=True)
    earlier = timedelta(minutes=26)  # every stretch moves back; only the running one grows
    TimeSegment.objects.filter(meeting=meeting).update(
        started_at=F("started_at") - earlier, ended_at=F("ended_at") - earlier
    )
    expect(said).to_have_text("5 minutes left", timeout=9000)
    assert focused_id(manager) == "mode-switch-performance"
    assert manager.evaluate(FOCUS)["ring"]

    # Notes, autosaved; Escape leaves the editor and Space then pauses.
    tab_to(manager, "#note-shared")
    manager.keyboard.type("Rui leads the next design review")
    expect(manager.locator('[data-note][data-kind="shared"] [data-status]')).to_have_text(
        re.compile(r"^Saved \d")
    )
    manager_note = Note.objects.get(meeting=meeting, author=cast.manager, kind="shared")
    assert manager_note.body == "Rui leads the next design review"
    manager.keyboard.press("Escape")
    manager.keyboard.press("Space")
    expect(state).to_have_text("Paused")
    expect(said).to_have_text("Paused")
    assert not TimeSegment.objects.filter(meeting=meeting, ended_at=None).exists()
    assert focused_id(manager) == "mode-resume"
    manager.keyboard.press("Space")  # the focused Resume button's own press
    expect(said).to_have_text("Resumed: performance")
    screenshot(manager, "keyboard-meeting-mode")

    # End: open the fold, then its button; meeting mode hands over to the summary.
    tab_to(manager, "#mode-end-toggle")
    manager.keyboard.press("Enter")
    tab_to(manager, "#mode-end")
    manager.keyboard.press("Enter")
    manager.wait_for_url(re.compile(r"/summary/$"))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    expect(report.locator("#mode-announce")).to_have_text("Meeting ended", timeout=9000)
    assert meeting.performance_seconds is not None and meeting.performance_seconds >= 26 * 60

    # From the summary back to the meeting page, and tick that action done.
    assert manager.evaluate(POSITIVE_TABINDEX) == 0
    tab_to(manager, f'main a[href="/meetings/{meeting.uuid}/"]')
    manager.keyboard.press("Enter")
    manager.wait_for_url(meeting_page)
    tab_to(manager, f"#done-{action.uuid}")
    manager.keyboard.press("Enter")
    expect(manager.get_by_role("button", name=f"Reopen: {new_action}")).to_be_focused()
    action.refresh_from_db()
    assert action.done_at is not None
    assert manager.console_problems == []
    assert report.console_problems == []
