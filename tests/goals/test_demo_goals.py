"""The demo's goals: the team of 30 with goals in every state, personal and work, some stalled,
some achieved with the next goal already set, and the pairs between goals prompted to define
the next one (rapport/goals/demo.py)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F, QuerySet
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapport.goals.charts import on_track
from rapport.goals.demo import GoalsSummary, demo_goals_create
from rapport.goals.models import STALL_AFTER, Goal, GoalUpdate, Kind, Status
from rapport.goals.selectors import stalled_goals
from rapport.goals.services import NEXT_GOAL_PROMPT
from rapport.meetings.demo import demo_history_create
from rapport.meetings.models import ActionItem, Meeting, OneOnOne, TalkingPoint
from rapport.people.demo import DemoOrganisation, demo_organisation_create
from tests.goals.test_goal_pages import client_of

# Builds the demo organisation and a year of history first: not part of the fast tier.
pytestmark = pytest.mark.slow

TODAY = date(2026, 3, 2)
CUTOFF = datetime.combine(TODAY, time(), tzinfo=UTC)


def fingerprint() -> tuple[list[tuple[object, ...]], ...]:
    """The demo's goals as a person reads them (not row ids), to compare two builds."""
    goals = Goal.objects.order_by("owner__email", "created_at").values_list(
        "owner__email",
        "proposed_by__email",
        "kind",
        "is_stretch",
        "title",
        "status",
        "current",
        "confidence",
        "due_on",
        "manager_agreed_at",
        "report_agreed_at",
        "reflection",
        "closed_at",
        "created_at",
    )
    updates = GoalUpdate.objects.order_by("goal__owner__email", "created_at").values_list(
        "goal__title", "meeting__slot", "by__email", "value", "confidence", "obstacle", "note"
    )
    actions = (
        ActionItem.objects.exclude(goal=None)
        .order_by("created_at")
        .values_list("goal__title", "owner__email", "text", "due_on", "done_at")
    )
    prompts = TalkingPoint.objects.filter(text=NEXT_GOAL_PROMPT).order_by(
        "one_on_one__report__email", "created_at"
    )
    return (
        list(goals),
        list(updates),
        list(actions),
        list(prompts.values_list("one_on_one__report__email", "created_at", "discussed_at")),
    )


