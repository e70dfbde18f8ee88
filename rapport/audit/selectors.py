"""Reads of the audit trail, for the admins' page (rapport/access.py: can_see_audit_trail)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from rapport import access
from rapport.audit.models import Action, AuditEvent
from rapport.people.models import Person


def _named(field: str, query: str) -> Q:
    return Q(**{f"{field}__name__icontains": query}) | Q(**{f"{field}__email__icontains": query})


def events_for(
    viewer: Person,
    *,
    action: str = "",
    actor: str = "",
    subject: str = "",
    since: date | None = None,
    until: date | None = None,
    zone: ZoneInfo,
) -> QuerySet[AuditEvent]:
    """The trail, newest first, filtered: `actor` and `subject` match a name or an email in
    part, `since` and `until` are days on the viewer's clock (`zone`), both included."""
    access.require(access.can_see_audit_trail(viewer))
    events = AuditEvent.objects.select_related("actor", "subject").order_by("-at", "-pk")
    if action:
        events = events.filter(action=Action(action))
    if actor:
        events = events.filter(_named("actor", actor))
    if subject:
        events = events.filter(_named("subject", subject))
    if since:
        events = events.filter(at__gte=datetime.combine(since, time.min, tzinfo=zone))
    if until:
        next_day = datetime.combine(until + timedelta(days=1), time.min, tzinfo=zone)
        events = events.filter(at__lt=next_day)
    return events
