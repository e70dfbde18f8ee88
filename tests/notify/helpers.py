"""A pair across the world: a manager in New York and a report in Tokyo, meeting on Tuesdays
at 10:00 New York time on both sides of the end of US daylight saving (1 November 2026)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time

from rapport.meetings.models import Meeting, OneOnOne
from rapport.people.models import Person


@dataclass
class Pair:
    manager: Person
    report: Person
    one_on_one: OneOnOne
    before_change: Meeting  # Tuesday 27 October 2026, 10:00 EDT = 14:00 UTC
    after_change: Meeting  # Tuesday 3 November 2026, 10:00 EST = 15:00 UTC


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def world_pair() -> Pair:
    manager = Person.objects.create_user(
        "nora@example.com", "pw-pw-pw-pw", name="Nora York", timezone="America/New_York"
    )
    report = Person.objects.create_user(
        "kenji@example.com",
        "pw-pw-pw-pw",
        name="Kenji Tokyo",
        timezone="Asia/Tokyo",
        manager=manager,
    )
    one_on_one = OneOnOne.objects.create(
        manager=manager,
        report=report,
        weekday=1,
        start_time=time(10, 0),
        timezone="America/New_York",
        starts_on=utc(2026, 10, 1).date(),
        # Rows are made by hand here: the tick must not add its own meetings around them.
        scheduled_until=utc(2030, 1, 1),
    )

    def meeting(at: datetime) -> Meeting:
        return Meeting.objects.create(one_on_one=one_on_one, slot=at, scheduled_for=at)

    return Pair(
        manager=manager,
        report=report,
        one_on_one=one_on_one,
        before_change=meeting(utc(2026, 10, 27, 14)),
        after_change=meeting(utc(2026, 11, 3, 15)),
    )
