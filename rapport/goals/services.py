"""Goal workflows: proposing, agreeing, closing, and following the report to a new manager."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from rapport import access
from rapport.goals.models import Goal, Status
from rapport.meetings.models import OneOnOne, Section, TalkingPoint
from rapport.meetings.services import NEXT_GOAL_PROMPT, point_add
from rapport.people.models import Person

# What the people of a 1:1 write into a goal; everything else (owner, status, agreement) is
# decided by the workflow, never by a form.
EDITABLE_FIELDS = frozenset(
    {
        "kind",
        "is_stretch",
        "title",
        "specific",
        "metric",
        "unit",
        "baseline",
        "target",
        "current",
        "confidence",
        "realistic_because",
        "why",
        "due_on",
    }
)
# A reflection is a few honest sentences, not a report.
REFLECTION_MAX_CHARS = 500
OUTCOMES = (Status.ACHIEVED, Status.DROPPED)


def _require_writer(by: Person, one_on_one: OneOnOne) -> None:
    access.require(access.can_see_one_on_one(by, one_on_one))
    if not access.can_write_in(by, one_on_one):
        raise ValidationError("This 1:1 is closed: its goals can be read but no longer changed.")


def _require_changer(by: Person, goal: Goal) -> None:
    access.require(access.can_see_goal(by, goal))
    if not access.can_change_goal(by, goal):
        raise ValidationError("This 1:1 is closed: its goals can be read but no longer changed.")


def _assign(goal: Goal, fields: dict[str, Any]) -> None:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"Not a goal field anyone may write: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(goal, name, value.strip() if isinstance(value, str) else value)


def _record_agreement(goal: Goal, by: Person) -> None:
    moment = timezone.now()
    if by.pk == goal.one_on_one.manager_id:
        goal.manager_agreed_at = moment
    elif by.pk == goal.one_on_one.report_id:
        goal.report_agreed_at = moment


def has_agreed(goal: Goal, person: Person) -> bool:
    if person.pk == goal.one_on_one.manager_id:
        return goal.manager_agreed_at is not None
    if person.pk == goal.one_on_one.report_id:
        return goal.report_agreed_at is not None
    return False


def activation_blockers(goal: Goal, today: date) -> list[str]:
    """What stops a draft from becoming active. The rest of the SMART check is advice; a goal
    without a reason or a date drifts, so those two are required."""
    smart = goal.smart(today)
    blockers = []
    if not goal.why.strip():
        blockers.append("Write why this goal matters to the person.")
    elif not smart["relevant"].met:
        blockers.append(f"Why it matters: {smart['relevant'].hint}")
    if not smart["time_bound"].met:
        blockers.append(f"Time-bound: {smart['time_bound'].hint}")
    return blockers


@transaction.atomic
def goal_propose(*, one_on_one: OneOnOne, by: Person, **fields: Any) -> Goal:
    """Either person drafts a goal; it always belongs to the report. Proposing counts as the
    proposer's agreement, so the other person's agreement is what makes it active."""
    _require_writer(by, one_on_one)
    goal = Goal(
        one_on_one=one_on_one,
        owner_id=one_on_one.report_id,
        proposed_by=by,
        status=Status.DRAFT,
    )
    _assign(goal, fields)
    _record_agreement(goal, by)
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def goal_update_draft(*, goal: Goal, by: Person, **fields: Any) -> Goal:
    """Edit a draft. The other person agreed to the earlier wording, so their agreement is
    withdrawn and the editor's is recorded: both agree to the same words."""
    _require_changer(by, goal)
    if goal.status != Status.DRAFT:
        raise ValidationError("Only a draft can be rewritten; an agreed goal keeps its words.")
    _assign(goal, fields)
    goal.manager_agreed_at = None
    goal.report_agreed_at = None
    _record_agreement(goal, by)
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def goal_agree(*, goal: Goal, by: Person, today: date | None = None) -> Goal:
    """Record `by`'s agreement; with both agreements the goal becomes active, but only once it
    says why it matters and by when."""
    _require_changer(by, goal)
    if goal.status != Status.DRAFT:
        raise ValidationError("This goal is no longer a draft.")
    _record_agreement(goal, by)
    if goal.manager_agreed_at and goal.report_agreed_at:
        blockers = activation_blockers(goal, today or timezone.localdate())
        if blockers:
            raise ValidationError(["Not ready to start yet.", *blockers])
        goal.status = Status.ACTIVE
    goal.save(update_fields=["manager_agreed_at", "report_agreed_at", "status"])
    return goal


