"""On PostgreSQL the audit table refuses UPDATE and DELETE from any client, raw SQL included;
only the retention purge's own transaction may delete, and only rows older than its cutoff.
Skipped on SQLite; CI's PostgreSQL run executes it
(DATABASE_URL=postgres://postgres@127.0.0.1:5432/rapport_audit)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from rapport.audit import services as audit
from rapport.audit.models import Action, AuditEvent

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
    ),
]


def an_event(days_old: int = 0) -> AuditEvent:
    return AuditEvent.objects.create(
        action=Action.SIGN_IN, at=timezone.now() - timedelta(days=days_old)
    )


def refused(sql: str, *params: int) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as error:
        return "append-only" in str(error)
    return False


def test_raw_sql_cannot_update_an_event() -> None:
    event = an_event()
    assert refused("UPDATE audit_auditevent SET action = 'erasure' WHERE id = %s", event.pk)
    assert AuditEvent.objects.get(pk=event.pk).action == Action.SIGN_IN


def test_raw_sql_cannot_delete_an_event_even_an_old_one() -> None:
    young, old = an_event(), an_event(days_old=1000)
    assert refused("DELETE FROM audit_auditevent WHERE id = %s", young.pk)
    assert refused("DELETE FROM audit_auditevent WHERE id = %s", old.pk)
    assert AuditEvent.objects.filter(pk__in=[young.pk, old.pk]).count() == 2


def test_the_purge_gate_lets_through_rows_older_than_its_cutoff_only() -> None:
    young, old = an_event(), an_event(days_old=1000)
    cutoff = (timezone.now() - timedelta(days=400)).isoformat()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL rapport.audit_purge_before = '{cutoff}'")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [old.pk])
        with pytest.raises(DatabaseError), transaction.atomic():
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [young.pk])
        cursor.execute("SET LOCAL rapport.audit_purge_before = ''")
    remaining = set(AuditEvent.objects.values_list("pk", flat=True))
    assert old.pk not in remaining and young.pk in remaining


def test_the_purge_service_opens_the_gate_and_closes_it_behind_itself() -> None:
    young, old = an_event(), an_event(days_old=1000)
    assert audit.purge_expired() == 1
    remaining = set(AuditEvent.objects.values_list("pk", flat=True))
    assert young.pk in remaining and old.pk not in remaining
    # Still inside the test's transaction, the gate is shut again.
    another_old = an_event(days_old=1000)
    assert refused("DELETE FROM audit_auditevent WHERE id = %s", another_old.pk)
