"""Meeting notes: conflict-safe saving, who sees which note, and Markdown that runs nothing.

The cast's 1:1 is Mia (manager) with Rui (report); `cast.meeting` is its next meeting.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from rapport.markdown import render_markdown, sanitise_html
from rapport.meetings.models import Meeting, Note, NoteConflictCopy
from rapport.meetings.selectors import conflict_copy_for, get_meeting_for, notes_for
from rapport.meetings.services import (
    NoteConflict,
    NotesClosed,
    NoteVersionUnknown,
    note_conflict_resolve,
    note_save,
    one_on_ones_close_where_manager_changed,
)
from rapport.people.models import Person
from tests.cast import Cast

SHARED = Note.Kind.SHARED
PRIVATE = Note.Kind.PRIVATE


def save(cast: Cast, body: str, version: int, *, author: Person | None = None) -> Note:
    return note_save(
        meeting=cast.meeting,
        author=author or cast.report,
        kind=SHARED,
        body=body,
        base_version=version,
    )


def stale_save(cast: Cast, body: str, version: int) -> NoteConflict:
    with pytest.raises(NoteConflict) as refused:
        save(cast, body, version)
    return refused.value


def close_the_one_on_one(cast: Cast) -> None:
    cast.report.manager = cast.peer_manager
    cast.report.save(update_fields=["manager"])
    assert one_on_ones_close_where_manager_changed() == 1


def save_url(cast: Cast, kind: str = SHARED) -> str:
    return reverse("meetings:note_save", kwargs={"meeting_uuid": cast.meeting.uuid, "kind": kind})


def resolve_url(cast: Cast, kind: str = SHARED) -> str:
    return reverse(
        "meetings:note_resolve", kwargs={"meeting_uuid": cast.meeting.uuid, "kind": kind}
    )


@dataclass(frozen=True)
class Answer:
    status: int
    data: dict[str, Any]


def post_as(person: Person, url: str, data: dict[str, Any]) -> Answer:
    client = Client()
    client.force_login(person)
    response = client.post(url, data)
    is_json = response.headers.get("Content-Type") == "application/json"
    return Answer(response.status_code, json.loads(response.content) if is_json else {})


def render_notes(viewer: Person, meeting: Meeting) -> str:
    request = RequestFactory().get("/")
    request.user = viewer
    context = {"notes": notes_for(viewer, meeting), "meeting": meeting}
    return render_to_string("meetings/_notes.html", context, request=request)


# --- Saving -----------------------------------------------------------------------------


def test_the_first_save_creates_the_note_at_version_one(cast: Cast) -> None:
    note = save(cast, "How was the offsite?", 0)
    assert (note.body, note.version, note.author, note.kind) == (
        "How was the offsite?",
        1,
        cast.report,
        SHARED,
    )


def test_every_save_raises_the_version_by_one(cast: Cast) -> None:
    note = save(cast, "one", 0)
    note = save(cast, "one two", note.version)
    note = save(cast, "one two three", note.version)
    assert (note.version, note.body) == (3, "one two three")
    assert Note.objects.get(pk=note.pk).version == 3


def test_a_stale_save_is_refused_and_its_text_kept_on_the_server(cast: Cast) -> None:
    save(cast, "first", 0)
    save(cast, "from the laptop", 1)
    conflict = stale_save(cast, "from the phone", 1)
    assert (conflict.current.body, conflict.current.version) == ("from the laptop", 2)
    assert conflict.rejected_body == "from the phone"
    kept = NoteConflictCopy.objects.get()
    assert (kept.body, kept.base_version, kept.author) == ("from the phone", 1, cast.report)
    assert Note.objects.get().body == "from the laptop", "the saved text was not overwritten"


def test_two_stale_saves_of_the_same_note_both_survive(cast: Cast) -> None:
    save(cast, "agreed: ship on Friday", 0)
    save(cast, "agreed: ship on Friday, Rui writes the notes", 1)
    first = stale_save(cast, "agreed: ship on Monday", 1)
    second = stale_save(cast, "agreed: ship next week", 1)

    assert first.copy.pk != second.copy.pk
    assert sorted(NoteConflictCopy.objects.values_list("body", flat=True)) == [
        "agreed: ship next week",
        "agreed: ship on Monday",
    ]
    assert Note.objects.get().body == "agreed: ship on Friday, Rui writes the notes"
    view = notes_for(cast.report, cast.meeting)
    assert [copy.body for copy in view.shared.conflicts] == [
        "agreed: ship on Monday",
        "agreed: ship next week",
    ]

    kept = note_conflict_resolve(
        copy=first.copy, by=cast.report, body=first.copy.body, seen_version=2
    )
    assert (kept.note.body, kept.note.version, kept.conflicts_left) == (
        "agreed: ship on Monday",
        3,
        1,
    )
    dropped = note_conflict_resolve(copy=second.copy, by=cast.report, body=None, seen_version=3)
    assert (dropped.note.body, dropped.conflicts_left) == ("agreed: ship on Monday", 0)
    assert not NoteConflictCopy.objects.exists()


def test_two_stale_saves_through_the_page_are_both_answered_409_and_both_kept(
    cast: Cast,
) -> None:
    url = save_url(cast)
    assert post_as(cast.report, url, {"body": "draft", "version": 0}).status == 200
    assert post_as(cast.report, url, {"body": "draft, tab A", "version": 1}).status == 200
    refused = [
        post_as(cast.report, url, {"body": f"draft, tab {tab}", "version": 1}) for tab in "BC"
    ]
    assert [response.status for response in refused] == [409, 409]
    answers = [response.data for response in refused]
    assert [answer["yours"] for answer in answers] == ["draft, tab B", "draft, tab C"]
    assert {answer["current_body"] for answer in answers} == {"draft, tab A"}
    assert len({answer["copy"] for answer in answers}) == 2

    # A reload still offers both: neither text depends on the browser that typed it.
    page = render_notes(cast.report, cast.meeting)
    assert "draft, tab B" in page
    assert "draft, tab C" in page
    for answer in answers:
        assert f'data-copy="{answer["copy"]}"' in page


def test_a_retried_save_that_had_already_landed_is_not_a_conflict(cast: Cast) -> None:
    save(cast, "text", 0)
    # The answer to this save was lost on the network, so the browser sends it again.
    save(cast, "text and more", 1)
    again = save(cast, "text and more", 1)
    assert again.version == 2
    assert not NoteConflictCopy.objects.exists()


KEY_A = "a" * 16 + "-first-attempt"
KEY_B = "b" * 16 + "_second_attempt"


def keyed_save(cast: Cast, body: str, version: int, key: str) -> Note:
    return note_save(
        meeting=cast.meeting,
        author=cast.report,
        kind=SHARED,
        body=body,
        base_version=version,
        save_key=key,
    )


def test_a_save_sent_again_with_its_key_after_a_lost_answer_is_answered_as_saved(
    cast: Cast,
) -> None:
    save(cast, "text", 0)
    landed = keyed_save(cast, "text and more", 1, KEY_A)  # its answer never reached the browser
    again = keyed_save(cast, "text and more", 1, KEY_A)
    assert (again.pk, again.version, again.body) == (landed.pk, 2, "text and more")
    assert not NoteConflictCopy.objects.exists()


def test_a_retry_with_its_key_carries_the_words_typed_since_without_a_conflict(
    cast: Cast,
) -> None:
    keyed_save(cast, "first words", 0, KEY_A)  # saved, but the answer was lost
    retried = keyed_save(cast, "first words, and more", 0, KEY_A)
    assert (retried.version, retried.body) == (2, "first words, and more")
    assert not NoteConflictCopy.objects.exists()


def test_a_retry_after_someone_else_saved_is_still_a_conflict(cast: Cast) -> None:
    keyed_save(cast, "first words", 0, KEY_A)
    keyed_save(cast, "from the other tab", 1, KEY_B)
    with pytest.raises(NoteConflict):
        keyed_save(cast, "first words, and more", 0, KEY_A)
    assert Note.objects.get().body == "from the other tab"
    assert NoteConflictCopy.objects.get().body == "first words, and more"


def test_a_different_key_on_an_old_version_is_a_conflict(cast: Cast) -> None:
    keyed_save(cast, "first words", 0, KEY_A)
    with pytest.raises(NoteConflict):
        keyed_save(cast, "other words", 0, KEY_B)


def test_the_save_endpoint_answers_a_retried_key_200_with_the_saved_version(cast: Cast) -> None:
    fields = {"body": "typed on the train", "version": 0, "key": KEY_A}
    first = post_as(cast.report, save_url(cast), fields)
    again = post_as(cast.report, save_url(cast), {**fields, "body": "typed on the train, more"})
    assert (first.status, again.status) == (200, 200)
    assert (first.data["version"], again.data["version"]) == (1, 2)
    assert Note.objects.get().body == "typed on the train, more"
    assert not NoteConflictCopy.objects.exists()


@pytest.mark.parametrize(
    "key", ["short", "x" * 65, "has space in it!!", "<script>alert(1)</script>"]
)
def test_a_save_key_must_be_16_to_64_letters_digits_dashes_or_underscores(
    cast: Cast, key: str
) -> None:
    response = post_as(cast.report, save_url(cast), {"body": "x", "version": 0, "key": key})
    assert response.status == 400
    assert "key" in response.data["error"]
    assert not Note.objects.exists()


def test_the_same_refused_text_is_kept_once(cast: Cast) -> None:
    save(cast, "a", 0)
    save(cast, "b", 1)
    first = stale_save(cast, "c", 1)
    again = stale_save(cast, "c", 1)
    assert first.copy.pk == again.copy.pk
    assert NoteConflictCopy.objects.count() == 1


def test_two_tabs_creating_the_same_note_make_a_conflict_not_an_error(cast: Cast) -> None:
    save(cast, "from tab A", 0)
    conflict = stale_save(cast, "from tab B", 0)
    assert (conflict.current.body, conflict.copy.body) == ("from tab A", "from tab B")


def test_a_version_that_never_existed_is_refused(cast: Cast) -> None:
    with pytest.raises(NoteVersionUnknown):
        save(cast, "text", 5)


def test_notes_of_a_closed_one_on_one_cannot_be_written(cast: Cast) -> None:
    save(cast, "before", 0)
    close_the_one_on_one(cast)
    cast.meeting.refresh_from_db()
    cast.meeting.one_on_one.refresh_from_db()
    with pytest.raises(NotesClosed):
        save(cast, "after", 1)
    assert Note.objects.get().body == "before"


def test_each_person_writes_only_their_own_note(cast: Cast) -> None:
    save(cast, "Rui's words", 0)
    mia = save(cast, "Mia's words", 0, author=cast.manager)
    assert mia.author == cast.manager
    assert set(Note.objects.values_list("author__name", "body")) == {
        ("Rui Report", "Rui's words"),
        ("Mia Manager", "Mia's words"),
    }


# --- Resolving ----------------------------------------------------------------------------


def conflicted(cast: Cast) -> NoteConflictCopy:
    save(cast, "base", 0)
    save(cast, "theirs", 1)
    return stale_save(cast, "mine", 1).copy


def test_keeping_mine_saves_the_kept_text_over_the_current_version(cast: Cast) -> None:
    copy = conflicted(cast)
    result = note_conflict_resolve(copy=copy, by=cast.report, body=copy.body, seen_version=2)
    assert (result.note.body, result.note.version) == ("mine", 3)
    assert not NoteConflictCopy.objects.exists()


def test_keeping_theirs_discards_the_kept_text(cast: Cast) -> None:
    copy = conflicted(cast)
    result = note_conflict_resolve(copy=copy, by=cast.report, body=None, seen_version=2)
    assert (result.note.body, result.note.version) == ("theirs", 2)
    assert not NoteConflictCopy.objects.exists()


def test_a_merge_by_hand_saves_the_merged_text(cast: Cast) -> None:
    copy = conflicted(cast)
    result = note_conflict_resolve(copy=copy, by=cast.report, body="theirs\nmine", seen_version=2)
    assert result.note.body == "theirs\nmine"


def test_choosing_on_an_outdated_version_keeps_the_choice_and_asks_again(cast: Cast) -> None:
    copy = conflicted(cast)
    save(cast, "theirs, edited again", 2)
    with pytest.raises(NoteConflict) as again:
        note_conflict_resolve(copy=copy, by=cast.report, body="my merge", seen_version=2)
    assert again.value.current.body == "theirs, edited again"
    copy.refresh_from_db()
    assert (copy.body, copy.base_version) == ("my merge", 2), "the merge is kept, not lost"
    assert Note.objects.get().body == "theirs, edited again"


def test_only_the_author_can_see_or_settle_their_kept_text(cast: Cast) -> None:
    copy = conflicted(cast)
    assert conflict_copy_for(cast.manager, cast.meeting, SHARED, str(copy.uuid)) is None
    assert notes_for(cast.manager, cast.meeting).theirs.conflicts == []
    response = post_as(
        cast.manager,
        resolve_url(cast),
        {"copy": copy.uuid, "choice": "theirs", "version": 2, "body": ""},
    )
    assert response.status == 404
    assert NoteConflictCopy.objects.filter(pk=copy.pk).exists()


def test_resolving_through_the_page_answers_the_saved_note(cast: Cast) -> None:
    copy = conflicted(cast)
    response = post_as(
        cast.report,
        resolve_url(cast),
        {"copy": copy.uuid, "choice": "mine", "version": 2, "body": ""},
    )
    assert response.status == 200
    answer = response.data
    assert (answer["body"], answer["version"], answer["conflicts_left"]) == ("mine", 3, 0)
    assert answer["html"] == "<p>mine</p>\n"


def test_resolving_on_an_outdated_version_through_the_page_answers_409(cast: Cast) -> None:
    copy = conflicted(cast)
    save(cast, "newer still", 2)
    response = post_as(
        cast.report,
        resolve_url(cast),
        {"copy": copy.uuid, "choice": "mine", "version": 2, "body": ""},
    )
    assert response.status == 409
    answer = response.data
    assert (answer["current_body"], answer["yours"], answer["copy"]) == (
        "newer still",
        "mine",
        str(copy.uuid),
    )


def test_on_a_closed_one_on_one_a_kept_text_can_be_discarded_but_not_saved(cast: Cast) -> None:
    copy = conflicted(cast)
    close_the_one_on_one(cast)
    fields = {"copy": copy.uuid, "version": 2, "body": ""}
    refused = post_as(cast.report, resolve_url(cast), {**fields, "choice": "mine"})
    assert refused.status == 403
    assert Note.objects.get().body == "theirs"
    assert "Discard my version" in render_notes(
        cast.report, get_meeting_for(cast.report, cast.meeting.uuid)
    )
    discarded = post_as(cast.report, resolve_url(cast), {**fields, "choice": "theirs"})
    assert (discarded.status, discarded.data["conflicts_left"]) == (200, 0)
    assert not NoteConflictCopy.objects.exists()


# --- The save endpoint ----------------------------------------------------------------------


def test_a_save_answers_the_new_version_and_the_rendered_text(cast: Cast) -> None:
    response = post_as(cast.report, save_url(cast), {"body": "**Great** week", "version": 0})
    assert response.status == 200
    answer = response.data
    assert set(answer) == {"version", "saved_at", "html"}
    assert answer["version"] == 1
    assert answer["html"] == "<p><strong>Great</strong> week</p>\n"


def test_a_stale_save_answers_409_with_both_texts(cast: Cast) -> None:
    save(cast, "saved elsewhere", 0)
    response = post_as(cast.report, save_url(cast), {"body": "typed here", "version": 0})
    assert response.status == 409
    answer = response.data
    assert answer["current_body"] == "saved elsewhere"
    assert answer["current_version"] == 1
    assert answer["current_html"] == "<p>saved elsewhere</p>\n"
    assert answer["yours"] == "typed here"
    assert answer["copy"] == str(NoteConflictCopy.objects.get().uuid)


def test_windows_line_endings_are_kept_as_plain_newlines(cast: Cast) -> None:
    post_as(cast.report, save_url(cast), {"body": "one\r\ntwo", "version": 0})
    assert Note.objects.get().body == "one\ntwo"


@pytest.mark.parametrize(
    "data",
    [
        {"body": "text"},
        {"body": "text", "version": "one"},
        {"body": "text", "version": -1},
        {"body": "x" * 100_001, "version": 0},
        # SQLite cannot store or compare it (OverflowError), PostgreSQL neither (DataError).
        {"body": "text", "version": "999999999999999999999"},
    ],
    ids=["no version", "not a number", "negative", "too long", "past what a version can be"],
)
def test_bad_input_is_answered_400_with_a_message(cast: Cast, data: dict[str, Any]) -> None:
    response = post_as(cast.report, save_url(cast), data)
    assert response.status == 400
    assert "could not be read" in response.data["error"]
    assert not Note.objects.exists()


def test_an_unknown_kind_of_note_is_not_found(cast: Cast) -> None:
    response = post_as(cast.report, save_url(cast, kind="secret"), {"body": "x", "version": 0})
    assert response.status == 404


@pytest.mark.parametrize(
    "role", ["peer_manager", "skip_level", "hr", "admin", "outsider", "report_two"]
)
def test_nobody_outside_the_pair_can_save_or_resolve(cast: Cast, role: str) -> None:
    viewer = cast.person(role)
    assert viewer is not None
    saved = post_as(viewer, save_url(cast), {"body": "sneaky", "version": 0})
    resolved = post_as(
        viewer,
        resolve_url(cast),
        {"copy": "00000000-0000-0000-0000-000000000000", "choice": "theirs", "version": 0},
    )
    assert (saved.status, resolved.status) == (404, 404)
    assert not Note.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(cast: Cast) -> None:
    response = Client().post(save_url(cast), {"body": "x", "version": 0})
    assert response.status_code == 302
    assert not Note.objects.exists()


def test_a_save_needs_the_csrf_token(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.report)
    assert client.post(save_url(cast), {"body": "x", "version": 0}).status_code == 403


# --- Who sees what --------------------------------------------------------------------------


def test_both_people_see_each_others_shared_notes(cast: Cast) -> None:
    save(cast, "Rui shares this", 0)
    save(cast, "Mia shares this", 0, author=cast.manager)
    as_mia = notes_for(cast.manager, cast.meeting)
    as_rui = notes_for(cast.report, cast.meeting)
    assert (as_mia.shared.body, as_mia.theirs.body) == ("Mia shares this", "Rui shares this")
    assert (as_rui.shared.body, as_rui.theirs.body) == ("Rui shares this", "Mia shares this")
    assert as_rui.shared.label == "Shared with Mia"
    assert as_rui.theirs.editable is False


def test_a_private_note_is_never_shown_to_the_other_person(cast: Cast) -> None:
    note_save(
        meeting=cast.meeting,
        author=cast.report,
        kind=PRIVATE,
        body="CANARY-private-of-rui",
        base_version=0,
    )
    as_mia = notes_for(cast.manager, cast.meeting)
    assert "CANARY" not in f"{as_mia.shared.body}{as_mia.private.body}{as_mia.theirs.body}"
    assert "CANARY-private-of-rui" not in render_notes(cast.manager, cast.meeting)
    assert notes_for(cast.report, cast.meeting).private.body == "CANARY-private-of-rui"
    assert "CANARY-private-of-rui" in render_notes(cast.report, cast.meeting)


def test_a_private_save_by_the_manager_writes_the_managers_own_note(cast: Cast) -> None:
    note_save(meeting=cast.meeting, author=cast.report, kind=PRIVATE, body="Rui's", base_version=0)
    response = post_as(cast.manager, save_url(cast, PRIVATE), {"body": "Mia's", "version": 0})
    assert response.status == 200
    assert Note.objects.get(author=cast.report, kind=PRIVATE).body == "Rui's"
    assert Note.objects.get(author=cast.manager, kind=PRIVATE).body == "Mia's"


def test_a_closed_one_on_one_stays_readable_for_the_report_only(cast: Cast) -> None:
    save(cast, "Rui's shared", 0)
    save(cast, "Mia's shared", 0, author=cast.manager)
    close_the_one_on_one(cast)

    meeting = get_meeting_for(cast.report, cast.meeting.uuid)
    view = notes_for(cast.report, meeting)
    assert (view.shared.body, view.theirs.body, view.editable) == (
        "Rui's shared",
        "Mia's shared",
        False,
    )
    page = render_notes(cast.report, meeting)
    assert "<textarea" not in page
    assert "no longer changed" in page

    refused = post_as(cast.report, save_url(cast), {"body": "later", "version": 1})
    assert refused.status == 403
    assert "closed" in refused.data["error"]
    gone = post_as(cast.manager, save_url(cast), {"body": "later", "version": 1})
    assert gone.status == 404


def test_reading_the_notes_takes_one_query_and_one_more_for_kept_copies(
    cast: Cast, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    save(cast, "a", 0)
    save(cast, "b", 0, author=cast.manager)
    meeting = get_meeting_for(cast.report, cast.meeting.uuid)
    with django_assert_num_queries(1):
        view = notes_for(cast.report, meeting)
    assert view.shared.body == "a" and view.theirs.body == "b"
    assert view.shared.conflicts == []
    # The other person's kept copy costs the viewer nothing: only their own are read.
    with pytest.raises(NoteConflict):
        save(cast, "the manager's stale text", 0, author=cast.manager)
    with django_assert_num_queries(1):
        notes_for(cast.report, meeting)
    stale_save(cast, "from the phone", 0)
    with django_assert_num_queries(2):
        view = notes_for(cast.report, meeting)
    assert [copy.body for copy in view.shared.conflicts] == ["from the phone"]


def test_the_notes_card_renders_for_a_fresh_meeting(cast: Cast) -> None:
    page = render_notes(cast.report, cast.meeting)
    assert 'for="note-shared">Shared with Mia</label>' in page
    assert 'for="note-private">Only you</label>' in page
    assert "Mia has no shared note on this meeting yet." in page
    assert "rapport/notes.js" in page
    assert "style=" not in page, "the CSP forbids inline styles"


# --- Markdown -------------------------------------------------------------------------------

HOSTILE = {
    "script tag": ("<script>alert(1)</script>", "<script"),
    "onerror attribute": ("<img src=x onerror=alert(1)>", "<img"),
    "javascript link": ("[click](javascript:alert(1))", 'href="javascript'),
    "javascript autolink": ("<javascript:alert(1)>", 'href="javascript'),
    "mixed-case scheme": ("[click](JaVaScRiPt:alert(1))", "href="),
    "data link": ("[click](data:text/html;base64,PHNjcmlwdD4=)", "href="),
    "style attribute": ('<p style="position:fixed">x</p>', "<p style"),
    "style tag": ("<style>body{display:none}</style>", "<style"),
    "iframe": ('<iframe src="https://evil.example"></iframe>', "<iframe"),
    "raw html link": ('<a href="https://evil.example" onclick="x()">hi</a>', "<a "),
    "svg": ("<svg onload=alert(1)></svg>", "<svg"),
}


@pytest.mark.parametrize("text, forbidden", HOSTILE.values(), ids=HOSTILE.keys())
def test_markdown_never_lets_markup_from_the_text_through(text: str, forbidden: str) -> None:
    html = str(render_markdown(text))
    assert forbidden not in html.lower()


SANITISER = {
    "script": ("<p>a<script>alert(1)</script></p>", "<p>a</p>"),
    "event handler": ('<a href="https://x.example" onclick="x()">x</a>', None),
    "javascript href": ('<a href="javascript:alert(1)">x</a>', None),
    "style attribute": ('<p style="color:red">x</p>', "<p>x</p>"),
    "class attribute": ('<code class="language-js">x</code>', "<code>x</code>"),
    "image": ('<img src="https://tracker.example/p.gif">', ""),
}


@pytest.mark.parametrize("html, expected", SANITISER.values(), ids=SANITISER.keys())
def test_the_sanitiser_alone_strips_what_markdown_it_never_emits(
    html: str, expected: str | None
) -> None:
    cleaned = str(sanitise_html(html))
    for bad in ("<script", "onclick", "javascript:", "style=", "class=", "<img"):
        assert bad not in cleaned
    if expected is not None:
        assert cleaned == expected


def test_links_are_kept_with_a_rel_that_protects_the_reader() -> None:
    html = str(render_markdown("[docs](https://example.com/a) and [mail](mailto:a@example.com)"))
    assert '<a href="https://example.com/a" rel="noopener noreferrer nofollow">docs</a>' in html
    assert 'href="mailto:a@example.com"' in html


def test_ordinary_markdown_renders() -> None:
    text = (
        "## Wins\n\n- **shipped** the *import*\n- ~~flaky~~ fixed\n\n"
        "1. one\n2. two\n\n> quoted\n\n`code`\n\n---\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n"
    )
    html = str(render_markdown(text))
    for piece in (
        "<h2>Wins</h2>",
        "<li><strong>shipped</strong> the <em>import</em></li>",
        "<s>flaky</s>",
        "<ol>",
        "<blockquote>",
        "<code>code</code>",
        "<hr>",
        "<td>2</td>",
    ):
        assert piece in html
    assert "style" not in html, "table alignment must not come back as a style attribute"


def test_an_empty_note_renders_as_nothing() -> None:
    assert render_markdown("  \n ") == ""


def test_a_save_on_a_version_past_what_a_note_can_have_is_a_bad_request(cast: Cast) -> None:
    # With a saved note, the huge version used to reach the conflict copy's INSERT: a 500.
    save(cast, "first words", 0)
    response = post_as(cast.report, save_url(cast), {"body": "other", "version": 2**31})
    assert response.status == 400
    assert Note.objects.get().body == "first words"
    assert not NoteConflictCopy.objects.exists()


def test_resolving_on_a_version_past_what_a_note_can_have_is_a_bad_request(cast: Cast) -> None:
    save(cast, "first words", 0)
    copy = stale_save(cast, "stale words", 0).copy
    data = {"copy": copy.uuid, "choice": "merge", "body": "both", "version": 2**31}
    response = post_as(cast.report, resolve_url(cast), data)
    assert response.status == 400
    assert NoteConflictCopy.objects.filter(pk=copy.pk).exists()
