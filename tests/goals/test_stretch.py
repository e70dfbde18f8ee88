"""The stretch rule: a goal reached easily (well before its due date, or in few updates) or held
at a confidence of 9-10 for weeks invites a more ambitious next step."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from rapport.goals.models import Status, stretch_reason

START = date(2026, 1, 5)
DUE = START + timedelta(days=100)


def reason(**overrides: object) -> str | None:
    values: dict[str, object] = {
        "status": Status.ACHIEVED,
        "started_on": START,
        "due_on": DUE,
        "closed_on": START + timedelta(days=90),
        "updates": [(START + timedelta(days=7 * n), 6) for n in range(1, 8)],
        "today": START + timedelta(days=95),
        **overrides,
    }
    return stretch_reason(**values)  # type: ignore[arg-type]


def test_a_goal_achieved_near_its_due_date_after_many_updates_invites_no_stretch() -> None:
    assert reason() is None


def test_a_goal_achieved_with_half_its_time_left_invites_a_stretch() -> None:
    assert reason(closed_on=START + timedelta(days=50)) == "Reached 50 days before its due date."


def test_a_goal_achieved_with_a_third_of_its_time_left_is_not_early_enough() -> None:
    assert reason(closed_on=START + timedelta(days=67)) is None


def test_a_goal_achieved_in_two_updates_invites_a_stretch() -> None:
    two = [(START + timedelta(days=30), 7), (START + timedelta(days=60), 8)]
    assert reason(updates=two) == "Reached in 2 updates."


def test_a_goal_achieved_without_any_update_invites_a_stretch() -> None:
    assert reason(updates=[]) == "Reached without a progress update."


def test_a_dropped_goal_invites_no_stretch_however_early() -> None:
    assert reason(status=Status.DROPPED, closed_on=START + timedelta(days=5)) is None


def active(updates: Sequence[tuple[date, int | None]], today: date) -> str | None:
    return reason(status=Status.ACTIVE, closed_on=None, updates=updates, today=today)


def test_confidence_at_nine_or_ten_for_three_weeks_invites_a_stretch() -> None:
    updates = [(START, 6), (START + timedelta(days=7), 9), (START + timedelta(days=21), 10)]
    today = START + timedelta(days=28)
    assert active(updates, today) == "Confidence has stayed at 9-10 for 3 weeks."


def test_high_confidence_for_only_two_weeks_is_not_yet_a_stretch() -> None:
    updates = [(START, 9), (START + timedelta(days=7), 10)]
    assert active(updates, START + timedelta(days=14)) is None


def test_one_high_rating_alone_is_not_a_stretch() -> None:
    assert active([(START, 10)], START + timedelta(days=60)) is None


def test_a_dip_below_nine_ends_the_run_of_high_confidence() -> None:
    updates = [(START, 10), (START + timedelta(days=7), 10), (START + timedelta(days=30), 8)]
    assert active(updates, START + timedelta(days=40)) is None


def test_updates_without_a_confidence_do_not_break_the_run() -> None:
    updates = [(START, 9), (START + timedelta(days=10), None), (START + timedelta(days=20), 9)]
    assert active(updates, START + timedelta(days=22)) is not None


@given(
    confidences=st.lists(st.integers(min_value=1, max_value=10), max_size=12),
    gap=st.integers(min_value=1, max_value=14),
)
def test_an_active_goal_stretches_exactly_when_its_last_two_ratings_are_nine_or_more(
    confidences: list[int], gap: int
) -> None:
    # A month after the last update, any run of high ratings is older than three weeks.
    updates = [(START + timedelta(days=gap * n), c) for n, c in enumerate(confidences)]
    today = START + timedelta(days=gap * len(confidences) + 30)
    high_run = len(confidences) >= 2 and min(confidences[-2:]) >= 9
    assert (active(updates, today) is not None) == high_run
