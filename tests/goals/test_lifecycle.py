"""A goal's life: proposed by either person, active when both agree, achieved or dropped with
a reflection, and brought along by the report after a manager change. The cast's 1:1 is Mia
(manager) with Rui (report)."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from rapport.access import Refused
from rapport.goals.models import Goal, Status
from rapport.goals.services import (
    NEXT_GOAL_PROMPT,
    ensure_next_goal_prompt,
    goal_agree,
    goal_close,
    goal_move_to_current_one_on_one,
    goal_propose,
    goal_update_draft,
)
from rapport.meetings.models import OneOnOne, TalkingPoint
from rapport.meetings.services import Rule, one_on_one_set_up, person_change_manager
from tests.cast import Cast
from tests.helpers.sealed import with_text


def good_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "kind": "career",
        "title": "Give two conference talks on our search stack",
        "specific": "Present the search rewrite at two regional conferences this year",
        "metric": "talks given",
        "unit": "talks",
        "baseline": Decimal(0),
        "target": Decimal(2),
        "confidence": 7,
        "realistic_because": "Two CFPs are open and Mia will review my slides",
        "why": "Speaking in public scares me, and getting past that opens the staff path.",
        "due_on": timezone.localdate() + timedelta(days=180),
    }
    return {**fields, **overrides}


def active_goal(cast: Cast, **overrides: Any) -> Goal:
    goal = goal_propose(one_on_one=cast.one_on_one, by=cast.report, **good_fields(**overrides))
    return goal_agree(goal=goal, by=cast.manager)


def open_prompts(cast: Cast) -> int:
    points = TalkingPoint.objects.filter(one_on_one=cast.one_on_one, discussed_in__isnull=True)
    return len(with_text(points, NEXT_GOAL_PROMPT))


@pytest.mark.parametrize("role", ["manager", "report"])
def test_either_person_proposes_and_the_goal_always_belongs_to_the_report(
    cast: Cast, role: str
) -> None:
    proposer = getattr(cast, role)
    goal = goal_propose(one_on_one=cast.one_on_one, by=proposer, **good_fields())
    assert goal.owner == cast.report
    assert goal.proposed_by == proposer
    assert goal.status == Status.DRAFT
    # Proposing is the proposer's agreement; the other one is still to come.
    assert (goal.manager_agreed_at is not None) == (role == "manager")
    assert (goal.report_agreed_at is not None) == (role == "report")


@pytest.mark.parametrize("role", ["peer_manager", "skip_level", "hr", "admin", "outsider"])
def test_nobody_outside_the_pair_can_propose_a_goal(cast: Cast, role: str) -> None:
    with pytest.raises(Refused):
        goal_propose(one_on_one=cast.one_on_one, by=getattr(cast, role), **good_fields())


def test_a_goal_becomes_active_when_both_people_agree(cast: Cast) -> None:
    goal = goal_propose(one_on_one=cast.one_on_one, by=cast.manager, **good_fields())
    goal_agree(goal=goal, by=cast.manager)  # agreeing twice changes nothing
    assert goal.status == Status.DRAFT
    goal_agree(goal=goal, by=cast.report)
    goal.refresh_from_db()
    assert goal.status == Status.ACTIVE
    assert goal.manager_agreed_at and goal.report_agreed_at


def test_a_goal_without_a_why_cannot_start_and_the_refusal_says_what_is_missing(
    cast: Cast,
) -> None:
    goal = goal_propose(
        one_on_one=cast.one_on_one, by=cast.report, **good_fields(why="", due_on=None)
    )
    with pytest.raises(ValidationError) as refused:
        goal_agree(goal=goal, by=cast.manager)
    message = " ".join(refused.value.messages)
    assert "why this goal matters" in message and "Time-bound" in message
    goal.refresh_from_db()
    assert goal.status == Status.DRAFT and goal.manager_agreed_at is None


def test_a_why_that_only_repeats_the_goal_is_not_enough_to_start(cast: Cast) -> None:
    goal = goal_propose(
        one_on_one=cast.one_on_one,
        by=cast.report,
        **good_fields(why="Give conference talks on search"),
    )
    with pytest.raises(ValidationError, match="repeats the goal"):
        goal_agree(goal=goal, by=cast.manager)


def test_editing_a_draft_asks_the_other_person_to_agree_again(cast: Cast) -> None:
    goal = goal_propose(one_on_one=cast.one_on_one, by=cast.report, **good_fields())
    goal_agree(goal=goal, by=cast.manager)
    with pytest.raises(ValidationError, match="draft"):
        goal_update_draft(goal=goal, by=cast.manager, title="Something else entirely")
    second = goal_propose(one_on_one=cast.one_on_one, by=cast.report, **good_fields())
    goal_update_draft(goal=second, by=cast.manager, target=Decimal(3))
    second.refresh_from_db()
    assert second.target == Decimal(3)
    assert second.manager_agreed_at is not None and second.report_agreed_at is None


def test_closing_a_goal_needs_a_short_reflection(cast: Cast) -> None:
    goal = active_goal(cast)
    with pytest.raises(ValidationError, match="reflection"):
        goal_close(goal=goal, by=cast.report, outcome=Status.ACHIEVED, reflection="   ")
    with pytest.raises(ValidationError, match="under"):
        goal_close(goal=goal, by=cast.report, outcome=Status.ACHIEVED, reflection="x" * 501)
    goal_close(goal=goal, by=cast.report, outcome=Status.DROPPED, reflection="Priorities moved.")
    goal.refresh_from_db()
    assert goal.status == Status.DROPPED and goal.closed_at is not None
    assert goal.reflection == "Priorities moved."


def test_only_an_agreed_goal_can_be_achieved(cast: Cast) -> None:
    draft = goal_propose(one_on_one=cast.one_on_one, by=cast.report, **good_fields())
    with pytest.raises(ValidationError, match="active"):
        goal_close(goal=draft, by=cast.report, outcome=Status.ACHIEVED, reflection="Done!")


def test_achieving_a_goal_puts_define_the_next_goal_on_the_agenda_once(cast: Cast) -> None:
    first, second = active_goal(cast), active_goal(cast)
    goal_close(goal=first, by=cast.manager, outcome=Status.ACHIEVED, reflection="Two talks!")
    goal_close(goal=second, by=cast.report, outcome=Status.ACHIEVED, reflection="Also done.")
    assert open_prompts(cast) == 1
    [prompt] = with_text(TalkingPoint.objects.filter(one_on_one=cast.one_on_one), NEXT_GOAL_PROMPT)
    assert prompt.section == "performance" and prompt.author == cast.manager
    assert not prompt.is_private  # both people prepare for it


def test_achieving_one_goal_prompts_the_next_even_while_another_is_active(cast: Cast) -> None:
    achieved, _still_active = active_goal(cast), active_goal(cast)
    goal_close(goal=achieved, by=cast.report, outcome=Status.ACHIEVED, reflection="Done.")
    assert open_prompts(cast) == 1


def test_dropping_a_goal_prompts_only_when_no_active_goal_is_left(cast: Cast) -> None:
    dropped, other = active_goal(cast), active_goal(cast)
    goal_close(goal=dropped, by=cast.report, outcome=Status.DROPPED, reflection="Not now.")
    assert open_prompts(cast) == 0
    goal_close(goal=other, by=cast.report, outcome=Status.DROPPED, reflection="Not now either.")
    assert open_prompts(cast) == 1


def test_a_new_pair_is_not_asked_for_a_next_goal_before_it_has_met(cast: Cast) -> None:
    # Its first 1:1 gets to know each other; the first goals follow it
    # (tests/meetings/test_first_one_on_ones.py).
    pair = one_on_one_set_up(
        manager=cast.manager,
        report=cast.report_two,
        rule=Rule("weekly", 2, time(11, 0), 30, timezone.localdate()),
        by=cast.manager,
        confirmed_out_of_hours=True,
    )
    assert not with_text(TalkingPoint.objects.filter(one_on_one=pair), NEXT_GOAL_PROMPT)


def test_a_pair_without_an_active_goal_gets_the_prompt_and_only_once(cast: Cast) -> None:
    assert ensure_next_goal_prompt(cast.one_on_one) is not None
    assert ensure_next_goal_prompt(cast.one_on_one) is None
    assert open_prompts(cast) == 1


def test_a_pair_with_an_active_goal_gets_no_prompt(cast: Cast) -> None:
    active_goal(cast)
    assert ensure_next_goal_prompt(cast.one_on_one) is None
    assert open_prompts(cast) == 0


def test_a_discussed_prompt_makes_room_for_a_new_one(cast: Cast) -> None:
    prompt = ensure_next_goal_prompt(cast.one_on_one)
    assert prompt is not None
    prompt.discussed_in = cast.meeting
    prompt.save(update_fields=["discussed_in"])
    assert ensure_next_goal_prompt(cast.one_on_one) is not None


def change_manager_to_pete(cast: Cast) -> OneOnOne:
    person_change_manager(person=cast.report, new_manager=cast.peer_manager, by=cast.admin)
    return one_on_one_set_up(
        manager=cast.peer_manager,
        report=cast.report,
        rule=Rule("weekly", 2, time(11, 0), 30, timezone.localdate()),
        by=cast.peer_manager,
        confirmed_out_of_hours=True,
    )


def test_after_a_manager_change_only_the_report_brings_a_goal_to_the_new_one_on_one(
    cast: Cast,
) -> None:
    goal = active_goal(cast)
    new_pair = change_manager_to_pete(cast)
    goal.refresh_from_db()
    for someone in (cast.manager, cast.peer_manager, cast.hr, cast.admin):
        with pytest.raises(Refused):
            goal_move_to_current_one_on_one(goal=goal, by=someone)
    goal_move_to_current_one_on_one(goal=goal, by=cast.report)
    goal.refresh_from_db()
    assert goal.one_on_one == new_pair
    # The new manager has not agreed to coach it yet: it waits for them as a draft.
    assert goal.status == Status.DRAFT
    assert goal.report_agreed_at is not None and goal.manager_agreed_at is None


def test_a_goal_of_the_current_one_on_one_cannot_be_moved(cast: Cast) -> None:
    goal = active_goal(cast)
    with pytest.raises(ValidationError):
        goal_move_to_current_one_on_one(goal=goal, by=cast.report)


def test_an_unknown_field_is_refused_rather_than_ignored(cast: Cast) -> None:
    with pytest.raises(TypeError, match="status"):
        goal_propose(one_on_one=cast.one_on_one, by=cast.report, **good_fields(status="active"))