@transaction.atomic
def goal_close(*, goal: Goal, by: Person, outcome: str, reflection: str) -> Goal:
    """End a goal as achieved or dropped, with a short reflection. Achieving one puts "define
    the next goal" on the pair's agenda; so does dropping the last active one."""
    _require_changer(by, goal)
    if outcome not in OUTCOMES:
        raise ValidationError("A goal ends achieved or dropped.")
    if outcome == Status.ACHIEVED and goal.status != Status.ACTIVE:
        raise ValidationError("Only an active goal, one you both agreed to, can be achieved.")
    if not goal.is_open:
        raise ValidationError("This goal is already closed.")
    reflection = reflection.strip()
    if not reflection:
        raise ValidationError("Add a short reflection: what helped, what you would do again.")
    if len(reflection) > REFLECTION_MAX_CHARS:
        raise ValidationError(f"Keep the reflection under {REFLECTION_MAX_CHARS} characters.")
    goal.status = outcome
    goal.reflection = reflection
    goal.closed_at = timezone.now()
    goal.save(update_fields=["status", "reflection", "closed_at"])
    if outcome == Status.ACHIEVED:
        _add_next_goal_prompt_once(goal.one_on_one)
    else:
        ensure_next_goal_prompt(goal.one_on_one)
    return goal


def ensure_next_goal_prompt(one_on_one: OneOnOne) -> TalkingPoint | None:
    """A pair without an active goal gets "define the next goal" on its agenda, once: early
    1:1s set goals, and a finished goal leads to the next one. Safe to call on every view."""
    if not one_on_one.is_active:
        return None
    if Goal.objects.filter(one_on_one=one_on_one, status=Status.ACTIVE).exists():
        return None
    return _add_next_goal_prompt_once(one_on_one)


@transaction.atomic
def _add_next_goal_prompt_once(one_on_one: OneOnOne) -> TalkingPoint | None:
    # Lock the pair so two closings at the same moment cannot add the prompt twice.
    OneOnOne.objects.select_for_update().filter(pk=one_on_one.pk).first()
    already_open = TalkingPoint.objects.filter(
        one_on_one=one_on_one, text=NEXT_GOAL_PROMPT, discussed_in__isnull=True
    ).exists()
    if already_open:
        return None
    # Goals are performance work; the manager "authors" it so it reads as the pair's routine.
    return point_add(
        one_on_one=one_on_one,
        author=one_on_one.manager,
        text=NEXT_GOAL_PROMPT,
        section=Section.PERFORMANCE,
    )


@transaction.atomic
def goal_move_to_current_one_on_one(*, goal: Goal, by: Person) -> Goal:
    """After a manager change the report may bring an earlier goal into their new 1:1. An open
    goal returns to draft with the report's agreement kept: the new manager did not agree to
    coach it yet. A closed goal moves as it is, as part of the report's story."""
    access.require(access.owns_goal(by, goal))
    if not access.can_move_goal_to_new_one_on_one(by, goal):
        raise ValidationError("This goal is already part of your current 1:1.")
    current = OneOnOne.objects.filter(report=by, status=OneOnOne.Status.ACTIVE).first()
    if current is None:
        raise ValidationError("You have no 1:1 with a manager right now to bring it to.")
    goal.one_on_one = current
    if goal.is_open:
        goal.status = Status.DRAFT
        goal.manager_agreed_at = None
    goal.save(update_fields=["one_on_one", "status", "manager_agreed_at"])
    return goal
