"""Access rows for the checkins feature (see tests/test_access_matrix.py). A check-in is seen by
the two people of its 1:1 (Mia reads what Rui answered); everyone else gets a 404."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.access_rows.base import Row, Write, data, only
from tests.cast import Cast

ROWS: dict[str, Row] = {
    "checkins:checkin": Row(
        lambda cast: reverse("checkins:checkin", args=[cast.meeting.uuid]),
        only(("manager", "report")),
    ),
}


def tomorrow(cast: Cast) -> None:
    """The check-in opens a few days before its meeting: bring the cast's meeting close."""
    cast.meeting.scheduled_for = timezone.now() + timedelta(days=1)
    cast.meeting.save(update_fields=["scheduled_for"])


WRITES: dict[str, Write] = {
    "checkins:checkin": Write(
        lambda cast: reverse("checkins:checkin", args=[cast.meeting.uuid]),
        data(mood="4", energy="3", workload="3", wins="Shipped the rota"),
        allowed=("report",),
        arrange=tomorrow,
        # The manager sees the meeting, so refusing with 403 tells them nothing new.
        overrides={"manager": 403},
    ),
}
