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

import bisect
import hashlib
import secrets
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from rapport import access, pagecache
from rapport.checkins import window
from rapport.checkins.models import CheckIn
from rapport.goals.models import STALL_AFTER, Goal, GoalUpdate, Status
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
    # When the member's facts may read differently by time alone (pagecache.Horizon): the
    # pair's own edges and the viewer's midnight. None without a 1:1. Not a fact: two members
    # read at two minutes of one span compare equal.
    horizon: pagecache.Horizon | None = field(default=None, compare=False)

    @property
    def until(self) -> datetime:
        assert self.horizon is not None
        return self.horizon.until

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
    # The first minute at which the view may read differently by time alone (pagecache.Horizon):
    # the page cache keeps it until then, unless a write comes first.
    until: datetime

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


def _annotated_pairs(viewer: Person, now: datetime) -> QuerySet[OneOnOne]:
    """The pairs the viewer leads, each with its report and the facts read one step down an
    index each: the last held and the next meeting, the last goal closed (so the goals query
    needs only the open ones), the last career conversation."""

    # One filter() each: every call copies the query, and building these eight subqueries is
    # most of the cost of a query that reads one pair.
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
    career_goals = Goal.objects.filter(one_on_one=OuterRef("pk"), kind=GoalKind.CAREER).annotate(
        at=Greatest("created_at", Coalesce("closed_at", "created_at"))
    )
    career_updates = GoalUpdate.objects.filter(
        goal__one_on_one=OuterRef("pk"), goal__kind=GoalKind.CAREER
    )
    return (
        access.one_on_ones_led_by(viewer)
        .select_related("report")
        .annotate(
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
                career_asked.order_by("-meeting__scheduled_for").values("meeting__scheduled_for")[
                    :1
                ]
            ),
            career_goal_at=Subquery(career_goals.order_by("-at").values("at")[:1]),
            career_update_at=Subquery(
                career_updates.order_by("-created_at").values("created_at")[:1]
            ),
        )
    )


def _members_of(viewer: Person, now: datetime, pair_ids: list[int]) -> dict[int, TeamMember]:
    """The members of the pairs `pair_ids` the viewer leads, by pair, with their facts and open
    signals as of `now`, each with its own horizon."""
    if not pair_ids:
        return {}
    pairs = _annotated_pairs(viewer, now).filter(pk__in=pair_ids)
    by_pair = {pair.pk: TeamMember(report=pair.report, one_on_one=pair) for pair in pairs}
    if by_pair:
        midnight = pagecache.next_midnight(now)
        for member in by_pair.values():
            # The rules count in days (`today`), and so do the overdue actions and the stall rule.
            member.horizon = pagecache.Horizon(now)
            member.horizon.note(midnight)
        today = timezone.localdate(now)
        _read_facts(by_pair, now, today)
        _apply_signals(by_pair, today, thresholds())
        for member in by_pair.values():
            health = member.health
            member.steady = health is not None and load.is_steady(health)
    return by_pair


def _roster(viewer: Person) -> list[tuple[Person, int | None]]:
    """The viewer's active reports by name, each with the pair the viewer leads with them."""
    led = access.one_on_ones_led_by(viewer).filter(report=OuterRef("pk")).values("pk")[:1]
    reports = viewer.reports.filter(is_active=True).annotate(pair_id=Subquery(led))
    return [(report, report.pair_id) for report in reports.order_by("name")]


def team_view(
    viewer: Person, *, now: datetime | None = None, one_on_one: OneOnOne | None = None
) -> TeamView:
    """The viewer's own reports (all of them, or the one pair of `one_on_one`, which the viewer
    must lead: OneOnOne.DoesNotExist otherwise) with their facts and visible signals. Someone
    who leads nobody gets an empty view."""
    now = now or timezone.now()
    if one_on_one is not None:
        found = _members_of(viewer, now, [one_on_one.pk])
        if not found:
            raise OneOnOne.DoesNotExist
        return _assembled(list(found.values()), now)
    roster = _roster(viewer)
    paired = _members_of(viewer, now, [pair for _, pair in roster if pair is not None])
    return _assembled(_members(roster, paired), now)


