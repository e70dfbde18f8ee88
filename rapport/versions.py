"""Versions of what a person's pages show, kept in the shared cache (settings CACHES).

Each person has a version: a random token that every write changing what their home page or
team view shows replaces (`bump_people`, `bump_pair`). Cached page data is stored under the
versions read at the start of the request, before any data (rapport/pagecache.py), so:

- a write bumps once inside its transaction and once after it commits. A reader that read the
  old version before the commit may store what it read under that version, but nobody asks for
  it again after the second bump; a reader that starts between the two bumps reads the first
  bump's token and data that may not be committed yet, which the second bump abandons too.
- a token is random, never a counter: a version evicted from the cache and made again cannot
  come back to a value that old entries were stored under.

A 1:1 writes to both its people's pages (the manager's home and team view, the report's home); a
change of someone's manager, name or presence writes to theirs, their manager's and their
reports'. Nothing here knows the apps: the services say whose pages changed. A write that no
kept page shows (a meeting's notes, read on each visit) moves no version.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from django.core.cache import cache
from django.db import transaction


class Pair(Protocol):
    manager_id: int | None
    report_id: int | None


# Moved by writes that touch pages they cannot name (the worker's ticks): every page.
EVERYONE = "version:everyone"


def _key(person_id: int) -> str:
    return f"version:person:{person_id}"


def _store(person_ids: set[int]) -> None:
    cache.set_many({_key(pk): secrets.token_hex(8) for pk in person_ids}, timeout=None)


def _store_everyone() -> None:
    cache.set(EVERYONE, secrets.token_hex(8), timeout=None)


def bump_people(person_ids: Iterable[int | None]) -> None:
    """The pages of these people changed (or will, once the current transaction commits)."""
    ids = {pk for pk in person_ids if pk is not None}
    if not ids:
        return
    _store(ids)
    transaction.on_commit(lambda: _store(ids))


def bump_pair(pair: Pair) -> None:
    """A 1:1's content changed: both its people's pages."""
    bump_people((pair.manager_id, pair.report_id))


def bump_everyone() -> None:
    _store_everyone()
    transaction.on_commit(_store_everyone)


def of_person(person_id: int) -> str:
    """The current version of a person's pages (made on first use): theirs and everyone's."""
    return of_person_with(person_id, ())[0]


def of_person_with(person_id: int, keys: tuple[str, ...]) -> tuple[str, dict[str, Any]]:
    """`of_person` and what the cache holds under `keys`, read together (with the database
    cache, in one query): the page cache keeps each entry with the version it was built under
    and compares the two."""
    mine = (EVERYONE, _key(person_id))
    found = cache.get_many((*mine, *keys))
    for key in mine:
        if key not in found:
            cache.add(key, secrets.token_hex(8), timeout=None)
            found[key] = cache.get(key)
    return f"{found[EVERYONE]}.{found[mine[1]]}", {key: found[key] for key in keys if key in found}


def of_people_with(
    person_ids: Iterable[int], keys: tuple[str, ...]
) -> tuple[dict[int, str], dict[str, Any]]:
    """`of_person_with` for several people at once: each one's version, and what the cache holds
    under `keys`, in one read (the page cache's pieces: a part of a page per person)."""
    ids = sorted(set(person_ids))
    mine = {pk: _key(pk) for pk in ids}
    found = cache.get_many((EVERYONE, *mine.values(), *keys))
    for key in (EVERYONE, *mine.values()):
        if key not in found:
            cache.add(key, secrets.token_hex(8), timeout=None)
            found[key] = cache.get(key)
    everyone = found[EVERYONE]
    return (
        {pk: f"{everyone}.{found[key]}" for pk, key in mine.items()},
        {key: found[key] for key in keys if key in found},
    )


def _people_of(thing: Any) -> set[int]:
    """Whose pages a service's argument or result concerns, read off its shape: a 1:1 (its
    manager and report), anything of a 1:1 or of a meeting, a person (them, their manager and
    their manager's manager, who sees their team size, and their reports, who see their name),
    or a list of those. Duck-typed: this module sits below every app."""
    if thing is None or isinstance(thing, (str, bytes, int, float, bool)):
        return set()
    if isinstance(thing, (list, tuple, set, frozenset)):
        return set().union(*(_people_of(item) for item in thing)) if thing else set()
    if hasattr(thing, "report_id") and hasattr(thing, "manager_id"):
        return {pk for pk in (thing.manager_id, thing.report_id) if pk is not None}
    if getattr(thing, "one_on_one_id", None) is not None:
        return _people_of(thing.one_on_one)
    if getattr(thing, "meeting_id", None) is not None:
        return _people_of(thing.meeting)
    if hasattr(thing, "manager_id") and hasattr(thing, "reports"):
        found = {thing.pk, thing.manager_id}
        if thing.manager_id is not None:
            found.add(thing.manager.manager_id)
        found.update(thing.reports.values_list("pk", flat=True))
        return {pk for pk in found if pk is not None}
    if getattr(thing, "person_id", None) is not None:
        person = getattr(thing, "person", None)
        return _people_of(person) if person is not None else {thing.person_id}
    return set()


# The keyword arguments that name who writes, not what is written about.
ACTORS = frozenset({"by", "author"})


def bumps[**Params, Result](service: Callable[Params, Result]) -> Callable[Params, Result]:
    """A write service's decorator: once it returns, the pages of everyone its arguments (but
    the actor) and result concern (`_people_of`) are bumped, read before and after (a change
    of manager concerns the old manager and the new one). A refusal raises, bumping nothing."""

    @functools.wraps(service)
    def bumped(*args: Params.args, **kwargs: Params.kwargs) -> Result:
        # The actor is not what changed: a manager's every autosave would otherwise bump their
        # whole team. Their own pages are the 1:1's or the person's the write names.
        subjects = [*args, *(value for name, value in kwargs.items() if name not in ACTORS)]
        before = _people_of(subjects)
        result = service(*args, **kwargs)
        bump_people(before | _people_of([*subjects, result]))
        return result

    return bumped


def bumps_everyone[**Params, Result](service: Callable[Params, Result]) -> Callable[Params, Result]:
    """For a write of the worker that may touch anyone's pages: bumps every page when it did
    something (a true or non-zero result)."""

    @functools.wraps(service)
    def bumped(*args: Params.args, **kwargs: Params.kwargs) -> Result:
        result = service(*args, **kwargs)
        if result:
            bump_everyone()
        return result

    return bumped
