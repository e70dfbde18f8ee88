"""Bulk inserts for millions of rows: explicit primary keys, no model instances, no signals.

The ORM's bulk_create builds a model object per row; at ten million rows that alone takes
minutes. Here a row is a tuple of attribute values, converted once by its field for the
database in use, and written in batches: `COPY ... FROM STDIN` on PostgreSQL, `executemany`
elsewhere. Keys are handed out by the writer, so rows can point at each other before they are
written; the sequences are moved past them at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max, Model

from rapport.crypto.fields import EncryptedCharField, EncryptedTextField

BATCH = 5_000


def _utc_text(value: datetime) -> str:
    return str(value.astimezone(UTC).replace(tzinfo=None))


# What Django's SQLite backend stores for these types, without its per-value overhead (a third
# of the time at this scale). psycopg adapts all of them itself, so PostgreSQL needs none.
SQLITE_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "DateTimeField": _utc_text,
    "DateField": str,
    "TimeField": str,
    "UUIDField": lambda value: value.hex,
    "DecimalField": str,
}


class BulkWriter:
    """Buffers rows of one model and writes them in batches. `add` returns the row's key."""

    def __init__(self, model: type[Model], columns: Sequence[str]) -> None:
        self.model = model
        fields = [model._meta.get_field(name) for name in ("id", *columns)]
        converters = SQLITE_CONVERTERS if connection.vendor == "sqlite" else {}
        self._converters = [
            (position, converters[field.get_internal_type()])
            for position, field in enumerate(fields)
            if field.get_internal_type() in converters
        ]
        # Private text is sealed here as the ORM would (rapport/crypto), on every database.
        self._converters += [
            (position, field.get_prep_value)
            for position, field in enumerate(fields)
            if isinstance(field, EncryptedTextField | EncryptedCharField)
        ]
        self._table = model._meta.db_table
        self._columns: list[str] = [field.column for field in fields]  # type: ignore[union-attr,misc]
        self._rows: list[tuple[Any, ...]] = []
        self.next_id = (model._default_manager.aggregate(top=Max("id"))["top"] or 0) + 1
        self.written = 0

    def add(self, *values: Any) -> int:
        key = self.next_id
        self.next_id += 1
        self._rows.append((key, *values))
        if len(self._rows) >= BATCH:
            self.flush()
        return key

    def flush(self) -> None:
        if not self._rows:
            return
        rows = self._rows
        if self._converters:
            rows = [self._converted(row) for row in rows]
        quoted = ", ".join(connection.ops.quote_name(column) for column in self._columns)
        table = connection.ops.quote_name(self._table)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self._columns))
                # Table and column names come from the model, quoted; values are parameters.
                insert = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"  # noqa: S608
                cursor.executemany(insert, rows)
        self.written += len(rows)
        self._rows = []

    def _converted(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        values = list(row)
        for position, convert in self._converters:
            if values[position] is not None:
                values[position] = convert(values[position])
        return tuple(values)


def sequences_reset(models: Sequence[type[Model]]) -> None:
    """After explicit keys, PostgreSQL's sequences must move past them (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
