"""The home page's reads: a triage board for a manager (the 1:1s of today and the next days, each
with what needs attention before it, and the people who need a 1:1 soon), and for anyone with a
manager their own next 1:1. It composes the selectors of the apps below it, like a view, and
returns display-ready rows.

A fixed number of queries whatever the size of the team or the length of its history: the team
view's bulk reads, then one query each for the window's meetings, their check-ins, the open
points and the overdue actions of the pairs concerned (tests/test_home.py pins them).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count
from django.utils import timezone

from rapport import access, pagecache
from rapport.checkins.models import CheckIn
from rapport.checkins.selectors import pending_checkin_of
from rapport.checkins.window import window_of
from rapport.insights import rules
from rapport.insights.selectors import CADENCE_DAYS, TeamMember, TeamView, team_view_cached
from rapport.meetings import selectors as meeting_selectors
from rapport.meetings.models import ActionItem, Meeting, TalkingPoint
from rapport.people import selectors as people_selectors
from rapport.people.charts import team_hours_chart
from rapport.people.models import Person

# The board shows the 1:1s of the next week; the ones after, up to two weeks, are one click away.
BOARD_DAYS = 7
LATER_DAYS = 14
# "Long since the last 1:1": twice the pair's rhythm without one held.
OVERDUE_RHYTHMS = 2


@dataclass
class MeetingRow:
    meeting: Meeting
    other: Person
    # The viewer leads this 1:1 (the manager's row shows signals; a report's never does).
    leads: bool
    state_label: str
    state_key: str
    mood: int | None = None
    workload: int | None = None
    checked_in: bool = False
    # The report can check in now (so "no check-in yet" means something).
    checkin_open: bool = False
    points: int = 0
    # Open actions past their date: the other person's ("they owe me") and the viewer's own.
    they_owe: int = 0
    i_owe: int = 0
    signal_groups: list[rules.SignalGroup] = field(default_factory=list)
    # The first minute at which the row may read differently by time alone (its meeting's
    # start, end and check-in window, the viewer's midnight, the member's facts): the page keeps
    # each row's HTML apart until then (rapport/views.py). Not a fact: compared by its facts.
    until: datetime | None = field(default=None, compare=False)

    @property
    def act_now(self) -> int:
        return sum(group.act_now for group in self.signal_groups)

    @property
    def keep_an_eye(self) -> int:
        return len(self.signal_groups) - self.act_now

    @property
    def flagged(self) -> bool:
        """Something to prepare days ahead: an open signal of the person."""
        return bool(self.signal_groups)


@dataclass
class AttentionRow:
    """Someone who needs a 1:1 soon: an act-now signal, or long since the last 1:1."""

    member: TeamMember
    days_since_last: int | None
    next_row: MeetingRow | None

    @property
    def act_now_groups(self) -> list[rules.SignalGroup]:
        return [group for group in self.member.groups if group.act_now]


@dataclass
class ManagerBoard:
    today: list[MeetingRow]
    # The next days' 1:1s of people with an open signal, act-now first; the others one click
    # away (`week_quiet`), so that a manager of 30 sees a short page.
    week: list[MeetingRow]
    week_quiet: list[MeetingRow]
    later: list[MeetingRow]
    attention: list[AttentionRow]
    team: TeamView
    # People with only keep-an-eye signals (on the team view, one click away).
    keep_an_eye: int


@dataclass
class OwnOneOnOne:
    """A report's own side: the next 1:1 with their manager and what they bring to it."""

    next_row: MeetingRow | None
    my_points: list[str]


@dataclass
class Home:
    board: ManagerBoard | None
    own: OwnOneOnOne | None
    # Every meeting row of the window, as manager or as report (the report's simple list).
    rows: list[MeetingRow]


