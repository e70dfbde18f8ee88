"""The team view's signal rules, as tables: plain data in, a signal (or none) out."""

from __future__ import annotations

import statistics
from datetime import date, timedelta
from itertools import product

import pytest

from rapport.insights import rules
from rapport.insights.rules import Rule, StalledGoal

TODAY = date(2026, 11, 23)


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def series(*scores: int, every: int = 7) -> list[tuple[date, int]]:
    """Scores oldest first, one a week, the last one today."""
    return [(days_ago(every * (len(scores) - 1 - i)), s) for i, s in enumerate(scores)]


@pytest.mark.parametrize(
    ("last_held", "started", "cadence", "since"),
    [
        (days_ago(20), days_ago(200), 7, None),  # under three weeks
        (days_ago(21), days_ago(200), 7, days_ago(21)),  # exactly three weekly periods
        (days_ago(60), days_ago(200), 7, days_ago(60)),
        (days_ago(41), days_ago(200), 14, None),  # biweekly: 42 days needed
        (days_ago(42), days_ago(200), 14, days_ago(42)),
        (days_ago(89), days_ago(400), 30, None),  # monthly: 90 days
        (days_ago(90), days_ago(400), 30, days_ago(90)),
        (None, days_ago(10), 7, None),  # a new pair that has not met yet
        (None, days_ago(30), 7, days_ago(30)),  # never met since the start
        (TODAY, days_ago(300), 7, None),  # held today
    ],
)
def test_lapsed_cadence(
    last_held: date | None, started: date, cadence: int, since: date | None
) -> None:
    signal = rules.lapsed_cadence(
        last_held=last_held, started_on=started, cadence_days=cadence, periods=3, today=TODAY
    )
    assert (signal.since if signal else None) == since
    if signal:
        assert signal.rule is Rule.LAPSED_CADENCE and signal.evidence


@pytest.mark.parametrize(
    ("moods", "fires", "since_index"),
    [
        ([], False, None),
        ([2, 2, 2], False, None),  # nothing earlier to compare with
        ([5, 2, 2, 2], False, None),  # one earlier check-in is not "usual"
        ([5, 5, 2, 2, 2], True, 4),  # since: the check-in at which the fall was first seen
        ([4, 4, 4, 3, 3, 3], True, 5),  # exactly one point
        ([4, 4, 4, 4, 3, 3, 4], False, None),  # 0.67 down: not enough
        ([3, 3, 3, 3, 3, 3], False, None),  # steady
        ([2, 2, 2, 4, 4, 4], False, None),  # rising
        ([5, 5, 5, 5, 4, 2, 2, 2], True, 5),  # and it stays put while the mood stays low
        ([5, 5, 5, 5, 1, 2, 2, 2], True, 4),
        # Only the last twelve count: old high scores beyond them are forgotten.
        ([5] * 10 + [3] * 9 + [2, 2, 3], False, None),
        ([4, 4, 2, 2, 2, 4, 4, 4], False, None),  # recovered
    ],
)
def test_mood_falling(moods: list[int], fires: bool, since_index: int | None) -> None:
    points = series(*moods)
    signal = rules.mood_falling(moods=points, recent=3, window=12, drop=1.0)
    assert (signal is not None) is fires
    if signal:
        assert signal.rule is Rule.MOOD_FALLING
        assert since_index is not None and signal.since == points[since_index][0]
        assert signal.evidence[0].startswith("Last 3 check-ins:")


def test_a_falling_mood_keeps_its_since_while_it_stays_low() -> None:
    moods = series(5, 5, 5, 2, 2, 2)
    before = rules.mood_falling(moods=moods, recent=3, window=12, drop=1.0)
    later = rules.mood_falling(
        moods=[*moods, (TODAY + timedelta(days=7), 2)], recent=3, window=12, drop=1.0
    )
    assert before and later and before.since == later.since == moods[4][0]


@pytest.mark.parametrize(
    ("workloads", "since_index"),
    [
        ([], None),
        ([4, 4], None),
        ([4, 4, 4], 0),
        ([5, 4, 5, 5], 0),
        ([4, 4, 3, 4, 4], None),  # the run was broken
        ([2, 3, 4, 4, 4], 2),
        ([4, 4, 4, 3], None),  # over: the last one was fine
        ([3, 3, 3, 3], None),
    ],
)
def test_workload_high(workloads: list[int], since_index: int | None) -> None:
    points = series(*workloads)
    signal = rules.workload_high(workloads=points, high=4, run=3)
    assert (signal.since if signal else None) == (
        points[since_index][0] if since_index is not None else None
    )
    if signal:
        assert len(signal.evidence) == len(points) - since_index  # type: ignore[operator]


