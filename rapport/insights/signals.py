"""Writes about signals: dismissing one occurrence. (Not Django signals: this app has none.)"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

from rapport import access
from rapport.insights.models import SignalDismissal
from rapport.insights.rules import Rule
from rapport.meetings.models import OneOnOne
from rapport.people.models import Person


def signal_dismiss(
    *, one_on_one: OneOnOne, rule: Rule, since: date, reason: str, by: Person
) -> SignalDismissal:
    """Hide this occurrence of the signal from the team view. Dismissing twice keeps the first
    reason."""
    access.require(access.can_see_team_signals(by, one_on_one))
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why, so that you remember later.")
    dismissal, _ = SignalDismissal.objects.get_or_create(
        one_on_one=one_on_one,
        rule=rule,
        since=since,
        defaults={"reason": reason, "dismissed_by": by},
    )
    return dismissal
