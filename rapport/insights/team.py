"""The manager's team view: every report on one screen, with the signals worth acting on.

Built from a fixed handful of bulk queries (the pairs with their last and next meeting, the
reports, held meetings, check-ins, open actions, open goals, the stall rule's two, dismissals),
whatever the size of the team and however long its history: each query reads all pairs at once
and Python groups the rows. Never a query per report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.safestring import SafeString

from rapport import access
from rapport.checkins import window
from rapport.checkins.models import CheckIn
from rapport.goals.models import Goal, Status
from rapport.goals.selectors import stall_reasons
from rapport.insights import load, rules
from rapport.insights.charts_team import mood_sparkline
from rapport.insights.models import SignalDismissal
from rapport.meetings.balance import BALANCE_WINDOW, BalanceRow, Source, split_of
from rapport.meetings.charts import balance_bar
from rapport.meetings.models import ActionItem, Meeting, OneOnOne
from rapport.people.models import Person

CADENCE_DAYS = {"weekly": 7, "biweekly": 14, "monthly": 30}
# How far back the view reads held meetings and check-ins: enough for four monthly meetings in
# a row, and for twelve check-ins of a weekly pair.
MEETINGS_WINDOW = timedelta(weeks=26)
CHECKINS_WINDOW = timedelta(weeks=52)
REGULARITY_WINDOW = timedelta(weeks=8)


def thresholds() -> dict[str, Any]:
    return settings.RAPPORT_SIGNALS


@dataclass
class TeamMember:
    report: Person
    one_on_one: OneOnOne | None
    next_at: datetime | None = None
    last_held_at: datetime | None = None
    held_recently: int = 0
    moods: list[tuple[date, int]] = field(default_factory=list)
    workloads: list[tuple[date, int]] = field(default_factory=list)
    goals_active: int = 0
    goals_drafts: int = 0
    goals_stalled: int = 0
    actions_open: int = 0
    actions_overdue: int = 0
    balance: BalanceRow | None = None
    signals: list[rules.Signal] = field(default_factory=list)
    dismissed: int = 0
    steady: bool = False
    # The rules' inputs that the page does not show as such.
    open_actions: list[tuple[str, date | None]] = field(default_factory=list)
    stalled: list[rules.StalledGoal] = field(default_factory=list)
    last_closed: date | None = None
    shares: list[tuple[date, int | None]] = field(default_factory=list)
    checkin_marks: list[tuple[date, bool]] = field(default_factory=list)

    @property
    def expected_recently(self) -> int:
        if self.one_on_one is None:
            return 0
        return REGULARITY_WINDOW.days // CADENCE_DAYS[self.one_on_one.cadence]

    @property
    def rhythm(self) -> str:
        """Cadence health in two words: on rhythm, behind, lapsed (or not set up)."""
        if self.one_on_one is None:
            return "not set up"
        if any(signal.rule == rules.Rule.LAPSED_CADENCE for signal in self.signals):
            return "lapsed"
        if self.held_recently >= self.expected_recently - 1:
            return "on rhythm"
        return "behind"

    @property
    def mood_latest(self) -> int | None:
        return self.moods[-1][1] if self.moods else None

    @property
    def workload_latest(self) -> int | None:
        return self.workloads[-1][1] if self.workloads else None

    @cached_property  # the template asks twice; drawing it is the costliest part of a row
    def mood_chart(self) -> SafeString | None:
        if len(self.moods) < 2:
            return None
        return mood_sparkline(self.moods, name=self.report.name)

    @property
    def balance_chart(self) -> SafeString | None:
        return balance_bar(self.balance, width=120, height=18) if self.balance else None

    @property
    def health(self) -> load.PairHealth | None:
        if self.one_on_one is None:
            return None
        return load.PairHealth(
            cadence=self.one_on_one.cadence,
            duration_minutes=self.one_on_one.duration_minutes,
            signals=len(self.signals),
            moods=[score for _, score in self.moods[-6:]],
            held_recently=self.held_recently,
            expected_recently=self.expected_recently,
        )


@dataclass(frozen=True)
class TeamView:
    members: list[TeamMember]
    load: load.Load
    suggestions: list[TeamMember]

    @property
    def with_signals(self) -> int:
        return sum(bool(member.signals) for member in self.members)

    @property
    def hours_saved(self) -> float:
        return round(
            sum(
                load.hours_saved_by_biweekly(member.health)
                for member in self.suggestions
                if member.health
            ),
            1,
        )


def _local_day(moment: datetime) -> date:
    return timezone.localdate(moment)


def _members(viewer: Person, one_on_one: OneOnOne | None, now: datetime) -> list[TeamMember]:
    # Per-pair facts that would otherwise read every meeting and goal of years of history are
    # subqueries here, each one step down an index: the last held and the next meeting, and
    # when the last goal closed (so the goals query needs only the open ones).
    def meetings(status: str) -> QuerySet[Meeting]:
        return Meeting.objects.filter(one_on_one=OuterRef("pk"), status=status)

    last_held = meetings(Meeting.Status.HELD).filter(scheduled_for__lt=now)
    upcoming = meetings(Meeting.Status.UPCOMING).filter(scheduled_for__gte=now)
    last_goal_closed = Goal.objects.filter(one_on_one=OuterRef("pk"), closed_at__isnull=False)
    pairs = (
        access.one_on_ones_led_by(viewer)
        .select_related("report")
        .annotate(
            last_held_at=Subquery(last_held.order_by("-scheduled_for").values("scheduled_for")[:1]),
            next_at=Subquery(upcoming.order_by("scheduled_for").values("scheduled_for")[:1]),
            last_goal_closed_at=Subquery(
                last_goal_closed.order_by("-closed_at").values("closed_at")[:1]
            ),
        )
    )
    if one_on_one is not None:
        pair = pairs.get(pk=one_on_one.pk)
        return [TeamMember(report=pair.report, one_on_one=pair)]
    by_report = {pair.report_id: pair for pair in pairs}
    reports = viewer.reports.filter(is_active=True).order_by("name")
    return [TeamMember(report=report, one_on_one=by_report.get(report.pk)) for report in reports]


def team_view(
    viewer: Person, *, now: datetime | None = None, one_on_one: OneOnOne | None = None
) -> TeamView:
    """The viewer's own reports (all of them, or the one pair of `one_on_one`) with their facts
    and visible signals. Someone who leads nobody gets an empty view."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    limits = thresholds()
    members = _members(viewer, one_on_one, now)
    by_pair = {m.one_on_one.pk: m for m in members if m.one_on_one is not None}
    if by_pair:
        _read_facts(by_pair, now, today)
        _apply_signals(by_pair, today, limits)
    team_load = load.manager_load(
        [(pair.cadence, pair.duration_minutes) for pair in _pairs(by_pair)],
        work_week_hours=limits["WORK_WEEK_HOURS"],
        warning_share=limits["LOAD_WARNING_SHARE"],
    )
    for member in by_pair.values():
        health = member.health
        member.steady = health is not None and load.is_steady(health)
    suggestions = [m for m in members if m.steady] if team_load.is_heavy else []
    return TeamView(members=members, load=team_load, suggestions=suggestions)


