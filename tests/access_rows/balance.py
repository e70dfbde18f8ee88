"""The person card, a meeting's estimate and the team balance view."""

from __future__ import annotations

from django.urls import reverse

from rapport.meetings.models import Meeting
from tests.access_rows.base import Row, Write, data, everyone, fixed, only
from tests.cast import Cast

ROWS: dict[str, Row] = {
    # The manager's own card: not the report, not HR, not admins, not the skip-level.
    "meetings:person_card": Row(
        lambda cast: reverse("meetings:person_card", args=[cast.one_on_one.uuid]),
        only(("manager",)),
    ),
    # Each person sees only the 1:1s they run; leading nobody gives an empty page, not a 404.
    "meetings:team_balance": Row(fixed("meetings:team_balance"), everyone(200)),
    # POST-only: a GET is refused before anything is looked up.
    "meetings:meeting_estimate": Row(
        lambda cast: reverse("meetings:meeting_estimate", args=[cast.meeting.uuid]),
        everyone(405),
    ),
}


def held(cast: Cast) -> None:
    cast.meeting.status = Meeting.Status.HELD
    cast.meeting.save(update_fields=["status"])


WRITES: dict[str, Write] = {
    "meetings:person_card": Write(
        lambda cast: reverse("meetings:person_card", args=[cast.one_on_one.uuid]),
        data(motivators="Mastery", struggles="Long meetings"),
        allowed=("manager",),
    ),
    # An estimate after the fact, for a meeting held without the clock: either person may add it.
    "meetings:meeting_estimate": Write(
        lambda cast: reverse("meetings:meeting_estimate", args=[cast.meeting.uuid]),
        data(connection_minutes="20", performance_minutes="10"),
        allowed=("manager", "report"),
        arrange=held,
    ),
}
