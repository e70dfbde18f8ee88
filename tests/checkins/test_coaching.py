from __future__ import annotations

from rapport.checkins.coaching import checkin_hints
from rapport.checkins.models import CheckIn
from rapport.questions.selectors import CONTEXT_SOURCES, context_hints
from tests.cast import Cast
from tests.helpers.queries import count_queries


def check_in(cast: Cast, *, mood: int, workload: int, **text: str) -> CheckIn:
    return CheckIn.objects.create(
        meeting=cast.meeting,
        one_on_one=cast.one_on_one,
        report=cast.report,
        mood=mood,
        energy=3,
        workload=workload,
        **text,
    )


def test_the_check_in_is_a_source_of_question_context() -> None:
    assert CONTEXT_SOURCES[0] is checkin_hints


def test_low_mood_steers_towards_wellbeing_without_quoting_the_report(cast: Cast) -> None:
    check_in(
        cast, mood=2, workload=3, challenges="My dog died", outside_work="Divorce", topics="Pay"
    )
    hints = checkin_hints(cast.meeting)
    assert [hint.category for hint in hints] == ["wellbeing", "checking_in"]
    assert hints[0].reason == "The check-in says mood 2 of 5 (low)."
    for hint in hints:
        assert not any(word in hint.reason for word in ("dog", "Divorce", "Pay"))


def test_a_heavy_workload_steers_towards_workload_and_priorities(cast: Cast) -> None:
    check_in(cast, mood=4, workload=5)
    categories = [hint.category for hint in context_hints(cast.meeting)]
    assert categories[:2] == ["workload", "priorities"]


def test_a_good_check_in_or_none_gives_no_hint_in_one_query(cast: Cast) -> None:
    assert count_queries(lambda: checkin_hints(cast.meeting)) == 1
    assert checkin_hints(cast.meeting) == []
    check_in(cast, mood=3, workload=3)
    assert checkin_hints(cast.meeting) == []
