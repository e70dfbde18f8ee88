"""The team view's horizon (TeamView.until, pagecache.Horizon): the page cache keeps a team
view until then, so the view must read the same at every minute before it. Random teams with
facts at the awkward instants (a window's edge give or take a minute, a meeting starting within
the minute, meetings marked held before their time) are read as of many minutes up to the
horizon, each found from the facts themselves, not from the horizon's own notes."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from rapport import pagecache
from rapport.checkins.models import CheckIn
from rapport.checkins.window import opens_before
from rapport.goals.models import STALL_AFTER, GoalUpdate
from rapport.insights.selectors import (
    CHECKINS_WINDOW,
    MEETINGS_WINDOW,
    REGULARITY_WINDOW,
    TeamMember,
    TeamView,
    team_view,
)
from rapport.meetings.balance import BALANCE_WINDOW
from rapport.meetings.models import Meeting, OneOnOne
from rapport.meetings.services import Rule, one_on_one_set_up
from tests.cast import Cast
from tests.goals.test_lifecycle import active_goal

WINDOWS = (MEETINGS_WINDOW, REGULARITY_WINDOW, BALANCE_WINDOW, STALL_AFTER, CHECKINS_WINDOW)


def _shown(view: TeamView) -> list[Any]:
    """Everything of the view the pages show or decide from, member by member."""
    return [_facts(member) for member in view.members] + [
        view.load,
        [member.report.pk for member in view.suggestions],
    ]


def _facts(member: TeamMember) -> tuple[Any, ...]:
    """Everything of a member the pages show or decide from."""
    return (
        member.report.pk,
        member.next_at,
        member.last_held_at,
        member.held_recently,
        member.moods,
        member.energies,
        member.workloads,
        member.goals_active,
        member.goals_drafts,
        member.goals_stalled,
        member.actions_open,
        member.actions_overdue,
        member.balance,
        member.signals,
        member.dismissed,
        member.last_career_talk,
        member.last_growth,
        member.planned_growth,
        member.steady,
        member.open_actions,
        member.stalled,
        member.last_closed,
        member.shares,
        member.checkin_marks,
        member.rhythm,
    )


def _meeting(pair: OneOnOne, when: datetime, status: str, chance: random.Random) -> Meeting:
    connection = chance.randrange(0, 31)
    return Meeting.objects.create(
        one_on_one=pair,
        # A slot of its own (a series' slots are unique): the view reads the time, not the slot.
        slot=when + timedelta(microseconds=chance.randrange(1, 10**6)),
        scheduled_for=when,
        status=status,
        connection_seconds=connection * 60 if status == Meeting.Status.HELD else None,
        performance_seconds=(30 - connection) * 60 if status == Meeting.Status.HELD else None,
    )


def _later(chance: random.Random) -> timedelta:
    """Somewhere in the next day, often on a whole minute, sometimes within this one."""
    seconds = chance.choice((0, 0, 1, 30, 59))
    minutes = chance.choice((0, 1, *[chance.randrange(24 * 60)] * 8))
    return timedelta(minutes=minutes, seconds=seconds)


def second_pair(cast: Cast, now: datetime) -> OneOnOne:
    """Mia's weekly 1:1 with Rosa, from `now`'s day: the cast's manager leads two pairs."""
    return one_on_one_set_up(
        manager=cast.manager,
        report=cast.report_two,
        rule=Rule("weekly", 1, time(15, 0), 30, timezone.localdate(now)),
        by=cast.manager,
        confirmed_out_of_hours=True,
    )


def _awkward_team(cast: Cast, now: datetime, chance: random.Random) -> list[datetime]:
    """Two pairs, each with a few facts that change with the clock in the next day: a held
    meeting leaving one of the windows, one marked held before its time, a meeting about to
    start, a check-in leaving its window by its meeting or by when it was sent. Returns every
    instant a fact was put at."""
    second = second_pair(cast, now)
    if chance.random() < 0.5:
        active_goal(cast)
    instants = []
    for pair in (cast.one_on_one, second):
        for _ in range(chance.randrange(1, 4)):
            kind = chance.choice(("window", "held early", "upcoming", "check-in"))
            if kind == "window":
                when = now - chance.choice(WINDOWS) + _later(chance)
                _meeting(pair, when, Meeting.Status.HELD, chance)
            elif kind == "held early":
                when = now + _later(chance)
                _meeting(pair, when, Meeting.Status.HELD, chance)
            elif kind == "upcoming":
                when = now + _later(chance)
                _meeting(pair, when, Meeting.Status.UPCOMING, chance)
            else:
                # Sent some time before its meeting, now and then before its window opened (as
                # imported history may be): either may leave the window first.
                sent = now - CHECKINS_WINDOW - opens_before() + _later(chance)
                when = sent + opens_before() * chance.random() * 2
                meeting = _meeting(pair, when, Meeting.Status.HELD, chance)
                CheckIn.objects.create(
                    meeting=meeting,
                    one_on_one=pair,
                    report=pair.report,
                    mood=chance.randrange(1, 6),
                    energy=chance.randrange(1, 6),
                    workload=chance.randrange(1, 6),
                    submitted_at=sent,
                )
                instants.append(sent)
            instants.append(when)
    instants += list(Meeting.objects.values_list("scheduled_for", flat=True))
    return instants