class TestTheDemoGoals(TestCase):
    demo: DemoOrganisation
    summary: GoalsSummary

    @classmethod
    def setUpTestData(cls) -> None:
        cls.demo = demo_organisation_create(today=TODAY)
        demo_history_create(people=cls.demo, today=TODAY)
        cls.summary = demo_goals_create(one_on_ones=cls.mayas(), today=TODAY)

    @classmethod
    def mayas(cls) -> QuerySet[OneOnOne]:
        return OneOnOne.objects.filter(
            manager=cls.demo.manager, status=OneOnOne.Status.ACTIVE
        ).select_related("manager", "report")

    def test_goals_come_in_every_status_and_kind_and_only_in_the_big_team(self) -> None:
        goals = Goal.objects.all()
        assert set(goals.values_list("status", flat=True)) == set(Status.values)
        assert set(goals.values_list("kind", flat=True)) == set(Kind.values)
        assert 2 <= goals.filter(is_stretch=True).count() <= 8
        assert set(goals.values_list("one_on_one__manager", flat=True)) == {self.demo.manager.pk}
        titles = list(goals.values_list("title", flat=True))
        assert len(set(titles)) == len(titles), "each goal reads as its own"

    def test_most_pairs_work_on_one_or_two_active_goals_with_progress_from_held_meetings(
        self,
    ) -> None:
        active = Counter(
            Goal.objects.filter(status=Status.ACTIVE).values_list("one_on_one", flat=True)
        )
        assert sum(1 <= active[pair.pk] <= 2 for pair in self.mayas()) >= 24
        assert max(active.values()) <= 2
        updates = GoalUpdate.objects.select_related("goal", "meeting")
        assert updates.count() > 200
        for update in updates:
            meeting = update.meeting
            assert meeting is not None and meeting.status == Meeting.Status.HELD
            assert meeting.one_on_one_id == update.goal.one_on_one_id
            assert meeting.scheduled_for <= update.created_at < CUTOFF
            assert update.by_id in (self.demo.manager.pk, update.goal.owner_id)
            assert update.created_at >= update.goal.started_at
        assert updates.exclude(obstacle="").count() >= 10
        assert updates.exclude(note="").count() >= 50

    def test_active_goals_move_from_baseline_toward_target_and_keep_the_latest_value(
        self,
    ) -> None:
        for goal in Goal.objects.filter(status=Status.ACTIVE).prefetch_related("updates"):
            updates = list(goal.updates.all())
            values = [u.value for u in updates if u.value is not None]
            if not values:
                continue
            assert goal.baseline is not None and goal.target is not None
            assert (goal.current, goal.confidence) == (values[-1], updates[-1].confidence)
            span = abs(goal.target - goal.baseline)
            assert abs(goal.target - values[-1]) <= span, goal
            assert values[-1] != goal.target, "an active goal has not reached its target"
            if len(values) >= 4:
                assert abs(goal.target - values[-1]) < span, goal

    def test_a_few_goals_have_stalled_for_over_five_weeks(self) -> None:
        stalled = stalled_goals(self.mayas(), now=CUTOFF)
        assert 2 <= len(stalled) <= 5
        assert self.summary.stalled == len(stalled)
        for goal in Goal.objects.filter(pk__in=stalled):
            last = goal.updates.order_by("created_at").last()
            since = last.created_at if last else goal.started_at
            assert CUTOFF - since > timedelta(weeks=5), goal
        # Every other active goal was talked about recently.
        for goal in Goal.objects.filter(status=Status.ACTIVE).exclude(pk__in=stalled):
            last = goal.updates.order_by("created_at").last()
            since = last.created_at if last else goal.started_at
            assert CUTOFF - since < STALL_AFTER, goal

    def test_achieved_goals_have_a_reflection_and_several_a_next_goal_set_after_them(
        self,
    ) -> None:
        achieved = Goal.objects.filter(status=Status.ACHIEVED)
        assert achieved.count() >= 4
        followed = 0
        for goal in achieved:
            assert goal.reflection.strip() and goal.closed_at is not None
            assert goal.closed_at < CUTOFF
            assert goal.current == goal.target
            later = Goal.objects.filter(
                one_on_one=goal.one_on_one,
                created_at__gt=goal.closed_at,
                status__in=(Status.ACTIVE, Status.DRAFT),
            )
            followed += later.exists()
            if later.exists():
                # "Define the next goal" came up when it closed and was discussed since.
                assert TalkingPoint.objects.filter(
                    one_on_one=goal.one_on_one,
                    text=NEXT_GOAL_PROMPT,
                    created_at=goal.closed_at,
                    discussed_in__isnull=False,
                ).exists()
        assert followed >= 2

    def test_a_couple_of_goals_were_dropped_with_a_reflection(self) -> None:
        dropped = Goal.objects.filter(status=Status.DROPPED)
        assert 2 <= dropped.count() <= 5
        for goal in dropped:
            assert goal.reflection.strip() and goal.closed_at is not None
            assert goal.closed_at < CUTOFF

    def test_drafts_include_one_waiting_for_the_manager_and_deliberately_vague_ones(
        self,
    ) -> None:
        drafts = Goal.objects.filter(status=Status.DRAFT).select_related("one_on_one")
        assert drafts.count() >= 3
        waiting = drafts.filter(manager_agreed_at=None, proposed_by=F("owner"))
        assert waiting.exclude(report_agreed_at=None).exists()
        for goal in drafts:
            # A draft has only its proposer's agreement.
            assert (goal.manager_agreed_at is None) != (goal.report_agreed_at is None)
        vague = [goal for goal in drafts if not goal.smart(TODAY).met]
        assert 1 <= len(vague) <= 2
        assert any(c.hint for goal in vague for c in goal.smart(TODAY).criteria if not c.met)

    def test_active_and_achieved_goals_pass_the_smart_check(self) -> None:
        for goal in Goal.objects.filter(status=Status.ACTIVE):
            assert goal.smart(TODAY).met, (goal, goal.smart(TODAY))
            assert goal.manager_agreed_at and goal.report_agreed_at
        # An achieved goal was SMART on the day it was set; its date has passed since.
        for goal in Goal.objects.filter(status=Status.ACHIEVED):
            assert goal.smart(goal.created_at.date()).met, goal

    def test_pairs_between_goals_have_the_next_goal_prompt_open(self) -> None:
        with_active = set(
            Goal.objects.filter(status=Status.ACTIVE).values_list("one_on_one", flat=True)
        )
        between = [pair for pair in self.mayas() if pair.pk not in with_active]
        assert 2 <= len(between) <= 3
        open_prompts = TalkingPoint.objects.filter(text=NEXT_GOAL_PROMPT, discussed_in=None)
        for pair in between:
            point = open_prompts.get(one_on_one=pair)
            assert point.author_id == pair.manager_id and point.created_at < CUTOFF
        assert open_prompts.count() == len(between)

    def test_a_handful_of_actions_move_active_goals_forward(self) -> None:
        actions = ActionItem.objects.exclude(goal=None).select_related("goal", "created_in")
        assert 5 <= actions.count() <= 15
        for action in actions:
            goal = action.goal
            assert goal is not None and goal.status == Status.ACTIVE
            assert action.one_on_one_id == goal.one_on_one_id
            assert action.owner_id in (goal.owner_id, self.demo.manager.pk)
            meeting = action.created_in
            assert meeting is not None and meeting.one_on_one_id == goal.one_on_one_id
            assert meeting.status == Meeting.Status.HELD
            assert action.due_on is not None and action.due_on > action.created_at.date()
            if action.done_at is not None:
                assert action.created_at < action.done_at < CUTOFF
        assert actions.filter(done_at=None).exists() and actions.exclude(done_at=None).exists()

    def test_the_first_report_has_a_rich_work_goal_worth_a_chart(self) -> None:
        goal = Goal.objects.get(owner=self.demo.report, status=Status.ACTIVE, kind=Kind.WORK)
        updates = list(goal.updates.all())
        assert len(updates) >= 12
        assert any(update.obstacle for update in updates)
        assert len({update.value for update in updates}) >= 8
        assert goal.actions.count() == 2
        start = goal.started_at.date()
        assert on_track(goal.baseline, goal.target, goal.current, start, goal.due_on, TODAY)
        # Their earlier goal was achieved, and this one set in the meeting after.
        assert Goal.objects.filter(
            owner=self.demo.report, status=Status.ACHIEVED, closed_at__lt=goal.created_at
        ).exists()

    def test_the_summary_counts_what_was_created(self) -> None:
        statuses = Counter(Goal.objects.values_list("status", flat=True))
        assert self.summary == GoalsSummary(
            active=statuses[Status.ACTIVE],
            drafts=statuses[Status.DRAFT],
            achieved=statuses[Status.ACHIEVED],
            dropped=statuses[Status.DROPPED],
            stalled=self.summary.stalled,
            updates=GoalUpdate.objects.count(),
            actions=ActionItem.objects.exclude(goal=None).count(),
        )
        assert str(self.summary).startswith(f"Goals: {self.summary.goals} goals (")

    def test_the_team_goals_page_shows_the_stalled_goals(self) -> None:
        stalled = Goal.objects.filter(pk__in=stalled_goals(self.mayas(), now=CUTOFF))
        with mock.patch("django.utils.timezone.now", return_value=CUTOFF + timedelta(hours=9)):
            page = client_of(self.demo.manager).get(reverse("goals:team"))
        assert page.status_code == 200
        body = page.content.decode()
        assert body.count('<span class="badge badge-danger">stalled</span>') == stalled.count()
        for goal in stalled:
            assert goal.title in body

    def test_reset_builds_the_same_goals_again_and_prints_them(self) -> None:
        # The determinism check rides on the reset, because each build takes seconds.
        before = fingerprint()
        old = set(Goal.objects.values_list("pk", flat=True))
        out = StringIO()
        with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
            call_command("demo", "--reset", stdout=out, stderr=out)
        assert str(self.summary) in out.getvalue().splitlines()
        assert not old & set(Goal.objects.values_list("pk", flat=True))
        assert fingerprint() == before

    def test_another_seed_tells_another_story(self) -> None:
        before = fingerprint()
        ActionItem.objects.exclude(goal=None).delete()
        TalkingPoint.objects.filter(text=NEXT_GOAL_PROMPT).delete()
        Goal.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            demo_goals_create(one_on_ones=self.mayas(), today=TODAY, seed=12)
        after = fingerprint()
        assert after[0] != before[0]
        assert {row[5] for row in after[0]} == set(Status.values)
        # Written in bulk: a few queries, and the prompt for each of the pairs between goals.
        assert len(queries) < 50
