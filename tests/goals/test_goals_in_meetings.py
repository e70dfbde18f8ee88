"""Goals beside a meeting: the pair's goals card, actions tied to a goal from the meeting page,
and progress recorded from a meeting."""

from __future__ import annotations

from django.urls import reverse

from rapport.goals.models import GoalUpdate, Status
from rapport.goals.services import goal_close
from rapport.meetings.models import ActionItem
from tests.cast import Cast
from tests.goals.test_goal_pages import client_of
from tests.goals.test_lifecycle import active_goal


def add_action(cast: Cast, **fields: str) -> None:
    response = client_of(cast.manager).post(
        reverse("meetings:action_add", args=[cast.meeting.uuid]),
        {"text": "Book the CFP review with Ana", "owner": "them", "due_on": "", **fields},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200


def test_the_meeting_page_shows_the_pairs_open_goals_and_offers_them_for_actions(
    cast: Cast,
) -> None:
    goal = active_goal(cast)
    achieved = active_goal(cast, title="Finish the on-call handbook")
    goal_close(goal=achieved, by=cast.manager, outcome=Status.ACHIEVED, reflection="Done well.")
    page = client_of(cast.report).get(reverse("meetings:meeting", args=[cast.meeting.uuid]))
    body = page.content.decode()
    card = body[body.index('id="pair-goals"') :]
    assert goal.title in card and "Finish the on-call handbook" not in card
    assert f'<option value="{goal.uuid}">' in body, "the action form offers the active goal"
    assert f"?meeting={cast.meeting.uuid}" in card, "recording progress keeps the meeting"


def test_an_action_added_for_a_goal_is_tied_to_it_and_shows_the_goal(cast: Cast) -> None:
    goal = active_goal(cast)
    add_action(cast, goal=str(goal.uuid))
    action = ActionItem.objects.get(text="Book the CFP review with Ana")
    assert action.goal == goal and action.owner == cast.report
    page = client_of(cast.report).get(reverse("meetings:meeting", args=[cast.meeting.uuid]))
    assert f'for <a href="{reverse("goals:detail", args=[goal.uuid])}">' in page.content.decode()


def test_an_action_for_a_goal_of_another_pair_is_refused_and_nothing_is_saved(
    cast: Cast,
) -> None:
    from rapport.meetings.services import Rule, one_on_one_set_up

    other_pair = one_on_one_set_up(
        manager=cast.peer_manager,
        report=cast.peer_report,
        rule=Rule("weekly", 3, cast.one_on_one.start_time, 30, cast.one_on_one.starts_on),
        by=cast.peer_manager,
        confirmed_out_of_hours=True,
    )
    foreign = active_goal(cast)
    foreign.one_on_one = other_pair
    foreign.save(update_fields=["one_on_one"])
    add_action(cast, goal=str(foreign.uuid))
    assert not ActionItem.objects.filter(text="Book the CFP review with Ana").exists()


def test_progress_recorded_from_a_meeting_belongs_to_that_meeting(cast: Cast) -> None:
    goal = active_goal(cast)
    client = client_of(cast.report)
    page = client.get(reverse("goals:detail", args=[goal.uuid]) + f"?meeting={cast.meeting.uuid}")
    body = page.content.decode()
    assert "Back to the 1:1" in body
    assert f'value="{cast.meeting.uuid}"' in body, "the progress form carries the meeting"
    client.post(
        reverse("goals:progress", args=[goal.uuid]),
        {"meeting": str(cast.meeting.uuid), "value": "1", "confidence": "6", "obstacle": ""},
    )
    assert GoalUpdate.objects.get(goal=goal).meeting == cast.meeting


def test_a_foreign_or_broken_meeting_id_on_the_goal_page_is_ignored(cast: Cast) -> None:
    goal = active_goal(cast)
    client = client_of(cast.report)
    for junk in ("not-a-uuid", "00000000-0000-4000-8000-000000000000"):
        page = client.get(reverse("goals:detail", args=[goal.uuid]) + f"?meeting={junk}")
        assert page.status_code == 200 and "Back to the 1:1" not in page.content.decode()
