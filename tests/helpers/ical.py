"""Reading Rapport's calendar files the way a calendar program does: a series expanded into its
occurrences with dateutil (icalendar's own dependency), independently of rapport/meetings/ical.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from dateutil.rrule import rruleset, rrulestr
from icalendar import Calendar, Event


def events_by_uid(content: bytes) -> dict[str, list[Event]]:
    found: dict[str, list[Event]] = {}
    for event in Calendar.from_ical(content).events:
        found.setdefault(str(event["UID"]), []).append(event)
    return found


def prop(component: Any, name: str) -> Any:
    """A property's value, untyped: icalendar types every value as a union of its classes."""
    return component[name]


def master_of(events: list[Event]) -> Event:
    (master,) = [event for event in events if "RECURRENCE-ID" not in event]
    return master


def _moments(event: Event, name: str) -> Iterator[datetime]:
    values: Any = event.get(name, [])
    for value in values if isinstance(values, list) else [values]:
        for item in value.dts:
            assert isinstance(item.dt, datetime), "Rapport writes no all-day dates"
            yield item.dt


def excluded(events: list[Event]) -> list[datetime]:
    return sorted(moment.astimezone(UTC) for moment in _moments(master_of(events), "EXDATE"))


def added(events: list[Event]) -> list[datetime]:
    return sorted(moment.astimezone(UTC) for moment in _moments(master_of(events), "RDATE"))


def expand(
    events: list[Event], *, after: datetime, until: datetime
) -> list[tuple[datetime, datetime]]:
    """The (start, end) in UTC of each occurrence that starts in [after, until)."""
    master = master_of(events)
    start, end = master.start, master.end
    assert isinstance(start, datetime) and isinstance(end, datetime)
    rules = rruleset()
    # dateutil keeps the wall clock of a zone-aware DTSTART, as RFC 5545 asks for a TZID.
    rules.rrule(rrulestr(prop(master, "RRULE").to_ical().decode(), dtstart=start))
    for moment in _moments(master, "RDATE"):
        rules.rdate(moment)
    for moment in _moments(master, "EXDATE"):
        rules.exdate(moment)
    overrides = {
        prop(event, "RECURRENCE-ID").dt.astimezone(UTC): event
        for event in events
        if "RECURRENCE-ID" in event
    }
    found = []
    for occurrence in rules.between(after - timedelta(days=40), until + timedelta(days=40)):
        utc = occurrence.astimezone(UTC)
        override = overrides.get(utc)
        if override is not None:
            pair = (
                prop(override, "DTSTART").dt.astimezone(UTC),
                prop(override, "DTEND").dt.astimezone(UTC),
            )
        else:
            pair = (utc, utc + (end - start))
        if after <= pair[0] < until:
            found.append(pair)
    return sorted(found)
