"""notes.js in a real Chromium: autosave, a 409 conflict and its choice, retries, leaving.

The notes card is shown on a small page of this module (its own URLconf, the product's routes
plus one), so these tests depend only on the notes partial, not on the meeting page around it.
"""

from __future__ import annotations

import re
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError
from django.http import HttpResponse
from django.template import engines
from django.urls import path
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from rapport import urls as rapport_urls
from rapport.http import SignedInRequest
from rapport.meetings.models import Note, NoteConflictCopy
from rapport.meetings.selectors import get_meeting_for, notes_for
from rapport.meetings.services import note_save
from tests.browser.conftest import screenshot
from tests.cast import PASSWORD, Cast, build_cast

PAGE = """{% extends "base.html" %}{% block title %}Notes{% endblock %}
{% block content %}{% include "meetings/_notes.html" %}{% endblock %}"""


# "Not saved yet" contains "saved" too: match the whole status.
SAVED = re.compile(r"^Saved \d\d:\d\d$")


def notes_page(request: SignedInRequest, meeting_uuid: str) -> HttpResponse:
    meeting = get_meeting_for(request.user, meeting_uuid)
    context = {"notes": notes_for(request.user, meeting), "meeting": meeting}
    return HttpResponse(engines["django"].from_string(PAGE).render(context, request))


urlpatterns = [
    *rapport_urls.urlpatterns,
    path("test-notes/<uuid:meeting_uuid>/", notes_page, name="test_notes_page"),
]


@pytest.fixture
def notes_urls(settings: Settings) -> None:
    settings.ROOT_URLCONF = __name__


def open_notes(live_server: LiveServer, page: Any) -> Cast:
    cast = build_cast()
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email").fill(cast.report.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Hello, Rui").wait_for()
    page.goto(f"{live_server.url}/test-notes/{cast.meeting.uuid}/")
    return cast


def status_of(page: Any, kind: str) -> Any:
    return page.locator(f"[data-note][data-kind={kind}] [data-status]")


def shared_note(cast: Cast) -> Note:
    return Note.objects.get(meeting=cast.meeting, author=cast.report, kind=Note.Kind.SHARED)


@pytest.mark.usefixtures("notes_urls")
def test_a_note_saves_itself_while_the_person_types(
    live_server: LiveServer, page: Any, transactional_db: None
) -> None:
    cast = open_notes(live_server, page)
    editor = page.get_by_label("Shared with Mia")
    editor.click()
    editor.press_sequentially("Rui is **happy** with the new team", delay=20)
    status = status_of(page, "shared")
    status.filter(has_text=SAVED).wait_for()
    assert shared_note(cast).body == "Rui is **happy** with the new team"

    private = page.get_by_label("Only you")
    private.fill("just for me")
    # Out of the editor, the shared note shows as rendered Markdown (the server's rendering).
    rendered = page.locator("[data-note][data-kind=shared] [data-preview]")
    rendered.wait_for()
    assert rendered.locator("strong").inner_text() == "happy"
    assert editor.is_hidden()
    private.blur()  # leaving the field saves at once
    status_of(page, "private").filter(has_text=SAVED).wait_for()
    assert Note.objects.get(author=cast.report, kind=Note.Kind.PRIVATE).body == "just for me"
    assert page.console_problems == [], "the page logged errors (a CSP violation shows up here)"


@pytest.mark.usefixtures("notes_urls")
def test_a_stale_save_shows_both_texts_and_the_person_chooses(
    live_server: LiveServer, page: Any, transactional_db: None
) -> None:
    cast = open_notes(live_server, page)
    editor = page.get_by_label("Shared with Mia")
    editor.fill("first words")
    status_of(page, "shared").filter(has_text=SAVED).wait_for()
    # Another tab saves on top meanwhile.
    note_save(
        meeting=cast.meeting,
        author=cast.report,
        kind=Note.Kind.SHARED,
        body="written in the other tab",
        base_version=1,
    )
    editor.fill("first words, and more from this tab")

    panel = page.locator("[data-conflicts] [data-conflict]")
    panel.wait_for()
    assert panel.locator("[data-theirs]").inner_text() == "written in the other tab"
    assert panel.locator("[data-yours]").inner_text() == "first words, and more from this tab"
    assert editor.get_attribute("readonly") is not None, "no typing into a text being chosen"
    assert NoteConflictCopy.objects.get().body == "first words, and more from this tab"
    screenshot(page, "notes-conflict")

    panel.get_by_role("button", name="Keep mine").click()
    panel.wait_for(state="detached")
    status_of(page, "shared").filter(has_text=SAVED).wait_for()
    assert shared_note(cast).body == "first words, and more from this tab"
    assert not NoteConflictCopy.objects.exists()
    assert editor.get_attribute("readonly") is None
    # Chromium logs every 4xx answer; the 409 is the expected one, nothing else may appear.
    assert [p for p in page.console_problems if "409 (Conflict)" not in p] == []


