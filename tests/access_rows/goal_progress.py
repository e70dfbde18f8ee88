"""Recording progress on a goal."""

from __future__ import annotations

from django.urls import reverse

from tests.access_rows.base import Row, Write, data, everyone
from tests.access_rows.goals import active_goal_url, an_active_goal

ROWS: dict[str, Row] = {
    # POST-only: a GET is refused before the goal is looked up, so it reveals nothing.
    "goals:progress": Row(
        lambda cast: reverse("goals:progress", args=["00000000-0000-4000-8000-000000000000"]),
        everyone(405),
    ),
}


WRITES: dict[str, Write] = {
    "goals:progress": Write(
        active_goal_url("goals:progress"),
        data(value="40", confidence="6", obstacle="", note="Half the invoices moved"),
        allowed=("manager", "report"),
        arrange=an_active_goal,
    ),
}
