"""The manager's team view: one screen for the whole team, signals with their evidence,
dismissing one, the manager's load, and the same handful of queries for 3 reports or 30."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings

from rapport.checkins.models import CheckIn
from rapport.goals.services import goal_agree, goal_propose
from rapport.insights.models import SignalDismissal
from rapport.insights.rules import Rule
from rapport.insights.selectors import team_view
from rapport.meetings.models import ActionItem, Meeting, OneOnOne
from rapport.meetings.services import Rule as Rhythm
from rapport.meetings.services import one_on_one_set_up
from rapport.people.models import Person
from tests.cast import Cast
from tests.goals.test_lifecycle import active_goal, good_fields
from tests.helpers.queries import assert_queries_do_not_grow, count_queries

URL = "/insights/team/"


def client_of(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def overdue_actions(pair: OneOnOne, count: int = 4, *, days: int = 5) -> None:
    for number in range(count):
        ActionItem.objects.create(
            one_on_one=pair,
            owner=pair.report,
            created_by=pair.manager,
            text=f"Overdue thing {number}",
            due_on=timezone.localdate() - timedelta(days=days + number),
        )


def held_meetings(
    pair: OneOnOne, weeks: int, *, mood: int | None = 4, connection: int = 15
) -> list[Meeting]:
    """One held meeting a week for the last `weeks` weeks, each with a check-in (when `mood`
    is given) and measured time (connection minutes of 30)."""
    made = []
    for week in range(weeks, 0, -1):
        when = timezone.now() - timedelta(weeks=week)
        meeting = Meeting.objects.create(
            one_on_one=pair,
            slot=when,
            scheduled_for=when,
            status=Meeting.Status.HELD,
            connection_seconds=connection * 60,
            performance_seconds=(30 - connection) * 60,
        )
        if mood is not None:
            CheckIn.objects.create(
                meeting=meeting,
                one_on_one=pair,
                report=pair.report,
                mood=mood,
                energy=3,
                workload=3,
            )
        made.append(meeting)
    return made


def test_the_manager_sees_each_report_with_signals_and_their_evidence(cast: Cast) -> None:
    overdue_actions(cast.one_on_one)
    body = client_of(cast.manager).get(URL).content.decode()
    assert "Rui Report" in body and "Rosa Report" in body
    assert "4 actions overdue" in body and "Overdue thing 3" in body
    assert "No 1:1 set up yet" in body  # Rosa has no pair
    assert 'name="reason"' in body


def test_the_mood_sparkline_is_an_accessible_svg_without_inline_style(cast: Cast) -> None:
    held_meetings(cast.one_on_one, 4, mood=4)
    body = client_of(cast.manager).get(URL).content.decode()
    assert '<svg class="sparkline"' in body and 'role="img"' in body
    assert "Rui Report: mood trend" in body and "style=" not in body


@pytest.mark.parametrize("role", ["report", "peer_manager", "hr", "admin", "outsider"])
def test_nobody_else_sees_the_pairs_signals(cast: Cast, role: str) -> None:
    overdue_actions(cast.one_on_one)
    response = client_of(getattr(cast, role)).get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Overdue thing" not in body and "Rui Report" not in body


def test_someone_who_leads_nobody_gets_an_empty_state(cast: Cast) -> None:
    body = client_of(cast.outsider).get(URL).content.decode()
    assert "Nobody reports to you" in body


def dismiss(client: Client, cast: Cast, reason: str, *, htmx: bool = False) -> Any:
    signal = next(
        s
        for s in team_view(cast.manager, one_on_one=cast.one_on_one).members[0].signals
        if s.rule == Rule.OVERDUE_ACTIONS
    )
    return client.post(
        reverse("insights:signal_dismiss", args=[cast.one_on_one.uuid]),
        {"rule": signal.rule.value, "since": signal.since.isoformat(), "reason": reason},
        headers={"HX-Request": "true"} if htmx else {},
    )


def test_a_dismissed_signal_stays_hidden_until_it_starts_again(cast: Cast) -> None:
    overdue_actions(cast.one_on_one)
    client = client_of(cast.manager)
    response = dismiss(client, cast, "Rui is on holiday, we agreed new dates")
    assert response.status_code == 302
    body = client.get(URL).content.decode()
    assert "4 actions overdue" not in body and "1 signal dismissed" in body
    record = SignalDismissal.objects.get()
    assert record.dismissed_by == cast.manager and record.reason.startswith("Rui is on")
    # A fifth action falling overdue does not start a new run: four were overdue already.
    overdue_actions(cast.one_on_one, 1, days=1)
    assert "actions overdue" not in client.get(URL).content.decode()
    # All done, then four new ones overdue: a new occurrence shows again.
    ActionItem.objects.update(done_at=timezone.now())
    overdue_actions(cast.one_on_one, 4, days=1)
    assert "4 actions overdue" in client.get(URL).content.decode()


def test_dismissing_with_htmx_answers_with_the_pairs_signals(cast: Cast) -> None:
    overdue_actions(cast.one_on_one)
    response = dismiss(client_of(cast.manager), cast, "Talked it over", htmx=True)
    body = response.content.decode()
    assert f'id="signals-{cast.one_on_one.uuid}"' in body
    assert "actions overdue" not in body and "1 signal dismissed" in body
    assert "<html" not in body


def test_an_empty_reason_is_refused_with_a_clear_error(cast: Cast) -> None:
    overdue_actions(cast.one_on_one)
    client = client_of(cast.manager)
    body = dismiss(client, cast, "   ", htmx=True).content.decode()
    assert "Give a reason" in body and "4 actions overdue" in body
    assert not SignalDismissal.objects.exists()
    response = dismiss(client, cast, "")
    assert response.status_code == 302
    assert "Give a reason" in client.get(URL).content.decode()


@pytest.mark.parametrize(
    "role", ["report", "peer_manager", "skip_level", "hr", "admin", "outsider"]
)
def test_only_the_pairs_manager_may_dismiss_its_signals(cast: Cast, role: str) -> None:
    overdue_actions(cast.one_on_one)
    response = dismiss(client_of(getattr(cast, role)), cast, "Not mine to say")
    assert response.status_code == 404
    assert not SignalDismissal.objects.exists()


def test_sorting_and_filtering_are_validated_and_answer_htmx_with_the_rows(cast: Cast) -> None:
    overdue_actions(cast.one_on_one)
    client = client_of(cast.manager)
    body = client.get(URL, {"show": "signals"}).content.decode()
    assert "Rui Report" in body and "Rosa Report" not in body
    body = client.get(URL, {"sort": "signals; DROP TABLE", "show": "nonsense"}).content.decode()
    assert body.index("Rosa Report") < body.index("Rui Report")  # fell back to by name
    body = client.get(URL, {"sort": "signals"}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in body and 'id="team-rows"' in body
    assert body.index("Rui Report") < body.index("Rosa Report")


def test_a_heavy_load_suggests_steady_pairs_for_every_two_weeks(
    cast: Cast, settings: Settings
) -> None:
    settings.RAPPORT_SIGNALS = {**settings.RAPPORT_SIGNALS, "WORK_WEEK_HOURS": 1}
    held_meetings(cast.one_on_one, 8, mood=4, connection=15)
    ActionItem.objects.update(done_at=timezone.now())
    active_goal(cast)
    body = client_of(cast.manager).get(URL).content.decode()
    assert "1:1s take more than 25% of your week" in body
    assert reverse("meetings:one_on_one_edit", args=[cast.one_on_one.uuid]) in body
    assert "Change rhythm" in body


def test_the_team_link_shows_in_the_navigation_for_managers_only(cast: Cast) -> None:
    assert f'href="{URL}"' in client_of(cast.manager).get("/").content.decode()
    assert f'href="{URL}"' not in client_of(cast.report).get("/").content.decode()


def grow(manager: Person, size: int, *, first: int = 0) -> None:
    """Reports with history: held meetings with check-ins and time, overdue actions, goals."""
    for index in range(first, first + size):
        report = Person.objects.create_user(
            f"grown.{index}@example.com", None, name=f"Grown Report {index:02d}", manager=manager
        )
        pair = one_on_one_set_up(
            manager=manager,
            report=report,
            rule=Rhythm("weekly", 3, time(9), 30, timezone.localdate()),
            by=manager,
            confirmed_out_of_hours=True,
        )
        held_meetings(pair, 5, mood=2 + index % 3, connection=5)
        overdue_actions(pair)
        goal = goal_propose(one_on_one=pair, by=manager, **good_fields())
        goal_agree(goal=goal, by=report)


def test_the_page_makes_the_same_queries_for_a_team_of_3_or_30(cast: Cast) -> None:
    grow(cast.manager, 1)  # with Rui and Rosa: a team of 3
    held_meetings(cast.one_on_one, 6)
    client = client_of(cast.manager)
    assert_queries_do_not_grow(
        lambda: count_queries(lambda: client.get(URL)),
        lambda: grow(cast.manager, 27, first=1),
        # Person, the navigation's "leads anyone?"; the pairs and the reports; meeting facts
        # (last, next, held lately); held meetings with their split and check-in; the check-ins;
        # open actions; the open goals; the stall rule's held meetings; dismissals. The session
        # comes from the shared cache (in tests the process's memory).
        pinned=10,
    )
