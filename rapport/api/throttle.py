"""A per-token request limit: a fixed window counted in the cache, like the sign-in throttle
counts failures per key in a window (rapport/people/throttle.py). The cache is shared by every
process (settings CACHES: the database's table or Redis), so it is one count per token."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60


def wait_seconds(token_key: str, *, now: datetime) -> int:
    """Count one request for the token; 0 when it may go ahead, else the seconds until the
    next window opens (the Retry-After)."""
    second = int(now.timestamp())
    window = second // WINDOW_SECONDS
    key = f"rapport:api-rate:{token_key}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr: this request starts the count
        cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
        count = 1
    if count <= settings.RAPPORT_API_REQUESTS_PER_MINUTE:
        return 0
    return WINDOW_SECONDS - second % WINDOW_SECONDS
