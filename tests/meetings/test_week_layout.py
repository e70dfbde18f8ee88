"""Laying out the week view (rapport/meetings/week.py) from plain data: no database."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from rapport.meetings.models import Meeting, OneOnOne
from rapport.meetings.selectors import Week
from rapport.meetings.week import WeekLayout, lay_out_week, week_start
from rapport.people.models import DayAway, Person

LONDON = ZoneInfo("Europe/London")
MONDAY = date(2026, 12, 7)  # London is on GMT (UTC+0), Tokyo UTC+9
MONDAY_TO_FRIDAY = 0b0011111


def person(pk: int, name: str, zone: str, **hours: object) -> Person:
    return Person(pk=pk, name=name, email=f"p{pk}@example.com", timezone=zone, **hours)


MAYA = person(1, "Maya Okafor", "Europe/London")
HARUTO = person(2, "Haruto Sato", "Asia/Tokyo", work_starts=time(10), work_ends=time(18, 30))
HANNAH = person(3, "Hannah Kim", "America/Los_Angeles")
INGRID = person(4, "Ingrid Solberg", "Europe/Oslo")


def pair(manager: Person, report: Person) -> OneOnOne:
    return OneOnOne(pk=manager.pk * 100 + report.pk, manager=manager, report=report)


_next_pk = iter(range(1, 10_000))


def meeting(
    one_on_one: OneOnOne,
    at: datetime,
    *,
    minutes: int = 30,
    status: str = Meeting.Status.UPCOMING,
    moved: bool = False,
) -> Meeting:
    return Meeting(
        pk=next(_next_pk),
        uuid=uuid.uuid4(),
        one_on_one=one_on_one,
        slot=at - timedelta(days=1) if moved else at,
        scheduled_for=at,
        duration_minutes=minutes,
        status=status,
    )


def london(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def lay_out(
    viewer: Person,
    meetings: list[Meeting],
    *,
    monday: date = MONDAY,
    reports: tuple[Person, ...] = (),
    selected: Person | None = None,
    days_away: dict[int, list[DayAway]] | None = None,
) -> WeekLayout:
    week = Week(
        viewer=viewer,
        monday=monday,
        meetings=meetings,
        reports=list(reports),
        selected=selected,
        days_away=days_away or {},
    )
    return lay_out_week(week, today=monday + timedelta(days=2))


def test_two_overlapping_meetings_clash_and_sit_side_by_side() -> None:
    wednesday = MONDAY + timedelta(days=2)
    first = meeting(pair(MAYA, HARUTO), london(wednesday, 9))
    second = meeting(pair(MAYA, HANNAH), london(wednesday, 9, 15))
    alone = meeting(pair(MAYA, HANNAH), london(wednesday, 14))
    layout = lay_out(MAYA, [first, second, alone], reports=(HARUTO, HANNAH))
    day = layout.days[2]
    by_name = {(block.other_name, block.time_label): block for block in day.blocks}
    haruto = by_name[("Haruto Sato", "09:00\u201309:30")]
    hannah = by_name[("Hannah Kim", "09:15\u201309:45")]
    assert haruto.clashes_with == ("Hannah Kim",)
    assert hannah.clashes_with == ("Haruto Sato",)
    assert {haruto.lane, hannah.lane} == {1, 2}
    assert day.lanes == 2
    assert by_name[("Hannah Kim", "14:00\u201314:30")].lane == 0  # nothing beside it: full width
    assert not by_name[("Hannah Kim", "14:00\u201314:30")].clashes_with
    assert layout.clash_count == 2
    assert "2 clashing" in layout.summary


def test_back_to_back_meetings_and_skipped_ones_do_not_clash() -> None:
    tuesday = MONDAY + timedelta(days=1)
    first = meeting(pair(MAYA, HARUTO), london(tuesday, 9))
    next_one = meeting(pair(MAYA, HANNAH), london(tuesday, 9, 30))
    skipped = meeting(pair(MAYA, HANNAH), london(tuesday, 9), status=Meeting.Status.SKIPPED)
    layout = lay_out(MAYA, [first, next_one, skipped])
    assert layout.clash_count == 0
    blocks = layout.days[1].blocks
    assert [block.is_inactive for block in blocks] == [False, False, True]
    # Drawn side by side all the same: the skipped one still takes room on the grid.
    assert blocks[0].lane != blocks[2].lane


def test_a_meeting_outside_the_reports_hours_names_their_local_time() -> None:
    wednesday = MONDAY + timedelta(days=2)
    # 09:00 in London is 18:00 in Tokyo: inside Haruto's 10:00-18:30; 10:00 is 19:00, outside.
    inside = meeting(pair(MAYA, HARUTO), london(wednesday, 9))
    late_for_haruto = meeting(pair(MAYA, HARUTO), london(wednesday, 10))
    early_for_maya = meeting(pair(MAYA, HARUTO), london(wednesday, 8))
    layout = lay_out(MAYA, [inside, late_for_haruto, early_for_maya], reports=(HARUTO,))
    blocks = {block.time_label: block for block in layout.days[2].blocks}
    assert not blocks["09:00\u201309:30"].is_flagged
    assert blocks["10:00\u201310:30"].outside_theirs == "19:00 Wed for Haruto"
    assert not blocks["10:00\u201310:30"].outside_mine
    assert "19:00 Wed for Haruto, outside their hours" in blocks["10:00\u201310:30"].title
    assert blocks["08:00\u201308:30"].outside_mine
    assert "outside your hours" in blocks["08:00\u201308:30"].notes
    assert layout.outside_count == 2


def test_the_report_is_not_told_about_their_managers_hours() -> None:
    # Maya's own 1:1 with her manager, early on Ingrid's Oslo clock: Maya may not see Ingrid's
    # hours (access.can_see_schedule_of), so nothing is said about them.
    one_on_one = pair(INGRID, MAYA)
    early = meeting(one_on_one, london(MONDAY, 6, 30))
    layout = lay_out(MAYA, [early])
    [block] = layout.days[0].blocks
    assert block.other_name == "Ingrid Solberg"
    assert block.outside_mine
    assert block.outside_theirs == ""


def test_out_of_hours_follows_the_reports_daylight_saving_change() -> None:
    # The United States moves its clocks on 14 March 2027, Britain two weeks later: for those
    # two weeks Los Angeles is 7 hours behind London instead of 8.
    before = date(2027, 3, 8)
    after = date(2027, 3, 15)
    one_on_one = pair(MAYA, HANNAH)
    winter = lay_out(
        MAYA, [meeting(one_on_one, london(before, 16))], monday=before, reports=(HANNAH,)
    )
    spring = lay_out(
        MAYA, [meeting(one_on_one, london(after, 16))], monday=after, reports=(HANNAH,)
    )
    assert winter.days[0].blocks[0].outside_theirs == "08:00 Mon for Hannah"
    assert spring.days[0].blocks[0].outside_theirs == ""


def test_blocks_keep_the_wall_clock_in_the_week_the_viewers_clocks_change() -> None:
    monday = date(2027, 3, 22)  # Britain moves to summer time on Sunday 28 March
    sunday = monday + timedelta(days=6)
    one_on_one = pair(MAYA, HARUTO)
    layout = lay_out(
        MAYA,
        [meeting(one_on_one, london(monday, 10)), meeting(one_on_one, london(sunday, 10))],
        monday=monday,
    )
    first, last = layout.days[0].blocks[0], layout.days[6].blocks[0]
    assert first.time_label == last.time_label == "10:00\u201310:30"
    assert first.row == last.row


def test_the_hours_cover_every_meeting_and_the_shaded_hours() -> None:
    one_on_one = pair(MAYA, HARUTO)
    layout = lay_out(
        MAYA,
        [meeting(one_on_one, london(MONDAY, 7, 30)), meeting(one_on_one, london(MONDAY, 19))],
    )
    assert layout.hours[0].label == "07:00"
    assert layout.hours[-1].label == "19:00"
    assert layout.rows == 13 * 4


def test_the_hours_are_an_office_day_with_no_meetings() -> None:
    layout = lay_out(MAYA, [])
    assert (layout.hours[0].label, layout.hours[-1].label) == ("09:00", "17:00")
    assert layout.summary == "0 1:1s this week."


def test_a_late_meeting_is_never_cut_off() -> None:
    layout = lay_out(MAYA, [meeting(pair(MAYA, HANNAH), london(MONDAY, 23, 45), minutes=45)])
    [block] = layout.days[0].blocks
    assert layout.hours[-1].label == "23:00"
    assert block.row + block.span - 1 <= layout.rows
    assert block.time_label == "23:45\u201300:30"


def test_the_chosen_reports_hours_cross_the_viewers_midnight() -> None:
    # Los Angeles 09:00-17:30 is 17:00-01:30 in London in December.
    layout = lay_out(MAYA, [], reports=(HANNAH,), selected=HANNAH)
    tuesday = layout.days[1]
    theirs = [shade for shade in tuesday.shades if shade.kind == "theirs"]
    first_hour = int(layout.hours[0].label[:2])
    assert first_hour == 0  # the band from Monday's 17:00 runs into Tuesday's 01:30
    starts = sorted((shade.row - 1) * 15 // 60 + first_hour for shade in theirs)
    assert starts == [0, 17]
    monday = layout.days[0]
    assert [shade.row for shade in monday.shades if shade.kind == "theirs"] == [17 * 4 + 1]
    assert layout.their_hours == "Mon\u2013Fri 09:00\u201317:30 America/Los_Angeles"


def test_days_away_show_on_the_day_and_take_the_band_away() -> None:
    thursday = MONDAY + timedelta(days=3)
    away = {
        MAYA.pk: [DayAway(person=MAYA, starts_on=thursday, ends_on=thursday)],
        HARUTO.pk: [DayAway(person=HARUTO, starts_on=thursday, ends_on=thursday + timedelta(1))],
    }
    one_on_one = pair(MAYA, HARUTO)
    on_thursday = meeting(one_on_one, london(thursday, 9))
    layout = lay_out(MAYA, [on_thursday], reports=(HARUTO,), selected=HARUTO, days_away=away)
    day = layout.days[3]
    assert day.away == ["You: holiday", "Haruto: holiday"]
    assert layout.days[2].away == []
    # Haruto's Thursday and Friday (Tokyo) are away: no band from them on Maya's Thursday.
    assert not [shade for shade in day.shades if shade.kind == "theirs"]
    assert day.blocks[0].other_away == "Haruto is away"
    assert day.blocks[0].notes == ["Haruto is away", "you are away"]
    # Maya's own hours are not shaded on her day away.
    assert not [shade for shade in day.shades if shade.kind == "mine"]
    assert [shade.kind for shade in layout.days[2].shades] == ["mine", "theirs"]


def test_moved_and_held_meetings_say_so() -> None:
    one_on_one = pair(MAYA, HARUTO)
    moved = meeting(one_on_one, london(MONDAY, 9), moved=True)
    held = meeting(one_on_one, london(MONDAY, 11), status=Meeting.Status.HELD)
    layout = lay_out(MAYA, [moved, held])
    first, second = layout.days[0].blocks
    assert first.notes == ["moved"]
    assert (second.status, second.status_label, second.is_inactive) == ("held", "Held", False)


def test_a_bad_or_missing_week_is_the_current_one() -> None:
    today = date(2026, 12, 31)  # a Thursday
    assert week_start(None, today) == date(2026, 12, 28)
    assert week_start(date(1, 1, 1), today) == date(2026, 12, 28)
    assert week_start(date(9999, 12, 31), today) == date(2026, 12, 28)
    assert week_start(date(2027, 1, 6), today) == date(2027, 1, 4)


def test_navigation_keeps_the_chosen_report() -> None:
    layout = lay_out(MAYA, [], reports=(HARUTO,), selected=HARUTO)
    assert layout.next_query == f"?week=2026-12-14&person={HARUTO.uuid}"
    assert layout.previous_query.startswith("?week=2026-11-30&")
    assert [choice.selected for choice in layout.reports] == [True]