def _members(
    roster: list[tuple[Person, int | None]], paired: Mapping[int, TeamMember]
) -> list[TeamMember]:
    # A pair closed between the two reads is read as none.
    return [
        (paired.get(pair) if pair is not None else None) or TeamMember(report, None)
        for report, pair in roster
    ]


def _assembled(members: list[TeamMember], now: datetime) -> TeamView:
    """The view of these members: the viewer's load, the steady pairs to suggest when it is
    heavy, and until when it all reads the same."""
    limits = thresholds()
    paired = [m for m in members if m.one_on_one is not None]
    team_load = load.manager_load(
        [(m.one_on_one.cadence, m.one_on_one.duration_minutes) for m in paired if m.one_on_one],
        work_week_hours=limits["WORK_WEEK_HOURS"],
        warning_share=limits["LOAD_WARNING_SHARE"],
    )
    suggestions = [m for m in members if m.steady] if team_load.is_heavy else []
    # The view counts its people, and the members count in days: the viewer's midnight at the
    # latest, whoever is on the team.
    horizon = pagecache.Horizon(now)
    horizon.note(pagecache.next_midnight(now))
    until = min([horizon.until, *(m.until for m in paired)])
    return TeamView(members=members, load=team_load, suggestions=suggestions, until=until)


def team_view_cached(viewer: Person, *, now: datetime) -> TeamView:
    """`team_view` as of `now`'s minute, each pair's member from the shared cache when no write
    about its report came since and no time it depends on has come (`TeamMember.until`;
    `pagecache.pieces`): after a write about one report, only that pair's facts are read again.
    The rest (who is on the team, the load) is read each time: the pages that show the view
    keep their content under the viewer's version, and build it again only after a write that
    concerns the viewer, when a view kept whole would have to be built again anyway."""
    moment = pagecache.as_of(now)
    roster = _roster(viewer)
    paired = _member_pieces(
        viewer, moment, {pair: report.pk for report, pair in roster if pair is not None}
    )
    return _assembled(_members(roster, paired), moment)


def _member_pieces(viewer: Person, now: datetime, reports: dict[int, int]) -> dict[int, TeamMember]:
    """The members of these pairs (each pair's report), each kept apart under its report's
    version (`pagecache.pieces`)."""
    return pagecache.pieces(
        "team-member",
        viewer.pk,
        now,
        reports,
        lambda moment, pairs: _members_of(viewer, moment, pairs),
        until=lambda _pair, member: member.until,
    )


def team_member_cached(viewer: Person, one_on_one: OneOnOne, *, now: datetime) -> TeamMember | None:
    """The team view's member for one pair the viewer leads (None for a pair they do not), as
    of `now`'s minute: the team view's own piece when no write about the report came since (the
    meeting page's signals)."""
    return _member_pieces(viewer, now, {one_on_one.pk: one_on_one.report_id}).get(one_on_one.pk)


