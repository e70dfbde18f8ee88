"""Demo data for the team view: the history, goals and check-in demos already make most signals
fire for Maya's team; this adds the one they do not, a pair whose 1:1s have lapsed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from rapport.meetings.models import Meeting, OneOnOne
from rapport.people.models import Person

LAPSED_REPORT = "Kwame Asante"


@dataclass(frozen=True)
class SignalsSummary:
    lapsed_pair: str | None
    skipped: int

    def __str__(self) -> str:
        if self.lapsed_pair is None:
            return "Team view: no pair to let lapse"
        return f"Team view: {self.lapsed_pair}'s last {self.skipped} 1:1s skipped (lapsed rhythm)"


@transaction.atomic
def demo_signals_create(*, manager: Person, today: date) -> SignalsSummary:
    """Mark the held 1:1s of one weekly pair in the last three weeks and a bit as skipped, so
    that "no 1:1 held for three cadence periods" has an example."""
    pair = (
        OneOnOne.objects.filter(
            manager=manager, status=OneOnOne.Status.ACTIVE, report__name=LAPSED_REPORT
        )
        .select_related("report")
        .first()
    )
    if pair is None:
        return SignalsSummary(None, 0)
    since = timezone.now() - timedelta(days=3 * 7 + 3)
    skipped = Meeting.objects.filter(
        one_on_one=pair,
        status=Meeting.Status.HELD,
        scheduled_for__gte=since,
        scheduled_for__lt=timezone.now(),
    ).update(status=Meeting.Status.SKIPPED, status_reason="Travelling to the customer site")
    return SignalsSummary(pair.report.name, skipped)
