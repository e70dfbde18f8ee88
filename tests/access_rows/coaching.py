"""Coaching conversations (GROW) on a goal: the pair starts one, saves its steps and turns the
decision into an action; everyone else gets a 404 and the database stays as it was."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from rapport.goals.models import CoachingConversation, CoachingStep, Goal
from rapport.goals.services import coaching_start, goal_record_progress
from tests.access_rows.base import Payload, Row, Write, data, everyone
from tests.access_rows.goals import active_goal_url, an_active_goal
from tests.cast import Cast

PAIR = ("manager", "report")
# POST-only: a GET is refused before anything is looked up, so it reveals nothing.
NOBODY_UUID = "00000000-0000-4000-8000-000000000000"

ROWS: dict[str, Row] = {
    "goals:coaching_start": Row(
        lambda cast: reverse("goals:coaching_start", args=[NOBODY_UUID]), everyone(405)
    ),
    "goals:coaching_step": Row(
        lambda cast: reverse("goals:coaching_step", args=[NOBODY_UUID]), everyone(405)
    ),
    "goals:coaching_decide": Row(
        lambda cast: reverse("goals:coaching_decide", args=[NOBODY_UUID]), everyone(405)
    ),
}


def _active_goal(cast: Cast) -> Goal:
    return cast.one_on_one.goals.filter(status="active").get()


def a_goal_with_an_obstacle(cast: Cast) -> None:
    an_active_goal(cast)
    goal_record_progress(
        goal=_active_goal(cast),
        by=cast.report,
        meeting=cast.meeting,
        value=Decimal(10),
        obstacle="The vendor is slow to answer",
        obstacle_kind="people",
    )


def a_conversation(cast: Cast) -> None:
    a_goal_with_an_obstacle(cast)
    coaching_start(goal=_active_goal(cast), by=cast.manager, meeting=cast.meeting)


def a_conversation_at_will(cast: Cast) -> None:
    a_conversation(cast)
    CoachingConversation.objects.filter(goal=_active_goal(cast)).update(
        step=CoachingStep.WILL, options="Call the vendor"
    )


def conversation_url(route: str) -> Callable[[Cast], str]:
    def url(cast: Cast) -> str:
        # The active goal's: the canaries keep a finished one on the pair's draft goal.
        conversation = CoachingConversation.objects.get(goal=_active_goal(cast))
        return reverse(route, args=[conversation.uuid])

    return url


def a_decision(cast: Cast) -> Payload:
    due = timezone.localdate() + timedelta(days=7)
    return {"decision": "Call the vendor on Monday", "owner": "report", "due_on": due}


WRITES: dict[str, Write] = {
    "goals:coaching_start": Write(
        active_goal_url("goals:coaching_start"),
        lambda cast: {"meeting": str(cast.meeting.uuid)},
        allowed=PAIR,
        arrange=a_goal_with_an_obstacle,
    ),
    "goals:coaching_step": Write(
        conversation_url("goals:coaching_step"),
        data(obstacle_kind="people", options="Call the vendor", move="next"),
        allowed=PAIR,
        arrange=a_conversation,
    ),
    "goals:coaching_decide": Write(
        conversation_url("goals:coaching_decide"),
        a_decision,
        allowed=PAIR,
        arrange=a_conversation_at_will,
    ),
}