@pytest.mark.usefixtures("notes_urls")
def test_a_reload_after_a_conflict_still_offers_the_unsaved_text(
    live_server: LiveServer, page: Any, transactional_db: None
) -> None:
    cast = open_notes(live_server, page)
    for body, version in (("saved", 0), ("saved twice", 1)):
        note_save(
            meeting=cast.meeting,
            author=cast.report,
            kind=Note.Kind.SHARED,
            body=body,
            base_version=version,
        )
    with pytest.raises(Exception, match="version"):
        note_save(
            meeting=cast.meeting,
            author=cast.report,
            kind=Note.Kind.SHARED,
            body="typed on the train",
            base_version=1,
        )
    page.reload()
    panel = page.locator("[data-conflicts] [data-conflict]")
    assert panel.locator("[data-yours]").inner_text() == "typed on the train"
    panel.get_by_role("button", name="Keep the saved version").click()
    panel.wait_for(state="detached")
    assert page.get_by_label("Shared with Mia").input_value() == "saved twice"
    assert shared_note(cast).body == "saved twice"
    assert not NoteConflictCopy.objects.exists()


@pytest.mark.usefixtures("notes_urls")
def test_a_failed_save_is_retried_and_the_person_is_told(
    live_server: LiveServer, page: Any, transactional_db: None
) -> None:
    cast = open_notes(live_server, page)
    page.route("**/notes/shared/", lambda route: route.abort("internetdisconnected"))
    page.get_by_label("Shared with Mia").fill("typed while the network was down")
    status_of(page, "shared").filter(has_text=re.compile(r"retrying in \d+ s")).wait_for()
    assert not Note.objects.exists()

    page.unroute("**/notes/shared/")
    status_of(page, "shared").filter(has_text=SAVED).wait_for(timeout=15_000)
    assert shared_note(cast).body == "typed while the network was down"


@pytest.mark.usefixtures("notes_urls")
def test_leaving_with_unsaved_text_asks_first(
    live_server: LiveServer, page: Any, transactional_db: None
) -> None:
    open_notes(live_server, page)
    page.route("**/notes/shared/", lambda route: route.abort("internetdisconnected"))
    editor = page.get_by_label("Shared with Mia")
    editor.click()
    editor.press_sequentially("not saved yet")
    dialogs: list[str] = []

    def dismiss(dialog: Any) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]


REFUSES = re.compile(r"database refuses writes")
LOCAL_KEYS = "Object.keys(localStorage).filter((key) => key.startsWith('rapport:'))"


@pytest.mark.usefixtures("notes_urls")
def test_a_save_the_database_refuses_says_why_survives_a_reload_and_is_saved_once(
    live_server: LiveServer, page: Any, transactional_db: None
) -> None:
    cast = open_notes(live_server, page)
    note_save(
        meeting=cast.meeting,
        author=cast.report,
        kind=Note.Kind.SHARED,
        body="before",
        base_version=0,
    )
    page.reload()
    page.on("dialog", lambda dialog: dialog.accept())  # "leave with unsaved text?": yes
    editor = page.get_by_label("Shared with Mia")
    text = "typed while the disk was full"
    # The database refuses every write to the note, as a read-only file or a full disk would.
    refusing = mock.patch(
        "rapport.meetings.services._conditional_write",
        side_effect=OperationalError("attempt to write a readonly database"),
    )
    refusing.start()
    try:
        # The saved note shows rendered; editing starts from its Edit button.
        page.get_by_role("button", name="Edit shared with mia").click()
        editor.fill(text)
        status_of(page, "shared").filter(has_text=REFUSES).wait_for()
        assert "kept on this device" in status_of(page, "shared").inner_text()
        screenshot(page, "notes-not-saved-database-refuses")
        assert len(page.evaluate(LOCAL_KEYS)) == 1

        page.reload()
        assert editor.input_value() == text, "the reload brought the text back from this device"
        status_of(page, "shared").filter(has_text=REFUSES).wait_for()
        assert shared_note(cast).body == "before"
    finally:
        refusing.stop()

    status_of(page, "shared").filter(has_text=SAVED).wait_for(timeout=15_000)
    note = shared_note(cast)
    assert (note.body, note.version) == (text, 2), (
        "saved once, on top of the version it was typed on"
    )
    assert not NoteConflictCopy.objects.exists()
    assert page.evaluate(LOCAL_KEYS) == [], "acknowledged text is no longer kept in the browser"
    assert [p for p in page.console_problems if "503" not in p] == []


