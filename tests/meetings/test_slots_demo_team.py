"""The whole-team proposal for the demo manager of 30 (Maya Okafor, Europe/London), whose
reports live from Los Angeles to Auckland: every pair that has a time inside both people's
working hours gets one, with no clash and at most 6 a day; the pairs with none are exactly the
ones the zones imply, and each is offered the least bad time and an alternating rhythm.

At the suite's default instant (June, London on summer time) the pairs without a shared time are
Liam O'Connor (Sydney) and Aroha Ngata (Auckland), offered 08:00 Friday and 07:30 Thursday on
Maya's clock; in winter Haruto Sato (Tokyo) and Ji-woo Park (Seoul) join them, because 09:00 in
London is then 18:00 in Tokyo.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from rapport.fakedata.plan import data
from rapport.meetings import selectors, slots
from rapport.people.models import Person

FAR_EAST = {"Haruto Sato", "Ji-woo Park", "Liam O'Connor", "Aroha Ngata"}


@pytest.fixture
def maya(db: None) -> Person:
    team = data("story")["teams"][0]  # the demo's team of 30 (rapport/fakedata/data/story.json)
    seat = team["manager"]
    manager = Person.objects.create_user(
        "maya@example.com", None, name=seat["name"], timezone=seat["timezone"]
    )
    for index, seat in enumerate(team["members"]):
        Person.objects.create_user(
            f"p{index}@example.com",
            None,
            name=seat["name"],
            timezone=seat["timezone"],
            manager=manager,
        )
    return manager


def fits_somewhere(manager: Person, report: Person, starts_on: date) -> bool:
    """Brute force on the people's own model methods: any quarter hour of the week."""
    for offset in range(7):
        day = starts_on + timedelta(days=offset)
        for minute in range(0, 1440, 15):
            start = datetime.combine(
                day, time(minute // 60, minute % 60), tzinfo=ZoneInfo(manager.timezone)
            )
            end = start + timedelta(minutes=30)
            if manager.is_working(start, end) and report.is_working(start, end):
                return True
    return False


def london_on_summer_time(starts_on: date) -> bool:
    monday = starts_on + timedelta(days=(7 - starts_on.weekday()) % 7)
    noon = datetime.combine(monday, time(12), tzinfo=ZoneInfo("Europe/London"))
    return noon.utcoffset() == timedelta(hours=1)


def test_the_demo_manager_of_30_gets_every_possible_pair_inside_both_peoples_hours(
    maya: Person,
) -> None:
    reports = list(maya.reports.order_by("name"))
    assert len(reports) == 30
    assert len({report.timezone for report in reports}) >= 8
    starts_on = timezone.localdate()
    plan = selectors.team_plan(
        maya, reports, duration_minutes=30, starts_on=starts_on, max_per_day=6
    )
    by_key = plan.by_key()
    proposals = {report.name: by_key[str(report.pk)] for report in reports}

    # Which pairs have no time inside both people's hours, by brute force on Person.is_working.
    without = {report.name for report in reports if not fits_somewhere(maya, report, starts_on)}
    offered = {
        name: (
            proposal.slot.label() if proposal.slot else None,
            [problem.sentence() for problem in proposal.bad_for],
            [slot.label() for slot in proposal.alternating] if proposal.alternating else None,
        )
        for name, proposal in proposals.items()
        if not proposal.fits
    }
    assert set(offered) == without, offered
    # ... and that is what the zones imply: Sydney and Auckland never overlap London's 09:00-17:30;
    # Tokyo and Seoul do by half an hour only while London is on summer time.
    expected = FAR_EAST - (
        {"Haruto Sato", "Ji-woo Park"} if london_on_summer_time(starts_on) else set()
    )
    assert without == expected, offered

    for name, proposal in proposals.items():
        assert proposal.slot is not None, name
        start = slots.moment_of(proposal.slot, starts_on=starts_on, zone=maya.timezone)
        end = start + timedelta(minutes=30)
        report = next(report for report in reports if report.name == name)
        if name in without:
            # The least bad: nobody in their night, a named warning, and the alternating offer.
            assert not proposal.has_fitting_slot
            assert all(problem.minutes_at_night == 0 for problem in proposal.bad_for), offered
            assert proposal.bad_for and proposal.alternating is not None
        else:
            assert proposal.fits, name
            assert maya.is_working(start, end) and report.is_working(start, end), name

    # No clash (15 minutes between) and no more than 6 a day on Maya's clock.
    taken = sorted(proposal.slot.minute_of_week for proposal in proposals.values() if proposal.slot)
    assert all(later - earlier >= 30 + 15 for earlier, later in pairwise(taken))
    per_day: dict[int, int] = {}
    for proposal in proposals.values():
        assert proposal.slot is not None
        per_day[proposal.slot.weekday] = per_day.get(proposal.slot.weekday, 0) + 1
    assert max(per_day.values()) <= 6
