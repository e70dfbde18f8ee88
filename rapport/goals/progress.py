"""Progress on goals: recording it in a 1:1, tying actions to a goal, noticing a goal that has
stalled, and the panel that shows all of it next to the goal's chart."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.safestring import SafeString

from rapport import access
from rapport.goals.charts import ValuePoint, on_track, progress_chart
from rapport.goals.forms_progress import ProgressForm
from rapport.goals.models import Goal, GoalUpdate, Status
from rapport.meetings.models import ActionItem, Meeting, OneOnOne
from rapport.meetings.services import action_add
from rapport.people.models import Person

# A goal nobody has talked about for this long, or in this many held meetings, has stalled.
STALL_AFTER = timedelta(days=28)
STALL_AFTER_MEETINGS = 3
# The panel shows this many updates; older ones stay in the record and on the chart.
UPDATES_SHOWN = 12


# --- Writes --------------------------------------------------------------------------------


@transaction.atomic
def goal_record_progress(
    *,
    goal: Goal,
    by: Person,
    meeting: Meeting | None = None,
    value: Decimal | None = None,
    confidence: int | None = None,
    obstacle: str = "",
    note: str = "",
) -> GoalUpdate:
    """Either person of the active 1:1 records where an active goal stands. The goal keeps the
    latest value and confidence, so lists read them without the history."""
    access.require(access.can_see_goal(by, goal))
    if not access.can_change_goal(by, goal):
        raise ValidationError("This 1:1 is closed: its goals take no more progress.")
    if goal.status != Status.ACTIVE:
        raise ValidationError("Progress is recorded on active goals only.")
    if meeting is not None and meeting.one_on_one_id != goal.one_on_one_id:
        raise ValidationError("That meeting belongs to another 1:1.")
    if confidence is not None and not 1 <= confidence <= 10:
        raise ValidationError("Confidence goes from 1 to 10.")
    obstacle, note = obstacle.strip(), note.strip()
    if value is None and confidence is None and not obstacle and not note:
        raise ValidationError("Give a value, a confidence, an obstacle or a note.")
    update = GoalUpdate.objects.create(
        goal=goal,
        meeting=meeting,
        by=by,
        value=value,
        confidence=confidence,
        obstacle=obstacle,
        note=note,
    )
    changed = []
    if value is not None:
        goal.current = value
        changed.append("current")
    if confidence is not None:
        goal.confidence = confidence
        changed.append("confidence")
    if changed:
        goal.save(update_fields=changed)
    return update


def goal_tie_action(*, goal: Goal | None, action: ActionItem, by: Person) -> ActionItem:
    """Tie an existing action to a goal of the same 1:1 (or untie it with goal=None)."""
    access.require(access.can_see_one_on_one(by, action.one_on_one))
    if not access.can_write_in(by, action.one_on_one):
        raise ValidationError("This 1:1 is closed: its actions can no longer change.")
    if goal is not None:
        if goal.one_on_one_id != action.one_on_one_id:
            raise ValidationError("That goal belongs to another 1:1.")
        if not goal.is_open:
            raise ValidationError("Actions are tied to open goals only.")
    action.goal = goal
    action.save(update_fields=["goal"])
    return action


@transaction.atomic
def action_add_for_goal(
    *,
    goal: Goal,
    meeting: Meeting | None,
    owner: Person,
    text: str,
    due_on: date | None,
    by: Person,
    already_late: bool = False,
) -> ActionItem:
    """A new action of the goal's 1:1 that moves the goal forward."""
    action = action_add(
        one_on_one=goal.one_on_one,
        meeting=meeting,
        owner=owner,
        text=text,
        due_on=due_on,
        by=by,
        already_late=already_late,
    )
    return goal_tie_action(goal=goal, action=action, by=by)


# --- Stalled goals ---------------------------------------------------------------------------


def goal_started_at(goal: Goal) -> datetime:
    """When the goal became active: both people agreed, or (for goals made before agreement
    was recorded) when it was created."""
    agreed = [at for at in (goal.manager_agreed_at, goal.report_agreed_at) if at is not None]
    return max(agreed) if len(agreed) == 2 else goal.created_at


def stall_reason(
    *,
    goal: Goal,
    updates_at: list[datetime],
    meetings_since_last_update: int,
    today: date,
) -> str | None:
    """Why an active goal counts as stalled, in words; None when it does not."""
    if goal.status != Status.ACTIVE:
        return None
    last = max(updates_at) if updates_at else goal_started_at(goal)
    idle = today - timezone.localdate(last)
    if idle >= STALL_AFTER:
        since = "progress was last recorded" if updates_at else "it became active"
        return f"No progress recorded for {idle.days} days (since {since})."
    if meetings_since_last_update >= STALL_AFTER_MEETINGS:
        return f"No progress recorded in the last {meetings_since_last_update} held meetings."
    return None


