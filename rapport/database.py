"""When the database refuses writes (read-only, disk full, restarting, locked): telling that
apart from a bug, and checking it for /health/.

A refused write is an outage, not a mistake in the request or in the code: the same request
can succeed once the database is back, so scripts are answered 503 with Retry-After and keep
their data to send again, while a bug still ends in a 500 that gets logged and fixed.
"""

from __future__ import annotations

import logging
from contextlib import suppress

from django.db import (
    DatabaseError,
    InterfaceError,
    InternalError,
    OperationalError,
    connection,
    connections,
    transaction,
)
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import F

# How long a client is asked to wait before sending a refused write again. Short enough that a
# restarting PostgreSQL costs a few seconds of saving, not a minute; clients back off further.
RETRY_AFTER_S = 5

# SQLSTATEs that say "not now" rather than "never": read-only transaction (a standby, or
# default_transaction_read_only), disk full, out of memory, too many connections.
_REFUSING_SQLSTATES = frozenset({"25006", "53100", "53200", "53300"})

# How long /health/ waits for a lock before calling the database refusing (milliseconds).
HEALTH_WAIT_MS = 2000

logger = logging.getLogger(__name__)


def is_refused_write(error: BaseException) -> bool:
    """True when the database, not the request, is why a query failed: a connection lost or
    refused, a read-only or full database, a lock that did not come free. Integrity, data and
    programming errors are bugs or bad input and stay 500s."""
    if isinstance(error, (OperationalError, InterfaceError)):
        return True
    if isinstance(error, InternalError):
        return getattr(error.__cause__, "sqlstate", None) in _REFUSING_SQLSTATES
    return False


def drop_refused_connections() -> None:
    """After a refusal the connection itself may be what is broken: an SQLite file opened while
    its filesystem was read-only stays read-only for that connection, a PostgreSQL connection
    may be half closed. Persistent connections (CONN_MAX_AGE) would keep failing after the
    database is back, so the next request opens a fresh one. Never inside a transaction that
    someone still holds (the test suite's, an atomic block further out)."""
    for each in connections.all(initialized_only=True):
        if not each.in_atomic_block:
            with suppress(DatabaseError):
                each.close()


def write_refusal() -> str | None:
    """None when the database accepts a write, else its reason. The write is one row of the
    migrations table updated to itself inside a transaction that is rolled back, so it
    changes nothing and needs no table of its own; it waits at most HEALTH_WAIT_MS for locks."""
    sqlite = connection.vendor == "sqlite"
    try:
        if sqlite:
            connection.ensure_connection()
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA busy_timeout = {HEALTH_WAIT_MS}")
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    if connection.vendor == "postgresql":
                        cursor.execute(f"SET LOCAL lock_timeout = {HEALTH_WAIT_MS}")
                        cursor.execute(f"SET LOCAL statement_timeout = {HEALTH_WAIT_MS * 2}")
                migrations = MigrationRecorder.Migration.objects
                first = migrations.order_by("pk").values_list("pk", flat=True)[:1]
                migrations.filter(pk__in=first).update(applied=F("applied"))
                transaction.set_rollback(True)
        finally:
            if sqlite and connection.connection is not None:
                busy_ms = int(connection.settings_dict["OPTIONS"].get("timeout", 5) * 1000)
                with suppress(DatabaseError), connection.cursor() as cursor:
                    cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
    except DatabaseError as error:
        if not is_refused_write(error):
            raise
        # The full message may name hosts or paths: it goes to the log, not to the public page.
        logger.warning("Health check: the database refuses writes: %s", error)
        return f"The database refuses writes ({type(error).__name__})."
    return None
