"""The goal pages: one's own goals (why first), one goal, the guided form with its live SMART
check, and the manager's team page. The cast's 1:1 is Mia (manager) with Rui (report)."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.goals.models import Goal, GoalUpdate, Status
from rapport.goals.selectors import team_goals
from rapport.goals.services import NEXT_GOAL_PROMPT, goal_agree, goal_propose
from rapport.meetings.models import OneOnOne, TalkingPoint
from rapport.meetings.services import Rule, one_on_one_set_up, person_change_manager
from rapport.people.models import Person
from tests.cast import Cast
from tests.goals.test_lifecycle import active_goal, good_fields
from tests.helpers.queries import assert_queries_do_not_grow, count_queries
from tests.helpers.sealed import with_text

WHY = "Evenings with my kids matter more than shaving minutes off the build."


def client_of(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def personal_goal(cast: Cast) -> Goal:
    return goal_propose(
        one_on_one=cast.one_on_one,
        by=cast.report,
        **good_fields(kind="personal", title="Leave the office by six", why=WHY),
    )


def test_the_report_sees_each_goal_with_its_why_above_the_title(cast: Cast) -> None:
    personal_goal(cast)
    page = client_of(cast.report).get(reverse("goals:mine")).content.decode()
    assert page.index("Evenings with my kids") < page.index("Leave the office by six")


def test_the_goals_page_offers_a_new_goal_in_the_current_one_on_one(cast: Cast) -> None:
    page = client_of(cast.report).get(reverse("goals:mine")).content.decode()
    assert f"?one_on_one={cast.one_on_one.uuid}" in page
    assert reverse("goals:team") not in page  # Rui leads nobody
    assert (
        reverse("goals:team") in client_of(cast.manager).get(reverse("goals:mine")).content.decode()
    )


@pytest.mark.parametrize("role", ["manager", "report"])
def test_both_people_of_the_pair_see_a_personal_goal(cast: Cast, role: str) -> None:
    goal = personal_goal(cast)
    page = client_of(getattr(cast, role)).get(reverse("goals:detail", args=[goal.uuid]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Leave the office by six" in body and "Evenings with my kids" in body
    # The why comes first on the goal page too.
    assert body.index("Why it matters") < body.index("SMART check")


@pytest.mark.parametrize("role", ["peer_manager", "skip_level", "hr", "admin", "outsider"])
def test_anyone_outside_the_pair_gets_a_404_for_a_goal(cast: Cast, role: str) -> None:
    goal = personal_goal(cast)
    client = client_of(getattr(cast, role))
    for route in ("goals:detail", "goals:edit"):
        assert client.get(reverse(route, args=[goal.uuid])).status_code == 404
    for route in ("goals:agree", "goals:close", "goals:move"):
        assert client.post(reverse(route, args=[goal.uuid])).status_code == 404
    assert "Leave the office" not in client.get(reverse("goals:team")).content.decode()


def test_the_live_check_gives_hints_for_a_vague_goal(cast: Cast) -> None:
    page = client_of(cast.report).post(reverse("goals:check"), {"title": "Improve my skills"})
    body = page.content.decode()
    assert page.status_code == 200 and "<html" not in body  # the partial alone
    assert "0 of 5" in body
    assert "Name what you will count or observe" in body
    assert "Write why this matters to you" in body
    assert "Pick a date to reach it by" in body


def test_the_live_check_ticks_every_criterion_of_a_good_goal(cast: Cast) -> None:
    fields = {key: str(value) for key, value in good_fields().items()}
    body = client_of(cast.report).post(reverse("goals:check"), fields).content.decode()
    assert "5 of 5" in body and body.count("✓") == 5


def test_the_live_check_treats_a_half_typed_number_as_missing(cast: Cast) -> None:
    fields = {**{k: str(v) for k, v in good_fields().items()}, "target": "2,5x"}
    body = client_of(cast.report).post(reverse("goals:check"), fields).content.decode()
    assert "Give the target value" in body


def test_the_guided_form_checks_live_and_proposes_a_draft(cast: Cast) -> None:
    client = client_of(cast.manager)
    url = reverse("goals:new") + f"?one_on_one={cast.one_on_one.uuid}"
    form = client.get(url).content.decode()
    assert f'hx-post="{reverse("goals:check")}"' in form
    assert 'hx-trigger="input changed delay:400ms"' in form and 'hx-target="#smart-check"' in form
    for heading in ("Specific", "Measurable", "Attainable and realistic", "Relevant", "Time-bound"):
        assert heading in form
    fields = {key: str(value) for key, value in good_fields().items()}
    answer = client.post(url, fields)
    goal = Goal.objects.get()
    assert answer.status_code == 302 and answer["Location"].endswith(f"/goals/{goal.uuid}/")
    assert goal.owner == cast.report and goal.status == Status.DRAFT
    assert goal.baseline == Decimal(0) and goal.target == Decimal(2)


def test_the_form_refuses_a_goal_without_a_title(cast: Cast) -> None:
    url = reverse("goals:new") + f"?one_on_one={cast.one_on_one.uuid}"
    answer = client_of(cast.report).post(url, {"kind": "work", "why": WHY})
    assert answer.status_code == 200 and not Goal.objects.exists()


def test_the_other_person_agrees_on_the_goal_page_and_it_becomes_active(cast: Cast) -> None:
    goal = goal_propose(one_on_one=cast.one_on_one, by=cast.report, **good_fields())
    page = client_of(cast.manager).get(reverse("goals:detail", args=[goal.uuid])).content.decode()
    assert reverse("goals:agree", args=[goal.uuid]) in page
    report_page = client_of(cast.report).get(reverse("goals:detail", args=[goal.uuid]))
    assert reverse("goals:agree", args=[goal.uuid]) not in report_page.content.decode()
    client_of(cast.manager).post(reverse("goals:agree", args=[goal.uuid]))
    goal.refresh_from_db()
    assert goal.status == Status.ACTIVE


def test_agreeing_to_a_goal_without_a_why_explains_what_is_missing(cast: Cast) -> None:
    goal = goal_propose(one_on_one=cast.one_on_one, by=cast.report, **good_fields(why=""))
    client = client_of(cast.manager)
    page = client.post(reverse("goals:agree", args=[goal.uuid]), follow=True).content.decode()
    assert "Write why this goal matters" in page
    goal.refresh_from_db()
    assert goal.status == Status.DRAFT


def test_achieving_a_goal_is_celebrated_and_prompts_the_next(cast: Cast) -> None:
    goal = active_goal(cast)
    page = client_of(cast.report).post(
        reverse("goals:close", args=[goal.uuid]),
        {"outcome": "achieved", "reflection": "Practising with the team made the difference."},
        follow=True,
    )
    body = page.content.decode()
    assert 'class="goal-celebrate"' in body and "Achieved!" in body
    assert "Practising with the team" in body
    assert with_text(TalkingPoint.objects.filter(one_on_one=cast.one_on_one), NEXT_GOAL_PROMPT)


def test_closing_without_a_reflection_changes_nothing(cast: Cast) -> None:
    goal = active_goal(cast)
    client_of(cast.report).post(reverse("goals:close", args=[goal.uuid]), {"outcome": "dropped"})
    goal.refresh_from_db()
    assert goal.status == Status.ACTIVE


def test_an_agreed_goal_can_no_longer_be_edited(cast: Cast) -> None:
    goal = active_goal(cast)
    answer = client_of(cast.report).get(reverse("goals:edit", args=[goal.uuid]))
    assert answer.status_code == 302


def test_the_report_brings_an_earlier_goal_to_the_new_manager(cast: Cast) -> None:
    goal = active_goal(cast)
    person_change_manager(person=cast.report, new_manager=cast.peer_manager, by=cast.admin)
    new_pair = one_on_one_set_up(
        manager=cast.peer_manager,
        report=cast.report,
        rule=Rule("weekly", 2, time(11, 0), 30, timezone.localdate()),
        by=cast.peer_manager,
        confirmed_out_of_hours=True,
    )
    url = reverse("goals:detail", args=[goal.uuid])
    assert client_of(cast.peer_manager).get(url).status_code == 404
    assert client_of(cast.manager).get(url).status_code == 404  # the old manager lost it
    page = client_of(cast.report).get(url).content.decode()
    assert reverse("goals:move", args=[goal.uuid]) in page
    client_of(cast.report).post(reverse("goals:move", args=[goal.uuid]))
    goal.refresh_from_db()
    assert goal.one_on_one == new_pair
    assert client_of(cast.peer_manager).get(url).status_code == 200


def test_the_pair_page_and_the_navigation_link_to_goals(cast: Cast) -> None:
    page = client_of(cast.report).get(reverse("meetings:one_on_one", args=[cast.one_on_one.uuid]))
    body = page.content.decode()
    assert reverse("goals:new") + f"?one_on_one={cast.one_on_one.uuid}" in body
    assert f'href="{reverse("goals:mine")}"' in body


# --- The team page ---------------------------------------------------------------------------


def test_the_team_page_shows_each_report_with_stalled_and_due_soon_goals(cast: Cast) -> None:
    today = timezone.localdate()
    soon = active_goal(cast, title="Ship the search rewrite", due_on=today + timedelta(days=10))
    stalled = active_goal(cast, title="Mentor two juniors")
    Goal.objects.filter(pk=stalled.pk).update(
        manager_agreed_at=timezone.now() - timedelta(days=40),
        report_agreed_at=timezone.now() - timedelta(days=40),
        created_at=timezone.now() - timedelta(days=40),
    )
    body = client_of(cast.manager).get(reverse("goals:team")).content.decode()
    assert "Rui Report" in body and "Rosa Report" in body
    assert "Ship the search rewrite" in body and "due soon" in body
    assert "stalled" in body
    row = next(r for r in team_goals(cast.manager, today=today) if r.report == cast.report)
    glances = {glance.goal.pk: glance for glance in row.open_goals}
    assert glances[soon.pk].due_soon and glances[soon.pk].on_track
    assert glances[stalled.pk].stalled and not glances[stalled.pk].on_track


@pytest.mark.parametrize("role", ["report", "hr", "admin", "outsider"])
def test_someone_who_leads_nobody_gets_an_empty_team_page(cast: Cast, role: str) -> None:
    active_goal(cast)
    body = client_of(getattr(cast, role)).get(reverse("goals:team")).content.decode()
    assert "No team goals" in body and "Give two conference talks" not in body


def grow(manager: Person, size: int, *, first: int = 0) -> None:
    for index in range(first, first + size):
        report = Person.objects.create_user(
            f"grown.{index}@example.com", None, name=f"Grown Report {index:02d}", manager=manager
        )
        pair = one_on_one_set_up(
            manager=manager,
            report=report,
            rule=Rule("weekly", 3, time(9), 30, timezone.localdate()),
            by=manager,
            confirmed_out_of_hours=True,
        )
        add_goals(pair, manager)


def add_goals(pair: OneOnOne, manager: Person) -> None:
    for number in range(3):
        goal = goal_propose(
            one_on_one=pair, by=manager, **good_fields(title=f"Goal number {number} of the pair")
        )
        goal_agree(goal=goal, by=pair.report)
        GoalUpdate.objects.create(goal=goal, by=pair.report, value=Decimal(number))


def test_the_team_page_makes_the_same_queries_for_a_team_of_3_or_30(cast: Cast) -> None:
    add_goals(cast.one_on_one, cast.manager)
    grow(cast.manager, 1)  # with Rui and Rosa: a team of 3
    client = client_of(cast.manager)
    assert_queries_do_not_grow(
        lambda: count_queries(lambda: client.get(reverse("goals:team"))),
        lambda: grow(cast.manager, 27, first=1),
        # Person, the navigation's "leads anyone?", then the pairs, the reports, and one query
        # for every goal of the team with its last update and obstacle, then the stall rule's
        # held meetings (one). The session comes from the shared cache (in tests the process's
        # memory).
        pinned=6,
    )


def test_a_draft_can_only_be_dropped_from_its_page(cast: Cast) -> None:
    goal = goal_propose(one_on_one=cast.one_on_one, by=cast.report, **good_fields())
    page = client_of(cast.report).get(reverse("goals:detail", args=[goal.uuid])).content.decode()
    assert 'value="dropped"' in page and 'value="achieved"' not in page
    assert "from 0 to 2 talks" in page