def _rows(
    viewer: Person, meetings: list[Meeting], members: dict[int, TeamMember], now: datetime
) -> list[MeetingRow]:
    zone = timezone.get_current_timezone()
    today = timezone.localdate(now)
    pair_ids = {meeting.one_on_one_id for meeting in meetings}
    checkins = {
        meeting_id: (mood, workload)
        for meeting_id, mood, workload in CheckIn.objects.filter(
            meeting_id__in=[meeting.pk for meeting in meetings]
        ).values_list("meeting_id", "mood", "workload")
    }
    points = Counter(
        dict(
            TalkingPoint.objects.filter(
                one_on_one_id__in=pair_ids,
                discussed_in__isnull=True,
                recurring_source__isnull=True,
            )
            .filter(access.private_content_filter(viewer))
            .values("one_on_one_id")
            .annotate(count=Count("pk"))
            .values_list("one_on_one_id", "count")
        )
    )
    overdue: Counter[tuple[int, bool]] = Counter()
    for pair_id, owner_id, count in (
        ActionItem.objects.filter(
            one_on_one_id__in=pair_ids, done_at__isnull=True, due_on__lt=today
        )
        .values("one_on_one_id", "owner_id")
        .annotate(count=Count("pk"))
        .values_list("one_on_one_id", "owner_id", "count")
    ):
        overdue[pair_id, owner_id == viewer.pk] += count
    midnight = pagecache.next_midnight(now)
    rows = []
    for meeting in meetings:
        pair = meeting.one_on_one
        leads = pair.manager_id == viewer.pk
        label, key = meeting.state_at(now, zone)
        mood, workload = checkins.get(meeting.pk, (None, None))
        member = members.get(pair.pk) if leads else None
        checkin = window_of(meeting)
        horizon = pagecache.Horizon(now)
        for instant in (midnight, meeting.scheduled_for, meeting.ends_at, *checkin.edges):
            horizon.note(instant)
        if member is not None and member.horizon is not None:
            horizon.note(member.until)
        rows.append(
            MeetingRow(
                meeting=meeting,
                other=pair.report if leads else pair.manager,
                leads=leads,
                state_label=label,
                state_key=key,
                mood=mood,
                workload=workload,
                checked_in=meeting.pk in checkins,
                checkin_open=checkin.is_open(now),
                points=points[pair.pk],
                they_owe=overdue[pair.pk, False],
                i_owe=overdue[pair.pk, True],
                signal_groups=member.groups if member else [],
                until=horizon.until,
            )
        )
    return rows


def _day_start(moment: datetime) -> datetime:
    return timezone.localtime(moment).replace(hour=0, minute=0, second=0, microsecond=0)


def _attention(
    members: list[TeamMember], rows: list[MeetingRow], today: date
) -> list[AttentionRow]:
    next_rows: dict[int, MeetingRow] = {}
    for row in rows:
        if row.leads and row.meeting.is_open:
            next_rows.setdefault(row.meeting.one_on_one_id, row)
    found = []
    for member in members:
        pair = member.one_on_one
        if pair is None:
            continue
        last = timezone.localdate(member.last_held_at) if member.last_held_at else pair.starts_on
        days = (today - last).days
        long_since = days >= OVERDUE_RHYTHMS * CADENCE_DAYS[pair.cadence]
        if member.act_now or long_since:
            found.append(AttentionRow(member, days if days >= 0 else None, next_rows.get(pair.pk)))
    return sorted(
        found,
        key=lambda row: (
            not row.member.act_now,
            -(row.days_since_last or 0),
            row.member.report.name,
        ),
    )