def _read_facts(by_pair: dict[int, TeamMember], now: datetime, today: date) -> None:
    """The facts of each pair as of `now`, noting in the member's horizon every instant at which
    what they read changes with the clock alone."""
    ids = list(by_pair)
    zone = timezone.get_current_timezone()  # looked up once, not per date

    def local_day(moment: datetime) -> date:
        return moment.astimezone(zone).date()

    for member in by_pair.values():
        pair = member.one_on_one
        member.last_held_at = getattr(pair, "last_held_at", None)
        member.next_at = getattr(pair, "next_at", None)
        horizon = member.horizon
        assert horizon is not None
        if member.next_at is not None:
            horizon.note(member.next_at)  # once it starts, the next one is another
        closed_at = getattr(pair, "last_goal_closed_at", None)
        member.last_closed = local_day(closed_at) if closed_at else None
        moments = [
            moment
            for moment in (
                getattr(pair, "career_asked_at", None),
                getattr(pair, "career_goal_at", None),
                getattr(pair, "career_update_at", None),
            )
            if moment is not None
        ]
        career = [moment for moment in moments if moment <= now]
        for moment in moments:
            horizon.note(moment)  # one still to come counts once it has
        growth_at = getattr(pair, "last_growth_at", None)
        member.last_growth = local_day(growth_at) if growth_at else None
        planned_at = getattr(pair, "planned_growth_at", None)
        member.planned_growth = local_day(planned_at) if planned_at else None
        # A growth conversation held is a career conversation too (rules.risk_of_leaving).
        if growth_at is not None:
            career.append(growth_at)
        member.last_career_talk = local_day(max(career)) if career else None

    _read_held_meetings(by_pair, now, zone)

    opens_before = window.opens_before()
    # Each pair's oldest check-in of each bound leaves the window first.
    oldest_meeting: dict[int, datetime] = {}
    oldest_submitted: dict[int, datetime] = {}
    for pair_id, when, submitted_at, mood, energy, workload in (
        CheckIn.objects.filter(
            one_on_one_id__in=ids,
            meeting__scheduled_for__gte=now - CHECKINS_WINDOW,
            # Implied by the line above (a check-in opens only days before its meeting), and
            # what lets PostgreSQL read the pairs' recent check-ins by index, not all of them.
            submitted_at__gte=now - CHECKINS_WINDOW - opens_before,
        )
        .order_by("meeting__scheduled_for")
        .values_list(
            "one_on_one_id", "meeting__scheduled_for", "submitted_at", "mood", "energy", "workload"
        )
    ):
        member = by_pair[pair_id]
        day = when.astimezone(zone).date()  # a year of check-ins: the zone is looked up once
        member.moods.append((day, mood))
        member.energies.append((day, energy))
        member.workloads.append((day, workload))
        oldest_meeting.setdefault(pair_id, when)  # the rows come oldest meeting first
        if pair_id not in oldest_submitted or submitted_at < oldest_submitted[pair_id]:
            oldest_submitted[pair_id] = submitted_at
    for pair_id, when in oldest_meeting.items():
        horizon = by_pair[pair_id].horizon
        assert horizon is not None
        horizon.note(when + CHECKINS_WINDOW)
        horizon.note(oldest_submitted[pair_id] + CHECKINS_WINDOW + opens_before)

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
            # And those marked held before their time: they count once it has come.
            scheduled_for__gte=now - MEETINGS_WINDOW,
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
    held_at: dict[int, list[datetime]] = defaultdict(list)
    for meeting in meetings:
        member = by_pair[meeting.one_on_one_id]
        if meeting.scheduled_for >= now:
            assert member.horizon is not None
            member.horizon.note(meeting.scheduled_for)
            continue
        held_at[meeting.one_on_one_id].append(meeting.scheduled_for)
        member.held_recently += meeting.scheduled_for >= recently
        split = split_of(meeting, zone=zone)
        member.shares.append((split.day, split.share))
        member.checkin_marks.append((split.day, meeting.checkin__id is not None))
        if meeting.scheduled_for >= now - BALANCE_WINDOW and split.source is not Source.NONE:
            total = totals[meeting.one_on_one_id]
            total[0 if split.source is Source.MEASURED else 1] += 1
            total[2] += split.connection_minutes * 60
            total[3] += split.performance_minutes * 60
    # Each window's oldest meeting of a pair leaves it first: the held ones read here (half a
    # year), held recently (the rhythm), the balance's, and the stall rule's (goals.selectors).
    for pair_id, moments in held_at.items():
        horizon = by_pair[pair_id].horizon
        assert horizon is not None
        for span in (MEETINGS_WINDOW, REGULARITY_WINDOW, BALANCE_WINDOW, STALL_AFTER):
            oldest = bisect.bisect_left(moments, now - span)
            if oldest < len(moments):
                horizon.note(moments[oldest] + span)
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
    scope_label: str | Promise  # translated when shown: the worker stores views for every language
    people_in_scope: int
    cadence: list[CadenceGroup]
    checkins: list[CheckInGroup]
    retention: org.Retention
    # The blocks the retention comparison counts (whether or not it is shown).
    retention_blocks: frozenset[int]
    show_leaving_reasons: bool
    # When the figures were computed (by the worker, or by a request when it had not yet);
    # None when computed for this request.
    computed_at: datetime | None = None
    # Names this stored view (its generation and whose it is): the page's rendered figures are
    # cached under it. Empty when computed for this request.
    stored_as: str = ""


