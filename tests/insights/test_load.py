"""The manager's load: hours a week in 1:1s, and which steady pairs could meet less often."""

from __future__ import annotations

import pytest

from rapport.insights.load import PairHealth, hours_saved_by_biweekly, is_steady, manager_load


@pytest.mark.parametrize(
    ("pairs", "hours", "share", "heavy"),
    [
        ([], 0, 0, False),
        ([("weekly", 30)] * 30, 15, 38, True),  # the reference team of 30
        ([("weekly", 30)] * 20, 10, 25, False),  # exactly at the threshold: no warning
        ([("weekly", 30)] * 21, 10.5, 26, True),
        ([("biweekly", 30)] * 30, 7.5, 19, False),  # every two weeks counts half
        ([("monthly", 60)] * 13, 3, 8, False),  # monthly: twelve a year
        ([("weekly", 45), ("biweekly", 60), ("monthly", 30)], 1.4, 3, False),
    ],
)
def test_manager_load(pairs: list[tuple[str, int]], hours: float, share: int, heavy: bool) -> None:
    load = manager_load(pairs, work_week_hours=40, warning_share=25)
    assert (load.hours, load.share, load.is_heavy) == (hours, share, heavy)


def health(**overrides: object) -> PairHealth:
    fields: dict[str, object] = {
        "cadence": "weekly",
        "duration_minutes": 30,
        "signals": 0,
        "moods": [4, 4, 5, 4],
        "held_recently": 8,
        "expected_recently": 8,
    }
    fields.update(overrides)
    return PairHealth(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("pair", "steady"),
    [
        (health(), True),
        (health(held_recently=7), True),  # one miss in eight weeks is fine
        (health(held_recently=6), False),
        (health(signals=1), False),
        (health(cadence="biweekly"), False),  # already every two weeks
        (health(moods=[4, 4]), False),  # too few check-ins to tell
        (health(moods=[5, 3, 4]), False),  # mood swings by two points
        (health(moods=[2, 2, 2]), False),  # level but low
        (health(expected_recently=0), False),
    ],
)
def test_is_steady(pair: PairHealth, steady: bool) -> None:
    assert is_steady(pair) is steady


def test_moving_a_weekly_half_hour_to_every_two_weeks_saves_a_quarter_hour_a_week() -> None:
    assert hours_saved_by_biweekly(health()) == 0.25
