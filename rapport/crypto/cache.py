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
import pickle
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisSerializer

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


class SealedDatabaseCache(DatabaseCache):
    def _base_set(self, mode: str, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT) -> bool:
        # Django's set, add and touch all store through here (not in the type stubs).
        sealed = _Sealed(seal_value(value))
        return bool(super()._base_set(mode, key, sealed, timeout))  # type: ignore[misc]

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
