"""When a 1:1 happens: the occurrences of a cadence, computed on the manager's wall clock.

Pure functions, no database. Each occurrence is the local date and time in the rule's zone,
turned into UTC only at the end, so 10:00 in Berlin stays 10:00 in Berlin across a
daylight-saving change (and moves by an hour in UTC).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKLY, BIWEEKLY, MONTHLY = "weekly", "biweekly", "monthly"
RRULES = {
    WEEKLY: "FREQ=WEEKLY;INTERVAL=1;BYDAY={day}",
    BIWEEKLY: "FREQ=WEEKLY;INTERVAL=2;BYDAY={day}",
    MONTHLY: "FREQ=MONTHLY;BYDAY={nth}{day}",
}
ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def first_date(starts_on: date, weekday: int) -> date:
    """The first `weekday` on or after `starts_on`."""
    return starts_on + timedelta(days=(weekday - starts_on.weekday()) % 7)


def nth_weekday_of_month(day: date) -> int:
    """1 for the first Tuesday of its month, 2 for the second, ...; -1 for a fifth one, which
    not every month has, so a monthly rule started on one keeps to the last instead."""
    nth = (day.day - 1) // 7 + 1
    return -1 if nth == 5 else nth


def _monthly_date(year: int, month: int, weekday: int, nth: int) -> date:
    first = date(year, month, 1)
    if nth > 0:
        return first_date(first, weekday) + timedelta(weeks=nth - 1)
    next_month = date(year + month // 12, month % 12 + 1, 1)
    last = next_month - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def local_dates(cadence: str, starts_on: date, weekday: int) -> Iterator[date]:
    start = first_date(starts_on, weekday)
    if cadence in (WEEKLY, BIWEEKLY):
        step = timedelta(weeks=1 if cadence == WEEKLY else 2)
        current = start
        while True:
            yield current
            current += step
    elif cadence == MONTHLY:
        nth = nth_weekday_of_month(start)
        year, month = start.year, start.month
        while True:
            yield _monthly_date(year, month, weekday, nth)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    else:
        raise ValueError(f"unknown cadence {cadence!r}")


def local_dates_since(cadence: str, starts_on: date, weekday: int, since: date) -> Iterator[date]:
    """The rule's dates from `since` on, as if the rule had always run: the same weekday, the
    same fortnight phase, the same nth weekday of the month, also before `starts_on`. Calendar
    files need it: a series starts on a date of its rule, and may have to start earlier than
    the rule (with that start excluded) to hold meetings kept from an earlier rule."""
    start = first_date(starts_on, weekday)
    if cadence in (WEEKLY, BIWEEKLY):
        step = 7 if cadence == WEEKLY else 14
        steps = -(-(since - start).days // step)  # ceiling, in both directions
        current = start + timedelta(days=step * steps)
        while True:
            yield current
            current += timedelta(days=step)
    elif cadence == MONTHLY:
        nth = nth_weekday_of_month(start)
        year, month = since.year, since.month
        while True:
            day = _monthly_date(year, month, weekday, nth)
            if day >= since:
                yield day
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    else:
        raise ValueError(f"unknown cadence {cadence!r}")


def to_utc(day: date, at: time, zone: str) -> datetime:
    """A wall-clock moment in `zone` as UTC. A time that does not exist (inside a spring-forward
    gap) is read with the offset from before the change, as calendar programs do."""
    local = datetime.combine(day, at, tzinfo=ZoneInfo(zone))
    return local.astimezone(ZoneInfo("UTC"))


def occurrences(
    *,
    cadence: str,
    starts_on: date,
    weekday: int,
    at: time,
    zone: str,
    after: datetime,
    until: datetime,
) -> list[datetime]:
    """The UTC start times of the rule's meetings with `after <= start < until`."""
    found = []
    for day in local_dates(cadence, starts_on, weekday):
        moment = to_utc(day, at, zone)
        if moment >= until:
            break
        if moment >= after:
            found.append(moment)
    return found


def rrule(cadence: str, starts_on: date, weekday: int) -> str:
    """The RFC 5545 RRULE text of the cadence, for calendar files."""
    start = first_date(starts_on, weekday)
    return RRULES[cadence].format(day=ICAL_DAYS[weekday], nth=nth_weekday_of_month(start))


def period(cadence: str) -> timedelta:
    """The nominal time between two meetings (a month counts as 30 days)."""
    return {WEEKLY: timedelta(weeks=1), BIWEEKLY: timedelta(weeks=2), MONTHLY: timedelta(days=30)}[
        cadence
    ]
