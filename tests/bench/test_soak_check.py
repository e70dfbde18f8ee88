"""The soak's verdict can fail: an acknowledged save missing from the database is not found."""

from __future__ import annotations

from bench.soak_db import check
from rapport.meetings.models import Note
from tests.cast import Cast


def claims(cast: Cast, *acknowledged: tuple[int, str]) -> list[dict[str, object]]:
    note = [str(cast.meeting.uuid), cast.manager.pk]
    return [{"note": note, "acknowledged": [list(ack) for ack in acknowledged]}]


def test_every_acknowledged_prefix_is_found_in_the_stored_note(cast: Cast) -> None:
    Note.objects.create(
        meeting=cast.meeting, author=cast.manager, kind="shared", body="w1 w2 w3", version=3
    )
    assert check(claims(cast, (1, "w1"), (2, "w1 w2"), (3, "w1 w2 w3"))) == {"found": 3}


def test_a_lost_or_rolled_back_save_is_not_found(cast: Cast) -> None:
    Note.objects.create(
        meeting=cast.meeting, author=cast.manager, kind="shared", body="w1 w2", version=2
    )
    # The server said version 3 was saved, but the database holds version 2.
    assert check(claims(cast, (1, "w1"), (2, "w1 w2"), (3, "w1 w2 w3"))) == {"found": 2}
    # Same version, other words: overwritten by something else.
    assert check(claims(cast, (2, "w1 other"))) == {"found": 0}
