"""Goal flows that read right (issue 14, item 4): whom a new goal is for, whose why it is,
closing as an explicit choice that may close the goal's actions, past dates refused, and the
standing on every page. The cast's 1:1 is Mia (manager) with Rui (report)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from rapport.goals.models import Goal, Status
from rapport.goals.services import (
    NEXT_GOAL_PROMPT,
    action_add_for_goal,
    goal_close,
    goal_propose,
    goal_record_progress,
    goal_update_draft,
)
from rapport.goals.smart import PAST_DATE_HINT
from rapport.meetings.models import ActionItem, TalkingPoint
from tests.cast import Cast
from tests.goals.test_goal_pages import client_of
from tests.goals.test_lifecycle import active_goal, good_fields
from tests.helpers.sealed import with_text


def form_data(**overrides: object) -> dict[str, object]:
    data = {key: value for key, value in good_fields().items() if value is not None}
    data["due_on"] = data["due_on"].isoformat()
    data.update(overrides)
    return data


# --- Whom a new goal is for ------------------------------------------------------------------


def test_a_manager_chooses_on_the_goals_page_whom_a_new_goal_is_for(cast: Cast) -> None:
    page = client_of(cast.manager).get(reverse("goals:mine")).content.decode()
    assert "New goal for" in page
    assert f'<option value="{cast.one_on_one.uuid}">Rui Report</option>' in page
    # Mia has no manager of her own to meet here, so there is no "Myself".
    assert "Myself" not in page


def test_a_report_starts_a_goal_for_themselves_only(cast: Cast) -> None:
    page = client_of(cast.report).get(reverse("goals:mine")).content.decode()
    assert f'<option value="{cast.one_on_one.uuid}">Myself</option>' in page
    assert "Rui Report</option>" not in page


def test_someone_without_a_one_on_one_gets_no_chooser(cast: Cast) -> None:
    page = client_of(cast.outsider).get(reverse("goals:mine")).content.decode()
    assert "New goal for" not in page


def test_the_chooser_leads_to_the_form_for_the_report(cast: Cast) -> None:
    url = reverse("goals:new") + f"?one_on_one={cast.one_on_one.uuid}"
    page = client_of(cast.manager).get(url).content.decode()
    assert "A new goal for Rui Report" in page


# --- Whose why it is -------------------------------------------------------------------------


def test_the_why_asks_the_manager_why_it_matters_to_the_report(cast: Cast) -> None:
    url = reverse("goals:new") + f"?one_on_one={cast.one_on_one.uuid}"
    page = client_of(cast.manager).get(url).content.decode()
    assert "Why it matters to Rui" in page
    assert "Why it matters to you" not in page


def test_the_why_asks_the_report_why_it_matters_to_them(cast: Cast) -> None:
    url = reverse("goals:new") + f"?one_on_one={cast.one_on_one.uuid}"
    page = client_of(cast.report).get(url).content.decode()
    assert "Why it matters to you" in page


@pytest.mark.parametrize(("role", "heading"), [("manager", "to Rui"), ("report", "to you")])
def test_the_goal_page_names_whose_why_it_is(cast: Cast, role: str, heading: str) -> None:
    goal = active_goal(cast)
    page = client_of(getattr(cast, role)).get(reverse("goals:detail", args=[goal.uuid]))
    assert f"Why it matters {heading}</h2>" in page.content.decode()


# --- Past due dates --------------------------------------------------------------------------


@pytest.mark.parametrize("days", [0, -1, -2400])
def test_the_form_refuses_a_due_date_not_ahead_and_saves_nothing(cast: Cast, days: int) -> None:
    url = reverse("goals:new") + f"?one_on_one={cast.one_on_one.uuid}"
    due = (timezone.localdate() + timedelta(days=days)).isoformat()
    page = client_of(cast.report).post(url, form_data(due_on=due))
    assert page.status_code == 200
    assert PAST_DATE_HINT in page.content.decode()
    assert not cast.one_on_one.goals.exists()


def test_a_draft_cannot_be_moved_to_a_past_date_either(cast: Cast) -> None:
    goal = goal_propose(one_on_one=cast.one_on_one, by=cast.report, **good_fields())
    page = client_of(cast.manager).post(
        reverse("goals:edit", args=[goal.uuid]), form_data(due_on="2020-03-01")
    )
    assert PAST_DATE_HINT in page.content.decode()
    goal.refresh_from_db()
    assert goal.due_on == good_fields()["due_on"]


# --- Closing: an explicit choice, and the goal's actions ------------------------------------


def test_the_close_form_is_folded_and_chooses_no_outcome(cast: Cast) -> None:
    goal = active_goal(cast)
    page = client_of(cast.report).get(reverse("goals:detail", args=[goal.uuid])).content.decode()
    assert '<details class="goal-close">' in page
    assert 'value="achieved"' in page and 'value="dropped"' in page
    assert "checked" not in page.split('<details class="goal-close">')[1].split("</details>")[0]


def test_closing_without_choosing_says_so_and_changes_nothing(cast: Cast) -> None:
    goal = active_goal(cast)
    page = client_of(cast.report).post(
        reverse("goals:close", args=[goal.uuid]),
        {"reflection": "It went well in the end."},
        follow=True,
    )
    assert "Choose how the goal ended: achieved or dropped." in page.content.decode()
    goal.refresh_from_db()
    assert goal.status == Status.ACTIVE


def two_actions(cast: Cast) -> tuple[ActionItem, ActionItem]:
    goal = active_goal(cast)
    first = action_add_for_goal(
        goal=goal,
        meeting=None,
        owner=cast.report,
        text="Send the CFP",
        due_on=None,
        by=cast.manager,
    )
    second = action_add_for_goal(
        goal=goal, meeting=None, owner=cast.report, text="Book a rehearsal", due_on=None,
        by=cast.manager,
    )  # fmt: skip
    return first, second


def test_the_achieve_step_offers_the_goals_open_actions_ticked(cast: Cast) -> None:
    first, second = two_actions(cast)
    assert first.goal is not None
    page = client_of(cast.report).get(reverse("goals:detail", args=[first.goal.uuid]))
    body = page.content.decode()
    assert "Its open actions to mark done" in body
    assert f'value="{first.pk}"' in body and f'value="{second.pk}"' in body
    # The cast's untied action is not offered.
    assert "Draft the on-call rota</label>" not in body


def test_achieving_closes_the_ticked_actions_and_prompts_the_next_goal(cast: Cast) -> None:
    first, second = two_actions(cast)
    assert first.goal is not None
    client_of(cast.report).post(
        reverse("goals:close", args=[first.goal.uuid]),
        {"outcome": "achieved", "reflection": "Rehearsing helped.", "close_actions": [first.pk]},
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.done_at is not None and second.done_at is None
    assert Goal.objects.get(actions=first).status == Status.ACHIEVED
    assert with_text(TalkingPoint.objects.filter(one_on_one=cast.one_on_one), NEXT_GOAL_PROMPT)


def test_dropping_leaves_the_goals_actions_open(cast: Cast) -> None:
    first, _ = two_actions(cast)
    assert first.goal is not None
    client_of(cast.report).post(
        reverse("goals:close", args=[first.goal.uuid]),
        {"outcome": "dropped", "reflection": "Priorities moved.", "close_actions": [first.pk]},
    )
    first.refresh_from_db()
    assert first.done_at is None
    assert Goal.objects.get(actions=first).status == Status.DROPPED


def test_the_service_refuses_to_close_another_goals_action_and_changes_nothing(
    cast: Cast,
) -> None:
    first, _ = two_actions(cast)
    stranger = ActionItem.objects.get(text="Draft the on-call rota")
    assert first.goal is not None
    with pytest.raises(ValidationError):
        goal_close(
            goal=first.goal,
            by=cast.report,
            outcome=Status.ACHIEVED,
            reflection="Done.",
            close_actions=[first.pk, stranger.pk],
        )
    first.refresh_from_db()
    stranger.refresh_from_db()
    assert first.done_at is None and stranger.done_at is None
    assert Goal.objects.get(actions=first).status == Status.ACTIVE


# --- The standing on every page --------------------------------------------------------------


def test_a_doubtful_goal_with_an_obstacle_reads_at_risk_everywhere(cast: Cast) -> None:
    goal = active_goal(cast, title="Give two talks on search")
    goal_record_progress(
        goal=goal, by=cast.report, value=Decimal(1), confidence=4, obstacle="No slot at meetups"
    )
    pages = {
        "goal": reverse("goals:detail", args=[goal.uuid]),
        "mine": reverse("goals:mine"),
        "team": reverse("goals:team"),
        "meeting": reverse("meetings:meeting", args=[cast.meeting.uuid]),
    }
    for name, url in pages.items():
        viewer = cast.manager if name in ("team", "meeting") else cast.report
        body = client_of(viewer).get(url).content.decode()
        assert "goal-standing-at_risk" in body, name
        assert "goal-standing-on_track" not in body, name


def test_an_achieved_goal_reads_only_achieved(cast: Cast) -> None:
    goal = active_goal(cast)
    goal_close(goal=goal, by=cast.report, outcome=Status.ACHIEVED, reflection="Done well.")
    body = client_of(cast.report).get(reverse("goals:detail", args=[goal.uuid])).content.decode()
    assert "goal-standing-achieved" in body
    for other in ("on_track", "ahead", "at_risk", "stalled"):
        assert f"goal-standing-{other}" not in body


@pytest.mark.parametrize("days", [0, -1])
def test_the_services_refuse_a_due_date_not_ahead_for_a_new_goal_or_a_draft(
    cast: Cast, days: int
) -> None:
    past = timezone.localdate() + timedelta(days=days)
    with pytest.raises(ValidationError, match="choose a day ahead"):
        goal_propose(one_on_one=cast.one_on_one, by=cast.report, **good_fields(due_on=past))
    assert not cast.one_on_one.goals.exists()
    goal = goal_propose(one_on_one=cast.one_on_one, by=cast.report, **good_fields())
    with pytest.raises(ValidationError, match="choose a day ahead"):
        goal_update_draft(goal=goal, by=cast.manager, due_on=past)
    goal.refresh_from_db()
    assert goal.due_on == good_fields()["due_on"]
