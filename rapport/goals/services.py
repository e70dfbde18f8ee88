"""Every write about goals: proposing, agreeing, closing, following the report to a new manager,
recording progress and tying actions to a goal. The rules of one goal are Goal's methods."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rapport import access, versions
from rapport.goals.models import (
    CoachingConversation,
    CoachingStep,
    Goal,
    GoalUpdate,
    ObstacleKind,
    Status,
)
from rapport.meetings.models import ActionItem, Meeting, OneOnOne, Section, TalkingPoint
from rapport.meetings.services import NEXT_GOAL_PROMPT, action_add, action_set_done, point_add
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
        raise ValidationError(
            gettext("This 1:1 is closed: its goals can be read but no longer changed.")
        )


def _require_changer(by: Person, goal: Goal) -> None:
    access.require(access.can_see_goal(by, goal))
    if not access.can_change_goal(by, goal):
        raise ValidationError(
            gettext("This 1:1 is closed: its goals can be read but no longer changed.")
        )


def _assign(goal: Goal, fields: dict[str, Any]) -> None:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"Not a goal field anyone may write: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(goal, name, value.strip() if isinstance(value, str) else value)


def _require_date_ahead(goal: Goal, fields: dict[str, Any], today: date | None) -> None:
    if "due_on" in fields:
        problem = goal.due_date_problem(today or timezone.localdate())
        if problem:
            raise ValidationError({"due_on": problem})


@versions.bumps
@transaction.atomic
def goal_propose(
    *, one_on_one: OneOnOne, by: Person, today: date | None = None, **fields: Any
) -> Goal:
    """Either person drafts a goal; it always belongs to the report. Proposing counts as the
    proposer's agreement, so the other person's agreement is what makes it active. A due date
    must lie ahead of `today` (the day it is written)."""
    _require_writer(by, one_on_one)
    goal = Goal(
        one_on_one=one_on_one,
        owner_id=one_on_one.report_id,
        proposed_by=by,
        status=Status.DRAFT,
    )
    _assign(goal, fields)
    _require_date_ahead(goal, fields, today)
    goal.record_agreement(by, timezone.now())
    goal.full_clean()
    goal.save()
    return goal


@versions.bumps
@transaction.atomic
def goal_update_draft(*, goal: Goal, by: Person, today: date | None = None, **fields: Any) -> Goal:
    """Edit a draft. The other person agreed to the earlier wording, so their agreement is
    withdrawn and the editor's is recorded: both agree to the same words. A due date written
    must lie ahead, as when proposing."""
    _require_changer(by, goal)
    if goal.status != Status.DRAFT:
        raise ValidationError(
            gettext("Only a draft can be rewritten; an agreed goal keeps its words.")
        )
    _assign(goal, fields)
    _require_date_ahead(goal, fields, today)
    goal.manager_agreed_at = None
    goal.report_agreed_at = None
    goal.record_agreement(by, timezone.now())
    goal.full_clean()
    goal.save()
    return goal


@versions.bumps
@transaction.atomic
def goal_agree(*, goal: Goal, by: Person, today: date | None = None) -> Goal:
    """Record `by`'s agreement; with both agreements the goal becomes active, but only once it
    says why it matters and by when."""
    _require_changer(by, goal)
    if goal.status != Status.DRAFT:
        raise ValidationError(gettext("This goal is no longer a draft."))
    goal.record_agreement(by, timezone.now())
    if goal.both_agreed:
        blockers = goal.activation_blockers(today or timezone.localdate())
        if blockers:
            raise ValidationError([gettext("Not ready to start yet."), *blockers])
        goal.status = Status.ACTIVE
    goal.save(update_fields=["manager_agreed_at", "report_agreed_at", "status"])
    return goal


@versions.bumps
@transaction.atomic
def goal_close(
    *,
    goal: Goal,
    by: Person,
    outcome: str,
    reflection: str,
    close_actions: Iterable[int] = (),
) -> Goal:
    """End a goal as achieved or dropped, with a short reflection. Achieving one puts "define
    the next goal" on the pair's agenda; so does dropping the last active one. Achieving may
    also mark done the goal's open actions named in `close_actions` (ids); anything else named
    there refuses the whole closing."""
    _require_changer(by, goal)
    problem = goal.closing_problem(outcome)
    if problem:
        raise ValidationError(problem)
    reflection = reflection.strip()
    if not reflection:
        raise ValidationError(
            gettext("Add a short reflection: what helped, what you would do again.")
        )
    if len(reflection) > REFLECTION_MAX_CHARS:
        raise ValidationError(
            gettext("Keep the reflection under %(limit)s characters.")
            % {"limit": REFLECTION_MAX_CHARS}
        )
    wanted = set(close_actions)
    if wanted and outcome != Status.ACHIEVED:
        raise ValidationError(gettext("Actions are marked done with an achieved goal only."))
    actions = list(goal.actions.open().filter(pk__in=wanted))
    if len(actions) != len(wanted):
        raise ValidationError(gettext("Only this goal's open actions can be marked done with it."))
    for action in actions:
        action_set_done(action=action, done=True, by=by)
    goal.status = outcome
    goal.reflection = reflection
    goal.closed_at = timezone.now()
    goal.save(update_fields=["status", "reflection", "closed_at"])
    if outcome == Status.ACHIEVED:
        _add_next_goal_prompt_once(goal.one_on_one)
    else:
        ensure_next_goal_prompt(goal.one_on_one)
    return goal


@versions.bumps
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
    # Point texts are encrypted at rest (rapport/crypto): compared here, not in SQL.
    open_texts = TalkingPoint.objects.filter(
        one_on_one=one_on_one, discussed_in__isnull=True
    ).values_list("text", flat=True)
    if NEXT_GOAL_PROMPT in list(open_texts):
        return None
    # Goals are performance work; the manager "authors" it so it reads as the pair's routine.
    return point_add(
        one_on_one=one_on_one,
        author=one_on_one.manager,
        text=NEXT_GOAL_PROMPT,
        section=Section.PERFORMANCE,
    )


@versions.bumps
@transaction.atomic
def goal_move_to_current_one_on_one(*, goal: Goal, by: Person) -> Goal:
    """After a manager change the report may bring an earlier goal into their new 1:1. An open
    goal returns to draft with the report's agreement kept: the new manager did not agree to
    coach it yet. A closed goal moves as it is, as part of the report's story."""
    access.require(access.owns_goal(by, goal))
    if not access.can_move_goal_to_new_one_on_one(by, goal):
        raise ValidationError(gettext("This goal is already part of your current 1:1."))
    current = OneOnOne.objects.filter(report=by, status=OneOnOne.Status.ACTIVE).first()
    if current is None:
        raise ValidationError(gettext("You have no 1:1 with a manager right now to bring it to."))
    goal.one_on_one = current
    if goal.is_open:
        goal.status = Status.DRAFT
        goal.manager_agreed_at = None
    goal.save(update_fields=["one_on_one", "status", "manager_agreed_at"])
    return goal


