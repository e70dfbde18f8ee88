"""The planner of slots that fit both people (rapport/meetings/slots.py): plain data, no database.

The property test builds random teams across real zones and checks what the planner promises
against Person.is_working on real datetimes, which the planner does not use.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapport.meetings import slots
from rapport.meetings.slots import Busy, Hours, Slot, plan_team
from rapport.people.models import Person

MONDAY = date(2026, 6, 8)
LONDON = Hours("Maya Okafor", "Europe/London", time(9), time(17, 30))


def hours(name: str, zone: str, starts: time = time(9), ends: time = time(17, 30)) -> Hours:
    return Hours(name, zone, starts, ends)


def test_a_report_in_the_same_zone_gets_a_slot_inside_both_peoples_hours() -> None:
    plan = plan_team(
        manager=LONDON, reports=[("a", hours("Ann", "Europe/Dublin"))], starts_on=MONDAY
    )
    [proposal] = plan.proposals
    assert proposal.fits and proposal.has_fitting_slot and proposal.bad_for == ()
    assert proposal.slot is not None and proposal.slot.weekday < 5
    assert time(9) <= proposal.slot.start <= time(17)


def test_los_angeles_gets_the_only_half_hour_both_share() -> None:
    # In June London is UTC+1 and Los Angeles UTC-7: 17:00-17:30 in London is 09:00-09:30 there.
    plan = plan_team(
        manager=LONDON,
        reports=[("h", hours("Hannah Kim", "America/Los_Angeles"))],
        starts_on=MONDAY,
    )
    [proposal] = plan.proposals
    assert proposal.fits and proposal.slot is not None and proposal.slot.start == time(17, 0)


def test_no_two_proposals_clash_and_the_gap_and_daily_cap_hold() -> None:
    reports = [(f"r{index}", hours(f"R{index}", "Europe/Paris")) for index in range(9)]
    plan = plan_team(
        manager=LONDON, reports=reports, starts_on=MONDAY, max_per_day=2, gap_minutes=15
    )
    taken = [proposal.slot for proposal in plan.proposals]
    assert all(slot is not None for slot in taken)
    per_day: dict[int, int] = {}
    for slot in taken:
        assert slot is not None
        per_day[slot.weekday] = per_day.get(slot.weekday, 0) + 1
    assert max(per_day.values()) <= 2
    # 9 reports at 2 a day fill four and a half working days, spread over the whole week.
    assert sorted(per_day) == [0, 1, 2, 3, 4]
    assert_no_clash(taken, 30, 15, [])


def test_an_existing_one_on_one_of_the_manager_is_never_double_booked() -> None:
    busy = [
        Busy(Slot(day, time(minute // 60, minute % 60)), 30)
        for day in range(5)
        for minute in range(9 * 60, 17 * 60 + 30, 45)
    ]
    plan = plan_team(
        manager=LONDON, reports=[("a", hours("Ann", "Europe/Dublin"))], busy=busy, starts_on=MONDAY
    )
    [proposal] = plan.proposals
    assert proposal.slot is not None and not proposal.fits
    assert proposal.has_fitting_slot  # there would be one, if the week were free
    assert_no_clash([proposal.slot], 30, slots.DEFAULT_GAP_MINUTES, busy)


def test_twelve_hours_apart_says_no_slot_fits_and_offers_the_least_bad_and_alternating() -> None:
    tokyo = hours("Haruto Sato", "Asia/Tokyo")
    plan = plan_team(
        manager=Hours("Ana", "America/New_York", time(9), time(17, 30)),
        reports=[("h", tokyo)],
        starts_on=MONDAY,
    )
    [proposal] = plan.proposals
    assert not proposal.has_fitting_slot and not proposal.fits and proposal.slot is not None
    assert proposal.problem == "No time in the week is inside both people's working hours."
    # The least bad one keeps both people out of the night (22:00-07:00) where that is possible.
    assert all(problem.minutes_at_night == 0 for problem in proposal.bad_for)
    assert proposal.alternating is not None
    for_manager, for_report = proposal.alternating
    assert time(9) <= for_manager.start < time(17, 30)
    assert for_report != for_manager
    # New York and Tokyo are 13-14 hours apart: one of the two is in someone's night.
    assert proposal.alternating_at_night


def test_the_least_bad_slot_is_at_the_edge_of_someones_day_not_in_the_small_hours() -> None:
    # Sydney in June is UTC+10: London 09:00-17:30 is 18:00-02:30 there.
    plan = plan_team(
        manager=LONDON, reports=[("l", hours("Liam", "Australia/Sydney"))], starts_on=MONDAY
    )
    [proposal] = plan.proposals
    assert proposal.slot is not None
    for problem in proposal.bad_for:
        assert problem.minutes_at_night == 0
        assert problem.minutes_outside == 30


def test_explain_names_who_a_time_is_bad_for_with_their_local_time() -> None:
    hannah = hours("Hannah Kim", "America/Los_Angeles")
    # Tuesday 9 June 2026, 02:30 UTC is Monday 19:30 in Los Angeles and 03:30 in London.
    start = datetime(2026, 6, 9, 2, 30, tzinfo=UTC)
    problems = slots.explain(start, start + timedelta(minutes=30), [LONDON, hannah])
    sentences = [problem.sentence() for problem in problems]
    assert sentences == [
        "03:30 Tuesday for Maya Okafor in Europe/London, outside their working hours "
        "09:00-17:30, at night",
        "19:30 Monday for Hannah Kim in America/Los_Angeles, outside their working hours "
        "09:00-17:30",
    ]
    assert problems[1].confirmation() == "I know 19:30 Monday is outside Hannah Kim's hours"


def test_explain_says_a_day_off_is_a_day_off() -> None:
    saturday = datetime(2026, 6, 13, 10, 0, tzinfo=UTC)
    [problem] = slots.explain(saturday, saturday + timedelta(minutes=30), [LONDON])
    assert "not one of their working days" in problem.sentence()


def test_the_check_shows_a_time_in_both_zones_with_day_names() -> None:
    start = datetime(2026, 6, 8, 16, 0, tzinfo=UTC)  # Monday 17:00 in London
    found = slots.check(
        start, start + timedelta(minutes=30), [LONDON, hours("Hannah", "America/Los_Angeles")]
    )
    assert [time.label for time in found.times] == ["Mon 17:00-17:30", "Mon 09:00-09:30"]
    assert found.problems == ()


def test_daylight_saving_is_that_of_the_representative_week() -> None:
    # New York moves its clocks on 8 March 2026, London only on 29 March: for three weeks the
    # two are four hours apart instead of five. Marcus works 09:00-09:30 only.
    ny = hours("Marcus", "America/New_York", time(9), time(9, 30))
    before = plan_team(manager=LONDON, reports=[("m", ny)], starts_on=date(2026, 3, 2))
    between = plan_team(manager=LONDON, reports=[("m", ny)], starts_on=date(2026, 3, 16))
    assert before.proposals[0].slot is not None and between.proposals[0].slot is not None
    assert before.proposals[0].slot.start == time(14, 0)
    assert between.proposals[0].slot.start == time(13, 0)
    start = slots.moment_of(
        between.proposals[0].slot, starts_on=date(2026, 3, 16), zone="Europe/London"
    )
    person = Person(
        name="Marcus", timezone="America/New_York", work_starts=time(9), work_ends=time(9, 30)
    )
    assert person.is_working(start, start + timedelta(minutes=30))


def test_the_plan_is_the_same_every_time() -> None:
    reports = [(f"r{index}", hours(f"R{index}", zone)) for index, zone in enumerate(ZONES[:12])]
    first = plan_team(manager=LONDON, reports=reports, starts_on=MONDAY)
    again = plan_team(manager=LONDON, reports=list(reversed(reports)), starts_on=MONDAY)
    assert first.by_key() == again.by_key()


# --- Properties over random teams -----------------------------------------------------------

ZONES = sorted(
    zone
    for zone in available_timezones()
    if "/" in zone and not zone.startswith(("Etc/", "SystemV/", "posix/", "right/"))
)


def assert_no_clash(taken: list[Slot | None], minutes: int, gap: int, busy: list[Busy]) -> None:
    spans = [(slot.minute_of_week, minutes) for slot in taken if slot is not None]
    spans += [(item.slot.minute_of_week, item.duration_minutes) for item in busy]
    for index, (start, length) in enumerate(spans):
        for other, other_length in spans[index + 1 :]:
            for shift in (-slots.WEEK_MINUTES, 0, slots.WEEK_MINUTES):
                assert not (
                    start < other + shift + other_length + gap
                    and other + shift < start + length + gap
                ), (start, other)


def person_of(hours: Hours) -> Person:
    return Person(
        name=hours.name,
        timezone=hours.zone,
        work_starts=hours.starts,
        work_ends=hours.ends,
        work_days=hours.days,
    )


def fits_both(manager: Person, report: Person, start: datetime, minutes: int) -> bool:
    end = start + timedelta(minutes=minutes)
    return manager.is_working(start, end) and report.is_working(start, end)


def week_starts(starts_on: date, zone: str) -> list[tuple[Slot, datetime]]:
    found = []
    for weekday in range(7):
        for minute in range(0, 1440, slots.STEP_MINUTES):
            slot = Slot(weekday, time(minute // 60, minute % 60))
            found.append((slot, slots.moment_of(slot, starts_on=starts_on, zone=zone)))
    return found


@st.composite
def working_hours(draw: st.DrawFn, name: str) -> Hours:
    start = draw(st.integers(min_value=5 * 2, max_value=13 * 2)) * 30
    length = draw(st.integers(min_value=4 * 2, max_value=10 * 2)) * 30
    end = min(start + length, 23 * 60 + 30)
    return Hours(
        name,
        draw(st.sampled_from(ZONES)),
        time(start // 60, start % 60),
        time(end // 60, end % 60),
        draw(st.integers(min_value=1, max_value=127)),
    )


@st.composite
def teams(draw: st.DrawFn) -> tuple[Hours, list[tuple[str, Hours]], date, int, int, int]:
    manager = draw(working_hours("Manager"))
    count = draw(st.integers(min_value=1, max_value=8))
    reports = [(f"r{index}", draw(working_hours(f"Report {index}"))) for index in range(count)]
    starts_on = draw(st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 31)))
    duration = draw(st.sampled_from([15, 30, 45, 60]))
    cap = draw(st.integers(min_value=1, max_value=6))
    gap = draw(st.sampled_from([0, 5, 15]))
    return manager, reports, starts_on, duration, cap, gap


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(teams())
def test_random_teams_get_no_clash_the_cap_and_honest_in_hours_flags(
    team: tuple[Hours, list[tuple[str, Hours]], date, int, int, int],
) -> None:
    manager_hours, reports, starts_on, duration, cap, gap = team
    plan = plan_team(
        manager=manager_hours,
        reports=reports,
        starts_on=starts_on,
        duration_minutes=duration,
        max_per_day=cap,
        gap_minutes=gap,
    )
    by_key = plan.by_key()
    assert set(by_key) == {key for key, _ in reports}
    taken = [proposal.slot for proposal in plan.proposals]
    assert_no_clash(taken, duration, gap, [])
    per_day: dict[int, int] = {}
    for slot in taken:
        if slot is not None:
            per_day[slot.weekday] = per_day.get(slot.weekday, 0) + 1
    assert all(count <= cap for count in per_day.values())
    manager = person_of(manager_hours)
    week = week_starts(starts_on, manager_hours.zone)
    for key, report_hours in reports:
        proposal, report = by_key[key], person_of(report_hours)
        # A proposal flagged inside hours truly is, on real datetimes.
        if proposal.fits:
            assert proposal.slot is not None
            start = slots.moment_of(proposal.slot, starts_on=starts_on, zone=manager_hours.zone)
            assert fits_both(manager, report, start, duration)
        # "No time fits both" means none does in the whole week, whatever else is booked.
        any_fit = any(fits_both(manager, report, start, duration) for _, start in week)
        assert proposal.has_fitting_slot == any_fit
        # A report that could have had a fitting time but did not: every fitting time is taken
        # by the others' proposals (with the gap) or its day is full. (The planner is greedy, so
        # this is the promise: nothing fitting was left free, not that no other plan fits all.)
        if proposal.has_fitting_slot and not proposal.fits:
            others = [p.slot for p in plan.proposals if p.key != key and p.slot is not None]
            for slot, start in week:
                if not fits_both(manager, report, start, duration):
                    continue
                day_full = sum(1 for other in others if other.weekday == slot.weekday) >= cap
                clashes = any(
                    slot.minute_of_week < other.minute_of_week + shift + duration + gap
                    and other.minute_of_week + shift < slot.minute_of_week + duration + gap
                    for other in others
                    for shift in (-slots.WEEK_MINUTES, 0, slots.WEEK_MINUTES)
                )
                assert day_full or clashes, (key, slot)
        # Every bad-for entry names someone the time is truly outside the hours of.
        if proposal.slot is not None and not proposal.fits:
            start = slots.moment_of(proposal.slot, starts_on=starts_on, zone=manager_hours.zone)
            end = start + timedelta(minutes=duration)
            named = {problem.name for problem in proposal.bad_for}
            assert named == {
                person.name for person in (manager, report) if not person.is_working(start, end)
            }


def test_a_time_inside_hours_by_the_planner_is_inside_hours_in_the_persons_own_zone() -> None:
    # A half-hour zone (India) and a quarter-hour one (Nepal) against London's grid.
    reports = [("p", hours("Priya", "Asia/Kolkata")), ("n", hours("Nabin", "Asia/Kathmandu"))]
    plan = plan_team(manager=LONDON, reports=reports, starts_on=MONDAY)
    for proposal in plan.proposals:
        assert proposal.fits and proposal.slot is not None
        start = slots.moment_of(proposal.slot, starts_on=MONDAY, zone="Europe/London")
        local = start.astimezone(ZoneInfo(dict(reports)[proposal.key].zone))
        assert time(9) <= local.time() and (local + timedelta(minutes=30)).time() <= time(17, 30)


def test_a_day_off_forced_by_the_daily_cap_says_how_to_avoid_it() -> None:
    # Two reports in London and one 1:1 a day allowed to a manager who works Mondays only: the
    # second goes to a day off, and the proposal says raising the cap keeps it on a working day.
    manager = Hours("Maya Okafor", "Europe/London", time(9), time(17, 30), days=0b0000001)
    reports = [("a", hours("Ann", "Europe/London")), ("b", hours("Bo", "Europe/London"))]
    plan = plan_team(manager=manager, reports=reports, starts_on=MONDAY, max_per_day=1)
    off = [p for p in plan.proposals if p.slot is not None and p.slot.weekday != 0]
    assert len(off) == 1
    assert "allow 2 a day" in off[0].cap_hint
    assert all(not p.cap_hint for p in plan.proposals if p is not off[0])
