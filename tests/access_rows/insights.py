"""Access rows for the team view, signals and manager load (see tests/test_access_matrix.py).

The team view is about the viewer's own team: everyone signed in gets 200 and sees only the
reports they lead (an empty state otherwise). Dismissing a signal is POST-only: any GET gets a
405 before anything is looked up; a POST by anyone but the pair's manager gets a 404
(tests/insights/test_team_view.py). The history of dismissed signals and its restore are the
pair's manager's only, like dismissing (tests/insights/test_dismissed.py)."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from rapport.insights.models import SignalDismissal
from rapport.insights.rules import Rule
from rapport.meetings.services import action_add
from tests.access_rows.base import Row, Write, everyone, fixed, only
from tests.cast import Cast

ROWS: dict[str, Row] = {
    "insights:team": Row(fixed("insights:team"), everyone(200)),
    "insights:signal_dismiss": Row(
        lambda cast: reverse("insights:signal_dismiss", args=[cast.one_on_one.uuid]),
        everyone(405),
    ),
    "insights:signal_to_agenda": Row(
        lambda cast: reverse("insights:signal_to_agenda", args=[cast.one_on_one.uuid]),
        everyone(405),
    ),
    "insights:dismissed": Row(
        lambda cast: reverse("insights:dismissed", args=[cast.one_on_one.uuid]),
        only(("manager",)),
    ),
    "insights:signal_restore": Row(
        lambda cast: reverse("insights:signal_restore", args=[cast.one_on_one.uuid, 1]),
        everyone(405),
    ),
}


def a_dismissal(cast: Cast) -> None:
    SignalDismissal.objects.create(
        one_on_one=cast.one_on_one,
        rule=Rule.OVERDUE_ACTIONS,
        since=timezone.localdate() - timedelta(days=5),
        reason="We agreed new dates",
        dismissed_by=cast.manager,
        title="4 actions overdue",
        evidence="Send the deck (due 1 Dec 2026)",
    )


def last_dismissal_restore_url(cast: Cast) -> str:
    dismissal = SignalDismissal.objects.filter(one_on_one=cast.one_on_one).latest("pk")
    return reverse("insights:signal_restore", args=[cast.one_on_one.uuid, dismissal.pk])


def overdue_actions(cast: Cast) -> None:
    """An open "actions overdue" signal on the cast's pair (the threshold is 4)."""
    today = timezone.localdate()
    for days in (10, 9, 8, 7):
        action_add(
            one_on_one=cast.one_on_one,
            meeting=None,
            owner=cast.report,
            text=f"Overdue {days}",
            due_on=today - timedelta(days=days),
            by=cast.manager,
            already_late=True,
        )


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
    "insights:signal_to_agenda": Write(
        lambda cast: reverse("insights:signal_to_agenda", args=[cast.one_on_one.uuid]),
        lambda cast: {
            "rule": "overdue_actions",
            # The day the fourth action became overdue.
            "since": (timezone.localdate() - timedelta(days=6)).isoformat(),
            "meeting": str(cast.meeting.uuid),
        },
        allowed=("manager",),
        arrange=overdue_actions,
    ),
    "insights:signal_restore": Write(
        last_dismissal_restore_url,
        lambda cast: {},
        allowed=("manager",),
        arrange=a_dismissal,
    ),
}