@pytest.mark.usefixtures("notes_urls")
def test_signing_out_forgets_the_unsaved_text_kept_in_this_browser(
    live_server: LiveServer, page: Any, transactional_db: None
) -> None:
    open_notes(live_server, page)
    page.route("**/notes/shared/", lambda route: route.abort("internetdisconnected"))
    page.get_by_label("Shared with Mia").fill("not for the next person")
    status_of(page, "shared").filter(has_text=re.compile(r"retrying in \d+ s")).wait_for()
    assert len(page.evaluate(LOCAL_KEYS)) == 1
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for()
    page.wait_for_function(f"{LOCAL_KEYS}.length === 0", timeout=5_000)


@pytest.mark.usefixtures("notes_urls")
def test_a_save_whose_answer_was_lost_is_not_a_conflict_with_itself(
    live_server: LiveServer, page: Any, transactional_db: None
) -> None:
    cast = open_notes(live_server, page)
    answers_lost: list[str] = []

    def lose_the_first_answer(route: Any) -> None:
        if answers_lost:
            route.continue_()
            return
        route.fetch()  # the server saves...
        answers_lost.append(route.request.post_data or "")
        route.abort("connectionreset")  # ...and its answer never arrives

    page.route("**/notes/shared/", lose_the_first_answer)
    editor = page.get_by_label("Shared with Mia")
    editor.fill("first words")
    status_of(page, "shared").filter(has_text=re.compile(r"retrying in \d+ s")).wait_for()
    assert shared_note(cast).version == 1
    editor.fill("first words, and more typed before the retry")
    status_of(page, "shared").filter(has_text=SAVED).wait_for(timeout=15_000)

    note = shared_note(cast)
    assert (note.body, note.version) == ("first words, and more typed before the retry", 2)
    assert not NoteConflictCopy.objects.exists()
    assert page.locator("[data-conflicts] [data-conflict]").count() == 0
    assert "key=" in answers_lost[0]


@pytest.mark.usefixtures("notes_urls")
def test_markdown_shortcuts_and_the_rendered_view_between_edits(
    live_server: LiveServer, page: Any, transactional_db: None
) -> None:
    cast = open_notes(live_server, page)
    editor = page.get_by_label("Shared with Mia")
    editor.click()
    editor.press_sequentially("Plan", delay=10)
    editor.press("Control+a")
    editor.press("Control+b")
    editor.press("End")
    editor.press("Enter")
    editor.press_sequentially("- first", delay=10)
    editor.press("Enter")  # the list goes on by itself
    editor.press_sequentially("second", delay=10)
    editor.press("Enter")
    editor.press("Enter")  # Enter on an empty item ends the list
    editor.press_sequentially("Thanks", delay=10)
    assert editor.input_value() == "**Plan**\n- first\n- second\n\nThanks"

    editor.press("Escape")  # leaves the editor; the note saves and shows rendered
    rendered = page.locator("[data-note][data-kind=shared] [data-preview]")
    rendered.wait_for()
    assert shared_note(cast).body == "**Plan**\n- first\n- second\n\nThanks"
    assert rendered.locator("strong").inner_text() == "Plan"
    assert rendered.locator("li").all_inner_texts() == ["first", "second"]
    assert editor.is_hidden()
    screenshot(page, "notes-writing-rendered")

    # Editing again, from the keyboard: the Edit button puts the caret at the end.
    edit = page.get_by_role("button", name="Edit shared with mia")
    edit.focus()
    page.keyboard.press("Enter")
    assert editor.is_visible()
    assert edit.is_hidden(), "no Edit button beside an editor already open"
    # An empty note is simply an editor: nothing to render, nothing to click first.
    assert page.get_by_label("Only you").is_visible()
    assert page.get_by_role("button", name="Edit only you").is_hidden()
    editor.press_sequentially("!", delay=10)
    status_of(page, "shared").filter(has_text=SAVED).wait_for()
    assert shared_note(cast).body.endswith("Thanks!")
    screenshot(page, "notes-writing")
    assert page.console_problems == [], "the page logged errors (a CSP violation shows up here)"
