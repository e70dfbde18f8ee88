"""How the risk-of-leaving rule recognises a career or growth conversation (insights/selectors):
a career question of the bank asked in a held 1:1, or a career goal of the pair."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from rapport.goals.models import Goal
from rapport.insights.selectors import team_view
from rapport.meetings.models import Meeting
from rapport.questions.models import AskedQuestion, Category, Question
from tests.cast import Cast

pytestmark = pytest.mark.django_db


def last_talk(cast: Cast) -> object:
    return team_view(cast.manager, one_on_one=cast.one_on_one).members[0].last_career_talk


def test_a_pair_without_one_has_no_career_talk(cast: Cast) -> None:
    assert last_talk(cast) is None


def test_a_career_question_asked_in_a_held_1_on_1_counts(cast: Cast) -> None:
    question = Question.objects.create(
        text="Where do you want to be in two years?", section="connection", category=Category.CAREER
    )
    meeting = cast.meeting
    Meeting.objects.filter(pk=meeting.pk).update(
        status=Meeting.Status.HELD, scheduled_for=timezone.now() - timedelta(days=3)
    )
    AskedQuestion.objects.create(meeting=meeting, question=question, asked_by=cast.manager)
    assert last_talk(cast) == timezone.localdate() - timedelta(days=3)


def test_a_question_of_another_category_does_not(cast: Cast) -> None:
    question = Question.objects.create(
        text="How was your weekend?", section="connection", category=Category.CHECKING_IN
    )
    Meeting.objects.filter(pk=cast.meeting.pk).update(status=Meeting.Status.HELD)
    AskedQuestion.objects.create(meeting=cast.meeting, question=question, asked_by=cast.manager)
    assert last_talk(cast) is None


def test_a_career_goal_counts(cast: Cast) -> None:
    Goal.objects.create(
        one_on_one=cast.one_on_one,
        owner=cast.report,
        proposed_by=cast.report,
        kind="career",
        title="Lead a project",
        status="draft",
    )
    assert last_talk(cast) == timezone.localdate()
