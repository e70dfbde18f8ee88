"""The shared cache keeps what pages show, private text included (a report's private points on
their home page): sealed with the same data key as the columns it was read from, so the cache
table, Redis and their backups hold no private text in clear (docs/privacy.md).

Used by `rapport.env.cache_from` for the database cache and Redis; the per-process memory cache
(tests, one process) keeps nothing on disk and stays plain.

A value is its pickle, sealed as text as the columns are (`enc:v1:`, base64 of the sealed
base64 of the pickle). A `Bulk` value (rapport/pagecache.py), a page's kept data and HTML (over
100 KB for a team view), is sealed as bytes instead (`envelope.seal_bytes`): Redis keeps those
bytes, the database cache one base64 of them, so a read undoes one text layer, not three (they
were over a third of a cached team view's time). Only the release that wrote a `Bulk` value may
read it: its key must name the release (the page cache's keys do), because the release before
this one reads only the text form, and during a rolling deploy both releases share the cache
(the people's versions, the navigation's depths, the rate limits). Both forms are read.
"""

from __future__ import annotations

import base64
import itertools
import pickle
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisSerializer
from django.db import DatabaseError, connections, router, transaction
from django.utils.timezone import now as tz_now

from rapport.crypto.envelope import PREFIX, open_bytes, open_text, seal, seal_bytes
from rapport.pagecache import Bulk

_TEXT_FORM = PREFIX.encode("ascii")


def seal_value(value: Any) -> bytes | str:
    pickled = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    if isinstance(value, Bulk):
        return seal_bytes(pickled)
    return seal(base64.b64encode(pickled).decode("ascii"))


def open_value(sealed: bytes | str) -> Any:
    # AES-GCM authenticates the value: only what this installation sealed is ever unpickled
    # (Django's own backends unpickle whatever the table or Redis holds).
    if isinstance(sealed, str) or sealed.startswith(_TEXT_FORM):
        text = sealed if isinstance(sealed, str) else sealed.decode("ascii")
        return pickle.loads(base64.b64decode(open_text(text)))  # noqa: S301
    return pickle.loads(open_bytes(sealed))  # noqa: S301


class _Sealed:
    """A value as the database cache stores it: its pickle, sealed (as text, or as bytes for a
    `Bulk` value)."""

    __slots__ = ("sealed",)

    def __init__(self, sealed: bytes | str) -> None:
        self.sealed = sealed

    def __getstate__(self) -> bytes | str:
        return self.sealed

    def __setstate__(self, state: bytes | str) -> None:
        self.sealed = state


# A store counts the table (to cull it past MAX_ENTRIES) once in this many, not every time.
CULL_CHECK_EVERY = 100
# `set_many` stores this many rows per statement at most (three parameters each).
SET_MANY_ROWS = 500


class SealedDatabaseCache(DatabaseCache):
    """Django's database cache, with values sealed, and a store in one statement.

    Django's own store runs four queries: it counts the whole table (to cull it past
    MAX_ENTRIES), then reads the key and updates or inserts it in a transaction. The count
    scans the table on PostgreSQL: at 45,000 entries a store took 2.75 ms (wall) against 0.57
    for the upsert (`python -m bench.cache_store`). A page built after a write stores two or
    three values; every write bumps its people's versions twice. Here a set or an add is one
    upsert (`INSERT ... ON CONFLICT`, PostgreSQL and SQLite alike), and the table is counted on
    one store in CULL_CHECK_EVERY of each process: past MAX_ENTRIES it grows by at most that
    many per process before it is culled. The stored form is Django's, so a release that uses
    Django's store reads it."""

    # This process's stores so far: every CULL_CHECK_EVERY-th counts the table.
    _stores = itertools.count()

    def _base_set(self, mode: str, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT) -> bool:
        # Django's set, add and touch all store through here (not in the type stubs).
        if mode == "touch":
            sealed = _Sealed(seal_value(value))
            return bool(super()._base_set(mode, key, sealed, timeout))  # type: ignore[misc]
        return self._upsert(mode, [(key, value)], timeout)

    def set_many(
        self, data: Mapping[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        """Every value in one statement (Django's stores them one by one): a page built after
        every version moved stores one piece per person (rapport/pagecache.py, `pieces`)."""
        rows = [
            (self.make_and_validate_key(key, version=version), value) for key, value in data.items()
        ]
        for start in range(0, len(rows), SET_MANY_ROWS):
            if not self._upsert("set", rows[start : start + SET_MANY_ROWS], timeout):
                return list(data)
        return []

    def _upsert(self, mode: str, rows: list[tuple[str, Any]], timeout: Any) -> bool:
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)  # type: ignore[attr-defined]
        backend_timeout = self.get_backend_timeout(timeout)
        now = tz_now().replace(microsecond=0)
        expires = (
            datetime.max
            if backend_timeout is None
            else datetime.fromtimestamp(backend_timeout, tz=UTC if settings.USE_TZ else None)
        ).replace(microsecond=0)
        adapt = connection.ops.adapt_datetimefield_value
        params: list[Any] = []
        for key, value in rows:
            sealed = _Sealed(seal_value(value))
            stored = base64.b64encode(pickle.dumps(sealed, self.pickle_protocol)).decode("latin1")
            params += [key, stored, adapt(expires)]
        # An add replaces only an entry that has expired, as Django's does. The table is the
        # settings' name, quoted; every value is a parameter.
        only_expired = f" WHERE {table}.expires < %s" if mode == "add" else ""
        values = ", ".join(["(%s, %s, %s)"] * len(rows))
        upsert = (
            f"INSERT INTO {table} (cache_key, value, expires) VALUES {values} "  # noqa: S608
            "ON CONFLICT (cache_key) DO UPDATE SET value = excluded.value, "
            f"expires = excluded.expires{only_expired}"
        )
        params += [adapt(now)] if mode == "add" else []
        with connection.cursor() as cursor:
            # Outside the store's savepoint and its `except`, as in Django's store: a count or
            # a cull that fails raises, never leaving a write's transaction broken unseen.
            if next(self._stores) % CULL_CHECK_EVERY == 0:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
                count = cursor.fetchone()[0]
                if count > self._max_entries:
                    self._cull(db, cursor, now, count)  # type: ignore[attr-defined]
            try:
                if connection.in_atomic_block:
                    # Inside a transaction (a write's first bump of the versions): in a
                    # savepoint, as Django's store, so that a store that fails leaves the
                    # transaction usable.
                    with transaction.atomic(using=db):
                        cursor.execute(upsert, params)
                else:
                    cursor.execute(upsert, params)
            except DatabaseError:
                # As Django's: a store that fails (a concurrent write, a locked table) is a
                # miss, not an error of the page that stores.
                return False
            return cursor.rowcount == len(rows)

    def get_many(self, keys: Any, version: int | None = None) -> dict[str, Any]:
        found = super().get_many(keys, version=version)
        return {
            key: open_value(value.sealed) if isinstance(value, _Sealed) else value
            for key, value in found.items()
        }


class SealedRedisSerializer(RedisSerializer):
    """Counters (incr, decr) stay plain integers, as Django's own serializer keeps them."""

    def dumps(self, obj: Any) -> Any:
        if type(obj) is int:
            return obj
        sealed = seal_value(obj)
        return sealed if isinstance(sealed, bytes) else sealed.encode("ascii")

    def loads(self, data: Any) -> Any:
        try:
            return int(data)
        except ValueError:
            return open_value(data)
