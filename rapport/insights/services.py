"""Every write of the insights app: dismissing one occurrence of a signal, restoring a dismissed
one, putting a signal on the pair's agenda (each keyword-only, checking its actor), and the
worker's refresh of the organisation view's figures in the cache (no actor: it shows nobody
anything, each request checks its viewer)."""

from __future__ import annotations

import logging
from datetime import date, datetime

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from rapport import access, versions
from rapport.insights import selectors
from rapport.insights.models import SignalDismissal
from rapport.insights.rules import Rule, Signal
from rapport.meetings.models import OneOnOne, Section, TalkingPoint
from rapport.meetings.services import point_add
from rapport.people.models import Person

logger = logging.getLogger(__name__)


@versions.bumps
def signal_dismiss(
    *,
    one_on_one: OneOnOne,
    rule: Rule,
    since: date,
    reason: str,
    by: Person,
    signal: Signal | None = None,
) -> SignalDismissal:
    """Hide this occurrence of the signal from the team view. Dismissing twice keeps the first
    reason. `signal`, when given, is the open signal as the manager saw it: its title and
    evidence are kept for the history of dismissed signals."""
    access.require(access.can_see_team_signals(by, one_on_one))
    reason = reason.strip()
    if not reason:
        raise ValidationError(gettext("Say why, so that you remember later."))
    dismissal, _ = SignalDismissal.objects.get_or_create(
        one_on_one=one_on_one,
        rule=rule,
        since=since,
        restored_at__isnull=True,
        defaults={
            "reason": reason,
            "dismissed_by": by,
            "title": signal.title[:200] if signal else "",
            "evidence": "\n".join(signal.evidence) if signal else "",
        },
    )
    return dismissal


@versions.bumps
def signal_restore(*, dismissal: SignalDismissal, by: Person, now: datetime) -> SignalDismissal:
    """Undo a dismissal: the signal shows again (while its evidence still holds) and the
    dismissal stays in the history, marked restored. Restoring twice changes nothing."""
    access.require(access.can_see_team_signals(by, dismissal.one_on_one))
    if dismissal.restored_at is None:
        dismissal.restored_at = now
        dismissal.restored_by = by
        dismissal.save(update_fields=["restored_at", "restored_by"])
    return dismissal


@versions.bumps
def signal_to_agenda(*, one_on_one: OneOnOne, signal: Signal, by: Person) -> TalkingPoint:
    """Put a signal on the pair's agenda as the manager's private point, with its evidence, to
    raise in the next 1:1 in their own words. Only the manager sees the point."""
    access.require(access.can_see_team_signals(by, one_on_one))
    evidence = "; ".join(signal.evidence[:3])
    text = f"{signal.title}: {evidence}" if evidence else signal.title
    if len(text) > 500:
        text = text[:499] + "…"
    return point_add(
        one_on_one=one_on_one,
        author=by,
        text=text,
        section=Section.CONNECTION,
        is_private=True,
    )


# One worker at a time recomputes; another finding the mark skips its turn. The mark expires on
# its own should that worker die mid-way.
REFRESHING_KEY = "org-figures:refreshing"
REFRESHING_SECONDS = 10 * 60


def org_figures_refresh(
    *, now: datetime, today: date, force: bool = False
) -> selectors.OrgFigures | None:
    """The worker's minute: recompute every viewer's organisation view into the cache when the
    facts changed (org chart, meetings, check-ins: selectors.org_facts_fingerprint), when the
    day changed, or when the figures are older than RAPPORT_ORG_VIEW_CACHE_SECONDS (the
    windows move with time alone); `force` recomputes anyway. The new figures when it
    recomputed, else None. Off with the cache (RAPPORT_ORG_VIEW_CACHE_SECONDS = 0)."""
    max_age = settings.RAPPORT_ORG_VIEW_CACHE_SECONDS
    if not max_age:
        return None
    latest = selectors.latest_org_figures()
    fingerprint = selectors.org_facts_fingerprint(today=today)
    if not force and latest is not None and latest.today == today:
        fresh = (now - latest.computed_at).total_seconds() < max_age
        if fresh and latest.facts == fingerprint:
            return None
    if not cache.add(REFRESHING_KEY, now.isoformat(), REFRESHING_SECONDS):
        return None
    try:
        figures = selectors.org_figures_compute(now=now, today=today, fingerprint=fingerprint)
        selectors.org_figures_store(figures)
    finally:
        cache.delete(REFRESHING_KEY)
    return figures