def organisation_view(viewer: Person, *, now: datetime, today: date, head: bool = False) -> OrgView:
    """The viewer's organisation view, or 404 when they get none. `head`: a stored view may come
    without its rows (`cadence` and `checkins` empty; `stored_view` reads them), which is all
    a page needs when its drawn figures are cached.

    At 10,000 people its aggregates take about a second of queries, so the worker computes
    every viewer's view after a change and nightly (`org_figures_compute`, stored by
    services.org_figures_refresh) and a request reads its own from the cache: one get for the
    pointer to the latest figures, one for the view. Who gets which view is decided now, not
    when the figures were computed: HR's view only for HR, a skip-level's only for that
    skip-level while they are one, and only while the org chart is the one their scope was
    worked out from (else the request computes fresh figures). With caching off
    (RAPPORT_ORG_VIEW_CACHE_SECONDS = 0) every request computes its view: the reference the
    cached pages are compared with."""
    if not settings.RAPPORT_ORG_VIEW_CACHE_SECONDS:
        view = view_of(org_facts(now=now, today=today), viewer)
        if view is None:
            raise Http404
        return view
    if not viewer.is_hr and access.management_depth_cached(viewer) < 2:
        raise Http404  # the navigation's cached answer: no query for those who get nothing
    if (view := _stored_view(viewer, head=head)) is not None:
        return view
    # No figures yet (the worker has not run, or they were evicted), or the chart changed since:
    # computed here, once per process at a time, and stored for everyone.
    with _COMPUTING:
        if (view := _stored_view(viewer, head=head)) is not None:
            return view
        figures = org_figures_compute(now=now, today=today)
        org_figures_store(figures)
    view = figures.view_for(viewer)
    if view is None:
        raise Http404
    return view


def _figures_key() -> str:
    """The figures stay in the cache under a generation of their own, found through one small
    key per release (pagecache.release_digest): a deploy that changes their shape finds none of
    the older ones."""
    return f"org-figures:{pagecache.release_digest()}:latest"


@dataclass(frozen=True)
class OrgFiguresStamp:
    """What the pointer key holds: where the latest figures are and what they were built from."""

    generation: str
    computed_at: datetime
    today: date
    facts: str  # org_facts_fingerprint at the time
    chart_version: int  # access.org_chart_version before the chart was read
    viewers: tuple[int | None, ...] = ()  # whose views it holds (None: HR's)
    # The generation before, kept while requests may still be reading it and deleted when this
    # one is replaced in turn.
    previous: tuple[str, tuple[int | None, ...]] | None = None


@dataclass(frozen=True)
class OrgFigures:
    """Every viewer's organisation view as of one moment: `views[None]` is HR's, `views[pk]` that
    skip-level's."""

    stamp: OrgFiguresStamp
    views: dict[int | None, OrgView]

    def view_for(self, viewer: Person) -> OrgView | None:
        return self.views.get(None if viewer.is_hr else viewer.pk)


def _view_key(generation: str, viewer: int | None) -> str:
    return f"org-figures:{generation}:{'hr' if viewer is None else viewer}"


def latest_org_figures() -> OrgFiguresStamp | None:
    stamp = cache.get(_figures_key())
    return stamp if isinstance(stamp, OrgFiguresStamp) else None


def _stored_view(viewer: Person, *, head: bool) -> OrgView | None:
    stamp = latest_org_figures()
    if stamp is None:
        return None
    # A skip-level's scope is only as current as the chart it was worked out from; HR's is
    # everyone, whatever the chart.
    if not viewer.is_hr and stamp.chart_version != access.org_chart_version():
        return None
    key = _view_key(stamp.generation, None if viewer.is_hr else viewer.pk)
    view = cache.get(key + HEAD if head else key)
    return view if isinstance(view, OrgView) else None


def stored_view(stored_as: str) -> OrgView | None:
    """The whole stored view that a head names (None once it is gone from the cache)."""
    view = cache.get(stored_as)
    return view if isinstance(view, OrgView) and view.stored_as == stored_as else None


def _head(view: OrgView) -> OrgView:
    # Its rows are what takes time to read back from the cache (thousands at 10,000 people).
    return replace(view, cadence=[], checkins=[])


HEAD = ":head"


