from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from rapport.access import Refused
from rapport.checkins.models import CheckIn
from rapport.checkins.services import checkin_submit, topic_lines
from rapport.meetings.models import Meeting, TalkingPoint
from rapport.people.models import Person
from tests.cast import Cast
from tests.checkins.helpers import move_to, open_window

SCORES = {"mood": 3, "energy": 3, "workload": 3}


def topics_of(cast: Cast) -> list[str]:
    return list(
        TalkingPoint.objects.filter(one_on_one=cast.one_on_one, author=cast.report)
        .order_by("position")
        .values_list("text", flat=True)
    )


def test_the_report_checks_in_and_the_topics_become_their_connection_points(cast: Cast) -> None:
    meeting = open_window(cast.meeting)
    checkin = checkin_submit(
        meeting=meeting, by=cast.report, topics="Conference budget\n\n  On-call load  \n", **SCORES
    )
    assert checkin.report == cast.report and checkin.one_on_one == cast.one_on_one
    added = [
        p for p in TalkingPoint.objects.all() if p.text in ("Conference budget", "On-call load")
    ]
    assert {point.section for point in added} == {"connection"}
    assert {point.author for point in added} == {cast.report}
    assert not any(point.is_private for point in added)


def test_saving_the_check_in_again_adds_no_topic_twice(cast: Cast) -> None:
    meeting = open_window(cast.meeting)
    checkin_submit(meeting=meeting, by=cast.report, topics="Conference budget", **SCORES)
    before = topics_of(cast)
    checkin_submit(
        meeting=meeting, by=cast.report, topics="conference budget\nHiring plan", **SCORES
    )
    assert topics_of(cast) == [*before, "Hiring plan"]
    assert CheckIn.objects.count() == 1


def test_a_topic_already_open_on_the_agenda_is_not_added_again(cast: Cast) -> None:
    # The cast's report already has "How the move went" open on the agenda.
    meeting = open_window(cast.meeting)
    checkin_submit(meeting=meeting, by=cast.report, topics="How the move went", **SCORES)
    assert topics_of(cast).count("How the move went") == 1


def test_the_topic_lines_are_the_non_empty_ones_each_once() -> None:
    assert topic_lines(" a \n\nB\nb\n c") == ["a", "B", "c"]


@pytest.mark.parametrize("who", ["manager", "outsider", "report_two"])
def test_only_the_report_of_the_pair_checks_in(cast: Cast, who: str) -> None:
    meeting = open_window(cast.meeting)
    person: Person = getattr(cast, who)
    with pytest.raises(Refused):
        checkin_submit(meeting=meeting, by=person, **SCORES)


@pytest.mark.parametrize("delta", [timedelta(days=3, minutes=5), timedelta(hours=-1)])
def test_nothing_is_saved_outside_the_window(cast: Cast, delta: timedelta) -> None:
    meeting = move_to(cast.meeting, delta)
    with pytest.raises(ValidationError, match="not open"):
        checkin_submit(meeting=meeting, by=cast.report, **SCORES)
    assert not CheckIn.objects.exists()


def test_the_window_opens_three_days_before_and_lasts_until_the_meeting_ends(
    cast: Cast,
) -> None:
    assert checkin_submit(
        meeting=move_to(cast.meeting, timedelta(days=3) - timedelta(minutes=1)),
        by=cast.report,
        **SCORES,
    )
    # A 30-minute meeting that started 20 minutes ago is still on.
    assert checkin_submit(
        meeting=move_to(cast.meeting, timedelta(minutes=-20)), by=cast.report, **SCORES
    )


def test_a_skipped_meeting_has_no_check_in(cast: Cast) -> None:
    meeting = open_window(cast.meeting)
    meeting.status = Meeting.Status.SKIPPED
    meeting.save(update_fields=["status"])
    with pytest.raises(ValidationError):
        checkin_submit(meeting=meeting, by=cast.report, **SCORES)


def test_scores_outside_one_to_five_are_refused(cast: Cast) -> None:
    meeting = open_window(cast.meeting)
    with pytest.raises(ValidationError):
        checkin_submit(meeting=meeting, by=cast.report, mood=6, energy=3, workload=3)


def test_fields_the_workflow_owns_cannot_be_passed(cast: Cast) -> None:
    with pytest.raises(TypeError):
        checkin_submit(meeting=cast.meeting, by=cast.report, report=cast.manager, **SCORES)
