"""Access rows for the team view, signals and manager load (see tests/test_access_matrix.py).

The team view is about the viewer's own team: everyone signed in gets 200 and sees only the
reports they lead (an empty state otherwise). Dismissing a signal is POST-only: any GET gets a
405 before anything is looked up; a POST by anyone but the pair's manager gets a 404
(tests/insights/test_team_view.py)."""

from __future__ import annotations

from django.urls import reverse

from tests.access_rows.base import Row, Write, everyone, fixed

ROWS: dict[str, Row] = {
    "insights:team": Row(fixed("insights:team"), everyone(200)),
    "insights:signal_dismiss": Row(
        lambda cast: reverse("insights:signal_dismiss", args=[cast.one_on_one.uuid]),
        everyone(405),
    ),
}


WRITES: dict[str, Write] = {
    "insights:signal_dismiss": Write(
        lambda cast: reverse("insights:signal_dismiss", args=[cast.one_on_one.uuid]),
        lambda cast: {
            "rule": "overdue_actions",
            "since": cast.meeting.scheduled_for.date().isoformat(),
            "reason": "We agreed new dates",
        },
        allowed=("manager",),
    ),
}