def _probes(moment: datetime, until: datetime, instants: list[datetime]) -> set[datetime]:
    """The minutes before `until` at which a fact may cross a window or the clock: each fact's
    instant and each plus a window, the minute before and after, and the horizon's last."""
    found = {until - pagecache.MINUTE}
    for instant in instants:
        for shift in (timedelta(0), *WINDOWS, CHECKINS_WINDOW + opens_before()):
            start = pagecache.as_of(instant + shift)
            found.update((start - pagecache.MINUTE, start, start + pagecache.MINUTE))
    return {probe.astimezone(UTC) for probe in found if moment < probe < until}


@pytest.mark.parametrize("seed", range(40))
def test_the_team_view_reads_the_same_at_every_minute_before_its_horizon(
    cast: Cast, seed: int
) -> None:
    chance = random.Random(seed)
    # A minute ahead: what the set-up writes now (a goal, the second pair) is all in the past.
    moment = pagecache.as_of(timezone.now()) + pagecache.MINUTE
    instants = _awkward_team(cast, moment, chance)
    view = team_view(cast.manager, now=moment)
    assert view.until > moment
    # Each pair's member is kept on its own until its own horizon (pagecache.pieces): the view
    # until the first of them, each member until its own.
    paired = [member for member in view.members if member.one_on_one is not None]
    probes = set().union(*(_probes(moment, member.until, instants) for member in paired))
    for probe in sorted(probes | _probes(moment, view.until, instants)):
        again = team_view(cast.manager, now=probe)
        if probe < view.until:
            assert _shown(again) == _shown(view), (
                f"seed {seed}: read as of {moment:%d %b %H:%M}, kept until "
                f"{view.until:%d %b %H:%M}, but different at {probe:%d %b %H:%M}"
            )
        for member, later in zip(view.members, again.members, strict=True):
            if member.one_on_one is not None and probe < member.until:
                assert _facts(later) == _facts(member), (
                    f"seed {seed}: {member.report.name} read as of {moment:%d %b %H:%M}, kept "
                    f"until {member.until:%d %b %H:%M}, but different at {probe:%d %b %H:%M}"
                )


def test_a_quiet_team_keeps_its_view_until_the_next_meeting_or_midnight(cast: Cast) -> None:
    moment = pagecache.as_of(timezone.now())
    view = team_view(cast.manager, now=moment)
    tomorrow = datetime.combine(
        timezone.localdate(moment) + timedelta(days=1),
        time(0),
        tzinfo=timezone.get_current_timezone(),
    )
    next_meeting = (
        Meeting.objects.filter(scheduled_for__gte=moment).order_by("scheduled_for").first()
    )
    assert next_meeting is not None
    # Nothing in the cast's history is near a window's edge: the next start or midnight, hours
    # away at most instants (a minute away at 23:59, which the hostile instants may pick).
    assert view.until == min(tomorrow, pagecache.as_of(next_meeting.scheduled_for))


def test_a_held_meeting_leaving_the_stall_rules_weeks_before_midnight_ends_the_horizon(
    cast: Cast,
) -> None:
    # London, after the clocks went back on 25 October 2026. Progress was last recorded at
    # 00:30 on 1 October (summer time), three 1:1s were held since, the first ten minutes later:
    # the goal stalls "in the last 3 held meetings". That first meeting leaves the rule's four
    # weeks at 23:40 on 28 October, twenty minutes before midnight, while the goal is idle for
    # 27 days only: the stall ends then, and the view must not be kept past it.
    with timezone.override("Europe/London"):
        moment, leaves = stall_ending_at_2340(cast)
        view = team_view(cast.manager, now=moment)
        assert _stalled(view, cast) == 1
        assert view.until <= leaves
        assert _stalled(team_view(cast.manager, now=leaves + pagecache.MINUTE), cast) == 0


def stall_ending_at_2340(cast: Cast) -> tuple[datetime, datetime]:
    """In London (the current time zone), a goal of the cast's pair that stalls until 23:40 on
    28 October 2026, after the clocks went back: 23:00 that evening, as a UTC instant, and
    23:40."""
    zone = timezone.get_current_timezone()
    goal = active_goal(cast)
    goal.manager_agreed_at = goal.report_agreed_at = datetime(2026, 9, 15, 12, tzinfo=zone)
    goal.save(update_fields=["manager_agreed_at", "report_agreed_at"])
    GoalUpdate.objects.create(
        goal=goal,
        by=cast.report,
        confidence=6,
        created_at=datetime(2026, 10, 1, 0, 30, tzinfo=zone),
    )
    first = datetime(2026, 10, 1, 0, 40, tzinfo=zone)
    for week in range(3):
        held = first + timedelta(weeks=week)
        Meeting.objects.create(
            one_on_one=cast.one_on_one,
            slot=held,
            scheduled_for=held,
            status=Meeting.Status.HELD,
        )
    # The pages read as of UTC instants, as timezone.now() gives them.
    moment = datetime(2026, 10, 28, 23, 0, tzinfo=zone).astimezone(UTC)
    leaves = first.astimezone(UTC) + STALL_AFTER
    assert leaves == datetime(2026, 10, 28, 23, 40, tzinfo=zone)
    return moment, leaves


def _stalled(view: TeamView, cast: Cast) -> int:
    return next(m.goals_stalled for m in view.members if m.report.pk == cast.report.pk)
