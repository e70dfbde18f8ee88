"""Every read of the insights app, for the manager's team view (and the home page, the meeting
page and the day-before email, which show the same signals) and for the organisation view.

The team view is built from a fixed handful of bulk queries (the pairs with their last and next
meeting, the reports, held meetings, check-ins, open actions, open goals, the stall rule's two,
the last career conversation, dismissals), whatever the size of the team and however long its
history: each query reads all pairs at once and Python groups the rows. Never a query per report.
The rules themselves are pure functions in rules.py.

The organisation view (further down) reads aggregates only, over the people that
`access.org_scope_of` gives the viewer, in a constant number of queries whatever the size of the
organisation: counting and summing happen in SQL, grouped per person; the privacy arithmetic runs
in Python, in rapport/insights/org.py. Every figure is a sum over whole blocks of one partition
of the organisation, the same for every viewer (org.partition), so that no two figures, on one
page or across pages, differ by fewer than 5 people.
"""

from __future__ import annotations

import hashlib
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, gettext_noop

from rapport import access
from rapport.checkins import window
from rapport.checkins.models import CheckIn
from rapport.goals.models import Goal, GoalUpdate, Status
from rapport.goals.models import Kind as GoalKind
from rapport.goals.selectors import stall_reasons_of
from rapport.insights import load, org, rules
from rapport.insights.charts_team import mood_sparkline
from rapport.insights.models import SignalDismissal
from rapport.meetings.balance import BALANCE_WINDOW, BalanceRow, Source, split_of
from rapport.meetings.charts import balance_bar
from rapport.meetings.models import ActionItem, Meeting, OneOnOne
from rapport.people.models import LeftReason, Person
from rapport.questions.models import AskedQuestion, Category

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
    energies: list[tuple[date, int]] = field(default_factory=list)
    workloads: list[tuple[date, int]] = field(default_factory=list)
    goals_active: int = 0
    goals_drafts: int = 0
    goals_stalled: int = 0
    actions_open: int = 0
    actions_overdue: int = 0
    balance: BalanceRow | None = None
    signals: list[rules.Signal] = field(default_factory=list)
    dismissed: int = 0
    last_career_talk: date | None = None
    # The pair's last growth conversation held, and the next one planned (meetings.is_growth).
    last_growth: date | None = None
    planned_growth: date | None = None
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
            return gettext_noop("not set up")
        if any(signal.rule == rules.Rule.LAPSED_CADENCE for signal in self.signals):
            return gettext_noop("lapsed")
        if self.held_recently >= self.expected_recently - 1:
            return gettext_noop("on rhythm")
        return gettext_noop("behind")

    @cached_property
    def groups(self) -> list[rules.SignalGroup]:
        """The open signals grouped by kind of trouble, act-now groups first."""
        return rules.group_signals(self.signals)

    @property
    def severity(self) -> rules.Severity | None:
        """The strongest severity among the open signals (None without any)."""
        return rules.strongest(self.groups)

    @property
    def act_now(self) -> bool:
        return self.severity is rules.Severity.ACT_NOW

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
    def act_now(self) -> int:
        return sum(member.act_now for member in self.members)

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
    # One filter() each: every call copies the query, and building these eight subqueries is
    # most of this function's cost.
    def held(**more: object) -> QuerySet[Meeting]:
        return Meeting.objects.filter(
            one_on_one=OuterRef("pk"), status=Meeting.Status.HELD, scheduled_for__lt=now, **more
        )

    def upcoming(**more: object) -> QuerySet[Meeting]:
        return Meeting.objects.filter(
            one_on_one=OuterRef("pk"),
            status=Meeting.Status.UPCOMING,
            scheduled_for__gte=now,
            **more,
        )

    last_goal_closed = Goal.objects.filter(one_on_one=OuterRef("pk"), closed_at__isnull=False)
    # A career or growth conversation (rules.risk_of_leaving): a career question of the bank
    # asked in a held 1:1, or a career goal created, updated or closed.
    career_asked = AskedQuestion.objects.filter(
        meeting__one_on_one=OuterRef("pk"),
        meeting__status=Meeting.Status.HELD,
        question__category=Category.CAREER,
    )
    career_goals = Goal.objects.filter(one_on_one=OuterRef("pk"), kind=GoalKind.CAREER)
    career_updates = GoalUpdate.objects.filter(
        goal__one_on_one=OuterRef("pk"), goal__kind=GoalKind.CAREER
    )
    pairs = access.one_on_ones_led_by(viewer).annotate(
        last_growth_at=Subquery(
            held(is_growth=True).order_by("-scheduled_for").values("scheduled_for")[:1]
        ),
        planned_growth_at=Subquery(
            upcoming(is_growth=True).order_by("scheduled_for").values("scheduled_for")[:1]
        ),
        last_held_at=Subquery(held().order_by("-scheduled_for").values("scheduled_for")[:1]),
        next_at=Subquery(upcoming().order_by("scheduled_for").values("scheduled_for")[:1]),
        last_goal_closed_at=Subquery(
            last_goal_closed.order_by("-closed_at").values("closed_at")[:1]
        ),
        career_asked_at=Subquery(
            career_asked.order_by("-meeting__scheduled_for").values("meeting__scheduled_for")[:1]
        ),
        career_goal_at=Subquery(
            career_goals.annotate(at=Greatest("created_at", Coalesce("closed_at", "created_at")))
            .order_by("-at")
            .values("at")[:1]
        ),
        career_update_at=Subquery(career_updates.order_by("-created_at").values("created_at")[:1]),
    )
    if one_on_one is not None:
        pair = pairs.select_related("report").get(pk=one_on_one.pk)
        return [TeamMember(report=pair.report, one_on_one=pair)]
    by_report = {pair.report_id: pair for pair in pairs}
    reports = viewer.reports.filter(is_active=True).order_by("name")
    members = []
    for report in reports:
        led = by_report.get(report.pk)
        if led is not None:
            led.report = report  # the same person, loaded once
        members.append(TeamMember(report=report, one_on_one=led))
    return members


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
    zone = timezone.get_current_timezone()  # looked up once, not per date

    def local_day(moment: datetime) -> date:
        return moment.astimezone(zone).date()

    for member in by_pair.values():
        pair = member.one_on_one
        member.last_held_at = getattr(pair, "last_held_at", None)
        member.next_at = getattr(pair, "next_at", None)
        closed_at = getattr(pair, "last_goal_closed_at", None)
        member.last_closed = local_day(closed_at) if closed_at else None
        career = [
            moment
            for moment in (
                getattr(pair, "career_asked_at", None),
                getattr(pair, "career_goal_at", None),
                getattr(pair, "career_update_at", None),
            )
            if moment is not None and moment <= now
        ]
        growth_at = getattr(pair, "last_growth_at", None)
        member.last_growth = local_day(growth_at) if growth_at else None
        planned_at = getattr(pair, "planned_growth_at", None)
        member.planned_growth = local_day(planned_at) if planned_at else None
        # A growth conversation held is a career conversation too (rules.risk_of_leaving).
        if growth_at is not None:
            career.append(growth_at)
        member.last_career_talk = local_day(max(career)) if career else None

    _read_held_meetings(by_pair, now, zone)

    for pair_id, when, mood, energy, workload in (
        CheckIn.objects.filter(
            one_on_one_id__in=ids,
            meeting__scheduled_for__gte=now - CHECKINS_WINDOW,
            # Implied by the line above (a check-in opens only days before its meeting), and
            # what lets PostgreSQL read the pairs' recent check-ins by index, not all of them.
            submitted_at__gte=now - CHECKINS_WINDOW - window.opens_before(),
        )
        .order_by("meeting__scheduled_for")
        .values_list("one_on_one_id", "meeting__scheduled_for", "mood", "energy", "workload")
    ):
        member = by_pair[pair_id]
        day = when.astimezone(zone).date()  # a year of check-ins: the zone is looked up once
        member.moods.append((day, mood))
        member.energies.append((day, energy))
        member.workloads.append((day, workload))

    for pair_id, text, due_on in ActionItem.objects.filter(
        one_on_one_id__in=ids, done_at__isnull=True
    ).values_list("one_on_one_id", "text", "due_on"):
        member = by_pair[pair_id]
        member.actions_open += 1
        member.actions_overdue += due_on is not None and due_on < today
        member.open_actions.append((text, due_on))

    # The open goals once: their counts, and the active ones' stall reasons from the same rows.
    goals = list(
        Goal.objects.filter(one_on_one_id__in=ids, status__in=(Status.ACTIVE, Status.DRAFT))
        .only(
            "id",
            "one_on_one_id",
            "status",
            "title",
            "created_at",
            "manager_agreed_at",
            "report_agreed_at",
        )
        .annotate(last_update=Max("updates__created_at"))
    )
    reasons = stall_reasons_of(goals, now=now)
    for goal in goals:
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
                    local_day(goal.last_update or goal.started_at),
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
        .order_by("scheduled_for")
        # Named rows, not Meeting objects: half a year of a big team is hundreds of rows.
        .values_list(
            "one_on_one_id",
            "scheduled_for",
            "connection_seconds",
            "performance_seconds",
            "estimated_connection_minutes",
            "estimated_performance_minutes",
            # A meeting has at most one check-in: a join, not a subquery per meeting.
            "checkin__id",
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
        member.checkin_marks.append((split.day, meeting.checkin__id is not None))
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
    mood = rules.mood_falling(
        moods=member.moods,
        recent=limits["MOOD_RECENT"],
        window=limits["MOOD_WINDOW"],
        drop=limits["MOOD_DROP"],
        energies=[score for _, score in member.energies],
        act_now_drop=limits["MOOD_ACT_NOW_DROP"],
        low_energy=limits["LOW_ENERGY"],
    )
    workload = rules.workload_high(
        workloads=member.workloads,
        high=limits["WORKLOAD_HIGH"],
        run=limits["WORKLOAD_RUN"],
        act_now_run=limits["WORKLOAD_ACT_NOW_RUN"],
    )
    stalled = rules.goal_stalled(stalled=member.stalled)
    growth = rules.growth_overdue(
        last_growth=member.last_growth,
        started_on=pair.starts_on,
        every_weeks=pair.growth_every_weeks,
        today=today,
        grace_days=limits["GROWTH_GRACE_DAYS"],
        planned_on=member.planned_growth,
    )
    found = [
        rules.risk_of_leaving(
            last_career_talk=member.last_career_talk,
            started_on=pair.starts_on,
            today=today,
            gap_days=limits["CAREER_GAP_DAYS"],
            factors=[signal for signal in (mood, workload, stalled) if signal is not None],
            energy=rules.energy_fall(
                energies=member.energies,
                recent=limits["MOOD_RECENT"],
                window=limits["MOOD_WINDOW"],
                drop=limits["MOOD_DROP"],
            ),
            growth=growth,
        ),
        rules.lapsed_cadence(
            last_held=_local_day(member.last_held_at) if member.last_held_at else None,
            started_on=pair.starts_on,
            cadence_days=CADENCE_DAYS[pair.cadence],
            periods=limits["LAPSED_PERIODS"],
            today=today,
            act_now_days=limits["LAPSED_ACT_NOW_DAYS"],
        ),
        mood,
        workload,
        stalled,
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
        growth,
    ]
    return [signal for signal in found if signal is not None]


def _apply_signals(by_pair: dict[int, TeamMember], today: date, limits: dict[str, Any]) -> None:
    dismissed = set(
        SignalDismissal.objects.filter(
            one_on_one_id__in=list(by_pair), restored_at__isnull=True
        ).values_list("one_on_one_id", "rule", "since")
    )
    for pair_id, member in by_pair.items():
        for signal in signals_for(member, today, limits):
            if (pair_id, signal.rule.value, signal.since) in dismissed:
                member.dismissed += 1
            else:
                member.signals.append(signal)


def open_signal(
    viewer: Person, one_on_one: OneOnOne, *, rule: str, since: date
) -> rules.Signal | None:
    """One open (not dismissed) signal of a pair the viewer leads, as the team view shows it."""
    member = team_view(viewer, one_on_one=one_on_one).members[0]
    return next((s for s in member.signals if s.rule == rule and s.since == since), None)


def dismissal_history(viewer: Person, one_on_one: OneOnOne) -> QuerySet[SignalDismissal]:
    """The pair's dismissed signals, newest first, restored ones included; only for the pair's
    manager (empty for anyone else)."""
    if not access.can_see_team_signals(viewer, one_on_one):
        return SignalDismissal.objects.none()
    return (
        SignalDismissal.objects.filter(one_on_one=one_on_one)
        .select_related("dismissed_by", "restored_by")
        .order_by("-dismissed_at", "-pk")
    )


SORTS = {
    "name": lambda m: (m.report.name.casefold(),),
    # The lowest mood first: who may need attention.
    "mood": lambda m: (m.mood_latest is None, m.mood_latest or 0, m.report.name),
    # The heaviest workload first.
    "workload": lambda m: (m.workload_latest is None, -(m.workload_latest or 0), m.report.name),
    "signals": lambda m: (
        m.severity.rank if m.severity else 2,
        -len(m.signals),
        m.report.name,
    ),
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


# --- The organisation view ------------------------------------------------------------------


def _hidden() -> str:
    return gettext("fewer than %(minimum)s people: hidden") % {"minimum": org.MINIMUM_GROUP}


_COMPUTING = threading.Lock()
WINDOW = timedelta(weeks=12)
RETENTION_YEAR = timedelta(days=365)
KEPT_WINDOW = timedelta(weeks=26)
SCORES = ("mood", "energy", "workload")


@dataclass(frozen=True)
class Cadence:
    """What became of the 1:1s due in the window, for one person or a group of people."""

    held: int = 0
    skipped: int = 0
    cancelled: int = 0
    lapsed: int = 0

    def __add__(self, other: Cadence) -> Cadence:
        return Cadence(
            self.held + other.held,
            self.skipped + other.skipped,
            self.cancelled + other.cancelled,
            self.lapsed + other.lapsed,
        )

    @property
    def due(self) -> int:
        return self.held + self.skipped + self.cancelled + self.lapsed

    @property
    def held_share(self) -> float:
        return self.held / self.due if self.due else 0.0


@dataclass(frozen=True)
class CadenceGroup:
    """One row of the cadence table: the 1:1s of the reports in one block. `blocks` is empty
    and `reason` says why when the row is hidden."""

    label: str
    cadence: Cadence
    people: int
    blocks: frozenset[int]
    reason: str = ""


@dataclass(frozen=True)
class CheckInGroup:
    """One row of the check-in table. `averages` is empty when the row is hidden; `reason` then
    says why (never how many people, when that is under 5). `blocks`: the partition's blocks
    the figure is summed over (empty when hidden)."""

    label: str
    people: int
    averages: dict[str, float]
    reason: str = ""
    blocks: frozenset[int] = frozenset()


@dataclass(frozen=True)
class OrgView:
    scope_label: str
    people_in_scope: int
    cadence: list[CadenceGroup]
    checkins: list[CheckInGroup]
    retention: org.Retention
    # The blocks the retention comparison counts (whether or not it is shown).
    retention_blocks: frozenset[int]
    show_leaving_reasons: bool


def organisation_view(viewer: Person, *, now: datetime, today: date) -> OrgView:
    """Aggregates over months of everyone's 1:1s: at 10,000 people about a second of queries, so
    the result is kept for RAPPORT_ORG_VIEW_CACHE_SECONDS (in each process's memory). Safe to
    share: it holds aggregates only, and the key is the scope itself (which people), whether the
    viewer is HR (who alone sees why people left) and the org chart the partition is built
    from, so nobody gets a view computed for a wider scope, another role or another partition
    (figures from two partitions could be subtracted)."""
    chart = access.org_chart()
    scope = access.org_scope_of(viewer, chart)
    if scope is None:
        raise Http404
    seconds: int = settings.RAPPORT_ORG_VIEW_CACHE_SECONDS
    key = (
        f"org-view:{get_language()}:{today.isoformat()}:{'hr' if viewer.is_hr else 'lead'}:"
        + _digest(chart, scope, today=today)
    )
    if seconds and (kept := cache.get(key)) is not None:
        return kept
    # One computation at a time in this process: a second viewer arriving meanwhile waits and
    # then reads the result, instead of both computing it at once on the same cores.
    with _COMPUTING:
        if seconds and (kept := cache.get(key)) is not None:
            return kept
        view = _organisation_view(viewer, chart, scope, now=now, today=today)
        if seconds:
            cache.set(key, view, seconds)
    return view


def _digest(chart: Sequence[access.OrgChartRow], scope: Set[int], *, today: date) -> str:
    digest = hashlib.sha256()
    for row in _in_partition(chart, today=today):
        digest.update(
            f"{row.pk},{row.manager_id},{row.is_active:d},{row.is_hr:d},{row.name}\n".encode()
        )
    digest.update(",".join(map(str, sorted(scope))).encode())
    return digest.hexdigest()


def _in_partition(chart: Sequence[access.OrgChartRow], *, today: date) -> list[access.OrgChartRow]:
    """People who can count in some figure: everyone but those who left more than a year ago
    (the longest window: the retention comparison's)."""
    year_ago = today - RETENTION_YEAR
    return [row for row in chart if row.left_on is None or row.left_on >= year_ago]


def _partition(chart: Sequence[access.OrgChartRow], *, today: date) -> list[org.Block]:
    return org.partition({row.pk: row.manager_id for row in _in_partition(chart, today=today)})


def org_partition(*, today: date) -> list[org.Block]:
    """The blocks every organisation-view figure of `today` is summed over (one query); the
    figures name them by their index in this list."""
    return _partition(access.org_chart(), today=today)


def known_individually(chart: Sequence[access.OrgChartRow]) -> list[frozenset[int]]:
    """For every viewer of the organisation view, who they know individually: themselves and
    their direct reports (whose check-ins and 1:1s they see in their own 1:1s)."""
    reports: dict[int, set[int]] = {}
    for row in chart:
        if row.manager_id is not None:
            reports.setdefault(row.manager_id, set()).add(row.pk)
    return [
        frozenset({viewer, *reports.get(viewer, ())})
        for viewer in sorted(access.org_viewers(chart))
    ]


def _organisation_view(
    viewer: Person,
    chart: Sequence[access.OrgChartRow],
    scope: frozenset[int],
    *,
    now: datetime,
    today: date,
) -> OrgView:
    blocks = _partition(chart, today=today)
    in_view = [index for index, block in enumerate(blocks) if block.people <= scope]
    covered = frozenset(person for index in in_view for person in blocks[index].people)
    # HR's view covers everyone: reading it all beats sending 10,000 ids to the database.
    people = None if viewer.is_hr else covered
    names = {row.pk: row.name for row in chart}
    known = known_individually(chart)
    labels = {index: _label(blocks[index], names) for index in in_view}
    records = retention_records(people, now=now, today=today)
    retention_usable = org.usable_blocks(blocks, records.keys() & covered, known)
    retention_blocks = frozenset(in_view) & retention_usable
    return OrgView(
        scope_label=gettext("Everyone in the organisation")
        if viewer.is_hr
        else gettext("Everyone below you"),
        people_in_scope=sum(1 for row in chart if row.pk in scope and row.is_active),
        cadence=cadence_groups(blocks, in_view, labels, cadence_per_person(people, now=now), known),
        checkins=checkin_groups(
            blocks, in_view, labels, checkins_per_person(people, now=now), known
        ),
        retention=org.retention(
            records[person]
            for index in sorted(retention_blocks)
            for person in sorted(blocks[index].people)
            if person in records
        ),
        retention_blocks=retention_blocks,
        # Why someone left is an employment detail only HR (and the person) may see.
        show_leaving_reasons=viewer.is_hr,
    )


def _label(block: org.Block, names: Mapping[int, str]) -> str:
    """A block is named after the managers whose teams it holds."""
    leads = sorted(names[lead] for lead in block.leads if lead is not None)
    if None in block.leads:
        leads.append(gettext("the top of the organisation"))
    if leads == [gettext("the top of the organisation")]:
        return gettext("People at the top of the organisation")
    if len(leads) == 1:
        return gettext("Team of %(lead)s") % {"lead": leads[0]}
    if len(leads) > 3:
        leads = [*leads[:3], gettext("%(count)s more") % {"count": len(leads) - 3}]
    return gettext("Teams of %(leads)s and %(last)s") % {
        "leads": ", ".join(leads[:-1]),
        "last": leads[-1],
    }


def _sums[Total](
    indexes: Iterable[int],
    blocks: Sequence[org.Block],
    data: Mapping[int, Total],
    add: Callable[[Total, Total], Total],
    zero: Total,
) -> tuple[Total, int]:
    """The sum of `data` over the people of whole blocks, and how many people had data."""
    total, people = zero, 0
    for index in indexes:
        for person in blocks[index].people:
            if person in data:
                total, people = add(total, data[person]), people + 1
    return total, people


STATUS = Meeting.Status
HELD = Count("pk", filter=Q(status=STATUS.HELD))


def _of_reports(people: Set[int] | None, field: str) -> Q:
    return Q() if people is None else Q(**{f"{field}__in": sorted(people)})


def cadence_per_person(people: Set[int] | None, *, now: datetime) -> dict[int, Cadence]:
    """Per report (all of them when `people` is None), what became of their 1:1s due in the
    last 12 weeks."""
    due_before = Meeting.accounted_before(now)
    rows = (
        Meeting.objects.filter(
            _of_reports(people, "one_on_one__report_id"),
            scheduled_for__gte=due_before - WINDOW,
            scheduled_for__lt=due_before,
        )
        .values("one_on_one__report_id")
        .annotate(
            held=HELD,
            skipped=Count("pk", filter=Q(status=STATUS.SKIPPED)),
            cancelled=Count("pk", filter=Q(status=STATUS.CANCELLED)),
            # Still "upcoming" after its time: nobody held it, skipped it or called it off.
            lapsed=Count("pk", filter=Q(status=STATUS.UPCOMING)),
        )
        .order_by()
    )
    return {
        row["one_on_one__report_id"]: Cadence(
            row["held"], row["skipped"], row["cancelled"], row["lapsed"]
        )
        for row in rows
    }


def cadence_groups(
    blocks: Sequence[org.Block],
    in_view: Sequence[int],
    labels: Mapping[int, str],
    data: Mapping[int, Cadence],
    known: Iterable[Set[int]],
) -> list[CadenceGroup]:
    """One row per block in view with 1:1s due: a manager's rhythm with a team of 5 or more, or
    that of several small teams together. Per-manager figures of small teams would tell
    subtraction exactly what the blocks are there to prevent."""
    usable = org.usable_blocks(blocks, data.keys(), known)
    rows = []
    for index in sorted(in_view, key=lambda index: (labels[index], index)):
        cadence, people = _sums([index], blocks, data, Cadence.__add__, Cadence())
        if not people:
            continue
        if index in usable:
            rows.append(CadenceGroup(labels[index], cadence, people, frozenset({index})))
        else:
            rows.append(CadenceGroup(labels[index], Cadence(), 0, frozenset(), _hidden()))
    return rows


def checkins_per_person(people: Set[int] | None, *, now: datetime) -> dict[int, org.ScoreSums]:
    """Sums of each person's check-ins of the last 12 weeks (all people when `people` is None)."""
    rows = (
        CheckIn.objects.filter(_of_reports(people, "report_id"), submitted_at__gte=now - WINDOW)
        .values("report_id")
        .annotate(n=Count("pk"), mood=Sum("mood"), energy=Sum("energy"), workload=Sum("workload"))
        .order_by()
    )
    return {
        row["report_id"]: org.ScoreSums(row["n"], row["mood"], row["energy"], row["workload"])
        for row in rows
    }


def checkin_groups(
    blocks: Sequence[org.Block],
    in_view: Sequence[int],
    labels: Mapping[int, str],
    data: Mapping[int, org.ScoreSums],
    known: Iterable[Set[int]],
) -> list[CheckInGroup]:
    """Average check-in scores of the last 12 weeks for everyone in view and for each block, each
    summed over the usable blocks only."""
    usable = org.usable_blocks(blocks, data.keys(), known)
    whole = ("scope",)
    figures: dict[object, frozenset[int]] = {whole: frozenset(in_view) & usable}
    figures.update({index: frozenset({index}) for index in in_view})
    sums = {
        key: _sums(indexes, blocks, data, org.ScoreSums.__add__, org.ScoreSums())
        for key, indexes in figures.items()
    }
    candidates = [key for key in figures if sums[key][1]]
    if (
        not candidates
        and not _sums(in_view, blocks, data, org.ScoreSums.__add__, org.ScoreSums())[1]
    ):
        return []
    # A second line of defence: figures built from usable blocks always pass this check.
    members = {
        key: {person for index in figures[key] for person in blocks[index].people if person in data}
        for key in candidates
        if key == whole or key in usable
    }
    shown = org.groups_to_show(members)

    def row(key: object, label: str) -> CheckInGroup:
        total, people = sums[key]
        if key in shown:
            averages = {score: round(total.average(score) or 0.0, 1) for score in SCORES}
            return CheckInGroup(label, people, averages, blocks=figures[key])
        if key == whole or key not in usable:
            return CheckInGroup(label, 0, {}, _hidden())
        return CheckInGroup(
            label,
            people,
            {},
            gettext(
                "hidden: together with the other figures it would single out fewer than "
                "%(minimum)s people"
            )
            % {"minimum": org.MINIMUM_GROUP},
        )

    teams = sorted(
        (index for index in in_view if sums[index][1]), key=lambda index: (labels[index], index)
    )
    return [row(whole, gettext("Everyone in view"))] + [
        row(index, labels[index]) for index in teams
    ]


def retention_records(
    people: Set[int] | None, *, now: datetime, today: date
) -> dict[int, org.PersonRecord]:
    """Everyone (of `people`, or all when None) who was there at some point in the last 12
    months, with the share of their 1:1s held in the six months before they left (or before
    today)."""
    year_ago = today - RETENTION_YEAR
    population = (
        Person.objects.filter(_of_reports(people, "pk"))
        .filter(Q(left_on__isnull=True, is_active=True) | Person.left_in_year_to(today))
        .values_list("pk", "left_on", "left_reason")
    )
    due_before = Meeting.accounted_before(now)
    stayers = (
        Meeting.objects.filter(
            _of_reports(people, "one_on_one__report_id"),
            one_on_one__report__left_on__isnull=True,
            scheduled_for__gte=due_before - KEPT_WINDOW,
            scheduled_for__lt=due_before,
        )
        .values("one_on_one__report_id")
        .annotate(held=HELD, due=Count("pk"))
        .order_by()
    )
    counts = {row["one_on_one__report_id"]: (row["held"], row["due"]) for row in stayers}
    # Leavers' windows end on different days, so their (few) meetings are counted here.
    leavers = (
        Meeting.objects.filter(
            _of_reports(people, "one_on_one__report_id"),
            one_on_one__report__left_on__gte=year_ago,
            scheduled_for__gte=now - RETENTION_YEAR - KEPT_WINDOW,
        )
        .order_by()
        .values_list(
            "one_on_one__report_id", "one_on_one__report__left_on", "scheduled_for", "status"
        )
    )
    for report_id, left_on, scheduled_for, status in leavers:
        if left_on is not None and left_on - KEPT_WINDOW <= scheduled_for.date() < left_on:
            held, due = counts.get(report_id, (0, 0))
            counts[report_id] = (held + (status == STATUS.HELD), due + 1)
    records = {}
    for pk, left_on, reason in population:
        held, due = counts.get(pk, (0, 0))
        records[pk] = org.PersonRecord(
            left=left_on is not None,
            voluntary=reason == LeftReason.VOLUNTARY,
            held=held,
            expected=due,
        )
    return records