def is_stalled(
    *,
    goal: Goal,
    updates_at: list[datetime],
    meetings_since_last_update: int,
    today: date,
) -> bool:
    """An active goal with no update in STALL_AFTER (counted from activation when it has none)
    or in STALL_AFTER_MEETINGS held meetings of the pair since the last update."""
    return (
        stall_reason(
            goal=goal,
            updates_at=updates_at,
            meetings_since_last_update=meetings_since_last_update,
            today=today,
        )
        is not None
    )


def _held_meetings(one_on_one_ids: Iterable[int], since: datetime, now: datetime) -> QuerySet:
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
    today = timezone.localdate(now)
    goals_of_pairs = (
        Goal.objects.filter(one_on_one__in=one_on_ones)
        if isinstance(one_on_ones, QuerySet)
        else Goal.objects.filter(one_on_one_id__in=[pair.pk for pair in one_on_ones])
    )
    goals = list(
        goals_of_pairs.filter(status=Status.ACTIVE).annotate(last_update=Max("updates__created_at"))
    )
    if not goals:
        return {}
    # Only meetings inside the time window matter: a goal idle for longer stalls on time alone.
    held: dict[int, list[datetime]] = {}
    for pair_id, when in (
        _held_meetings({g.one_on_one_id for g in goals}, now - STALL_AFTER, now)
        .order_by("scheduled_for")
        .values_list("one_on_one_id", "scheduled_for")
    ):
        held.setdefault(pair_id, []).append(when)
    reasons: dict[int, str] = {}
    for goal in goals:
        last: datetime | None = goal.last_update
        since = last or goal_started_at(goal)
        times = held.get(goal.one_on_one_id, [])
        reason = stall_reason(
            goal=goal,
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


# --- Reads -----------------------------------------------------------------------------------


def get_goal_for_progress(viewer: Person, goal_uuid: object) -> Goal:
    """A goal the viewer may see, or 404 (outsiders learn nothing of it)."""
    return get_object_or_404(
        access.goals_visible_to(viewer).select_related("one_on_one"), uuid=goal_uuid
    )


@dataclass(frozen=True)
class ProgressPanel:
    """What goals/_progress.html renders (its context: `progress`)."""

    goal: Goal
    chart: SafeString
    updates: list[GoalUpdate]
    can_record: bool
    stalled_reason: str | None
    on_track: bool | None
    # The obstacle of the latest update, while it is the latest: coaching is under way.
    open_obstacle: str | None
    actions: list[ActionItem] = field(default_factory=list)
    meeting: Meeting | None = None
    # The "Record progress" form; None for a viewer who may only read (or a closed goal).
    form: ProgressForm | None = None

    @property
    def is_stalled(self) -> bool:
        return self.stalled_reason is not None


def progress_panel_for(
    viewer: Person,
    goal: Goal,
    meeting: Meeting | None = None,
    *,
    form: ProgressForm | None = None,
) -> ProgressPanel | None:
    """The goal's chart, updates and tied actions; None for anyone who may not see the goal.
    `form` is a submitted form to show again with its errors."""
    if not access.goals_visible_to(viewer).filter(pk=goal.pk).exists():
        return None
    can_record = goal.status == Status.ACTIVE and access.can_change_goal(viewer, goal)
    if can_record and form is None:
        form = ProgressForm(initial={"meeting": meeting.uuid if meeting else None})
    updates = list(goal.updates.select_related("by").order_by("-created_at", "-pk"))
    today = timezone.localdate()
    start = timezone.localdate(goal_started_at(goal))
    values = [
        ValuePoint(timezone.localdate(u.created_at), u.value)
        for u in reversed(updates)
        if u.value is not None
    ]
    latest = updates[0] if updates else None
    since = latest.created_at if latest else goal_started_at(goal)
    return ProgressPanel(
        goal=goal,
        chart=progress_chart(
            title=goal.title,
            unit=goal.unit,
            baseline=goal.baseline,
            target=goal.target,
            start=start,
            due=goal.due_on,
            values=values,
            today=today,
        ),
        updates=updates[:UPDATES_SHOWN],
        can_record=can_record,
        stalled_reason=stall_reason(
            goal=goal,
            updates_at=[since] if latest else [],
            meetings_since_last_update=_held_meetings(
                [goal.one_on_one_id], since, timezone.now()
            ).count(),
            today=today,
        ),
        on_track=on_track(goal.baseline, goal.target, goal.current, start, goal.due_on, today),
        open_obstacle=(latest.obstacle or None) if latest else None,
        actions=list(goal.actions.order_by("done_at", "due_on", "created_at")),
        meeting=meeting,
        form=form if can_record else None,
    )