def home_for(
    viewer: Person, *, now: datetime, leads: bool, horizon: pagecache.Horizon | None = None
) -> Home:
    """`leads`: the viewer has direct reports (the view has read them already). `horizon`
    learns when what this reads changes by time alone."""
    horizon = horizon or pagecache.Horizon(now)
    today = timezone.localdate(now)
    start = _day_start(now)
    meetings = list(
        meeting_selectors.meetings_between(viewer, start, start + timedelta(days=LATER_DAYS))
    )
    # The team view's own entry: a manager who opens home and then the team view (or the other
    # way round) has the team's facts read once, not once per page.
    view = team_view_cached(viewer, now=now) if leads else None
    if view is not None:
        horizon.note(view.until)
    members = {m.one_on_one.pk: m for m in view.members if m.one_on_one} if view else {}
    rows = _rows(viewer, meetings, members, now)
    # A row's state ("Upcoming", "Now", "Not marked held") and its check-in window change at
    # its start, its end and when its check-in opens; the days' board and the window of
    # meetings read, at midnight (noted by the caller).
    for meeting in meetings:
        horizon.note(meeting.scheduled_for)
        horizon.note(meeting.ends_at)
        horizon.note(window_of(meeting).opens_at)

    board = None
    if view is not None:
        tomorrow = start + timedelta(days=1)
        week_end = start + timedelta(days=BOARD_DAYS)
        mine = [row for row in rows if row.leads]
        week = [row for row in mine if tomorrow <= row.meeting.scheduled_for < week_end]
        board = ManagerBoard(
            today=[row for row in mine if row.meeting.scheduled_for < tomorrow],
            week=sorted(
                (row for row in week if row.flagged),
                key=lambda row: (not row.act_now, row.meeting.scheduled_for),
            ),
            week_quiet=[row for row in week if not row.flagged],
            later=[row for row in mine if row.meeting.scheduled_for >= week_end],
            attention=_attention(view.members, mine, today),
            team=view,
            keep_an_eye=sum(
                1 for member in view.members if member.severity is rules.Severity.KEEP_AN_EYE
            ),
        )

    own = None
    if viewer.manager_id:
        upcoming = [row for row in rows if not row.leads and row.meeting.is_open]
        next_row = upcoming[0] if upcoming else None
        my_points: list[str] = []
        if next_row is not None:
            my_points = list(
                TalkingPoint.objects.filter(
                    one_on_one_id=next_row.meeting.one_on_one_id,
                    author=viewer,
                    discussed_in__isnull=True,
                    recurring_source__isnull=True,
                ).values_list("text", flat=True)[:10]
            )
        own = OwnOneOnOne(next_row=next_row, my_points=my_points)
    return Home(board=board, own=own, rows=rows)


@dataclass
class HomePage:
    """Everything of the home page that is the viewer's own, display-ready: what the shared
    cache keeps per viewer (rapport/pagecache.py). The organisation overview of HR and admins
    is read on each request: every write in the organisation changes it."""

    home: Home
    team: list[people_selectors.TeamMember]
    team_hours_chart: str | None
    open_actions: int
    overdue_actions: int
    my_manager: Person | None
    checkin_due: Meeting | None
    # The first minute at which the page may read differently by time alone (pagecache.Horizon).
    # The team's local times are not in the data: the page fills them in (`{% clock %}`).
    until: datetime


def _home_page(viewer: Person, now: datetime) -> HomePage:
    horizon = pagecache.Horizon(now)
    # The date at the top, the board's days, overdue actions, the team's hours by the day.
    horizon.note_midnight()
    team = people_selectors.team_of(viewer, viewer)
    open_actions, overdue_actions = meeting_selectors.open_action_counts(
        viewer, today=timezone.localdate(now)
    )
    home = home_for(viewer, now=now, leads=bool(team), horizon=horizon)
    # Only someone with a manager is the report of a 1:1 (no query for everyone else).
    checkin_due = (
        pending_checkin_of(viewer, now=now, horizon=horizon) if viewer.manager_id else None
    )
    return HomePage(
        home=home,
        team=team,
        team_hours_chart=team_hours_chart(team, viewer, now) if team else None,
        open_actions=open_actions,
        overdue_actions=overdue_actions,
        my_manager=viewer.manager,
        checkin_due=checkin_due,
        until=horizon.until,
    )


def home_page(viewer: Person, *, now: datetime, keep: bool = True) -> HomePage:
    """The viewer's home page data as of `now`'s minute, from the shared cache when no write
    changed it since and no time it depends on has come (`HomePage.until`). `keep=False` when
    the page keeps its rendered content instead: the data would be read again only if that
    were gone, and home's data is a large value to store."""
    return pagecache.page_data(
        "home",
        viewer.pk,
        now,
        lambda moment: _home_page(viewer, moment),
        keep=keep,
        until=pagecache.horizon_of,
    )