@pytest.mark.parametrize(
    ("stalled", "since"),
    [
        ([], None),
        ([StalledGoal("Ship it", "No progress for 30 days", days_ago(30))], days_ago(30)),
        (
            [
                StalledGoal("Ship it", "No progress for 30 days", days_ago(30)),
                StalledGoal("Learn Go", "No progress in 3 meetings", days_ago(12)),
            ],
            days_ago(12),
        ),
    ],
)
def test_goal_stalled(stalled: list[StalledGoal], since: date | None) -> None:
    signal = rules.goal_stalled(stalled=stalled)
    assert (signal.since if signal else None) == since
    if signal:
        assert len(signal.evidence) == len(stalled)
        assert "Ship it" in signal.evidence[0]


@pytest.mark.parametrize(
    ("active", "drafts", "started", "closed", "since"),
    [
        (1, 0, days_ago(100), None, None),
        (0, 0, days_ago(10), None, None),  # still in its grace period
        (0, 0, days_ago(28), None, days_ago(28)),
        (0, 2, days_ago(60), None, days_ago(60)),  # drafts do not count as active
        (0, 0, days_ago(200), days_ago(5), None),  # a goal was just achieved
        (0, 0, days_ago(200), days_ago(40), days_ago(40)),
        (2, 1, days_ago(200), days_ago(40), None),
    ],
)
def test_no_active_goal(
    active: int, drafts: int, started: date, closed: date | None, since: date | None
) -> None:
    signal = rules.no_active_goal(
        active=active,
        drafts=drafts,
        started_on=started,
        last_closed=closed,
        today=TODAY,
        grace_days=28,
    )
    assert (signal.since if signal else None) == since
    if signal and drafts:
        assert any("draft" in point for point in signal.evidence)


@pytest.mark.parametrize(
    ("dues", "since"),
    [
        ([], None),
        ([None, None, None, None], None),  # no due dates: never overdue
        ([days_ago(1), days_ago(2)], None),
        ([days_ago(1), days_ago(2), TODAY], None),  # due today is not overdue yet
        ([days_ago(1), days_ago(2), days_ago(9)], days_ago(0)),  # third came due yesterday
        ([days_ago(30), days_ago(20), days_ago(10), days_ago(1)], days_ago(9)),
        ([days_ago(3), None, days_ago(5), TODAY + timedelta(days=3), days_ago(4)], days_ago(2)),
    ],
)
def test_overdue_actions(dues: list[date | None], since: date | None) -> None:
    actions = [(f"Action {i}", due) for i, due in enumerate(dues)]
    signal = rules.overdue_actions(open_actions=actions, today=TODAY, threshold=3)
    assert (signal.since if signal else None) == since


@pytest.mark.parametrize(
    ("shares", "since_index"),
    [
        ([], None),
        ([20, 20, 20], None),
        ([20, 20, 20, 20], 0),
        ([50, 10, 24, 0, 20], 1),
        ([10, 10, 25, 10, 10, 10], None),  # 25 is not under 25
        ([10, None, 10, None, 10, 10], 0),  # meetings without time are left out
        ([10, 10, 10, 10, 60], None),  # recovered
    ],
)
def test_connection_squeezed(shares: list[int | None], since_index: int | None) -> None:
    points = [(days_ago(7 * (len(shares) - i)), s) for i, s in enumerate(shares)]
    signal = rules.connection_squeezed(shares=points, below=25, run=4)
    assert (signal.since if signal else None) == (
        points[since_index][0] if since_index is not None else None
    )


@pytest.mark.parametrize(
    ("had", "since_index"),
    [
        ([], None),
        ([False, False], None),
        ([False, False, False], 0),
        ([True, False, False, False], 1),
        ([False, False, True, False, False], None),
        ([True, True, True], None),
    ],
)
def test_checkins_skipped(had: list[bool], since_index: int | None) -> None:
    points = [(days_ago(7 * (len(had) - i)), h) for i, h in enumerate(had)]
    signal = rules.checkins_skipped(held=points, run=3)
    assert (signal.since if signal else None) == (
        points[since_index][0] if since_index is not None else None
    )


def test_the_rules_average_is_the_same_number_as_statistics_mean() -> None:
    # Every list of 1 to 6 scores of 1 to 5, and long runs as the mood window reads (12).
    lists = [list(scores) for size in range(1, 7) for scores in product(range(1, 6), repeat=size)]
    lists += [[score % 5 + 1 for score in range(start, start + 12)] for start in range(20)]
    for scores in lists:
        assert rules.mean(scores) == statistics.mean(scores), scores
        assert f"{rules.mean(scores):.1f}" == f"{statistics.mean(scores):.1f}", scores
