"""The manager's load: hours a week in 1:1s, from the pairs' rhythms, and which steady pairs
could meet every two weeks instead. Pure functions; nothing here changes a rhythm, the manager
decides on the pair's "Change rhythm" page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Meetings a week for each cadence: a monthly 1:1 is twelve in a year of 52 weeks.
MEETINGS_PER_WEEK = {"weekly": 1.0, "biweekly": 0.5, "monthly": 12 / 52}


def weekly_minutes(cadence: str, duration_minutes: int) -> float:
    return MEETINGS_PER_WEEK[cadence] * duration_minutes


@dataclass(frozen=True)
class Load:
    hours: float
    share: int  # whole percent of the working week
    work_week_hours: int
    warning_share: int

    @property
    def is_heavy(self) -> bool:
        return self.share > self.warning_share


def manager_load(
    pairs: Sequence[tuple[str, int]], *, work_week_hours: int, warning_share: int
) -> Load:
    """`pairs`: the cadence and minutes of each active 1:1 the manager runs."""
    hours = sum(weekly_minutes(cadence, minutes) for cadence, minutes in pairs) / 60
    return Load(
        hours=round(hours, 1),
        share=round(100 * hours / work_week_hours) if work_week_hours else 0,
        work_week_hours=work_week_hours,
        warning_share=warning_share,
    )


@dataclass(frozen=True)
class PairHealth:
    cadence: str
    duration_minutes: int
    signals: int
    moods: Sequence[int]  # the last check-ins, oldest first
    held_recently: int  # held meetings in the last `expected_recently` slots' time
    expected_recently: int


def is_steady(pair: PairHealth, *, max_mood_spread: int = 1) -> bool:
    """A weekly pair with no signal, a mood that moves by at most a point and nearly every
    recent 1:1 held could meet every two weeks without losing touch."""
    if pair.cadence != "weekly" or pair.signals:
        return False
    if len(pair.moods) < 3 or max(pair.moods) - min(pair.moods) > max_mood_spread:
        return False
    if min(pair.moods) < 3:
        return False
    return pair.expected_recently > 0 and pair.held_recently >= pair.expected_recently - 1


def hours_saved_by_biweekly(pair: PairHealth) -> float:
    return round((weekly_minutes("weekly", pair.duration_minutes) / 2) / 60, 2)
