"""Recording progress on a goal, actions tied to it, stalled goals, and its progress chart."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.access import Refused
from rapport.goals.charts import ValuePoint, on_track, progress_chart
from rapport.goals.models import Goal, GoalUpdate, Status
from rapport.goals.presentation import progress_panel_for
from rapport.goals.selectors import stall_reasons, stalled_goals
from rapport.goals.services import action_add_for_goal, goal_record_progress, goal_tie_action
from rapport.meetings.models import Meeting, OneOnOne
from rapport.meetings.services import Rule, action_add, one_on_one_set_up
from tests.cast import PASSWORD, Cast
from tests.helpers.queries import assert_queries_do_not_grow, count_queries

TODAY = date(2026, 6, 1)


def active_goal(one_on_one: OneOnOne, **fields: Any) -> Goal:
    agreed = timezone.now() - timedelta(days=1)
    values: dict[str, Any] = {
        "one_on_one": one_on_one,
        "owner": one_on_one.report,
        "proposed_by": one_on_one.report,
        "title": "Cut review turnaround",
        "why": "Waiting for reviews drains the team.",
        "metric": "median review wait",
        "unit": "hours",
        "baseline": Decimal(0),
        "target": Decimal(10),
        "current": Decimal(0),
        "due_on": timezone.localdate() + timedelta(days=60),
        "status": Status.ACTIVE,
        "manager_agreed_at": agreed,
        "report_agreed_at": agreed,
        **fields,
    }
    return Goal.objects.create(**values)


def held_meeting(one_on_one: OneOnOne, when: datetime) -> Meeting:
    return Meeting.objects.create(
        one_on_one=one_on_one, slot=when, scheduled_for=when, status=Meeting.Status.HELD
    )


def at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


# --- Recording progress ----------------------------------------------------------------------


def test_recording_progress_moves_the_goals_current_value_and_confidence(cast: Cast) -> None:
    goal = active_goal(cast.one_on_one)
    update = goal_record_progress(
        goal=goal, by=cast.report, meeting=cast.meeting, value=Decimal("4.5"), confidence=7
    )
    goal.refresh_from_db()
    assert (goal.current, goal.confidence) == (Decimal("4.5"), 7)
    assert (update.by, update.meeting) == (cast.report, cast.meeting)


def test_the_manager_can_record_progress_too_and_a_note_alone_keeps_the_value(cast: Cast) -> None:
    goal = active_goal(cast.one_on_one, current=Decimal(3), confidence=6)
    goal_record_progress(goal=goal, by=cast.manager, note="Talked it through")
    goal.refresh_from_db()
    assert (goal.current, goal.confidence) == (Decimal(3), 6)
    assert goal.updates.get().note == "Talked it through"


@pytest.mark.parametrize("status", [Status.DRAFT, Status.ACHIEVED, Status.DROPPED])
def test_progress_is_recorded_on_active_goals_only(cast: Cast, status: str) -> None:
    closed_at = None if status == Status.DRAFT else timezone.now()
    goal = active_goal(cast.one_on_one, status=status, closed_at=closed_at)
    with pytest.raises(ValidationError):
        goal_record_progress(goal=goal, by=cast.report, value=Decimal(1))
    assert not GoalUpdate.objects.exists()


@pytest.mark.parametrize("role", ["peer_manager", "skip_level", "hr", "admin", "outsider"])
def test_nobody_outside_the_pair_can_record_progress(cast: Cast, role: str) -> None:
    goal = active_goal(cast.one_on_one)
    with pytest.raises(Refused):
        goal_record_progress(goal=goal, by=getattr(cast, role), value=Decimal(1))


@pytest.mark.parametrize("confidence", [0, 11])
def test_a_confidence_outside_one_to_ten_is_refused(cast: Cast, confidence: int) -> None:
    goal = active_goal(cast.one_on_one)
    with pytest.raises(ValidationError):
        goal_record_progress(goal=goal, by=cast.report, confidence=confidence)


def test_an_empty_update_is_refused(cast: Cast) -> None:
    with pytest.raises(ValidationError):
        goal_record_progress(goal=active_goal(cast.one_on_one), by=cast.report, obstacle="  ")


# --- Actions tied to a goal ------------------------------------------------------------------


def test_an_action_added_for_a_goal_is_tied_to_it(cast: Cast) -> None:
    goal = active_goal(cast.one_on_one)
    action = action_add_for_goal(
        goal=goal,
        meeting=cast.meeting,
        owner=cast.report,
        text="Pair on two reviews a day",
        due_on=None,
        by=cast.manager,
    )
    assert list(goal.actions.all()) == [action]
    assert action.created_in == cast.meeting


def test_an_action_cannot_be_tied_to_a_goal_of_another_pair(cast: Cast) -> None:
    rule = Rule("weekly", 2, time(9), 30, timezone.localdate())
    other = one_on_one_set_up(
        manager=cast.peer_manager,
        report=cast.peer_report,
        rule=rule,
        by=cast.peer_manager,
        confirmed_out_of_hours=True,
    )
    action = action_add(
        one_on_one=cast.one_on_one,
        meeting=None,
        owner=cast.report,
        text="Write it down",
        due_on=None,
        by=cast.report,
    )
    with pytest.raises(ValidationError):
        goal_tie_action(goal=active_goal(other), action=action, by=cast.report)
    with pytest.raises(Refused):
        goal_tie_action(goal=active_goal(cast.one_on_one), action=action, by=cast.outsider)


# --- Stalled goals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_since_update", "meetings_since", "stalled"),
    [
        (27, 0, False),
        (28, 0, True),
        (29, 0, True),
        (1, 2, False),
        (1, 3, True),
    ],
)
def test_a_goal_stalls_after_four_weeks_or_three_held_meetings_without_progress(
    days_since_update: int, meetings_since: int, stalled: bool
) -> None:
    goal = Goal(status=Status.ACTIVE, created_at=at(TODAY - timedelta(days=100)))
    updates = [at(TODAY - timedelta(days=90)), at(TODAY - timedelta(days=days_since_update))]
    assert (
        goal.is_stalled(updates_at=updates, meetings_since_last_update=meetings_since, today=TODAY)
        is stalled
    )


@pytest.mark.parametrize(("days_active", "stalled"), [(27, False), (29, True)])
def test_a_goal_without_updates_counts_from_when_it_became_active(
    days_active: int, stalled: bool
) -> None:
    agreed = at(TODAY - timedelta(days=days_active))
    goal = Goal(
        status=Status.ACTIVE,
        created_at=at(TODAY - timedelta(days=200)),
        manager_agreed_at=agreed - timedelta(days=3),
        report_agreed_at=agreed,
    )
    assert goal.is_stalled(updates_at=[], meetings_since_last_update=0, today=TODAY) is stalled


@pytest.mark.parametrize("status", [Status.ACHIEVED, Status.DROPPED, Status.DRAFT])
def test_a_goal_that_is_not_active_is_never_stalled(status: str) -> None:
    goal = Goal(status=status, created_at=at(TODAY - timedelta(days=400)))
    assert not goal.is_stalled(updates_at=[], meetings_since_last_update=9, today=TODAY)


def test_stalled_goals_finds_goals_idle_in_time_or_in_meetings(cast: Cast) -> None:
    now = timezone.now()
    fresh = active_goal(cast.one_on_one, title="Fresh")
    idle = active_goal(cast.one_on_one, title="Idle for weeks")
    talked_past = active_goal(cast.one_on_one, title="Three meetings without a word")
    GoalUpdate.objects.create(goal=fresh, by=cast.report, value=1, created_at=now)
    GoalUpdate.objects.create(
        goal=idle, by=cast.report, value=1, created_at=now - timedelta(days=30)
    )
    GoalUpdate.objects.create(
        goal=talked_past, by=cast.report, value=1, created_at=now - timedelta(days=20)
    )
    for days_ago in (15, 8, 1):
        held_meeting(cast.one_on_one, now - timedelta(days=days_ago))
    reasons = stall_reasons(OneOnOne.objects.all(), now=now)
    assert set(reasons) == {idle.pk, talked_past.pk}
    assert "30 days" in reasons[idle.pk]
    assert "3 held meetings" in reasons[talked_past.pk]
    assert stalled_goals([cast.one_on_one], now=now) == {idle.pk, talked_past.pk}


def test_stalled_goals_reads_the_same_few_queries_for_three_goals_or_thirty(cast: Cast) -> None:
    now = timezone.now()

    def add_goals(count: int) -> None:
        for index in range(count):
            goal = active_goal(cast.one_on_one, title=f"Goal {index}")
            GoalUpdate.objects.create(
                goal=goal, by=cast.report, value=index, created_at=now - timedelta(days=index)
            )
            held_meeting(cast.one_on_one, now - timedelta(days=index, minutes=goal.pk))

    add_goals(3)
    assert_queries_do_not_grow(
        lambda: count_queries(lambda: stalled_goals(OneOnOne.objects.all(), now=now)),
        lambda: add_goals(27),
        pinned=2,
    )


# --- The panel and the view ------------------------------------------------------------------


def test_the_panel_shows_the_latest_obstacle_and_a_form_to_the_pair_only(cast: Cast) -> None:
    goal = active_goal(cast.one_on_one)
    goal_record_progress(goal=goal, by=cast.report, value=Decimal(2), obstacle="No reviewers")
    panel = progress_panel_for(cast.manager, goal)
    assert panel is not None
    assert panel.open_obstacle == "No reviewers"
    assert panel.form is not None and panel.can_record
    assert "<svg" in panel.chart
    assert progress_panel_for(cast.outsider, goal) is None
    assert progress_panel_for(cast.hr, goal) is None


def test_a_stalled_goal_panel_says_why(cast: Cast) -> None:
    agreed = timezone.now() - timedelta(days=40)
    goal = active_goal(cast.one_on_one, manager_agreed_at=agreed, report_agreed_at=agreed)
    panel = progress_panel_for(cast.report, goal)
    assert panel is not None and panel.is_stalled
    assert "40 days" in (panel.stalled_reason or "")


def signed_in(cast: Cast, role: str) -> Client:
    client = Client()
    assert client.login(email=getattr(cast, role).email, password=PASSWORD)
    return client


def test_an_htmx_post_records_progress_and_answers_with_the_refreshed_panel(cast: Cast) -> None:
    goal = active_goal(cast.one_on_one)
    url = reverse("goals:progress", args=[goal.uuid])
    response = signed_in(cast, "report").post(
        url,
        {
            "value": "6",
            "confidence": "8",
            "obstacle": "Flaky CI",
            "meeting": str(cast.meeting.uuid),
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="goal-progress"' in body and "Flaky CI" in body
    assert "Coaching questions appear in meeting mode" in body
    update = goal.updates.get()
    assert (update.value, update.confidence, update.meeting) == (Decimal(6), 8, cast.meeting)


def test_a_plain_post_redirects_to_the_goal_and_outsiders_get_a_404(cast: Cast) -> None:
    goal = active_goal(cast.one_on_one)
    url = reverse("goals:progress", args=[goal.uuid])
    response = signed_in(cast, "manager").post(url, {"note": "Good week"})
    assert response.status_code == 302
    assert response["Location"] == reverse("goals:detail", args=[goal.uuid])
    assert signed_in(cast, "outsider").post(url, {"note": "x"}).status_code == 404
    assert signed_in(cast, "report").get(url).status_code == 405
    assert goal.updates.count() == 1


def test_an_invalid_htmx_post_shows_the_form_again_with_its_error(cast: Cast) -> None:
    goal = active_goal(cast.one_on_one)
    url = reverse("goals:progress", args=[goal.uuid])
    response = signed_in(cast, "report").post(
        url, {"confidence": "12"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert '<details class="gp-record" open>' in response.content.decode()
    assert not goal.updates.exists()


# --- The chart -------------------------------------------------------------------------------

START, DUE = date(2026, 1, 1), date(2026, 5, 1)  # 120 days


@pytest.mark.parametrize(
    ("baseline", "target", "current", "today", "expected"),
    [
        (0, 100, 50, date(2026, 3, 2), True),  # halfway through, halfway there
        (0, 100, 40, date(2026, 3, 2), False),
        (0, 100, 100, date(2026, 2, 1), True),
        (0, 100, 0, START, True),  # nothing is expected on day one
        (0, 100, 99, date(2026, 6, 1), False),  # past due and short of the target
        (50, 10, 30, date(2026, 3, 2), True),  # a goal that goes down
        (50, 10, 35, date(2026, 3, 2), False),
        (10, 10, 10, date(2026, 3, 2), None),  # no distance to cover
    ],
)
def test_on_track_compares_the_current_value_with_a_steady_pace(
    baseline: int, target: int, current: int, today: date, expected: bool | None
) -> None:
    got = on_track(Decimal(baseline), Decimal(target), Decimal(current), START, DUE, today)
    assert got is expected


def test_on_track_cannot_tell_without_a_due_date_or_numbers() -> None:
    assert on_track(Decimal(0), Decimal(10), Decimal(5), START, None, START) is None
    assert on_track(None, Decimal(10), Decimal(5), START, DUE, START) is None
    assert on_track(Decimal(0), Decimal(10), Decimal(5), DUE, START, START) is None


def chart(**overrides: Any) -> str:
    values: dict[str, Any] = {
        "title": "Cut review <wait>",
        "unit": "reviews",
        "baseline": Decimal("2.00"),
        "target": Decimal("10.00"),
        "start": START,
        "due": DUE,
        "values": [
            ValuePoint(date(2026, 2, 1), Decimal("4.50")),
            ValuePoint(date(2026, 3, 2), Decimal("7.00")),
        ],
        "today": date(2026, 3, 2),
        **overrides,
    }
    return str(progress_chart(**values))


def test_the_chart_is_an_accessible_svg_with_the_figures_in_its_label() -> None:
    figure = ET.fromstring(chart())
    svg = figure.find("svg")
    assert svg is not None
    assert svg.get("role") == "img"
    label = svg.get("aria-label") or ""
    for words in ("baseline 2 reviews", "latest 7 reviews", "target 10 reviews", "1 May 2026"):
        assert words in label
    assert "at or ahead of the steady pace" in label
    assert svg.findtext("title") == "Progress on “Cut review <wait>”"
    assert svg.find("path") is not None
    assert len(svg.findall("circle")) == 3  # the baseline and two updates
    assert {"gp-target", "gp-due", "gp-ideal"} <= {
        line.get("class") for line in svg.findall("line")
    }


def test_the_chart_says_when_a_goal_is_behind_and_never_uses_inline_style() -> None:
    text = chart(values=[ValuePoint(date(2026, 3, 2), Decimal(3))])
    assert "behind the steady pace" in text
    assert "style=" not in text
    assert "is-behind" in text


def test_the_chart_escapes_the_goal_title() -> None:
    assert "<wait>" not in chart()


def test_a_goal_without_numbers_has_no_chart() -> None:
    assert chart(baseline=None, values=[]) == ""


def test_a_goal_without_target_or_due_date_still_draws_its_values() -> None:
    svg = ET.fromstring(chart(target=None, due=None)).find("svg")
    assert svg is not None
    assert "no due date" in (svg.get("aria-label") or "")
    assert not {"gp-target", "gp-due", "gp-ideal"} & {
        line.get("class") for line in svg.findall("line")
    }
