"""Coaching prompts from goals: an obstacle recorded on a goal, or a goal that has stalled, steers
the manager's question suggestions in meeting mode towards coaching (goal, reality, options,
will) so the person finds their own way past it."""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from django.db.models import DateTimeField, IntegerField, OuterRef, Subquery, TextField
from django.utils import timezone
from django.utils.translation import gettext

from rapport.goals.models import STALL_AFTER, Goal, GoalUpdate, Status
from rapport.meetings.hints import ContextHint
from rapport.meetings.models import Meeting

# Reality first: with an obstacle in the way, what is actually happening comes before options
# and commitment; the goal itself is revisited last.
OBSTACLE_CATEGORIES = ("coaching_reality", "coaching_options", "coaching_will", "coaching_goal")
STALLED_CATEGORIES = ("coaching_reality", "obstacles")


@dataclass(frozen=True)
class GoalState:
    """An active goal of the pair as coaching sees it at a meeting."""

    goal: Goal
    obstacle: str
    obstacle_kind: str
    fresh_obstacle: bool
    stalled: bool
    # When the latest progress update was recorded (None: never).
    updated_at: datetime | None = None


def goal_states(meeting: Meeting) -> list[GoalState]:
    """The pair's active goals at `meeting`: whether the latest update's obstacle is fresh
    (recorded in this meeting or since the one before it) and whether the goal has stalled. Two
    queries: the goals with their latest update, and the pair's meetings of the last weeks."""
    latest = GoalUpdate.objects.filter(goal=OuterRef("pk")).order_by("-created_at", "-pk")
    goals = list(
        Goal.objects.filter(one_on_one_id=meeting.one_on_one_id, status=Status.ACTIVE)
        .annotate(
            last_at=Subquery(latest.values("created_at")[:1], output_field=DateTimeField()),
            last_obstacle=Subquery(latest.values("obstacle")[:1], output_field=TextField()),
            last_obstacle_kind=Subquery(
                latest.values("obstacle_kind")[:1], output_field=TextField()
            ),
            last_meeting_id=Subquery(latest.values("meeting_id")[:1], output_field=IntegerField()),
        )
        .order_by("due_on", "created_at")
    )
    if not goals:
        return []
    at = min(meeting.scheduled_for, timezone.now())
    earlier = list(
        Meeting.objects.filter(
            one_on_one_id=meeting.one_on_one_id,
            scheduled_for__gte=at - STALL_AFTER,
            scheduled_for__lt=meeting.scheduled_for,
        )
        .exclude(status__in=(Meeting.Status.SKIPPED, Meeting.Status.CANCELLED))
        .exclude(pk=meeting.pk)
        .order_by("scheduled_for")
        .values_list("pk", "scheduled_for", "status")
    )
    previous = earlier[-1] if earlier else None
    # An obstacle counts while it is fresh: recorded in this meeting, in the one before, or
    # between the two (on the goal page).
    fresh_ids = {meeting.pk} | ({previous[0]} if previous else set())
    fresh_since = previous[1] if previous else at - STALL_AFTER
    held = [when for _, when, status in earlier if status == Meeting.Status.HELD]
    states = []
    for goal in goals:
        last_at = goal.last_at
        obstacle = goal.last_obstacle or ""
        is_fresh = last_at is not None and (
            goal.last_meeting_id in fresh_ids or fresh_since <= last_at <= meeting.ends_at
        )
        since = last_at or goal.started_at
        why = goal.stall_reason(
            updates_at=[last_at] if last_at else [],
            meetings_since_last_update=len(held) - bisect.bisect_right(held, since),
            today=timezone.localdate(at),
        )
        states.append(
            GoalState(
                goal=goal,
                obstacle=obstacle,
                obstacle_kind=goal.last_obstacle_kind or "",
                fresh_obstacle=bool(obstacle) and is_fresh,
                stalled=why is not None,
                updated_at=last_at,
            )
        )
    return states


def goal_obstacle_hints(meeting: Meeting) -> list[ContextHint]:
    """Hints for the pair's active goals: an obstacle on the latest update recorded in this
    meeting or since the one before it, and goals that have stalled (goal_states)."""
    hints: list[ContextHint] = []
    stalled: list[str] = []
    for state in goal_states(meeting):
        if state.fresh_obstacle:
            reason = gettext("An obstacle on the goal “%(title)s”.") % {"title": state.goal.title}
            hints.extend(ContextHint(category, reason) for category in OBSTACLE_CATEGORIES)
        if state.stalled:
            stalled.append(
                gettext("The goal “%(title)s” has stalled.") % {"title": state.goal.title}
            )
    # After the obstacles: a named obstacle is the stronger reason to coach.
    for reason in stalled:
        hints.extend(ContextHint(category, reason) for category in STALLED_CATEGORIES)
    return hints


# --- The GROW flow's questions ---------------------------------------------------------------

QUESTIONS_FILE = Path(__file__).resolve().parent / "data" / "coaching.json"
# The questions of a step when the kind of obstacle is not sure.
ANY_KIND = "any"
# How many questions a step offers (the file holds at least this many for every step and kind).
QUESTIONS_PER_STEP = 3


@cache
def coaching_questions() -> dict[str, Any]:
    """The file's questions: {"steps": {step: {kind: [...]}}, "stretch": [...]}."""
    data: dict[str, Any] = json.loads(QUESTIONS_FILE.read_text(encoding="utf-8"))
    return data


def questions_for(step: str, obstacle_kind: str) -> list[str]:
    """The questions of a GROW step chosen for the kind of obstacle ("" for not sure)."""
    by_kind = coaching_questions()["steps"].get(step, {})
    chosen: list[str] = by_kind.get(obstacle_kind or ANY_KIND) or by_kind.get(ANY_KIND, [])
    # Marked for translation in coaching_messages.py; shown in the viewer's language.
    return [gettext(question) for question in chosen[:QUESTIONS_PER_STEP]]


def stretch_questions(count: int = 2) -> list[str]:
    questions: list[str] = coaching_questions()["stretch"]
    return [gettext(question) for question in questions[:count]]
