"""A fingerprint of everything in the database, to prove that a refused write changed nothing."""

from __future__ import annotations

import hashlib
from functools import cache

from django.apps import apps
from django.db import connection

# Sessions change with every sign-in and sign-out and hold no content of the product.
IGNORED_TABLES = frozenset({"django_session"})


@cache
def _tables() -> tuple[tuple[str, str | None], ...]:
    """(table, primary key column) of every model's table, in a fixed order."""
    return tuple(
        (model._meta.db_table, model._meta.pk.column)
        for model in sorted(apps.get_models(), key=lambda model: model._meta.db_table)
        if not (
            model._meta.proxy or not model._meta.managed or model._meta.db_table in IGNORED_TABLES
        )
    )


def database_digest() -> str:
    # Raw rows straight from the cursor, every column, ordered by primary key: the same rows as
    # the ORM would read, at a tenth of its cost (the write matrix takes two digests per write).
    digest = hashlib.sha256()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, pk in _tables():
            digest.update(table.encode())
            cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {quote(pk or '')}")
            for row in cursor.fetchall():
                digest.update(repr(row).encode())
    return digest.hexdigest()
