"""A new pair's first 1:1s: the first gets to know each other (connection questions from the
bank and the report's working-with-me profile), the second defines the first goals. Pairs that
started before, and every later meeting, are left as they are."""

from __future__ import annotations

from datetime import time
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.meetings.models import Meeting, OneOnOne, TalkingPoint
from rapport.meetings.services import (
    FIRST_GOALS_PROMPT,
    NEXT_GOAL_PROMPT,
    PROFILE_PROMPT,
    Rule,
    meeting_set_status,
    mode_end,
    mode_start,
    one_on_one_set_up,
)
from rapport.questions.models import Question
from rapport.questions.selectors import GETTING_TO_KNOW_CATEGORIES, getting_to_know_questions
from rapport.questions.services import first_one_on_ones_agenda
from tests.cast import Cast
from tests.helpers.sealed import with_text
from tests.helpers.team_setup import proposed, save_payload


def new_pair(cast: Cast) -> OneOnOne:
    pair = one_on_one_set_up(
        manager=cast.manager,
        report=cast.report_two,
        rule=Rule("weekly", 2, time(11, 0), 30, timezone.localdate()),
        by=cast.manager,
        confirmed_out_of_hours=True,
    )
    first_one_on_ones_agenda(one_on_one=pair, by=cast.manager)
    return pair


def texts(pair: OneOnOne, **filters: Any) -> list[str]:
    points = TalkingPoint.objects.filter(one_on_one=pair, **filters)
    return list(points.order_by("position").values_list("text", flat=True))


def meetings_of(pair: OneOnOne) -> list[Meeting]:
    return list(pair.meetings.order_by("scheduled_for"))


def test_the_first_agenda_asks_a_question_from_each_getting_to_know_you_category(
    cast: Cast,
) -> None:
    pair = new_pair(cast)
    points = TalkingPoint.objects.filter(one_on_one=pair).order_by("position")
    questions = {q.text: q.category for q in Question.objects.all()}
    asked = [point.text for point in points if point.text in questions]
    assert [questions[text] for text in asked] == list(GETTING_TO_KNOW_CATEGORIES)
    assert texts(pair)[-1] == PROFILE_PROMPT
    assert {point.section for point in points} == {"connection"}
    assert not any(point.is_private for point in points)
    # No goals yet: the first meeting is about the person.
    assert FIRST_GOALS_PROMPT not in texts(pair) and NEXT_GOAL_PROMPT not in texts(pair)


def test_the_same_pair_always_gets_the_same_questions(cast: Cast) -> None:
    pair = new_pair(cast)
    again = [q.text for q in getting_to_know_questions(seed=pair.uuid)]
    assert texts(pair)[:-1] == again


def test_a_retired_question_is_never_chosen(cast: Cast) -> None:
    chosen = getting_to_know_questions(seed="a pair")
    Question.objects.filter(pk=chosen[0].pk).update(is_active=False)
    assert chosen[0] not in getting_to_know_questions(seed="a pair")


def test_holding_the_first_meeting_puts_the_first_goals_on_the_second(cast: Cast) -> None:
    pair = new_pair(cast)
    first, second = meetings_of(pair)[:2]
    meeting_set_status(meeting=first, status="held", reason="", by=cast.manager)
    [goals] = with_text(TalkingPoint.objects.filter(one_on_one=pair), FIRST_GOALS_PROMPT)
    assert (goals.section, goals.discussed_in_id, goals.is_private) == ("performance", None, False)
    # Marking it held again, or holding the second meeting, adds nothing more.
    meeting_set_status(meeting=first, status="held", reason="", by=cast.manager)
    meeting_set_status(meeting=second, status="held", reason="", by=cast.manager)
    assert texts(pair).count(FIRST_GOALS_PROMPT) == 1


def test_ending_the_first_meeting_in_meeting_mode_does_the_same(cast: Cast) -> None:
    pair = new_pair(cast)
    first = meetings_of(pair)[0]
    mode_start(meeting=first, by=cast.manager, now=first.scheduled_for)
    mode_end(meeting=first, by=cast.manager, now=first.ends_at)
    assert FIRST_GOALS_PROMPT in texts(pair, discussed_in__isnull=True)


def test_a_skipped_first_meeting_does_not_move_to_goals(cast: Cast) -> None:
    pair = new_pair(cast)
    first = meetings_of(pair)[0]
    meeting_set_status(meeting=first, status="skipped", reason="Ill", by=cast.manager)
    assert FIRST_GOALS_PROMPT not in texts(pair)


def test_an_existing_pair_is_unaffected(cast: Cast) -> None:
    # The cast's pair started without the getting-to-know-you agenda.
    before = texts(cast.one_on_one)
    assert first_one_on_ones_agenda(one_on_one=cast.one_on_one, by=cast.manager) == []
    meeting_set_status(meeting=cast.meeting, status="held", reason="", by=cast.manager)
    assert texts(cast.one_on_one) == before


def test_the_team_set_up_gives_a_new_pair_its_first_agenda(cast: Cast, client: Client) -> None:
    client.force_login(cast.manager)
    url = reverse("meetings:team_setup")
    step_one = {
        "reports": [cast.report_two.pk],
        "cadence": "weekly",
        "duration_minutes": "30",
        "max_per_day": "6",
        "starts_on": timezone.localdate().isoformat(),
    }
    response = proposed(client, url, step_one)
    client.post(url, save_payload(response, step_one))
    pair = OneOnOne.objects.get(report=cast.report_two, status="active")
    assert PROFILE_PROMPT in texts(pair) and len(texts(pair)) == 4


def test_the_report_follows_the_profile_point_to_their_profile(cast: Cast) -> None:
    pair = new_pair(cast)
    first = meetings_of(pair)[0]
    url = reverse("meetings:meeting", args=[first.uuid])
    report = Client()
    report.force_login(cast.report_two)
    link = f'<a href="{reverse("account_working_profile")}">{PROFILE_PROMPT}</a>'
    assert link in report.get(url).content.decode()
    manager = Client()
    manager.force_login(cast.manager)
    page = manager.get(url).content.decode()
    assert PROFILE_PROMPT in page and link not in page
