"""Reading the whole database for markers, and the figures erasure must leave alone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from rapport.crypto import envelope
from rapport.insights.selectors import (
    cadence_per_person,
    checkins_per_person,
    retention_records,
)
from rapport.meetings.models import Meeting
from rapport.meetings.services import departure_record
from rapport.people.models import LeftReason, Person
from rapport.people.selectors import organisation_overview


def _raw_rows() -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows.extend(cursor.fetchall())
    return rows


def _opened(value: Any) -> Any:
    """Private text is stored sealed (rapport/crypto): opened here, so a marker in it counts."""
    if isinstance(value, str) and envelope.is_sealed(value):
        return envelope.open_text(value)
    return value


def every_row_text() -> str:
    """Every row of every table (Django's own included), each column as text, encrypted columns
    opened: one haystack."""
    return "\n".join(repr(tuple(_opened(value) for value in row)) for row in _raw_rows())


def sealed_values_holding(markers: list[str]) -> list[str]:
    """The stored (encrypted) values whose text holds one of `markers`: what a file scan looks
    for, since the markers themselves never reach the database in plain text."""
    return [
        value
        for row in _raw_rows()
        for value in row
        if isinstance(value, str)
        and envelope.is_sealed(value)
        and any(marker in envelope.open_text(value) for marker in markers)
    ]


def markers_left(markers: list[str]) -> list[str]:
    haystack = every_row_text()
    return [marker for marker in markers if marker in haystack]


def has_left(person: Person, *, by: Person) -> Person:
    """Records a departure that took effect yesterday."""
    departure_record(
        person=person,
        leaves_on=timezone.localdate() - timedelta(days=1),
        reason=LeftReason.VOLUNTARY,
        by=by,
    )
    person.refresh_from_db()
    return person


def figures(hr: Person) -> dict[str, Any]:
    """The aggregates the organisation sees: retention, cadence, check-ins, the overview."""
    now = timezone.now()
    overview = organisation_overview(hr, today=now)
    return {
        "retention": retention_records(None, now=now, today=timezone.localdate()),
        "cadence": cadence_per_person(None, now=now),
        "checkins": checkins_per_person(None, now=now),
        "people": (overview.active_people, overview.left_last_year, overview.managers),
        "meetings": sorted(Meeting.objects.values_list("pk", "status")),
    }
