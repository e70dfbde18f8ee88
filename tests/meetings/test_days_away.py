"""Days away skip 1:1s, come back when removed, and survive changes of rhythm (issue 12)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from rapport.access import Refused
from rapport.meetings import selectors
from rapport.meetings.models import Meeting, Note, OneOnOne, TalkingPoint
from rapport.meetings.services import (
    Rule,
    day_away_add,
    day_away_remove,
    meeting_reschedule,
    meeting_set_status,
    meetings_extend,
    one_on_one_change_rule,
    one_on_one_set_up,
    point_add,
)
from rapport.people.models import DayAway, Person
from tests.cast import Cast


def _future(pair: OneOnOne) -> list[Meeting]:
    return list(pair.meetings.filter(scheduled_for__gt=timezone.now()).order_by("scheduled_for"))


def _local_date(meeting: Meeting, person: Person) -> date:
    return meeting.scheduled_for.astimezone(person.zone).date()


def _second_pair(cast: Cast) -> OneOnOne:
    return one_on_one_set_up(
        manager=cast.manager,
        report=cast.report_two,
        rule=Rule("weekly", 1, time(11, 0), 30, timezone.localdate()),
        by=cast.manager,
        confirmed_out_of_hours=True,
    )


# --- Adding and removing days away ------------------------------------------------------------


def test_a_reports_day_away_skips_their_own_1on1_and_says_why_to_their_manager(
    cast: Cast,
) -> None:
    other_pair = _second_pair(cast)
    target = _future(cast.one_on_one)[1]
    day = _local_date(target, cast.report)
    sequence = cast.one_on_one.calendar_sequence
    away = day_away_add(
        person=cast.report, starts_on=day, ends_on=day, kind="holiday", by=cast.report
    )
    target.refresh_from_db()
    assert target.status == Meeting.Status.SKIPPED
    assert target.status_reason == "Rui Report is away (holiday)"
    assert target.skipped_for_away == away
    # Only the meeting on that day, and only the report's own 1:1.
    assert sum(m.status == Meeting.Status.SKIPPED for m in _future(cast.one_on_one)) == 1
    assert all(m.status == Meeting.Status.UPCOMING for m in _future(other_pair))
    cast.one_on_one.refresh_from_db()
    assert cast.one_on_one.calendar_sequence == sequence + 1


def test_a_managers_days_away_skip_every_pair_without_telling_the_reports_the_kind(
    cast: Cast,
) -> None:
    other_pair = _second_pair(cast)
    first = _future(cast.one_on_one)[0]
    last = _future(cast.one_on_one)[2]
    sequences = {pair.pk: pair.calendar_sequence for pair in (cast.one_on_one, other_pair)}
    day_away_add(
        person=cast.manager,
        starts_on=_local_date(first, cast.manager),
        ends_on=_local_date(last, cast.manager),
        kind="leave",
        by=cast.manager,
    )
    for pair in (cast.one_on_one, other_pair):
        skipped = [m for m in _future(pair) if m.status == Meeting.Status.SKIPPED]
        assert len(skipped) == 3
        assert {m.status_reason for m in skipped} == {"Mia Manager is away"}
        pair.refresh_from_db()
        # One new calendar sequence per pair, however many meetings it skipped.
        assert pair.calendar_sequence == sequences[pair.pk] + 1


def test_a_meeting_with_notes_is_skipped_too_and_its_open_points_carry_over(cast: Cast) -> None:
    meeting = _future(cast.one_on_one)[0]
    Note.objects.create(meeting=meeting, author=cast.report, kind=Note.Kind.SHARED, body="Draft")
    day = _local_date(meeting, cast.report)
    day_away_add(person=cast.report, starts_on=day, ends_on=day, kind="holiday", by=cast.report)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SKIPPED
    following = _future(cast.one_on_one)[1]
    texts = [
        p.text for section in selectors.agenda_for(cast.report, following) for p in section.points
    ]
    assert "How the move went" in texts


def test_a_meeting_already_held_is_never_skipped(cast: Cast) -> None:
    meeting = _future(cast.one_on_one)[0]
    meeting_set_status(meeting=meeting, status=Meeting.Status.HELD, reason="", by=cast.manager)
    day = _local_date(meeting, cast.report)
    day_away_add(person=cast.report, starts_on=day, ends_on=day, kind="holiday", by=cast.report)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    assert meeting.skipped_for_away is None


def test_removing_days_away_puts_back_what_they_skipped_and_nothing_else(cast: Cast) -> None:
    first, second, third = _future(cast.one_on_one)[:3]
    meeting_set_status(meeting=second, status="skipped", reason="Offsite", by=cast.manager)
    away = day_away_add(
        person=cast.report,
        starts_on=_local_date(first, cast.report),
        ends_on=_local_date(third, cast.report),
        kind="holiday",
        by=cast.report,
    )
    first.refresh_from_db()
    assert first.status == Meeting.Status.SKIPPED
    sequence = OneOnOne.objects.get(pk=cast.one_on_one.pk).calendar_sequence
    day_away_remove(day_away=away, by=cast.report)
    for meeting in (first, second, third):
        meeting.refresh_from_db()
    assert (first.status, first.status_reason) == (Meeting.Status.UPCOMING, "")
    assert third.status == Meeting.Status.UPCOMING
    # A skip made by hand is the pair's own: the day away never touched it.
    assert (second.status, second.status_reason) == (Meeting.Status.SKIPPED, "Offsite")
    assert not DayAway.objects.filter(pk=away.pk).exists()
    assert OneOnOne.objects.get(pk=cast.one_on_one.pk).calendar_sequence == sequence + 1


def test_removing_one_day_away_keeps_the_skip_another_still_covers(cast: Cast) -> None:
    meeting = _future(cast.one_on_one)[0]
    day = _local_date(meeting, cast.report)
    mine = day_away_add(
        person=cast.report, starts_on=day, ends_on=day, kind="holiday", by=cast.report
    )
    managers_day = _local_date(meeting, cast.manager)
    theirs = day_away_add(
        person=cast.manager,
        starts_on=managers_day,
        ends_on=managers_day,
        kind="other",
        by=cast.manager,
    )
    day_away_remove(day_away=mine, by=cast.report)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SKIPPED
    assert meeting.skipped_for_away == theirs
    assert meeting.status_reason == "Mia Manager is away"


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        (10, 9, "The last day away cannot be before the first."),
        (1, 400, "Days away cover at most a year at a time."),
        (-10, -1, "These days are all in the past"),
        (800, 810, "Days away can be added up to two years ahead"),
    ],
)
def test_impossible_days_away_are_refused_with_a_clear_message(
    cast: Cast, first: int, last: int, message: str
) -> None:
    today = timezone.now().astimezone(cast.report.zone).date()
    with pytest.raises(ValidationError) as refused:
        day_away_add(
            person=cast.report,
            starts_on=today + timedelta(days=first),
            ends_on=today + timedelta(days=last),
            kind="holiday",
            by=cast.report,
        )
    assert message in " ".join(refused.value.messages)
    assert not DayAway.objects.exists()


def test_days_away_that_started_in_the_past_and_go_on_are_accepted(cast: Cast) -> None:
    today = timezone.now().astimezone(cast.report.zone).date()
    away = day_away_add(
        person=cast.report,
        starts_on=today - timedelta(days=3),
        ends_on=today,
        kind="leave",
        by=cast.report,
    )
    assert away.pk is not None


def test_nobody_records_or_removes_someone_elses_days_away(cast: Cast) -> None:
    today = timezone.now().astimezone(cast.report.zone).date()
    for intruder in (cast.manager, cast.outsider, cast.skip_level):
        with pytest.raises(Refused):
            day_away_add(
                person=cast.report, starts_on=today, ends_on=today, kind="holiday", by=intruder
            )
    away = day_away_add(
        person=cast.report, starts_on=today, ends_on=today, kind="holiday", by=cast.report
    )
    with pytest.raises(Refused):
        day_away_remove(day_away=away, by=cast.manager)
    assert DayAway.objects.filter(pk=away.pk).exists()


# --- Days away survive new rows and rhythm changes --------------------------------------------


def test_new_rows_made_as_the_horizon_moves_on_are_skipped_on_days_away(cast: Cast) -> None:
    pair = cast.one_on_one
    assert pair.scheduled_until is not None
    beyond = pair.scheduled_until + timedelta(weeks=2)
    day = beyond.astimezone(cast.manager.zone).date()
    day_away_add(
        person=cast.manager,
        starts_on=day - timedelta(days=7),
        ends_on=day,
        kind="holiday",
        by=cast.manager,
    )
    created = meetings_extend(one_on_one=pair, until=beyond + timedelta(weeks=1))
    assert created >= 2
    new = pair.meetings.filter(scheduled_for__gt=beyond - timedelta(weeks=2))
    covered = [m for m in new if day - timedelta(days=7) <= _local_date(m, cast.manager) <= day]
    assert covered, "the day away covers at least one new meeting"
    assert all(m.status == Meeting.Status.SKIPPED and m.skipped_for_away for m in covered)
    assert all(m.status_reason == "Mia Manager is away" for m in covered)


@pytest.fixture
def december() -> Iterator[None]:
    # The issue's own dates: set up on 1 December 2026 (a hostile instant of CI, too).
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=UTC), tick=False):
        yield


def _maya_and_her_manager() -> tuple[Person, Person, OneOnOne]:
    manager = Person.objects.create_user(
        "lena@example.com", None, name="Lena Lindqvist", timezone="Europe/Berlin"
    )
    maya = Person.objects.create_user(
        "maya@example.com", None, name="Maya Okafor", manager=manager, timezone="America/New_York"
    )
    # Wednesdays at 16:00 Berlin time.
    pair = one_on_one_set_up(
        manager=manager,
        report=maya,
        rule=Rule("weekly", 2, time(16, 0), 30, date(2026, 12, 1)),
        by=manager,
        confirmed_out_of_hours=True,
    )
    return manager, maya, pair


def _on(pair: OneOnOne, day: date) -> list[Meeting]:
    """The pair's meetings on `day` of the pair's own calendar."""
    zone = ZoneInfo(pair.timezone)
    return [m for m in pair.meetings.all() if m.scheduled_for.astimezone(zone).date() == day]


@pytest.mark.usefixtures("december")
def test_issue_12_a_rhythm_change_keeps_the_holiday_skip_and_books_nothing_on_christmas(
    db: None,
) -> None:
    manager, maya, pair = _maya_and_her_manager()
    day_away_add(
        person=maya,
        starts_on=date(2026, 12, 24),
        ends_on=date(2026, 12, 26),
        kind="holiday",
        by=maya,
    )
    (on_the_30th,) = _on(pair, date(2026, 12, 30))
    meeting_set_status(meeting=on_the_30th, status="skipped", reason="away", by=manager)
    point = point_add(one_on_one=pair, author=maya, text="Plans for January", section="connection")

    # From Wednesdays to Fridays: Friday 25 December and Friday 1 January (the week of the 30th).
    one_on_one_change_rule(
        one_on_one=pair,
        rule=Rule("weekly", 4, time(16, 0), 30, date(2026, 12, 1)),
        by=manager,
        confirmed_out_of_hours=True,
    )

    (christmas,) = _on(pair, date(2026, 12, 25))
    assert christmas.status == Meeting.Status.SKIPPED
    assert christmas.status_reason == "Maya Okafor is away (holiday)"
    (new_year,) = _on(pair, date(2027, 1, 1))
    assert (new_year.status, new_year.status_reason) == (Meeting.Status.SKIPPED, "away")
    # The hand-made skip itself stays too.
    on_the_30th.refresh_from_db()
    assert on_the_30th.status == Meeting.Status.SKIPPED
    # Fridays after the holidays are booked as usual.
    (later,) = _on(pair, date(2027, 1, 8))
    assert later.status == Meeting.Status.UPCOMING
    # Carried-over points belong to the pair: still open, on the next open meeting's agenda.
    point.refresh_from_db()
    assert point.one_on_one_id == pair.pk and point.discussed_in is None
    next_open = (
        pair.meetings.filter(status=Meeting.Status.UPCOMING).order_by("scheduled_for").first()
    )
    assert next_open is not None
    texts = [p.text for section in selectors.agenda_for(maya, next_open) for p in section.points]
    assert "Plans for January" in texts
    assert TalkingPoint.objects.filter(one_on_one=pair).count() >= 1


@pytest.mark.usefixtures("december")
def test_a_week_with_a_moved_meeting_gets_no_second_one_after_a_rhythm_change(db: None) -> None:
    manager, _maya, pair = _maya_and_her_manager()
    (wednesday,) = _on(pair, date(2026, 12, 16))
    meeting_reschedule(
        meeting=wednesday,
        to=wednesday.scheduled_for + timedelta(days=1),
        by=manager,
        confirmed_out_of_hours=True,
    )
    one_on_one_change_rule(
        one_on_one=pair,
        rule=Rule("weekly", 4, time(16, 0), 30, date(2026, 12, 1)),
        by=manager,
        confirmed_out_of_hours=True,
    )
    assert _on(pair, date(2026, 12, 18)) == []
    (moved,) = _on(pair, date(2026, 12, 17))
    assert moved.status == Meeting.Status.UPCOMING
    assert len(_on(pair, date(2026, 12, 11))) == 1
    assert len(_on(pair, date(2026, 12, 11 + 14))) == 1


@pytest.mark.usefixtures("december")
def test_a_cancelled_week_stays_cancelled_after_a_rhythm_change(db: None) -> None:
    manager, _maya, pair = _maya_and_her_manager()
    (wednesday,) = _on(pair, date(2027, 1, 13))
    meeting_set_status(meeting=wednesday, status="cancelled", reason="Team offsite", by=manager)
    one_on_one_change_rule(
        one_on_one=pair,
        rule=Rule("weekly", 0, time(9, 0), 30, date(2026, 12, 1)),
        by=manager,
        confirmed_out_of_hours=True,
    )
    (monday,) = _on(pair, date(2027, 1, 11))
    assert (monday.status, monday.status_reason) == (Meeting.Status.CANCELLED, "Team offsite")
    (next_monday,) = _on(pair, date(2027, 1, 18))
    assert next_monday.status == Meeting.Status.UPCOMING


@pytest.mark.usefixtures("december")
def test_a_skip_for_days_away_follows_the_new_rhythm_and_removing_them_leaves_one_meeting(
    db: None,
) -> None:
    manager, maya, pair = _maya_and_her_manager()
    away = day_away_add(
        person=maya, starts_on=date(2026, 12, 16), ends_on=date(2026, 12, 16), kind="other", by=maya
    )
    (wednesday,) = _on(pair, date(2026, 12, 16))
    assert wednesday.skipped_for_away == away
    one_on_one_change_rule(
        one_on_one=pair,
        rule=Rule("weekly", 4, time(16, 0), 30, date(2026, 12, 1)),
        by=manager,
        confirmed_out_of_hours=True,
    )
    # The old rule's skipped row held nothing and goes with the old rule; Friday is not covered.
    assert _on(pair, date(2026, 12, 16)) == []
    (friday,) = _on(pair, date(2026, 12, 18))
    assert friday.status == Meeting.Status.UPCOMING
    day_away_remove(day_away=away, by=maya)
    week = [m for m in pair.meetings.all() if m.scheduled_for.date().isocalendar()[1] == 51]
    assert [m.status for m in week] == [Meeting.Status.UPCOMING]
