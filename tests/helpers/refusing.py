"""A database that refuses writes for real, the way a read-only file or a standby would."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def database_refusing_writes() -> Iterator[None]:
    """Inside, every write on the test's connection fails as the database's own refusal:
    SQLite answers "attempt to write a readonly database" (query_only), PostgreSQL "cannot
    execute UPDATE in a read-only transaction". PostgreSQL's setting lives in a savepoint that
    is rolled back on the way out, which makes the transaction writable again."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA query_only = ON")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA query_only = OFF")
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL transaction_read_only = on")
        try:
            yield
        finally:
            transaction.set_rollback(True)
