"""Note autosave endpoints. Both are POST-only and answer 405 to any GET before looking the
meeting up, so a GET tells nobody whether the meeting exists; the real checks (404 outside
the pair, private notes for their author only) are in tests/meetings/test_notes.py."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

from tests.access_rows.base import Row, everyone
from tests.cast import Cast


def note_url(route: str) -> Callable[[Cast], str]:
    return lambda cast: reverse(route, kwargs={"meeting_uuid": cast.meeting.uuid, "kind": "shared"})


ROWS: dict[str, Row] = {
    "meetings:note_save": Row(note_url("meetings:note_save"), everyone(405)),
    "meetings:note_resolve": Row(note_url("meetings:note_resolve"), everyone(405)),
}
