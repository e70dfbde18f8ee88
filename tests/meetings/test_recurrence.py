from __future__ import annotations

from datetime import UTC, date, datetime, time
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from rapport.meetings import recurrence


def local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


@pytest.mark.parametrize(
    ("zone", "change_day"),
    [("Europe/Berlin", date(2026, 3, 29)), ("America/New_York", date(2026, 3, 8))],
)
def test_weekly_meetings_keep_the_wall_clock_across_daylight_saving(
    zone: str, change_day: date
) -> None:
    slots = recurrence.occurrences(
        cadence="weekly",
        starts_on=date(2026, 2, 1),
        weekday=1,  # Tuesdays
        at=time(10, 0),
        zone=zone,
        after=datetime(2026, 2, 1, tzinfo=UTC),
        until=datetime(2026, 5, 1, tzinfo=UTC),
    )
    assert all(local(slot, zone).time() == time(10, 0) for slot in slots)
    before = [slot for slot in slots if slot.date() < change_day]
    after = [slot for slot in slots if slot.date() > change_day]
    # The UTC hour moves by one across the change; the local hour does not.
    assert before[-1].hour - after[0].hour == 1
    days = [local(slot, zone).date() for slot in slots]
    assert all((b - a).days == 7 for a, b in pairwise(days))
    assert len(slots) == 13


def test_a_meeting_in_the_spring_forward_gap_takes_the_earlier_offset() -> None:
    moment = recurrence.to_utc(date(2026, 3, 29), time(2, 30), "Europe/Berlin")
    assert moment == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_every_two_weeks_skips_a_week() -> None:
    slots = recurrence.occurrences(
        cadence="biweekly",
        starts_on=date(2026, 1, 1),
        weekday=3,
        at=time(9),
        zone="UTC",
        after=datetime(2026, 1, 1, tzinfo=UTC),
        until=datetime(2026, 2, 15, tzinfo=UTC),
    )
    assert [slot.date() for slot in slots] == [
        date(2026, 1, 1),
        date(2026, 1, 15),
        date(2026, 1, 29),
        date(2026, 2, 12),
    ]


def test_monthly_keeps_the_nth_weekday_and_a_fifth_becomes_the_last() -> None:
    second_tuesdays = recurrence.occurrences(
        cadence="monthly",
        starts_on=date(2026, 1, 13),
        weekday=1,
        at=time(9),
        zone="UTC",
        after=datetime(2026, 1, 1, tzinfo=UTC),
        until=datetime(2026, 4, 1, tzinfo=UTC),
    )
    assert [slot.date() for slot in second_tuesdays] == [
        date(2026, 1, 13),
        date(2026, 2, 10),
        date(2026, 3, 10),
    ]
    last_fridays = recurrence.occurrences(
        cadence="monthly",
        starts_on=date(2026, 1, 30),
        weekday=4,
        at=time(9),
        zone="UTC",
        after=datetime(2026, 1, 1, tzinfo=UTC),
        until=datetime(2026, 4, 1, tzinfo=UTC),
    )
    assert [slot.date() for slot in last_fridays] == [
        date(2026, 1, 30),
        date(2026, 2, 27),
        date(2026, 3, 27),
    ]


def test_the_rrule_text_follows_rfc_5545() -> None:
    assert recurrence.rrule("weekly", date(2026, 1, 1), 1) == "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU"
    assert recurrence.rrule("biweekly", date(2026, 1, 1), 4) == "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"
    assert recurrence.rrule("monthly", date(2026, 1, 13), 1) == "FREQ=MONTHLY;BYDAY=2TU"
