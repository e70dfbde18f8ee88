"""Access rows for the checkins feature (see tests/test_access_matrix.py). A check-in is seen by
the two people of its 1:1 (Mia reads what Rui answered); everyone else gets a 404."""

from __future__ import annotations

from django.urls import reverse

from tests.access_rows.base import Row, only

ROWS: dict[str, Row] = {
    "checkins:checkin": Row(
        lambda cast: reverse("checkins:checkin", args=[cast.meeting.uuid]),
        only(("manager", "report")),
    ),
}
