"""The shared cache keeps what pages show, private text included (a report's private points on
their home page): sealed with the same data key as the columns it was read from, so the cache
table, Redis and their backups hold no private text in clear (docs/privacy.md).

Used by `rapport.env.cache_from` for the database cache and Redis; the per-process memory cache
(tests, one process) keeps nothing on disk and stays plain."""

from __future__ import annotations

import base64
import pickle
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisSerializer

from rapport.crypto.envelope import open_text, seal


def seal_value(value: Any) -> str:
    return seal(base64.b64encode(pickle.dumps(value, pickle.HIGHEST_PROTOCOL)).decode("ascii"))


def open_value(sealed: str) -> Any:
    # AES-GCM authenticates the value: only what this installation sealed is ever unpickled
    # (Django's own backends unpickle whatever the table or Redis holds).
    return pickle.loads(base64.b64decode(open_text(sealed)))  # noqa: S301


class _Sealed:
    """A value as the database cache stores it: its pickle, sealed."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __getstate__(self) -> str:
        return self.text

    def __setstate__(self, state: str) -> None:
        self.text = state


class SealedDatabaseCache(DatabaseCache):
    def _base_set(self, mode: str, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT) -> bool:
        # Django's set, add and touch all store through here (not in the type stubs).
        sealed = _Sealed(seal_value(value))
        return bool(super()._base_set(mode, key, sealed, timeout))  # type: ignore[misc]

    def get_many(self, keys: Any, version: int | None = None) -> dict[str, Any]:
        found = super().get_many(keys, version=version)
        return {
            key: open_value(value.text) if isinstance(value, _Sealed) else value
            for key, value in found.items()
        }


class SealedRedisSerializer(RedisSerializer):
    """Counters (incr, decr) stay plain integers, as Django's own serializer keeps them."""

    def dumps(self, obj: Any) -> Any:
        if type(obj) is int:
            return obj
        return seal_value(obj).encode("ascii")

    def loads(self, data: Any) -> Any:
        try:
            return int(data)
        except ValueError:
            return open_value(data.decode("ascii"))