# --- Progress: recording it, and tying actions to a goal -----------------------------------


@versions.bumps
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
    obstacle_kind: str = "",
) -> GoalUpdate:
    """Either person of the active 1:1 records where an active goal stands. The goal keeps the
    latest value and confidence, so lists read them without the history."""
    access.require(access.can_see_goal(by, goal))
    if not access.can_change_goal(by, goal):
        raise ValidationError(gettext("This 1:1 is closed: its goals take no more progress."))
    if goal.status != Status.ACTIVE:
        raise ValidationError(gettext("Progress is recorded on active goals only."))
    if meeting is not None and meeting.one_on_one_id != goal.one_on_one_id:
        raise ValidationError(gettext("That meeting belongs to another 1:1."))
    if confidence is not None and not 1 <= confidence <= 10:
        raise ValidationError(gettext("Confidence goes from 1 to 10."))
    obstacle, note = obstacle.strip(), note.strip()
    if obstacle_kind and obstacle_kind not in ObstacleKind.values:
        raise ValidationError(gettext("Choose a kind of obstacle from the list, or “not sure”."))
    if value is None and confidence is None and not obstacle and not note:
        raise ValidationError(gettext("Give a value, a confidence, an obstacle or a note."))
    update = GoalUpdate.objects.create(
        goal=goal,
        meeting=meeting,
        by=by,
        value=value,
        confidence=confidence,
        obstacle=obstacle,
        # A kind without an obstacle says nothing.
        obstacle_kind=obstacle_kind if obstacle else "",
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


@versions.bumps
def goal_tie_action(*, goal: Goal | None, action: ActionItem, by: Person) -> ActionItem:
    """Tie an existing action to a goal of the same 1:1 (or untie it with goal=None)."""
    access.require(access.can_see_one_on_one(by, action.one_on_one))
    if not access.can_write_in(by, action.one_on_one):
        raise ValidationError(gettext("This 1:1 is closed: its actions can no longer change."))
    if goal is not None:
        if goal.one_on_one_id != action.one_on_one_id:
            raise ValidationError(gettext("That goal belongs to another 1:1."))
        if not goal.is_open:
            raise ValidationError(gettext("Actions are tied to open goals only."))
    action.goal = goal
    action.save(update_fields=["goal"])
    return action


@versions.bumps
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


# --- Coaching conversations (GROW) ------------------------------------------------------------

COACHING_OPTIONS_MAX_CHARS = 4000
COACHING_NOTE_MAX_CHARS = 4000
COACHING_DECISION_MAX_CHARS = 300


def _require_coach(by: Person, goal: Goal) -> None:
    access.require(access.can_see_goal(by, goal))
    if not access.can_change_goal(by, goal):
        raise ValidationError(gettext("This 1:1 is closed: its goals are no longer coached here."))


@versions.bumps
@transaction.atomic
def coaching_start(
    *, goal: Goal, by: Person, meeting: Meeting | None = None
) -> CoachingConversation:
    """Either person of the pair starts a coaching conversation on an active goal, about the
    obstacle of its latest update. A goal has one unfinished conversation at a time: starting
    again returns it."""
    _require_coach(by, goal)
    if goal.status != Status.ACTIVE:
        raise ValidationError(gettext("Coaching is for an active goal."))
    if meeting is not None and meeting.one_on_one_id != goal.one_on_one_id:
        raise ValidationError(gettext("That meeting belongs to another 1:1."))
    # Lock the goal so two presses at once cannot start two conversations.
    Goal.objects.select_for_update().filter(pk=goal.pk).first()
    unfinished = goal.coaching.exclude(step=CoachingStep.DONE).first()
    if unfinished is not None:
        return unfinished
    latest = goal.updates.order_by("-created_at", "-pk").first()
    conversation = CoachingConversation(
        goal=goal,
        meeting=meeting,
        obstacle=latest.obstacle if latest else "",
        obstacle_kind=latest.obstacle_kind if latest and latest.obstacle else "",
        created_by=by,
    )
    conversation.full_clean()
    conversation.save()
    return conversation


_TOO_LONG = {
    "options": _("Keep the options under %(limit)s characters."),
    "note": _("Keep the note under %(limit)s characters."),
    "decision": _("Keep the decision under %(limit)s characters."),
}


def _bounded(text: str, limit: int, what: str) -> str:
    text = text.strip()
    if len(text) > limit:
        raise ValidationError(_TOO_LONG[what] % {"limit": limit})
    return text


@versions.bumps
@transaction.atomic
def coaching_save(
    *,
    conversation: CoachingConversation,
    by: Person,
    move: str = "stay",
    obstacle_kind: str | None = None,
    options: str | None = None,
    private_note: str | None = None,
) -> CoachingConversation:
    """Save what was said at a step and move to the next step or back (`move`: "next",
    "back" or "stay"). The options are the pair's; the private note is its author's alone, so
    anyone else passing one is refused. The will step ends through coaching_decide."""
    _require_coach(by, conversation.goal)
    if private_note is not None:
        access.require(by.pk == conversation.created_by_id)
    if conversation.is_finished:
        raise ValidationError(gettext("This coaching conversation is finished."))
    if move not in ("next", "back", "stay"):
        raise ValidationError(gettext("Move to the next step, back, or stay."))
    if obstacle_kind is not None:
        if obstacle_kind and obstacle_kind not in ObstacleKind.values:
            raise ValidationError(
                gettext("Choose a kind of obstacle from the list, or “not sure”.")
            )
        conversation.obstacle_kind = obstacle_kind
    if options is not None:
        conversation.options = _bounded(options, COACHING_OPTIONS_MAX_CHARS, "options")
    if private_note is not None:
        conversation.private_note = _bounded(private_note, COACHING_NOTE_MAX_CHARS, "note")
    if move == "next":
        if conversation.step == CoachingStep.WILL:
            raise ValidationError(gettext("Turn the decision into an action to finish."))
        if conversation.step == CoachingStep.OPTIONS and not conversation.options:
            raise ValidationError(
                gettext("Write down at least one option the person named, in their words.")
            )
        conversation.step = conversation.next_step()
    elif move == "back":
        conversation.step = conversation.previous_step()
    conversation.save(update_fields=["obstacle_kind", "options", "private_note", "step"])
    return conversation


@versions.bumps
@transaction.atomic
def coaching_decide(
    *,
    conversation: CoachingConversation,
    by: Person,
    decision: str,
    owner: Person,
    due_on: date | None,
    private_note: str | None = None,
    already_late: bool = False,
) -> CoachingConversation:
    """The will step: the decision becomes an action of the pair, with an owner and a due date,
    tied to the goal; the conversation is finished."""
    _require_coach(by, conversation.goal)
    if private_note is not None:
        access.require(by.pk == conversation.created_by_id)
    if conversation.step != CoachingStep.WILL:
        raise ValidationError(gettext("Decide at the will step, after the options."))
    decision = _bounded(decision, COACHING_DECISION_MAX_CHARS, "decision")
    if not decision:
        raise ValidationError(gettext("Write what the person will do."))
    if due_on is None:
        raise ValidationError(gettext("Give the action a due date: a decision without one drifts."))
    action = action_add_for_goal(
        goal=conversation.goal,
        meeting=conversation.meeting,
        owner=owner,
        text=decision,
        due_on=due_on,
        by=by,
        already_late=already_late,
    )
    if private_note is not None:
        conversation.private_note = _bounded(private_note, COACHING_NOTE_MAX_CHARS, "note")
    conversation.decision = decision
    conversation.action = action
    conversation.step = CoachingStep.DONE
    conversation.finished_at = timezone.now()
    conversation.save(update_fields=["decision", "action", "step", "finished_at", "private_note"])
    return conversation
