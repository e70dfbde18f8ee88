"""The coaching services (goals/services.py): who may start and write a GROW conversation, its
steps, and the will step's decision that becomes an action with an owner and a date."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from rapport.access import Refused
from rapport.goals.models import CoachingConversation, CoachingStep, Goal, Status
from rapport.goals.services import (
    coaching_decide,
    coaching_save,
    coaching_start,
    goal_record_progress,
)
from rapport.meetings.models import ActionItem
from tests.cast import Cast
from tests.goals.test_progress import active_goal
from tests.helpers.digest import database_digest


def goal_with_obstacle(cast: Cast, kind: str = "time") -> Goal:
    goal = active_goal(cast.one_on_one)
    goal_record_progress(
        goal=goal,
        by=cast.report,
        meeting=cast.meeting,
        value=Decimal(2),
        obstacle="Support rota eats my mornings",
        obstacle_kind=kind,
    )
    return goal


def at_will(cast: Cast) -> CoachingConversation:
    conversation = coaching_start(
        goal=goal_with_obstacle(cast), by=cast.manager, meeting=cast.meeting
    )
    coaching_save(conversation=conversation, by=cast.manager, move="next")
    coaching_save(conversation=conversation, by=cast.manager, move="next")
    coaching_save(
        conversation=conversation,
        by=cast.report,
        options="Swap rota weeks\nBlock two mornings",
        move="next",
    )
    return conversation


def test_progress_records_the_kind_of_obstacle(cast: Cast) -> None:
    goal = goal_with_obstacle(cast, kind="skill")
    assert goal.updates.get().obstacle_kind == "skill"


def test_a_kind_without_an_obstacle_is_not_kept(cast: Cast) -> None:
    goal = active_goal(cast.one_on_one)
    update = goal_record_progress(goal=goal, by=cast.report, value=Decimal(1), obstacle_kind="time")
    assert update.obstacle_kind == ""


def test_an_unknown_kind_of_obstacle_is_refused(cast: Cast) -> None:
    goal = active_goal(cast.one_on_one)
    with pytest.raises(ValidationError):
        goal_record_progress(goal=goal, by=cast.report, obstacle="x", obstacle_kind="weather")


def test_starting_takes_the_obstacle_and_its_kind_from_the_latest_update(cast: Cast) -> None:
    conversation = coaching_start(
        goal=goal_with_obstacle(cast), by=cast.manager, meeting=cast.meeting
    )
    assert conversation.step == CoachingStep.GOAL
    assert conversation.obstacle == "Support rota eats my mornings"
    assert conversation.obstacle_kind == "time"
    assert conversation.created_by == cast.manager


def test_starting_again_returns_the_unfinished_conversation(cast: Cast) -> None:
    goal = goal_with_obstacle(cast)
    first = coaching_start(goal=goal, by=cast.manager)
    assert coaching_start(goal=goal, by=cast.report) == first
    assert CoachingConversation.objects.count() == 1


@pytest.mark.parametrize("role", ["peer_manager", "skip_level", "hr", "admin", "outsider"])
def test_nobody_outside_the_pair_may_start_coaching(cast: Cast, role: str) -> None:
    goal = goal_with_obstacle(cast)
    with pytest.raises(Refused):
        coaching_start(goal=goal, by=getattr(cast, role))
    assert not CoachingConversation.objects.exists()


def test_a_goal_that_is_not_active_is_not_coached(cast: Cast) -> None:
    goal = active_goal(cast.one_on_one, status=Status.DRAFT)
    with pytest.raises(ValidationError):
        coaching_start(goal=goal, by=cast.manager)


def test_the_steps_follow_grow_forward_and_back(cast: Cast) -> None:
    conversation = coaching_start(goal=goal_with_obstacle(cast), by=cast.manager)
    coaching_save(conversation=conversation, by=cast.manager, move="next")
    assert conversation.step == CoachingStep.REALITY
    coaching_save(conversation=conversation, by=cast.manager, move="back")
    assert conversation.step == CoachingStep.GOAL
    coaching_save(conversation=conversation, by=cast.manager, move="back")
    assert conversation.step == CoachingStep.GOAL


def test_options_are_needed_before_the_will_step(cast: Cast) -> None:
    conversation = coaching_start(goal=goal_with_obstacle(cast), by=cast.manager)
    coaching_save(conversation=conversation, by=cast.manager, move="next")
    coaching_save(conversation=conversation, by=cast.manager, move="next")
    with pytest.raises(ValidationError, match="at least one option"):
        coaching_save(conversation=conversation, by=cast.manager, options="  ", move="next")
    conversation.refresh_from_db()
    assert conversation.step == CoachingStep.OPTIONS


def test_the_report_may_write_the_options_but_not_the_managers_private_note(
    cast: Cast,
) -> None:
    conversation = coaching_start(goal=goal_with_obstacle(cast), by=cast.manager)
    coaching_save(conversation=conversation, by=cast.report, options="Ask Lena")
    before = database_digest()
    with pytest.raises(Refused):
        coaching_save(conversation=conversation, by=cast.report, private_note="peek")
    assert database_digest() == before
    conversation.refresh_from_db()
    assert conversation.options == "Ask Lena"
    assert conversation.private_note == ""


def test_the_private_note_is_shown_to_its_author_only(cast: Cast) -> None:
    conversation = coaching_start(goal=goal_with_obstacle(cast), by=cast.manager)
    coaching_save(conversation=conversation, by=cast.manager, private_note="Seems tired")
    assert conversation.private_note_for(cast.manager) == "Seems tired"
    assert conversation.private_note_for(cast.report) == ""


def test_the_decision_becomes_an_action_with_its_owner_and_date_tied_to_the_goal(
    cast: Cast,
) -> None:
    conversation = at_will(cast)
    due = timezone.localdate() + timedelta(days=7)
    coaching_decide(
        conversation=conversation,
        by=cast.manager,
        decision="Swap rota weeks with Sam",
        owner=cast.report,
        due_on=due,
        private_note="Follow up gently",
    )
    conversation.refresh_from_db()
    action = conversation.action
    assert action is not None
    assert (action.text, action.owner, action.due_on) == (
        "Swap rota weeks with Sam",
        cast.report,
        due,
    )
    assert action.goal_id == conversation.goal_id
    assert action.created_in == cast.meeting
    assert conversation.step == CoachingStep.DONE
    assert conversation.finished_at is not None
    assert conversation.decision == "Swap rota weeks with Sam"
    assert conversation.private_note == "Follow up gently"


def test_a_decision_without_a_due_date_is_refused_and_changes_nothing(cast: Cast) -> None:
    conversation = at_will(cast)
    before = database_digest()
    with pytest.raises(ValidationError, match="due date"):
        coaching_decide(
            conversation=conversation, by=cast.manager, decision="Swap", owner=cast.report,
            due_on=None,
        )  # fmt: skip
    assert database_digest() == before


def test_a_decision_before_the_will_step_is_refused(cast: Cast) -> None:
    conversation = coaching_start(goal=goal_with_obstacle(cast), by=cast.manager)
    with pytest.raises(ValidationError, match="will step"):
        coaching_decide(
            conversation=conversation, by=cast.manager, decision="Swap", owner=cast.report,
            due_on=timezone.localdate(),
        )  # fmt: skip


def test_the_action_belongs_to_one_of_the_pair(cast: Cast) -> None:
    conversation = at_will(cast)
    with pytest.raises(ValidationError):
        coaching_decide(
            conversation=conversation, by=cast.manager, decision="Swap", owner=cast.outsider,
            due_on=timezone.localdate(),
        )  # fmt: skip
    assert not ActionItem.objects.filter(text="Swap").exists()


def test_a_finished_conversation_takes_no_more_steps(cast: Cast) -> None:
    conversation = at_will(cast)
    coaching_decide(
        conversation=conversation, by=cast.manager, decision="Swap", owner=cast.manager,
        due_on=timezone.localdate(),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="finished"):
        coaching_save(conversation=conversation, by=cast.manager, options="more")
