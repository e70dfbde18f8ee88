"""The Monday digest carries the team view's open signals, one line each, and not dismissed ones."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from rapport.insights.selectors import team_view
from rapport.insights.services import signal_dismiss
from rapport.meetings.services import action_add
from rapport.notify import emails
from tests.cast import Cast


def overdue_actions(cast: Cast, count: int) -> None:
    for number in range(count):
        action_add(
            one_on_one=cast.one_on_one,
            meeting=None,
            owner=cast.report,
            text=f"Overdue thing {number}",
            due_on=timezone.localdate() - timedelta(days=10),
            by=cast.manager,
            already_late=True,
        )


def digest_text(cast: Cast) -> str:
    monday = timezone.now() - timedelta(days=timezone.localdate().weekday())
    return emails.weekly_digest(manager=cast.manager, week_start=monday).text


def test_the_digest_lists_the_signals_of_the_team(cast: Cast) -> None:
    overdue_actions(cast, 4)
    assert "Rui Report: 4 actions overdue" in digest_text(cast)


def test_a_dismissed_signal_stays_out_of_the_digest(cast: Cast) -> None:
    overdue_actions(cast, 4)
    member = next(m for m in team_view(cast.manager).members if m.report == cast.report)
    signal = next(s for s in member.signals if "overdue" in s.title)
    signal_dismiss(
        one_on_one=cast.one_on_one,
        rule=signal.rule,
        since=signal.since,
        reason="Handled in the sprint",
        by=cast.manager,
    )
    assert "actions overdue" not in digest_text(cast)
