"""Overdue is one rule per object: the model's is_overdue(today) and the queryset's
overdue(today) pick exactly the same rows, whatever the state and the date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from rapport.goals.models import Goal, Status
from rapport.meetings.models import ActionItem
from tests.cast import Cast
from tests.goals.test_progress import active_goal

pytestmark = pytest.mark.django_db


def test_an_action_is_overdue_in_python_exactly_when_the_query_says_so(cast: Cast) -> None:
    today = timezone.localdate()
    for offset in (-3, -1, 0, 1, None):
        for done in (False, True):
            ActionItem.objects.create(
                one_on_one=cast.one_on_one,
                owner=cast.report,
                created_by=cast.report,
                text=f"due {offset}, done {done}",
                due_on=None if offset is None else today + timedelta(days=offset),
                done_at=timezone.now() if done else None,
            )

    by_rule = {item.pk for item in ActionItem.objects.all() if item.is_overdue(today)}

    assert {item.pk for item in ActionItem.objects.overdue(today)} == by_rule
    assert len(by_rule) == 2  # open, and due three days or one day ago


def test_a_goal_is_overdue_in_python_exactly_when_the_query_says_so(cast: Cast) -> None:
    today = timezone.localdate()
    for offset in (-2, 0, 5, None):
        for status in Status.values:
            active_goal(
                cast.one_on_one,
                title=f"due {offset}, {status}",
                due_on=None if offset is None else today + timedelta(days=offset),
                status=status,
                closed_at=timezone.now() if status in (Status.ACHIEVED, Status.DROPPED) else None,
            )

    by_rule = {goal.pk for goal in Goal.objects.all() if goal.is_overdue(today)}

    assert {goal.pk for goal in Goal.objects.overdue(today)} == by_rule
    assert len(by_rule) == 2  # a draft and an active goal due two days ago
