"""Writing the audit trail: `record` for every app, and the retention purge for the worker.

`record` is called by the services and views that did the act, after their own access check;
it checks nobody itself, because the act it records was already allowed (or, for a failed
sign-in, refused) by someone else. It keeps only small facts: a flat mapping of short values,
so that no note, talking point or profile answer can ride along by mistake.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from rapport import access
from rapport.audit.models import Action, AuditEvent
from rapport.people.models import Departure, Person

Detail = str | int | bool | None
# Roles, counts, addresses, a reason code: nothing longer than a line has a place here.
DETAIL_MAX_LENGTH = 120
DETAILS_MAX = 12


def _clean_details(details: Mapping[str, Detail] | None) -> dict[str, Detail]:
    if not details:
        return {}
    if len(details) > DETAILS_MAX:
        raise ValueError(f"An audit event keeps at most {DETAILS_MAX} details.")
    cleaned: dict[str, Detail] = {}
    for key, value in details.items():
        if not isinstance(value, str | int | bool | None):
            raise TypeError(f"Audit detail {key!r} must be a short value, not {type(value)}.")
        if isinstance(value, str) and len(value) > DETAIL_MAX_LENGTH:
            raise ValueError(f"Audit detail {key!r} is longer than {DETAIL_MAX_LENGTH} characters.")
        cleaned[str(key)] = value
    return cleaned


def record(
    *,
    action: Action,
    actor: Person | access.System | None,
    subject: Person | None = None,
    details: Mapping[str, Detail] | None = None,
) -> AuditEvent:
    """One event in the trail. `actor` None is nobody known (a failed sign-in), SYSTEM the
    installation itself (a command, the worker): both are stored as no actor."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor if isinstance(actor, Person) else None,
        subject=subject,
        details={
            **_clean_details(details),
            **({"by": "system"} if isinstance(actor, access.System) else {}),
        },
    )


def record_departure_event(
    *, departure: Departure, action: Action, by: Person | access.System
) -> AuditEvent:
    """A departure's line in the trail (meetings.services: recorded, scheduled, applied by the
    worker on its day, cancelled, undone): the date and the kind of leaving, which HR and
    admins see on the person's page anyway."""
    return record(
        action=action,
        actor=by,
        subject=departure.person,
        details={"leaves_on": departure.leaves_on.isoformat(), "reason": departure.reason},
    )


def _purge_before(cutoff: datetime) -> int:
    if connection.vendor != "postgresql":
        return AuditEvent.objects.purge_before(cutoff)
    with connection.cursor() as cursor:
        # SET takes no parameters; the value is our own timestamp, never input.
        cursor.execute(f"SET LOCAL rapport.audit_purge_before = '{cutoff.isoformat()}'")
        try:
            return AuditEvent.objects.purge_before(cutoff)
        finally:
            # Closed at once, not only at commit: a caller's longer transaction gains nothing.
            cursor.execute("SET LOCAL rapport.audit_purge_before = ''")


def retention_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=settings.RAPPORT_AUDIT_RETENTION_DAYS)


@transaction.atomic
def purge_expired(*, now: datetime | None = None) -> int:
    """Deletes the events older than RAPPORT_AUDIT_RETENTION_DAYS (run daily by the worker) and
    records that it did. On PostgreSQL the table's trigger refuses every DELETE unless this
    transaction has said, with SET LOCAL, up to when it may delete: the gate closes the
    moment the delete is done, and rows younger than the cutoff stay refused even then."""
    cutoff = retention_cutoff(now)
    count = _purge_before(cutoff)
    if count:
        record(
            action=Action.AUDIT_PURGED,
            actor=access.SYSTEM,
            details={"events": count, "retention_days": settings.RAPPORT_AUDIT_RETENTION_DAYS},
        )
    return count
