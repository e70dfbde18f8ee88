"""Severities, groups and the risk-of-leaving rule, as tables (rapport/insights/rules.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rapport.insights import rules
from rapport.insights.rules import Group, Rule, Severity, Signal

TODAY = date(2026, 11, 23)
ACT, EYE = Severity.ACT_NOW, Severity.KEEP_AN_EYE


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def series(*scores: int) -> list[tuple[date, int]]:
    return [(days_ago(7 * (len(scores) - 1 - i)), s) for i, s in enumerate(scores)]


@pytest.mark.parametrize(
    ("gap", "cadence", "severity"),
    [(21, 7, ACT), (28, 7, ACT), (42, 14, ACT), (90, 30, ACT)],
)
def test_a_lapse_of_three_weeks_or_more_is_act_now(gap: int, cadence: int, severity: str) -> None:
    signal = rules.lapsed_cadence(
        last_held=days_ago(gap),
        started_on=days_ago(400),
        cadence_days=cadence,
        periods=3,
        today=TODAY,
        act_now_days=21,
    )
    assert signal is not None and signal.severity == severity


def test_a_short_lapse_below_the_act_now_days_is_to_keep_an_eye_on() -> None:
    signal = rules.lapsed_cadence(
        last_held=days_ago(9), started_on=days_ago(400), cadence_days=3, periods=3, today=TODAY,
        act_now_days=21,
    )  # fmt: skip
    assert signal is not None and signal.severity == EYE


@pytest.mark.parametrize(
    ("moods", "energies", "severity"),
    [
        ((4, 4, 4, 2, 2, 2), (3, 3, 3, 2, 2, 2), ACT),  # fell by 2.0, energy 2.0
        ((4, 4, 4, 2, 2, 2), (3, 3, 3, 3, 3, 3), EYE),  # fell by 2.0, energy fine
        ((4, 4, 4, 3, 3, 2), (3, 3, 3, 1, 1, 1), EYE),  # energy low, fell by only 1.3
        ((4, 4, 4, 2, 2, 2), (), EYE),  # no energy known: never act now on mood alone
    ],
)
def test_mood_falling_is_act_now_only_with_a_big_drop_and_low_energy(
    moods: tuple[int, ...], energies: tuple[int, ...], severity: str
) -> None:
    signal = rules.mood_falling(
        moods=series(*moods),
        recent=3,
        window=12,
        drop=1.0,
        energies=energies,
        act_now_drop=2.0,
        low_energy=2.5,
    )
    assert signal is not None and signal.severity == severity
    if energies:
        assert any(line.startswith("Energy in the last 3") for line in signal.evidence)


@pytest.mark.parametrize(("run", "severity"), [(3, EYE), (5, EYE), (6, ACT), (8, ACT)])
def test_a_high_workload_is_act_now_after_six_check_ins_in_a_row(run: int, severity: str) -> None:
    signal = rules.workload_high(workloads=series(2, *([5] * run)), high=4, run=3, act_now_run=6)
    assert signal is not None and signal.severity == severity


def test_overdue_actions_are_never_act_now() -> None:
    actions = [(f"Thing {n}", days_ago(10 + n)) for n in range(12)]
    signal = rules.overdue_actions(open_actions=actions, today=TODAY, threshold=4)
    assert signal is not None and signal.severity == EYE


def signal(rule: Rule, severity: str = EYE, since: int = 10) -> Signal:
    return Signal(rule, str(rule.label), ("evidence",), days_ago(since), Severity(severity))


def test_related_signals_form_one_group_with_the_strongest_severity() -> None:
    groups = rules.group_signals(
        [
            signal(Rule.OVERDUE_ACTIONS),
            signal(Rule.CHECKINS_SKIPPED),
            signal(Rule.LAPSED_CADENCE, ACT),
            signal(Rule.CONNECTION_SQUEEZED),
        ]
    )
    assert [g.group for g in groups] == [Group.RHYTHM, Group.WELLBEING, Group.FOLLOW_THROUGH]
    rhythm = groups[0]
    assert rhythm.severity == ACT and [s.rule for s in rhythm.signals] == [
        Rule.LAPSED_CADENCE,
        Rule.CONNECTION_SQUEEZED,
    ]
    assert rules.strongest(groups) == ACT


def test_mood_falling_with_a_high_workload_makes_the_wellbeing_group_act_now() -> None:
    (group,) = rules.group_signals([signal(Rule.MOOD_FALLING), signal(Rule.WORKLOAD_HIGH)])
    assert group.group == Group.WELLBEING and group.severity == ACT and group.because
    (alone,) = rules.group_signals([signal(Rule.MOOD_FALLING), signal(Rule.CHECKINS_SKIPPED)])
    assert alone.severity == EYE and not alone.because


@pytest.mark.parametrize(
    ("last_talk", "factors", "severity"),
    [
        (days_ago(200), [], None),  # a long gap alone is no signal
        (days_ago(60), [Rule.MOOD_FALLING, Rule.WORKLOAD_HIGH], None),  # talked recently
        (days_ago(200), [Rule.MOOD_FALLING], EYE),
        (None, [Rule.GOAL_STALLED], EYE),  # never talked, since the pair started
        (days_ago(200), [Rule.MOOD_FALLING, Rule.GOAL_STALLED], ACT),
        (days_ago(130), [Rule.MOOD_FALLING, Rule.WORKLOAD_HIGH, Rule.GOAL_STALLED], ACT),
        (days_ago(200), [Rule.OVERDUE_ACTIONS, Rule.CHECKINS_SKIPPED], None),  # not factors
    ],
)
def test_risk_of_leaving_needs_the_career_gap_and_a_warning_sign(
    last_talk: date | None, factors: list[Rule], severity: str | None
) -> None:
    found = rules.risk_of_leaving(
        last_career_talk=last_talk,
        started_on=days_ago(500),
        today=TODAY,
        gap_days=120,
        factors=[signal(rule) for rule in factors],
    )
    if severity is None:
        assert found is None
        return
    assert found is not None and found.severity == severity and found.group == Group.RETENTION
    assert "career" in found.evidence[0] and len(found.evidence) == 1 + len(factors)
    # Stable while the trouble lasts: the later of the gap's threshold and the factors' runs.
    reference = last_talk or days_ago(500)
    assert found.since == max(reference + timedelta(days=120), days_ago(10))


def test_falling_energy_is_a_warning_sign_and_counts_once_with_falling_mood() -> None:
    energy = rules.energy_fall(energies=series(4, 4, 4, 2, 2, 2), recent=3, window=12, drop=1.0)
    assert energy is not None and energy[0] == 2.0
    alone = rules.risk_of_leaving(
        last_career_talk=None,
        started_on=days_ago(300),
        today=TODAY,
        gap_days=120,
        factors=[],
        energy=energy,
    )
    assert alone is not None and alone.severity == EYE
    assert "Mood or energy falling: energy fell by 2.0 points" in alone.evidence
    with_mood = rules.risk_of_leaving(
        last_career_talk=None,
        started_on=days_ago(300),
        today=TODAY,
        gap_days=120,
        factors=[signal(Rule.MOOD_FALLING)],
        energy=energy,
    )
    assert with_mood is not None and with_mood.severity == EYE and len(with_mood.evidence) == 2
    steady = rules.energy_fall(energies=series(3, 3, 3, 3, 3, 3), recent=3, window=12, drop=1.0)
    assert steady is None