def org_figures_store(figures: OrgFigures) -> None:
    """The views first, the pointer last: a reader never follows it to views not yet there."""
    older = latest_org_figures()
    stamp = replace(
        figures.stamp,
        viewers=tuple(figures.views),
        previous=(older.generation, older.viewers) if older else None,
    )
    generation = stamp.generation
    # The worker recomputes them once they are RAPPORT_ORG_VIEW_CACHE_SECONDS old. Twice that,
    # and they are gone: with no worker running (or a cache of each process's own), a request
    # computes them again rather than show figures of long ago.
    timeout = 2 * settings.RAPPORT_ORG_VIEW_CACHE_SECONDS
    stored: dict[str, OrgView] = {}
    for viewer, view in figures.views.items():
        stored[_view_key(generation, viewer)] = view
        stored[_view_key(generation, viewer) + HEAD] = _head(view)
    cache.set_many(stored, timeout)
    cache.set(_figures_key(), stamp, timeout)
    if older is not None and older.previous is not None:
        gone, viewers = older.previous
        if gone != generation:
            keys = [_view_key(gone, viewer) for viewer in viewers]
            cache.delete_many(keys + [key + HEAD for key in keys])


def org_facts_fingerprint(*, today: date) -> str:
    """A digest of the facts the figures are made of, read in three cheap aggregate queries, so
    the worker can tell every minute whether anything changed: the org chart (managers, active,
    HR, departures and their reasons, names), the meetings of the longest window up to the end
    of today (count and sum of ids per status: any change of status, any meeting added, moved in
    or out or deleted), the check-ins of the window (count, sum of ids and of scores, latest edit)
    and the day.
    The windows also move with time alone; the daily recompute and the figures' maximum age
    (RAPPORT_ORG_VIEW_CACHE_SECONDS) take care of that."""
    digest = hashlib.sha256(today.isoformat().encode())
    for row in Person.objects.order_by("pk").values_list(
        "pk", "manager_id", "is_active", "role", "left_on", "left_reason", "name"
    ):
        digest.update(repr(row).encode())

    # Day-aligned bounds: the facts' window moves once a day, not every minute.
    def midnight(day: date) -> datetime:
        return timezone.make_aware(datetime.combine(day, datetime.min.time()))

    meetings = (
        Meeting.objects.filter(
            scheduled_for__gte=midnight(today - RETENTION_YEAR - KEPT_WINDOW - timedelta(days=1)),
            scheduled_for__lt=midnight(today + timedelta(days=1)),
        )
        .values("status")
        .annotate(n=Count("pk"), ids=Sum("pk"))
        .order_by("status")
    )
    digest.update(repr([tuple(row.values()) for row in meetings]).encode())
    checkins = CheckIn.objects.filter(
        submitted_at__gte=midnight(today - WINDOW - timedelta(days=1))
    ).aggregate(
        n=Count("pk"),
        ids=Sum("pk"),
        edited=Max("updated_at"),
        scores=Sum(F("mood") + F("energy") * 7 + F("workload") * 49),
    )
    digest.update(repr(sorted(checkins.items())).encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class OrgFacts:
    """Everything the organisation views are made of, for the whole organisation at once. The
    aggregates and which blocks may enter each metric's figures are the same whoever looks
    (usability depends on every viewer's knowledge); only the blocks in view differ."""

    chart: list[access.OrgChartRow]
    blocks: list[org.Block]
    names: dict[int, str]
    cadence: dict[int, Cadence]
    checkins: dict[int, org.ScoreSums]
    records: dict[int, org.PersonRecord]
    usable_for_cadence: frozenset[int]
    usable_for_checkins: frozenset[int]
    usable_for_retention: frozenset[int]

    @cached_property
    def block_of(self) -> dict[int, int]:
        return {person: index for index, block in enumerate(self.blocks) for person in block.people}

    @cached_property
    def active(self) -> frozenset[int]:
        return frozenset(row.pk for row in self.chart if row.is_active)

    def in_view(self, scope: Set[int]) -> list[int]:
        """The blocks wholly inside `scope`, in order."""
        inside = Counter(self.block_of[person] for person in scope if person in self.block_of)
        return [
            index
            for index, count in sorted(inside.items())
            if count == len(self.blocks[index].people)
        ]


def org_facts(*, now: datetime, today: date) -> OrgFacts:
    """Six queries: the org chart, then counting and summing in SQL, grouped per person."""
    chart = access.org_chart()
    blocks = _partition(chart, today=today)
    known = known_individually(chart)
    cadence = cadence_per_person(None, now=now)
    checkins = checkins_per_person(None, now=now)
    records = retention_records(None, now=now, today=today)
    in_partition = {person for block in blocks for person in block.people}
    return OrgFacts(
        chart=chart,
        blocks=blocks,
        names={row.pk: row.name for row in chart},
        cadence=cadence,
        checkins=checkins,
        records=records,
        usable_for_cadence=org.usable_blocks(blocks, cadence.keys(), known),
        usable_for_checkins=org.usable_blocks(blocks, checkins.keys(), known),
        usable_for_retention=org.usable_blocks(blocks, records.keys() & in_partition, known),
    )


def org_figures_compute(
    *, now: datetime, today: date, fingerprint: str | None = None
) -> OrgFigures:
    """Every viewer's view from one reading of the facts (HR's once: it is everyone's).
    `fingerprint`: org_facts_fingerprint when the caller just read it."""
    chart_version = access.org_chart_version()  # before reading: a change meanwhile shows
    if fingerprint is None:
        fingerprint = org_facts_fingerprint(today=today)
    facts = org_facts(now=now, today=today)
    stamp = OrgFiguresStamp(
        generation=secrets.token_hex(8),
        computed_at=now,
        today=today,
        facts=fingerprint,
        chart_version=chart_version,
    )
    everyone = frozenset(row.pk for row in facts.chart)
    views: dict[int | None, OrgView] = {None: _organisation_view(facts, None, everyone, now)}
    for viewer, scope in access.org_scopes(facts.chart).items():
        views[viewer] = _organisation_view(facts, viewer, scope, now)
    return OrgFigures(
        stamp,
        {
            viewer: replace(view, stored_as=_view_key(stamp.generation, viewer))
            for viewer, view in views.items()
        },
    )


def view_of(facts: OrgFacts, viewer: Person) -> OrgView | None:
    """The viewer's view from `facts`, or None when they get none."""
    scope = access.org_scope_of(viewer, facts.chart)
    if scope is None:
        return None
    return _organisation_view(facts, None if viewer.is_hr else viewer.pk, scope, None)


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
    facts: OrgFacts, viewer: int | None, scope: frozenset[int], computed_at: datetime | None
) -> OrgView:
    """`viewer` None is HR. Every figure is a sum over usable blocks wholly in `scope`."""
    blocks = facts.blocks
    in_view = facts.in_view(scope)
    labels = {index: _label(blocks[index], facts.names) for index in in_view}
    retention_blocks = frozenset(in_view) & facts.usable_for_retention
    is_hr = viewer is None
    return OrgView(
        scope_label=gettext_lazy("Everyone in the organisation")
        if is_hr
        else gettext_lazy("Everyone below you"),
        people_in_scope=len(scope & facts.active),
        cadence=cadence_groups(blocks, in_view, labels, facts.cadence, facts.usable_for_cadence),
        checkins=checkin_groups(blocks, in_view, labels, facts.checkins, facts.usable_for_checkins),
        retention=org.retention(
            facts.records[person]
            for index in sorted(retention_blocks)
            for person in sorted(blocks[index].people)
            if person in facts.records
        ),
        retention_blocks=retention_blocks,
        # Why someone left is an employment detail only HR (and the person) may see.
        show_leaving_reasons=is_hr,
        computed_at=computed_at,
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
    usable: Set[int],
) -> list[CadenceGroup]:
    """One row per block in view with 1:1s due: a manager's rhythm with a team of 5 or more, or
    that of several small teams together. Per-manager figures of small teams would tell
    subtraction exactly what the blocks are there to prevent. `usable`: the blocks that may
    enter a cadence figure (org.usable_blocks over the whole organisation)."""
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
    usable: Set[int],
) -> list[CheckInGroup]:
    """Average check-in scores of the last 12 weeks for everyone in view and for each block, each
    summed over the usable blocks only (org.usable_blocks over the whole organisation)."""
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
