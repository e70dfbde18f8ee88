"""Home's horizon (HomePage.until, pagecache.Horizon): the page cache keeps a viewer's home
content until then, so the page's data must read the same at every minute before it. Random
days of meetings (starting within the minute, in progress, checked in or not, spanning
midnight) are read as of many minutes up to the horizon, for a manager and for a report, each
found from the meetings themselves, not from the horizon's own notes. The team's local times
are not in the data: every request fills them in."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

import pytest
from django.utils import timezone

from rapport import pagecache
from rapport.checkins.models import CheckIn
from rapport.checkins.selectors import LONGEST_MEETING
from rapport.checkins.window import opens_before
from rapport.home import HomePage, MeetingRow, _home_page
from rapport.meetings.models import Meeting
from rapport.people.models import Person
from tests.cast import Cast
from tests.insights.test_team_view_horizon import WINDOWS, second_pair, stall_ending_at_2340


def _later(chance: random.Random) -> timedelta:
    """Within the next four days, often on a whole minute, sometimes within this one, now and
    then a little before now (a meeting in progress)."""
    seconds = chance.choice((0, 0, 1, 30, 59))
    minutes = chance.choice((0, 1, -10, -200, *[chance.randrange(4 * 24 * 60)] * 8))
    return timedelta(minutes=minutes, seconds=seconds)


def _meetings(cast: Cast, now: datetime, chance: random.Random) -> None:
    for pair in (cast.one_on_one, second_pair(cast, now)):
        # Held meetings whose windows the team view reads: home shows the team's signals.
        for _ in range(chance.randrange(0, 3)):
            held = now - chance.choice(WINDOWS) + _later(chance)
            Meeting.objects.create(
                one_on_one=pair,
                slot=held + timedelta(microseconds=chance.randrange(1, 10**6)),
                scheduled_for=held,
                status=Meeting.Status.HELD,
            )
        for _ in range(chance.randrange(1, 5)):
            when = now + _later(chance)
            meeting = Meeting.objects.create(
                one_on_one=pair,
                slot=when + timedelta(microseconds=chance.randrange(1, 10**6)),
                scheduled_for=when,
                duration_minutes=chance.choice((15, 30, 45, 90)),
                status=chance.choice((Meeting.Status.UPCOMING,) * 4 + (Meeting.Status.SKIPPED,)),
            )
            if chance.random() < 0.3:
                CheckIn.objects.create(
                    meeting=meeting,
                    one_on_one=pair,
                    report=pair.report,
                    mood=3,
                    energy=3,
                    workload=3,
                    submitted_at=now - timedelta(hours=1),
                )


def _probes(viewer: Person, moment: datetime, until: datetime) -> set[datetime]:
    """Each meeting's start, end, check-in opening and the end of a check-in's longest wait,
    the viewer's midnights, the minute before and after each, and the horizon's last minute."""
    zone = timezone.get_current_timezone()
    found = {until - pagecache.MINUTE}
    instants = []
    for meeting in Meeting.objects.all():
        instants += [
            meeting.scheduled_for,
            meeting.ends_at,
            meeting.scheduled_for - opens_before(),
            meeting.scheduled_for + LONGEST_MEETING,
            *(meeting.scheduled_for + span for span in WINDOWS),
        ]
    day = timezone.localdate(moment)
    instants += [
        datetime.combine(day + timedelta(days=n), time(0), tzinfo=zone) for n in range(1, 3)
    ]
    for instant in instants:
        start = pagecache.as_of(instant)
        found.update((start - pagecache.MINUTE, start, start + pagecache.MINUTE))
    # UTC instants, as timezone.now() gives them (a local time plus a span is wall-clock time).
    return {probe.astimezone(UTC) for probe in found if moment < probe < until}


@pytest.mark.parametrize("seed", range(30))
@pytest.mark.parametrize("role", ["manager", "report"])
def test_home_reads_the_same_at_every_minute_before_its_horizon(
    cast: Cast, seed: int, role: str
) -> None:
    chance = random.Random(seed)
    viewer = cast.person(role)
    assert viewer is not None
    # A minute ahead: what the set-up writes now is all in the past.
    moment = pagecache.as_of(timezone.now()) + pagecache.MINUTE
    _meetings(cast, moment, chance)
    with timezone.override(viewer.timezone):
        page = _home_page(viewer, moment)
        assert page.until > moment
        # Each row's HTML is kept on its own until the row's own horizon (rapport/views.py):
        # the page until the first of all, each row until its own.
        rows = {row.meeting.pk: row for row in page.home.rows}
        probes = _probes(viewer, moment, page.until)
        for row in rows.values():
            assert row.until is not None
            probes |= _probes(viewer, moment, row.until)
        for probe in sorted(probes):
            again = _home_page(viewer, probe)
            if probe < page.until:
                assert again == page, (
                    f"seed {seed}, {role}: read as of {moment:%d %b %H:%M}, kept until "
                    f"{page.until:%d %b %H:%M}, but different at {probe:%d %b %H:%M}"
                )
            later = {row.meeting.pk: row for row in again.home.rows}
            for pk, row in rows.items():
                if row.until is not None and probe < row.until:
                    assert later.get(pk) == row, (
                        f"seed {seed}, {role}: the row of {row.meeting} read as of "
                        f"{moment:%d %b %H:%M}, kept until {row.until:%d %b %H:%M}, but "
                        f"different at {probe:%d %b %H:%M}"
                    )


def test_a_quiet_home_keeps_until_the_next_meeting_or_midnight(cast: Cast) -> None:
    moment = pagecache.as_of(timezone.now()) + pagecache.MINUTE
    with timezone.override(cast.report.timezone):
        page = _home_page(cast.report, moment)
        zone = timezone.get_current_timezone()
        tomorrow = datetime.combine(timezone.localdate(moment) + timedelta(days=1), time(0), zone)
    # The report's check-ins open, their meetings start and end, an unanswered check-in stops
    # being waited for (LONGEST_MEETING after its meeting's start), or their midnight comes.
    edges = [
        edge
        for meeting in Meeting.objects.filter(one_on_one__report=cast.report)
        for edge in (
            meeting.scheduled_for - opens_before(),
            meeting.scheduled_for,
            meeting.ends_at,
            meeting.scheduled_for + LONGEST_MEETING,
        )
        if edge > moment
    ]
    assert page.until == min(pagecache.as_of(edge) for edge in [tomorrow, *edges])


def test_a_check_in_still_open_from_yesterdays_meeting_closes_the_horizon(cast: Cast) -> None:
    # Ten past midnight where the report is; their 1:1 began at 23:30 and runs until 01:00, so
    # its check-in is still open. Home's rows start at midnight and do not hold it: the
    # horizon comes from the check-in's own window.
    with timezone.override(cast.report.timezone):
        zone = timezone.get_current_timezone()
        day = timezone.localdate() + timedelta(days=2)
        moment = datetime.combine(day, time(0, 10), zone).astimezone(UTC)
        Meeting.objects.create(
            one_on_one=cast.one_on_one,
            slot=moment - timedelta(minutes=40),
            scheduled_for=moment - timedelta(minutes=40),
            duration_minutes=90,
        )
        page = _home_page(cast.report, moment)
        assert page.checkin_due is not None
        assert page.until == datetime.combine(day, time(1, 0), zone)
        after = _home_page(cast.report, page.until)
        assert after.checkin_due is None or after.checkin_due.pk != page.checkin_due.pk


def test_a_rows_html_lasts_no_longer_than_its_persons_signals(cast: Cast) -> None:
    # The board's rows show the person's signals: a row is kept no longer than the facts they
    # come from. The goal of the cast's pair stalls until 23:40 (tests/insights); the row of the
    # pair's next 1:1 shows the stall until then, and is not kept past it.
    with timezone.override("Europe/London"):
        moment, leaves = stall_ending_at_2340(cast)
        soon = datetime(2026, 10, 30, 10, 0, tzinfo=timezone.get_current_timezone())
        meeting = Meeting.objects.create(one_on_one=cast.one_on_one, slot=soon, scheduled_for=soon)
        row = _row_of(_home_page(cast.manager, moment), meeting)
        assert any(group.signals for group in row.signal_groups)
        assert row.until is not None and row.until <= leaves
        assert _row_of(_home_page(cast.manager, leaves + pagecache.MINUTE), meeting) != row


def _row_of(page: HomePage, meeting: Meeting) -> MeetingRow:
    return next(row for row in page.home.rows if row.meeting.pk == meeting.pk)
