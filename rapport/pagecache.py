"""Per-viewer page data in the shared cache, never shared between viewers, never stale.

The key names the viewer, the viewer's time zone and language, the release (a digest of the
code, templates and translations that build and render the data, so that a deploy never reads
entries of another shape: the shared cache outlives it, and during a rolling deploy old and new
instances share it), and the minute the data is computed for, unless the data says how long it
lasts (below). The entry holds the data with the viewer's version (rapport/versions.py) read
before the data was built and the minutes it serves, and serves only while that is still the
viewer's version: the version and the entry are read together, in one query with the database
cache.

- the data is computed as of the start of the current minute, cached or not, so a cached copy
  equals a fresh one for the whole minute. Meetings start and end on whole minutes; the pages
  show local times to the minute ("Now" from a 1:1's first minute).
- data that notes when it changes by time alone (`Horizon`: home's and the team view's) is
  kept, under a key without the minute, for every minute until then.
- every write that changes what a viewer's page shows bumps that viewer's version.

Entries are `Bulk`: the shared cache seals them as bytes (rapport/crypto/cache.py), a form only
this release reads, which the release in every key ensures. Each holds the version it was built
under, the minutes it serves and the data's own pickle, which is unpickled only when it serves.

`pieces` keeps parts of a page that each concern one person (the team view's members and
cards, home's board rows) under that person's version, each until its own horizon, so that a
page built again after a write about one person builds that person's parts alone.

`page_content` keeps the page's main content as rendered HTML under the same key, with what
else the content reads from the request (the team view's `?sort=` and `?show=`), so a request
served from it renders only the layout (navigation, messages, CSP nonce, CSRF token). What each
request shows of its own goes into holes on the way out: its CSRF token in the forms, the time
now beside each report on home (`rendered_apart`, `filled_in`). The stored HTML has a random
mark in their places, never a token or a time.

docs/performance.md#page-cache says what is cached and what it saves.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString

from rapport import versions
from rapport.display import zone_named


@dataclass(frozen=True, slots=True)
class Bulk:
    """A large value that only this release reads (its key names the release): the shared cache
    seals it as bytes, not as text (rapport/crypto/cache.py). Read back as it was stored."""

    value: Any


MINUTE = timedelta(minutes=1)
# An entry of one minute is kept a little longer, then culled like any expired entry; a lasting
# entry (`Horizon`) is kept until its end, and at most a day.
TIMEOUT_SECONDS = 120
LONGEST_SECONDS = 24 * 60 * 60


def as_of(now: datetime) -> datetime:
    """The moment the pages' data is computed for: the start of `now`'s minute."""
    return now.replace(second=0, microsecond=0)


class Horizon:
    """Until when data read as of `moment` (a minute's start) reads the same: the first minute
    at which something it shows may change by time alone. The data's builder notes each instant
    at which what it read changes with the clock (`note`): a meeting that stops being the next
    one, a fact that leaves one of its windows, the viewer's midnight for what counts in days.
    The entry serves every minute before that, unless a write moves the viewer's version
    first (docs/performance.md#page-cache)."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment
        self.until = moment + timedelta(days=1)

    def note(self, instant: datetime) -> None:
        """What was read changes at `instant` (with data read "as of" a minute: at the first
        minute at or after it). An instant before `moment` has passed already; one within its
        minute shows from the next."""
        if instant < self.moment:
            return
        # In UTC: a minute added to a local time across a change of the clocks is not a minute.
        edge = _first_minute_from(instant.astimezone(UTC))
        self.until = min(self.until, max(edge, self.moment + MINUTE))

    def note_midnight(self) -> None:
        """What counts in days changes at the viewer's next midnight (in the current time zone)."""
        self.note(next_midnight(self.moment))


def next_midnight(moment: datetime) -> datetime:
    """The first midnight after `moment` in the current time zone (the viewer's)."""
    tomorrow = timezone.localdate(moment) + timedelta(days=1)
    return datetime.combine(tomorrow, time(0), tzinfo=timezone.get_current_timezone())


class Lasting(Protocol):
    """Data that says until when it reads the same (its `Horizon`'s end)."""

    @property
    def until(self) -> datetime: ...


def horizon_of(data: Lasting) -> datetime:
    """The `until` of `page_data` and `page_content` for data that notes its horizon."""
    return data.until


def _first_minute_from(instant: datetime) -> datetime:
    start = as_of(instant)
    return start if start == instant else start + MINUTE


def _key(kind: str, viewer_id: int, moment: datetime | None, *more: str) -> str:
    """An entry's key: a lasting entry's (moment None) names no minute."""
    return ":".join(
        (
            "page",
            kind,
            str(viewer_id),
            moment.strftime("%Y%m%dT%H%M") if moment is not None else "lasting",
            timezone.get_current_timezone_name(),
            translation.get_language() or "",
            release_digest(),
            *more,
        )
    )


def page_data[Data](
    kind: str,
    viewer_id: int,
    now: datetime,
    build: Callable[[datetime], Data],
    *,
    variant: Iterable[str] = (),
    keep: bool = True,
    until: Callable[[Data], datetime] | None = None,
) -> Data:
    """`build(as_of(now))`, kept per viewer under the viewer's current version, and under
    `variant`: what else of the request the data depends on (as `page_content`'s). Kept for the
    minute, or with `until` (the data's `Horizon`) for every minute before that. `keep=False`
    builds it without reading or keeping an entry."""
    if not keep:
        return build(as_of(now))
    return page_data_and_version(kind, viewer_id, now, build, variant=variant, until=until)[0]


# The viewer and the version that the page being built read before any of its data (set by
# `page_data` and `page_content` while they build): `pieces` keeps what it builds only while
# that is still the viewer's version.
_building: ContextVar[tuple[int, str] | None] = ContextVar("pagecache_building", default=None)


@contextmanager
def _built_under(viewer_id: int, version: str) -> Iterator[None]:
    token = _building.set((viewer_id, version))
    try:
        yield
    finally:
        _building.reset(token)


def page_data_and_version[Data](
    kind: str,
    viewer_id: int,
    now: datetime,
    build: Callable[[datetime], Data],
    *,
    variant: Iterable[str] = (),
    until: Callable[[Data], datetime] | None = None,
) -> tuple[Data, str | None]:
    """`page_data`, and the viewer's version read before it (None with the page cache off), for
    a `viewer_tag` that needs no read of its own."""
    moment = as_of(now)
    if not settings.RAPPORT_PAGE_CACHE:
        return build(moment), None
    key = _key(kind, viewer_id, None if until else moment, *variant)
    version, kept = _read(viewer_id, key, moment)
    if kept is not None:
        return kept, version
    with _built_under(viewer_id, version):
        data = build(moment)
    _keep(key, version, moment, until(data) if until else moment + MINUTE, data)
    return data, version


def viewer_tag(viewer_id: int, *parts: str, version: str | None = None) -> str | None:
    """A token for what a viewer was shown of a fragment they poll (`parts` name it): the same
    while no write has concerned the viewer's pages since (their version, read unless given),
    in the same release, language and time zone. A poll that sends back the current tag has
    nothing new to fetch. Read the version before the fragment's data, so that the data is at
    least as new as the tag says. None with the page cache off: every poll renders."""
    if not settings.RAPPORT_PAGE_CACHE:
        return None
    if version is None:
        version = versions.of_person(viewer_id)
    words = (
        release_digest(),
        version,
        timezone.get_current_timezone_name(),
        translation.get_language() or "",
        str(viewer_id),
        *parts,
    )
    return hashlib.sha256("\n".join(words).encode()).hexdigest()[:24]


def _keep(key: str, version: str, since: datetime, until: datetime, kept: object) -> None:
    """Keeps `kept`, built as of `since`, under `key` with the version it was built under, to
    serve the minutes from `since` to `until` (excluded). The value is pickled apart from the
    rest, so that a reader whose version has moved on turns the entry away without unpickling
    it: after every write the first reader finds the entry of the version before, and a team
    view's data takes milliseconds to unpickle."""
    cache.set(key, _entry(version, since, until, kept), _timeout(until))


def _entry(version: str, since: datetime, until: datetime, kept: object) -> Bulk:
    return Bulk((version, since, until, pickle.dumps(kept, pickle.HIGHEST_PROTOCOL)))


def _timeout(until: datetime) -> int:
    """How long the shared cache holds an entry that serves until `until`: a little longer
    than a minute at least, a day at most."""
    seconds = (until - timezone.now()).total_seconds()
    return round(min(max(seconds, TIMEOUT_SECONDS), LONGEST_SECONDS))


def _read(viewer_id: int, key: str, moment: datetime) -> tuple[str, Any]:
    """The viewer's version, and what `key` holds if it was kept under that version for a span
    of minutes that holds `moment` (else None)."""
    version, found = versions.of_person_with(viewer_id, (key,))
    return version, _opened(found.get(key), version, moment)


def _opened(entry: object, version: str, moment: datetime) -> Any:
    """What an entry (`_keep`) holds if it was kept under `version` for a span of minutes that
    holds `moment`, else None."""
    if not isinstance(entry, Bulk):
        return None
    kept_version, since, until, pickled = entry.value
    if kept_version != version or not since <= moment < until:
        return None
    # What this process or another of this release pickled (`_keep`); the shared cache opens
    # only values this installation sealed (rapport/crypto/cache.py).
    return pickle.loads(pickled)  # noqa: S301


def pieces[Piece](
    kind: str,
    viewer_id: int,
    now: datetime,
    subjects: Mapping[int, int],
    build: Callable[[datetime, list[int]], Mapping[int, Piece]],
    *,
    until: Callable[[int, Piece], datetime],
) -> dict[int, Piece]:
    """Parts of a viewer's page that each concern one person (`subjects`: each piece's number
    and whose it is; the team view's pairs and their reports), kept per viewer and piece under
    that person's version, not the viewer's: a write about one report leaves the other reports'
    pieces as they were. `build(as_of(now), numbers)` builds the pieces not kept (all of them
    with the page cache off); each lasts until `until(number, piece)`, at most a day.
    The caller keys the page built from them under the viewer's version as usual: a piece saves
    the work of rebuilding what did not change, it does not decide what is stale. A piece the
    build does not return (its subject gone meanwhile) is left out.

    A piece is often built from data the page read before this call (a card from its member, a
    row from the board), so it is kept only within a page being built (`page_data`,
    `page_content`) and only while the viewer's version is still the one that page read before
    its data: a write about a piece's person between the two reads concerns the viewer too
    (every write a page shows moves its viewer's version), and what was built is then served
    but not kept."""
    moment = as_of(now)
    if not subjects:
        return {}
    if not settings.RAPPORT_PAGE_CACHE:
        return dict(build(moment, list(subjects)))
    keys = {number: _key(f"piece-{kind}", viewer_id, None, str(number)) for number in subjects}
    building = _building.get()
    page = building[1] if building is not None and building[0] == viewer_id else None
    people, found = versions.of_people_with({*subjects.values(), viewer_id}, tuple(keys.values()))
    got: dict[int, Piece] = {}
    for number, key in keys.items():
        kept = _opened(found.get(key), people[subjects[number]], moment)
        if kept is not None:
            got[number] = kept
    missing = [number for number in subjects if number not in got]
    if missing:
        built = build(moment, missing)
        got.update(built)
        if page is not None and people[viewer_id] == page and built:
            # In one store (one statement with the database cache), held as long as the
            # longest-lived: each entry serves only until its own `until`, and its key is the
            # same each time it is built again.
            ends = {number: until(number, piece) for number, piece in built.items()}
            entries = {
                keys[number]: _entry(people[subjects[number]], moment, ends[number], piece)
                for number, piece in built.items()
            }
            cache.set_many(entries, _timeout(max(ends.values())))
    return got


@functools.cache
def release_digest() -> str:
    """Part of every key: the project's Python code, templates and compiled translations, read
    once per process (about 1.5 MB). Any change to them, a release or a developer's edit, keys
    every entry anew: no constant to remember to raise when the shape of kept data changes, and
    no page kept until its horizon in the wording of the release before. Paths are relative, so
    every instance of one release computes the same digest and shares the entries."""
    root = Path(__file__).parent
    digest = hashlib.sha256()
    sources = (
        *root.glob("**/*.py"),
        *root.glob("**/templates/**/*.html"),
        *root.glob("locale/*/LC_MESSAGES/*.mo"),
    )
    for path in sorted(sources):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def page_content[Data](
    request: HttpRequest,
    kind: str,
    viewer_id: int,
    *,
    now: datetime,
    data: Callable[[], Data],
    template: str,
    context: Callable[[Data], dict[str, Any]],
    variant: Iterable[str] = (),
    keep: bool = True,
    until: Callable[[Data], datetime] | None = None,
) -> SafeString:
    """`template` (the page's content) rendered with `context(data())`, kept per viewer as HTML
    with the viewer's version read first, under the time zone and language, and `variant`:
    everything else the content shows of the request; for the minute, or with `until` for as
    long as the data's (as `page_data`). `keep=False` renders without keeping (content that
    changes with others' writes, such as HR's overview)."""
    if not (settings.RAPPORT_PAGE_CACHE and keep):
        return SafeString(render_to_string(template, context(data()), request))
    moment = as_of(now)
    key = _key(f"html-{kind}", viewer_id, None if until else moment, *variant)
    version, parts = _read(viewer_id, key, moment)
    if parts is None:
        with _built_under(viewer_id, version):
            built = data()
            parts = rendered_apart(request, template, context(built))
        _keep(key, version, moment, until(built) if until else moment + MINUTE, parts)
    return filled_in(request, parts)


def rendered_apart(
    request: HttpRequest | None, template: str, context: dict[str, Any]
) -> list[str]:
    """`template` rendered for keeping, split around its holes: what each request fills in with
    its own (`filled_in`). The forms' CSRF token is one (`{% csrf_token %}` writes a hole where
    the token goes), a clock another (`{% clock zone %}`, rapport/templatetags/locale_dates.py):
    the kept HTML holds no token and no time, only their places. The even items are HTML, the
    odd ones the holes' names, between random marks no text can hold. Without `request` (a
    piece that shows nothing of the request), no context processor runs."""
    mark = secrets.token_hex(16)
    fresh = {**context, "csrf_token": f"{mark}{CSRF_HOLE}{mark}", KEPT_MARK: mark}
    return render_to_string(template, fresh, request).split(mark)


def filled_in(request: HttpRequest, parts: list[str]) -> SafeString:
    """Kept HTML (`rendered_apart`) with this request's own CSRF token and clocks in its holes:
    one token for all its forms, one time per zone."""
    if len(parts) == 1:
        return SafeString(parts[0])
    filled: dict[str, str] = {}
    for hole in parts[1::2]:
        if hole not in filled:
            filled[hole] = _fill(request, hole)
    return SafeString(
        "".join(part if index % 2 == 0 else filled[part] for index, part in enumerate(parts))
    )


# What a template's context holds while it is rendered for keeping: the mark around its holes.
KEPT_MARK = "pagecache_kept_mark"
CSRF_HOLE = "csrf"
CLOCK_HOLE = "clock "


def clock_hole(mark: object, zone: str) -> str | None:
    """Where the time now in `zone` goes in content rendered for keeping: `mark` is the
    context's KEPT_MARK (None when it is not rendered for keeping, and so is the hole)."""
    return f"{mark}{CLOCK_HOLE}{zone}{mark}" if isinstance(mark, str) else None


def _fill(request: HttpRequest, hole: str) -> str:
    if hole == CSRF_HOLE:
        return str(get_token(request))
    return clock_in(hole.removeprefix(CLOCK_HOLE))


def clock_in(zone: str) -> str:
    """The time now where `zone` is, to the minute: "09:41"."""
    return as_of(timezone.now()).astimezone(zone_named(zone)).strftime("%H:%M")
