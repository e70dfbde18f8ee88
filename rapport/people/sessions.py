"""Sessions read from the shared cache and written through to the database (settings
SESSION_ENGINE): Django's `cached_db` store, with one race closed.

On a cache miss Django's store reads the session's row and puts the session back in the cache.
A sign-out landing between the two deletes the row, then the cache entry, and the store then
put the session back: alive in the cache, for whoever kept its cookie, until it expired. Here
a session put back is checked against its row once more, and taken out again if the row is
gone. The check costs a query on a cache miss only; every other read is the cache's."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.models import Session
from django.core.cache.backends.base import BaseCache

logger = logging.getLogger("django.contrib.sessions")


class SessionStore(cached_db.SessionStore):
    # Set and defined by Django's stores; their stubs do not name them.
    _cache: BaseCache
    _get_session_from_db: Callable[[], Session | None]

    def load(self) -> dict[str, Any]:
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # as Django's: a key the backend refuses is a miss
            data = None
        if data is not None:
            return data
        row = self._get_session_from_db()
        if row is None:
            return {}
        data = self.decode(row.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=row.expire_date))
        except Exception:
            # The cache is down: the database has the session, the next request tries again.
            logger.exception("Error saving to cache (%s)", self._cache)
            return data
        if not self.model.objects.filter(session_key=row.session_key).exists():
            # Signed out meanwhile: the sign-out deleted the entry before this put it back.
            self._cache.delete(self.cache_key)
            self._session_key = None
            return {}
        return data

    async def aload(self) -> dict[str, Any]:
        return await sync_to_async(self.load)()
