"""Coaching questions steered by goals: an obstacle recorded on a goal, or a goal that stalled."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from rapport.goals.coaching import goal_obstacle_hints
from rapport.goals.models import GoalUpdate
from rapport.goals.services import goal_record_progress
from rapport.meetings.models import Meeting
from rapport.questions.models import Category
from rapport.questions.presentation import section_prompts_for
from rapport.questions.selectors import CONTEXT_SOURCES, context_hints, suggest
from tests.cast import Cast
from tests.goals.test_progress import active_goal

COACHING = {
    Category.COACHING_GOAL,
    Category.COACHING_REALITY,
    Category.COACHING_OPTIONS,
    Category.COACHING_WILL,
}
REASON = "An obstacle on the goal “Cut review turnaround”."


def series(cast: Cast) -> list[Meeting]:
    return list(cast.one_on_one.meetings.order_by("scheduled_for"))


def test_goal_obstacles_are_a_source_of_question_context() -> None:
    assert goal_obstacle_hints in CONTEXT_SOURCES


def test_an_obstacle_recorded_in_the_meeting_brings_a_coaching_question_with_its_reason(
    cast: Cast,
) -> None:
    goal = active_goal(cast.one_on_one)
    goal_record_progress(
        goal=goal, by=cast.report, meeting=cast.meeting, value=Decimal(2), obstacle="No reviewers"
    )
    suggestions = suggest(meeting=cast.meeting, section="performance")
    coached = [s for s in suggestions if s.question.category in COACHING]
    assert coached
    assert coached[0].reason == REASON
    prompts = section_prompts_for(cast.manager, cast.meeting, "performance")
    assert prompts is not None
    assert REASON in {s.reason for s in prompts.suggestions}


def test_the_obstacle_hints_name_all_four_coaching_steps_reality_first(cast: Cast) -> None:
    goal = active_goal(cast.one_on_one)
    goal_record_progress(goal=goal, by=cast.manager, meeting=cast.meeting, obstacle="Blocked")
    hints = [hint for hint in context_hints(cast.meeting) if hint.reason == REASON]
    assert [hint.category for hint in hints] == [
        Category.COACHING_REALITY,
        Category.COACHING_OPTIONS,
        Category.COACHING_WILL,
        Category.COACHING_GOAL,
    ]


def test_an_obstacle_from_the_previous_meeting_still_counts(cast: Cast) -> None:
    first, second = series(cast)[:2]
    goal_record_progress(
        goal=active_goal(cast.one_on_one), by=cast.report, meeting=first, obstacle="Unclear spec"
    )
    assert REASON in {hint.reason for hint in goal_obstacle_hints(second)}


def test_an_obstacle_from_meetings_ago_brings_no_coaching_hint(cast: Cast) -> None:
    meetings = series(cast)
    goal_record_progress(
        goal=active_goal(cast.one_on_one), by=cast.report, meeting=meetings[0], obstacle="Old"
    )
    assert goal_obstacle_hints(meetings[3]) == []


def test_a_later_update_without_an_obstacle_ends_the_coaching_prompt(cast: Cast) -> None:
    goal = active_goal(cast.one_on_one)
    goal_record_progress(goal=goal, by=cast.report, meeting=cast.meeting, obstacle="No reviewers")
    GoalUpdate.objects.create(
        goal=goal, by=cast.report, value=5, created_at=timezone.now() + timedelta(seconds=1)
    )
    assert goal_obstacle_hints(cast.meeting) == []


def test_a_goal_that_is_not_active_brings_no_hint(cast: Cast) -> None:
    goal = active_goal(cast.one_on_one)
    goal_record_progress(goal=goal, by=cast.report, meeting=cast.meeting, obstacle="Stuck")
    goal.status, goal.closed_at = "dropped", timezone.now()
    goal.save()
    assert goal_obstacle_hints(cast.meeting) == []


def test_a_stalled_goal_brings_reality_and_obstacle_questions(cast: Cast) -> None:
    agreed = timezone.now() - timedelta(days=40)
    active_goal(cast.one_on_one, manager_agreed_at=agreed, report_agreed_at=agreed)
    hints = goal_obstacle_hints(cast.meeting)
    assert [hint.category for hint in hints] == [Category.COACHING_REALITY, Category.OBSTACLES]
    assert {hint.reason for hint in hints} == {"The goal “Cut review turnaround” has stalled."}


def test_three_held_meetings_without_progress_stall_a_goal_for_the_next_meeting(
    cast: Cast,
) -> None:
    goal = active_goal(cast.one_on_one)
    now = timezone.now()
    GoalUpdate.objects.create(goal=goal, by=cast.report, value=1, created_at=now - timedelta(20))
    for days_ago in (14, 7, 1):
        when = now - timedelta(days=days_ago)
        Meeting.objects.create(
            one_on_one=cast.one_on_one, slot=when, scheduled_for=when, status="held"
        )
    reasons = {hint.reason for hint in goal_obstacle_hints(cast.meeting)}
    assert reasons == {"The goal “Cut review turnaround” has stalled."}


def test_a_pair_without_goals_costs_one_query(
    cast: Cast, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(1):
        assert goal_obstacle_hints(cast.meeting) == []