def _pairs(by_pair: dict[int, TeamMember]) -> list[OneOnOne]:
    return [m.one_on_one for m in by_pair.values() if m.one_on_one is not None]


def _read_facts(by_pair: dict[int, TeamMember], now: datetime, today: date) -> None:
    ids = list(by_pair)
    for member in by_pair.values():
        pair = member.one_on_one
        member.last_held_at = getattr(pair, "last_held_at", None)
        member.next_at = getattr(pair, "next_at", None)
        closed_at = getattr(pair, "last_goal_closed_at", None)
        member.last_closed = _local_day(closed_at) if closed_at else None

    zone = timezone.get_current_timezone()
    _read_held_meetings(by_pair, now, zone)

    for pair_id, when, mood, workload in (
        CheckIn.objects.filter(
            one_on_one_id__in=ids,
            meeting__scheduled_for__gte=now - CHECKINS_WINDOW,
            # Implied by the line above (a check-in opens only days before its meeting), and
            # what lets PostgreSQL read the pairs' recent check-ins by index, not all of them.
            submitted_at__gte=now - CHECKINS_WINDOW - window.opens_before(),
        )
        .order_by("meeting__scheduled_for")
        .values_list("one_on_one_id", "meeting__scheduled_for", "mood", "workload")
    ):
        member = by_pair[pair_id]
        day = when.astimezone(zone).date()  # a year of check-ins: the zone is looked up once
        member.moods.append((day, mood))
        member.workloads.append((day, workload))

    for pair_id, text, due_on in ActionItem.objects.filter(
        one_on_one_id__in=ids, done_at__isnull=True
    ).values_list("one_on_one_id", "text", "due_on"):
        member = by_pair[pair_id]
        member.actions_open += 1
        member.actions_overdue += due_on is not None and due_on < today
        member.open_actions.append((text, due_on))

    reasons = stall_reasons(_pairs(by_pair), now=now)
    for goal in Goal.objects.filter(
        one_on_one_id__in=ids, status__in=(Status.ACTIVE, Status.DRAFT)
    ).annotate(last_update=Max("updates__created_at")):
        member = by_pair[goal.one_on_one_id]
        if goal.status == Status.ACTIVE:
            member.goals_active += 1
        else:
            member.goals_drafts += 1
        if goal.pk in reasons:
            member.goals_stalled += 1
            member.stalled.append(
                rules.StalledGoal(
                    goal.title,
                    reasons[goal.pk],
                    _local_day(goal.last_update or goal.started_at),
                )
            )


