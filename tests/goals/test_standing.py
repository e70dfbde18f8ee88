"""Where a goal stands (goals/standing.py): properties over confidence, obstacles, pace and
dates with hypothesis, then examples, then Goal.standing on real goals (pinned clock)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.goals.models import Goal, Status
from rapport.goals.standing import AHEAD_BY, BEHIND_BY, LOW_CONFIDENCE, Standing, read_standing

STATUSES = [Status.DRAFT, Status.ACTIVE, Status.ACHIEVED, Status.DROPPED]
shares = st.decimals(min_value=0, max_value=1, places=2)
progress = st.one_of(st.none(), st.decimals(min_value=-1, max_value=2, places=2))
confidence = st.one_of(st.none(), st.integers(min_value=1, max_value=10))
stall = st.one_of(st.none(), st.just("No progress recorded for 30 days."))


@st.composite
def inputs(draw: st.DrawFn, status: st.SearchStrategy[str] | None = None) -> dict[str, object]:
    return {
        "status": draw(st.sampled_from(STATUSES) if status is None else status),
        "confidence": draw(confidence),
        "has_obstacle": draw(st.booleans()),
        "stall_reason": draw(stall),
        "progress_share": draw(progress),
        "time_share": draw(st.one_of(st.none(), shares)),
        "overdue": draw(st.booleans()),
    }


active = inputs(st.just(Status.ACTIVE))
FAST = settings(max_examples=100, deadline=None)


@FAST
@given(inputs(st.sampled_from([Status.ACHIEVED, Status.DROPPED])))
def test_a_closed_goal_reads_only_how_it_ended(given_inputs: dict[str, object]) -> None:
    reading = read_standing(**given_inputs)  # type: ignore[arg-type]
    assert reading.standing == given_inputs["status"]
    assert reading.label in ("Achieved", "Dropped")


@FAST
@given(inputs(st.just(Status.DRAFT)))
def test_a_draft_reads_draft_whatever_its_numbers(given_inputs: dict[str, object]) -> None:
    assert read_standing(**given_inputs).standing == Standing.DRAFT  # type: ignore[arg-type]


@FAST
@given(active)
def test_an_active_goal_reads_one_of_the_four_words(given_inputs: dict[str, object]) -> None:
    reading = read_standing(**given_inputs)  # type: ignore[arg-type]
    assert reading.standing in (
        Standing.AHEAD,
        Standing.ON_TRACK,
        Standing.AT_RISK,
        Standing.STALLED,
    )
    # Anything short of good news says why.
    assert bool(reading.reason) is (reading.standing in (Standing.AT_RISK, Standing.STALLED))


@FAST
@given(active)
def test_stall_wins_over_everything_else(given_inputs: dict[str, object]) -> None:
    given_inputs["stall_reason"] = "No progress recorded in the last 3 held meetings."
    assert read_standing(**given_inputs).standing == Standing.STALLED  # type: ignore[arg-type]


@FAST
@given(active, st.integers(min_value=1, max_value=LOW_CONFIDENCE))
def test_low_confidence_never_reads_on_track_or_ahead(
    given_inputs: dict[str, object], low: int
) -> None:
    given_inputs["confidence"] = low
    standing = read_standing(**given_inputs).standing  # type: ignore[arg-type]
    assert standing in (Standing.AT_RISK, Standing.STALLED)


@FAST
@given(active)
def test_a_fresh_obstacle_never_reads_on_track_or_ahead(given_inputs: dict[str, object]) -> None:
    given_inputs["has_obstacle"] = True
    standing = read_standing(**given_inputs).standing  # type: ignore[arg-type]
    assert standing in (Standing.AT_RISK, Standing.STALLED)


@FAST
@given(active, shares, shares)
def test_behind_pace_by_more_than_the_margin_reads_at_risk(
    given_inputs: dict[str, object], done: Decimal, gone: Decimal
) -> None:
    given_inputs.update(progress_share=done, time_share=gone, stall_reason=None)
    standing = read_standing(**given_inputs).standing  # type: ignore[arg-type]
    if gone - done > BEHIND_BY:
        assert standing == Standing.AT_RISK
    if standing == Standing.AHEAD:
        assert done >= 1 or done - gone >= AHEAD_BY


@FAST
@given(active)
def test_ahead_or_on_track_needs_confidence_above_4_no_obstacle_and_no_stall(
    given_inputs: dict[str, object],
) -> None:
    standing = read_standing(**given_inputs).standing  # type: ignore[arg-type]
    if standing in (Standing.AHEAD, Standing.ON_TRACK):
        conf = given_inputs["confidence"]
        assert conf is None or conf > LOW_CONFIDENCE  # type: ignore[operator]
        assert not given_inputs["has_obstacle"]
        assert given_inputs["stall_reason"] is None


@FAST
@given(active)
def test_an_overdue_goal_short_of_its_target_is_never_on_track(
    given_inputs: dict[str, object],
) -> None:
    given_inputs["overdue"] = True
    share = given_inputs["progress_share"]
    standing = read_standing(**given_inputs).standing  # type: ignore[arg-type]
    if share is None or share < 1:  # type: ignore[operator]
        assert standing in (Standing.AT_RISK, Standing.STALLED)


def plain(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "status": Status.ACTIVE,
        "confidence": 7,
        "has_obstacle": False,
        "stall_reason": None,
        "progress_share": Decimal("0.5"),
        "time_share": Decimal("0.5"),
        "overdue": False,
    }
    return {**values, **overrides}


EXAMPLES = [
    ("half way at half time", plain(), Standing.ON_TRACK),
    ("no numbers yet", plain(progress_share=None), Standing.ON_TRACK),
    ("no due date", plain(time_share=None), Standing.ON_TRACK),
    ("a little behind", plain(progress_share=Decimal("0.35")), Standing.ON_TRACK),
    ("well behind", plain(progress_share=Decimal("0.2")), Standing.AT_RISK),
    ("well ahead", plain(progress_share=Decimal("0.8")), Standing.AHEAD),
    ("target reached early", plain(progress_share=Decimal("1.1")), Standing.AHEAD),
    ("confidence 4 with an obstacle (the issue's case)", plain(confidence=4, has_obstacle=True),
     Standing.AT_RISK),
    ("confidence 5", plain(confidence=5), Standing.ON_TRACK),
    ("an obstacle, ahead of pace", plain(has_obstacle=True, progress_share=Decimal("0.9")),
     Standing.AT_RISK),
    ("overdue and short", plain(overdue=True, time_share=Decimal(1)), Standing.AT_RISK),
    ("overdue but reached", plain(overdue=True, progress_share=Decimal(1)), Standing.AHEAD),
    ("stalled, ahead of pace", plain(stall_reason="idle", progress_share=Decimal(1)),
     Standing.STALLED),
    ("achieved with confidence 4 and an obstacle",
     plain(status=Status.ACHIEVED, confidence=4, has_obstacle=True), Standing.ACHIEVED),
    ("dropped while stalled", plain(status=Status.DROPPED, stall_reason="idle"), Standing.DROPPED),
]  # fmt: skip


@pytest.mark.parametrize(("name", "values", "expected"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_examples_of_the_rule(name: str, values: dict[str, object], expected: Standing) -> None:
    assert read_standing(**values).standing == expected  # type: ignore[arg-type]


def test_at_risk_from_pace_says_how_far_behind() -> None:
    reading = read_standing(**plain(progress_share=Decimal("0.1"), time_share=Decimal("0.6")))  # type: ignore[arg-type]
    assert reading.reason == "10% of the way with 60% of the time gone."


def unsaved_goal(today: date, **fields: object) -> Goal:
    # Noon of the day, in the zone the model reads dates in.
    started = timezone.make_aware(datetime.combine(today, time(12)))
    values: dict[str, object] = {
        "title": "Answer support tickets within a day",
        "status": Status.ACTIVE,
        "baseline": Decimal(0),
        "target": Decimal(10),
        "current": Decimal(5),
        "confidence": 7,
        "due_on": today + timedelta(days=100),
        "created_at": started - timedelta(days=100),
    }
    values.update(fields)
    return Goal(**values)


def test_goal_standing_measures_pace_from_activation_to_the_due_date() -> None:
    today = date(2026, 6, 10)
    assert unsaved_goal(today).time_share(today) == Decimal("0.5")
    assert (
        unsaved_goal(today).standing(today=today, stall_reason=None, obstacle="").standing
        == Standing.ON_TRACK
    )
    behind = unsaved_goal(today, current=Decimal(1))
    assert behind.standing(today=today, stall_reason=None, obstacle="").standing == Standing.AT_RISK
    worried = unsaved_goal(today, confidence=4)
    assert (
        worried.standing(today=today, stall_reason=None, obstacle="  ").standing == Standing.AT_RISK
    )
    blocked = unsaved_goal(today)
    assert (
        blocked.standing(today=today, stall_reason=None, obstacle="No test data").standing
        == Standing.AT_RISK
    )
    done = unsaved_goal(today, status=Status.ACHIEVED, confidence=4)
    assert done.standing(today=today, stall_reason=None, obstacle="x").standing == Standing.ACHIEVED
    assert unsaved_goal(today, due_on=None).time_share(today) is None
