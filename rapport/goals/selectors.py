"""Reads about goals, always on behalf of a viewer (see rapport/access.py)."""

from __future__ import annotations

import bisect
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from rapport import access
from rapport.goals.models import (
    STALL_AFTER,
    CoachingConversation,
    CoachingStep,
    Goal,
    GoalUpdate,
    Status,
)
from rapport.goals.standing import Reading, Standing
from rapport.meetings.models import ActionItem, Meeting, OneOnOne
from rapport.meetings.selectors import team_one_on_ones
from rapport.people.models import Person

# Active goals first (what the pair works on now), then drafts, then the record.
STATUS_ORDER = Case(
    When(status=Status.ACTIVE, then=Value(0)),
    When(status=Status.DRAFT, then=Value(1)),
    When(status=Status.ACHIEVED, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


# The obstacle of a goal's latest update ("" when it has none or no update): what the
# standing reads, as an annotation so lists need no query per goal.
LATEST_OBSTACLE = Subquery(
    GoalUpdate.objects.filter(goal=OuterRef("pk"))
    .order_by("-created_at", "-pk")
    .values("obstacle")[:1]
)


def get_goal_for(viewer: Person, goal_uuid: uuid.UUID | str) -> Goal:
    try:
        return (
            access.goals_visible_to(viewer)
            .select_related("one_on_one__manager", "one_on_one__report", "owner", "proposed_by")
            .get(uuid=goal_uuid)
        )
    except (Goal.DoesNotExist, ValueError) as missing:
        raise Http404("No such goal.") from missing


def goal_rows_of_report(viewer: Person, report: Person) -> list[GoalRow]:
    """goals_of_report, each with where it stands: two queries."""
    return goal_rows(goals_of_report(viewer, report))


def goals_of_report(viewer: Person, report: Person) -> QuerySet[Goal]:
    """The report's goals that the viewer may see: all of them for the report themselves."""
    return (
        access.goals_visible_to(viewer)
        .filter(owner=report)
        .select_related("one_on_one__manager", "one_on_one__report")
        .annotate(status_rank=STATUS_ORDER)
        .order_by("status_rank", "due_on", "-created_at")
    )


def current_one_on_one_of(report: Person) -> OneOnOne | None:
    """The report's 1:1 with their manager today, where new goals go."""
    return (
        access.one_on_ones_visible_to(report)
        .filter(report=report, status=OneOnOne.Status.ACTIVE)
        .select_related("manager")
        .first()
    )


@dataclass(frozen=True)
class GoalGlance:
    goal: Goal
    reading: Reading
    stalled: bool
    due_soon: bool
    overdue: bool

    @property
    def on_track(self) -> bool:
        return self.reading.standing in (Standing.ON_TRACK, Standing.AHEAD)


@dataclass
class TeamGoalsRow:
    report: Person
    one_on_one: OneOnOne | None
    open_goals: list[GoalGlance] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def next_due(self) -> date | None:
        dates = [g.goal.due_on for g in self.open_goals if g.goal.due_on is not None]
        return min(dates, default=None)

    @property
    def stalled(self) -> int:
        return sum(glance.stalled for glance in self.open_goals)

    @property
    def due_soon(self) -> int:
        return sum(glance.due_soon for glance in self.open_goals)

    @property
    def has_active(self) -> bool:
        return self.counts[Status.ACTIVE] > 0


def team_goals(manager: Person, *, today: date) -> list[TeamGoalsRow]:
    """Each active report of the manager with their goals at a glance, in the same few queries
    whatever the size of the team: the pairs, every goal of the team with the moment of its
    last update, and the stall rule's two (see progress.stalled_goals)."""
    rows = [
        TeamGoalsRow(report=row.report, one_on_one=row.one_on_one)
        for row in team_one_on_ones(manager)
    ]
    by_pair = {row.one_on_one.pk: row for row in rows if row.one_on_one is not None}
    if not by_pair:
        return rows
    goals = list(
        with_standing(access.goals_visible_to(manager).filter(one_on_one__in=list(by_pair)))
        .annotate(status_rank=STATUS_ORDER)
        .order_by("status_rank", "due_on", "created_at")
    )
    readings = readings_of(goals)
    for goal in goals:
        row = by_pair[goal.one_on_one_id]
        row.counts[goal.status] += 1
        if goal.is_open:
            row.open_goals.append(
                GoalGlance(
                    goal=goal,
                    reading=readings[goal.pk],
                    stalled=readings[goal.pk].standing == Standing.STALLED,
                    due_soon=goal.is_due_soon(today),
                    overdue=goal.is_overdue(today),
                )
            )
    return rows


def open_goals_of_pair(viewer: Person, one_on_one: OneOnOne) -> list[Goal]:
    """The pair's active goals, then its drafts, for the meeting page and meeting mode: one
    query, however long the pair's history of goals."""
    return list(_open_goals_of_pair(viewer, one_on_one))


def _open_goals_of_pair(viewer: Person, one_on_one: OneOnOne) -> QuerySet[Goal]:
    return (
        access.goals_visible_to(viewer)
        .filter(one_on_one=one_on_one, status__in=(Status.ACTIVE, Status.DRAFT))
        .annotate(status_rank=STATUS_ORDER)
        .order_by("status_rank", "due_on", "created_at")
    )


def active_goal_of_pair(
    viewer: Person, one_on_one: OneOnOne, goal_uuid: uuid.UUID | str
) -> Goal | None:
    """An active goal of this 1:1 that the viewer may see, to tie an action to; else None."""
    return (
        access.goals_visible_to(viewer)
        .filter(one_on_one=one_on_one, status=Status.ACTIVE, uuid=goal_uuid)
        .first()
    )


def open_actions_of(goal: Goal) -> list[ActionItem]:
    """The goal's actions not done yet, that achieving it may close."""
    return list(goal.actions.open().order_by("due_on", "created_at"))


def meeting_of_goal(goal: Goal, meeting_uuid: str | None) -> Meeting | None:
    """The meeting of the goal's own 1:1 named in a link (progress recorded from a meeting
    belongs to it); None for anything else, so a stray or foreign id is simply ignored."""
    try:
        parsed = uuid.UUID(meeting_uuid or "")
    except ValueError:
        return None
    return Meeting.objects.filter(one_on_one_id=goal.one_on_one_id, uuid=parsed).first()


# --- Progress: stalled goals, and the goal a progress form names ---------------------------


def held_meetings(one_on_one_ids: Iterable[int], since: datetime, now: datetime) -> QuerySet:
    return Meeting.objects.filter(
        one_on_one_id__in=list(one_on_one_ids),
        status=Meeting.Status.HELD,
        scheduled_for__gt=since,
        scheduled_for__lte=now,
    )


def stall_reasons(
    one_on_ones: QuerySet[OneOnOne] | Iterable[OneOnOne], *, now: datetime | None = None
) -> dict[int, str]:
    """Goal id → why it stalled, for the active goals of many pairs in two queries however
    many pairs, goals and meetings there are."""
    now = now or timezone.now()
    goals_of_pairs = (
        Goal.objects.filter(one_on_one__in=one_on_ones)
        if isinstance(one_on_ones, QuerySet)
        else Goal.objects.filter(one_on_one_id__in=[pair.pk for pair in one_on_ones])
    )
    goals = list(
        goals_of_pairs.filter(status=Status.ACTIVE).annotate(last_update=Max("updates__created_at"))
    )
    return stall_reasons_of(goals, now=now)


def stall_reasons_of(goals: Sequence[Goal], *, now: datetime) -> dict[int, str]:
    """Goal id → why it stalled, for goals already loaded and annotated with `last_update`
    (other statuses are passed over): one query for the held meetings of their pairs (none when
    no goal is active)."""
    today = timezone.localdate(now)
    goals = [goal for goal in goals if goal.status == Status.ACTIVE]
    if not goals:
        return {}
    # Only meetings inside the time window matter: a goal idle for longer stalls on time alone.
    held: dict[int, list[datetime]] = {}
    for pair_id, when in (
        held_meetings({g.one_on_one_id for g in goals}, now - STALL_AFTER, now)
        .order_by("scheduled_for")
        .values_list("one_on_one_id", "scheduled_for")
    ):
        held.setdefault(pair_id, []).append(when)
    reasons: dict[int, str] = {}
    for goal in goals:
        last: datetime | None = getattr(goal, "last_update", None)
        since = last or goal.started_at
        times = held.get(goal.one_on_one_id, [])
        reason = goal.stall_reason(
            updates_at=[last] if last else [],
            meetings_since_last_update=len(times) - bisect.bisect_right(times, since),
            today=today,
        )
        if reason:
            reasons[goal.pk] = reason
    return reasons


def stalled_goals(
    one_on_ones: QuerySet[OneOnOne] | Iterable[OneOnOne], *, now: datetime | None = None
) -> set[int]:
    """The ids of the stalled goals of these pairs (the team page's signal), two queries."""
    return set(stall_reasons(one_on_ones, now=now))


def get_goal_for_progress(viewer: Person, goal_uuid: object) -> Goal:
    """A goal the viewer may see, or 404 (outsiders learn nothing of it)."""
    return get_object_or_404(
        access.goals_visible_to(viewer).select_related("one_on_one"), uuid=goal_uuid
    )


# --- Where goals stand, for lists: the same rule as the goal page (Goal.standing) ------------


@dataclass(frozen=True)
class GoalRow:
    """A goal of a list with where it stands."""

    goal: Goal
    reading: Reading


def with_standing(goals: QuerySet[Goal]) -> QuerySet[Goal]:
    """What Goal.standing needs beyond the row, as annotations: the last update and its
    obstacle."""
    return goals.annotate(last_update=Max("updates__created_at"), latest_obstacle=LATEST_OBSTACLE)


def readings_of(goals: Sequence[Goal], *, now: datetime | None = None) -> dict[int, Reading]:
    """Goal id → where it stands, for goals loaded through with_standing: one more query (held
    meetings, for the stall rule) however many goals."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    stalled = stall_reasons_of(goals, now=now)
    return {
        goal.pk: goal.standing(
            today=today,
            stall_reason=stalled.get(goal.pk),
            obstacle=getattr(goal, "latest_obstacle", None) or "",
        )
        for goal in goals
    }


def goal_rows(goals: QuerySet[Goal], *, now: datetime | None = None) -> list[GoalRow]:
    loaded = list(with_standing(goals))
    readings = readings_of(loaded, now=now)
    return [GoalRow(goal=goal, reading=readings[goal.pk]) for goal in loaded]


def open_goal_rows_of_pair(viewer: Person, one_on_one: OneOnOne) -> list[GoalRow]:
    """open_goals_of_pair, each with where it stands: two queries."""
    return goal_rows(_open_goals_of_pair(viewer, one_on_one))


# --- Coaching conversations ------------------------------------------------------------------


def get_coaching_for(viewer: Person, coaching_uuid: uuid.UUID | str) -> CoachingConversation:
    """A coaching conversation on a goal the viewer may see, or 404."""
    try:
        return CoachingConversation.objects.select_related(
            "goal__one_on_one", "meeting", "created_by"
        ).get(uuid=coaching_uuid, goal__in=access.goals_visible_to(viewer))
    except (CoachingConversation.DoesNotExist, ValueError, ValidationError) as missing:
        raise Http404("No such coaching conversation.") from missing


def coaching_of_goal(viewer: Person, goal: Goal) -> list[CoachingConversation]:
    """The goal's coaching conversations, newest first, for a viewer who may see the goal (the
    private note stays on the row: read it through `private_note_for(viewer)`)."""
    if not access.can_see_goal(viewer, goal):
        return []
    return list(
        CoachingConversation.objects.filter(goal=goal).select_related("action__owner", "created_by")
    )


def coaching_open_in_pair(
    viewer: Person, one_on_one: OneOnOne, *, finished_since: datetime | None = None
) -> list[CoachingConversation]:
    """The pair's unfinished coaching conversations on active goals, and with `finished_since`
    the ones finished since then too (what tells an obstacle was already coached)."""
    if not access.can_see_one_on_one(viewer, one_on_one):
        return []
    wanted = ~Q(step=CoachingStep.DONE)
    if finished_since is not None:
        wanted |= Q(finished_at__gte=finished_since)
    return list(
        CoachingConversation.objects.filter(
            wanted, goal__one_on_one=one_on_one, goal__status=Status.ACTIVE
        ).select_related("goal", "created_by", "meeting")
    )


def stretch_inputs(goal: Goal) -> list[tuple[date, int | None]]:
    """(day, confidence) of the goal's updates, oldest first: what stretch_reason reads."""
    return [
        (timezone.localdate(at), confidence)
        for at, confidence in goal.updates.order_by("created_at", "pk").values_list(
            "created_at", "confidence"
        )
    ]
