"""Per-viewer page data in the shared cache, never shared between viewers, never stale.

The key names the viewer, the viewer's version (rapport/versions.py, read before any data), the
minute the data is computed for, the viewer's time zone and language, and the data's format:

- the data is computed as of the start of the current minute, cached or not, so a cached copy
  equals a fresh one for the whole minute. Meetings start and end on whole minutes; the pages
  show local times to the minute ("09:41" on home, "Now" from a 1:1's first minute).
- every write that changes what a viewer's page shows bumps that viewer's version.

docs/performance.md#page-cache says what is cached and what it saves.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from rapport import versions

# Part of every key: a release that changes the shape of cached data changes this.
FORMAT = 1
# An entry serves one minute; kept a little longer, it is culled like any expired entry.
TIMEOUT_SECONDS = 120


def as_of(now: datetime) -> datetime:
    """The moment the pages' data is computed for: the start of `now`'s minute."""
    return now.replace(second=0, microsecond=0)


def page_data[Data](
    kind: str, viewer_id: int, now: datetime, build: Callable[[datetime], Data]
) -> Data:
    """`build(as_of(now))`, kept per viewer under the viewer's current version."""
    moment = as_of(now)
    if not settings.RAPPORT_PAGE_CACHE:
        return build(moment)
    version = versions.of_person(viewer_id)
    key = ":".join(
        (
            f"page{FORMAT}",
            kind,
            str(viewer_id),
            version,
            moment.strftime("%Y%m%dT%H%M"),
            timezone.get_current_timezone_name(),
            translation.get_language() or "",
        )
    )
    data = cache.get(key)
    if data is None:
        data = build(moment)
        cache.set(key, data, TIMEOUT_SECONDS)
    return data
