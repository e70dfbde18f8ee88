"""Note autosave endpoints. Both are POST-only and answer 405 to any GET before looking the
meeting up, so a GET tells nobody whether the meeting exists; the real checks (404 outside
the pair, private notes for their author only) are in tests/meetings/test_notes.py."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

from rapport.meetings.models import Note, NoteConflictCopy
from tests.access_rows.base import Payload, Row, Write, data, everyone
from tests.cast import Cast

PAIR = ("manager", "report")


def note_url(route: str) -> Callable[[Cast], str]:
    return lambda cast: reverse(route, kwargs={"meeting_uuid": cast.meeting.uuid, "kind": "shared"})


ROWS: dict[str, Row] = {
    "meetings:note_save": Row(note_url("meetings:note_save"), everyone(405)),
    "meetings:note_resolve": Row(note_url("meetings:note_resolve"), everyone(405)),
}


def a_conflict_for_the_manager(cast: Cast) -> None:
    """The shared note moved on while the manager typed on an older version: their text waits
    in a conflict copy that only they may settle."""
    note = Note.objects.create(
        meeting=cast.meeting, author=cast.manager, kind="shared", body="Agreed: new rota", version=2
    )
    NoteConflictCopy.objects.create(
        note=note, author=cast.manager, body="Agreed: rota from May", base_version=1
    )


def resolution(cast: Cast) -> Payload:
    copy = NoteConflictCopy.objects.get(author=cast.manager)
    return {"copy": str(copy.uuid), "choice": "mine", "body": copy.body, "version": "2"}


WRITES: dict[str, Write] = {
    "meetings:note_save": Write(
        note_url("meetings:note_save"),
        data(body="We agreed on Friday", version="0", key="matrix-save-key-0001"),
        PAIR,
        ok=200,
    ),
    "meetings:note_resolve": Write(
        note_url("meetings:note_resolve"),
        resolution,
        allowed=("manager",),
        ok=200,
        arrange=a_conflict_for_the_manager,
    ),
}