def _read_held_meetings(by_pair: dict[int, TeamMember], now: datetime, zone: tzinfo) -> None:
    """Held meetings of the window: their split (for the balance bar and the squeeze rule) and
    whether a check-in came before them."""
    meetings = (
        Meeting.objects.filter(
            one_on_one_id__in=list(by_pair),
            status=Meeting.Status.HELD,
            scheduled_for__gte=now - MEETINGS_WINDOW,
            scheduled_for__lt=now,
        )
        .annotate(has_checkin=Exists(CheckIn.objects.filter(meeting=OuterRef("pk"))))
        .order_by("scheduled_for")
        # Named rows, not Meeting objects: half a year of a big team is hundreds of rows.
        .values_list(
            "one_on_one_id",
            "scheduled_for",
            "connection_seconds",
            "performance_seconds",
            "estimated_connection_minutes",
            "estimated_performance_minutes",
            "has_checkin",
            named=True,
        )
    )
    totals: dict[int, list[float]] = defaultdict(lambda: [0, 0, 0.0, 0.0])
    recently = now - REGULARITY_WINDOW
    for meeting in meetings:
        member = by_pair[meeting.one_on_one_id]
        member.held_recently += meeting.scheduled_for >= recently
        split = split_of(meeting, zone=zone)
        member.shares.append((split.day, split.share))
        member.checkin_marks.append((split.day, meeting.has_checkin))
        if meeting.scheduled_for >= now - BALANCE_WINDOW and split.source is not Source.NONE:
            total = totals[meeting.one_on_one_id]
            total[0 if split.source is Source.MEASURED else 1] += 1
            total[2] += split.connection_minutes * 60
            total[3] += split.performance_minutes * 60
    tolerance: int = settings.RAPPORT_BALANCE_TOLERANCE
    for pair_id, member in by_pair.items():
        measured, estimated, connection, performance = totals.get(pair_id, [0, 0, 0.0, 0.0])
        assert member.one_on_one is not None
        member.balance = BalanceRow(
            one_on_one=member.one_on_one,
            measured=int(measured),
            estimated=int(estimated),
            connection_seconds=round(connection),
            performance_seconds=round(performance),
            tolerance=tolerance,
        )


def signals_for(member: TeamMember, today: date, limits: dict[str, Any]) -> list[rules.Signal]:
    """Every rule, on the facts already read for this member (no query)."""
    pair = member.one_on_one
    assert pair is not None
    found = [
        rules.lapsed_cadence(
            last_held=_local_day(member.last_held_at) if member.last_held_at else None,
            started_on=pair.starts_on,
            cadence_days=CADENCE_DAYS[pair.cadence],
            periods=limits["LAPSED_PERIODS"],
            today=today,
        ),
        rules.mood_falling(
            moods=member.moods,
            recent=limits["MOOD_RECENT"],
            window=limits["MOOD_WINDOW"],
            drop=limits["MOOD_DROP"],
        ),
        rules.workload_high(
            workloads=member.workloads, high=limits["WORKLOAD_HIGH"], run=limits["WORKLOAD_RUN"]
        ),
        rules.goal_stalled(stalled=member.stalled),
        rules.no_active_goal(
            active=member.goals_active,
            drafts=member.goals_drafts,
            started_on=pair.starts_on,
            last_closed=member.last_closed,
            today=today,
            grace_days=limits["NO_GOAL_GRACE_DAYS"],
        ),
        rules.overdue_actions(
            open_actions=member.open_actions,
            today=today,
            threshold=limits["OVERDUE_ACTIONS"],
        ),
        rules.connection_squeezed(
            shares=member.shares,
            below=limits["LOW_CONNECTION_SHARE"],
            run=limits["LOW_CONNECTION_RUN"],
        ),
        rules.checkins_skipped(
            held=member.checkin_marks,
            run=limits["SKIPPED_CHECKINS"],
        ),
    ]
    return [signal for signal in found if signal is not None]


def _apply_signals(by_pair: dict[int, TeamMember], today: date, limits: dict[str, Any]) -> None:
    dismissed = set(
        SignalDismissal.objects.filter(one_on_one_id__in=list(by_pair)).values_list(
            "one_on_one_id", "rule", "since"
        )
    )
    for pair_id, member in by_pair.items():
        for signal in signals_for(member, today, limits):
            if (pair_id, signal.rule.value, signal.since) in dismissed:
                member.dismissed += 1
            else:
                member.signals.append(signal)


SORTS = {
    "name": lambda m: (m.report.name.casefold(),),
    # The lowest mood first: who may need attention.
    "mood": lambda m: (m.mood_latest is None, m.mood_latest or 0, m.report.name),
    # The heaviest workload first.
    "workload": lambda m: (m.workload_latest is None, -(m.workload_latest or 0), m.report.name),
    "signals": lambda m: (-len(m.signals), m.report.name),
}


def sorted_members(
    members: Iterable[TeamMember], *, sort: str, only_signals: bool
) -> list[TeamMember]:
    chosen = [m for m in members if m.signals] if only_signals else list(members)
    if sort == "next":
        # Aware datetimes do not compare with a naive max: split the ones without a date off.
        dated = sorted((m for m in chosen if m.next_at), key=lambda m: (m.next_at, m.report.name))
        return dated + sorted((m for m in chosen if not m.next_at), key=lambda m: m.report.name)
    return sorted(chosen, key=SORTS[sort])
