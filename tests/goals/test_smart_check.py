"""The SMART check, held by a table of good and bad goals. Each row asserts all five criteria
(Specific, Measurable, Attainable, Relevant, Time-bound) in that order."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest

from rapport.goals.smart import GoalDraft, check

TODAY = date(2026, 11, 23)
SOON = date(2027, 3, 31)

GOOD = GoalDraft(
    title="Run the weekly release on my own",
    specific="Run the weekly release end to end without help from the platform team",
    metric="releases run alone",
    unit="releases",
    baseline=D(0),
    target=D(6),
    confidence=7,
    realistic_because="I shadowed four releases and the runbook is up to date",
    why="I want the team to stop depending on one person, and I enjoy owning delivery",
    due_on=SOON,
)

Y, N = True, False

TABLE: list[tuple[str, GoalDraft, tuple[bool, bool, bool, bool, bool]]] = [
    ("a complete goal", GOOD, (Y, Y, Y, Y, Y)),
    (
        "a personal goal, complete",
        GoalDraft(
            title="Run a half marathon",
            specific="Finish the Lisbon half marathon in under 2 hours 10",
            metric="longest run",
            unit="km",
            baseline=D(8),
            target=D(21),
            confidence=6,
            realistic_because="I run three times a week already and have a plan",
            why="Training gives me energy and a clear head for the rest of my week",
            due_on=date(2027, 4, 12),
        ),
        (Y, Y, Y, Y, Y),
    ),
    (
        "a career goal, complete",
        GoalDraft(
            title="Lead a design review",
            specific="Lead two design reviews for the payments service this quarter",
            metric="design reviews led",
            unit="reviews",
            baseline=D(0),
            target=D(2),
            confidence=8,
            realistic_because="Two reviews are already planned and my manager will coach me",
            why="Leading reviews is the step I need towards a staff engineer role",
            due_on=date(2027, 2, 28),
        ),
        (Y, Y, Y, Y, Y),
    ),
    (
        "a decreasing target is fine",
        replace(
            GOOD,
            title="Cut flaky tests",
            specific="Cut the flaky tests in the checkout suite",
            metric="flaky tests",
            baseline=D(40),
            target=D(5),
        ),
        (Y, Y, Y, Y, Y),
    ),
    (
        "a decimal target",
        replace(GOOD, metric="p95 latency", unit="seconds", baseline=D("1.8"), target=D("0.6")),
        (Y, Y, Y, Y, Y),
    ),
    ("a baseline of zero counts", replace(GOOD, baseline=D(0), target=D(1)), (Y, Y, Y, Y, Y)),
    ("confidence 4 is enough", replace(GOOD, confidence=4), (Y, Y, Y, Y, Y)),
    ("confidence 10", replace(GOOD, confidence=10), (Y, Y, Y, Y, Y)),
    ("due tomorrow", replace(GOOD, due_on=date(2026, 11, 24)), (Y, Y, Y, Y, Y)),
    ("due in just under two years", replace(GOOD, due_on=date(2028, 11, 21)), (Y, Y, Y, Y, Y)),
    (
        "a vague verb with a measure is fine",
        replace(GOOD, specific="Improve test coverage of billing from 40% to 70%"),
        (Y, Y, Y, Y, Y),
    ),
    (
        "a why in another script",
        replace(GOOD, why="Quiero que el equipo confíe en mí para las entregas"),
        (Y, Y, Y, Y, Y),
    ),
    # Specific
    ("no statement, short title", replace(GOOD, title="Code", specific=""), (N, Y, Y, Y, Y)),
    ("a three-word statement", replace(GOOD, specific="Do more releases"), (N, Y, Y, Y, Y)),
    (
        "a vague verb, no measure",
        replace(GOOD, specific="Improve my communication with the wider team", target=None),
        (N, N, Y, Y, Y),
    ),
    (
        "'get better' with nothing to count",
        replace(GOOD, specific="Get better at giving presentations to clients", target=None),
        (N, N, Y, Y, Y),
    ),
    (
        "'learn' with nothing to count",
        replace(GOOD, specific="Learn more about machine learning this year", target=None),
        (N, N, Y, Y, Y),
    ),
    (
        "'be' with nothing to count",
        replace(GOOD, specific="Be a more visible member of the guild", target=None),
        (N, N, Y, Y, Y),
    ),
    (
        "'try' with a number in it",
        replace(GOOD, specific="Try 3 new ways of running retros with the team"),
        (Y, Y, Y, Y, Y),
    ),
    (
        "title only, but concrete",
        replace(GOOD, specific="", title="Ship the new onboarding flow to all users"),
        (Y, Y, Y, Y, Y),
    ),
    ("blank statement and blank title", replace(GOOD, specific="", title=" "), (N, Y, Y, Y, Y)),
    # Measurable
    ("no metric", replace(GOOD, metric=""), (Y, N, Y, Y, Y)),
    ("no target", replace(GOOD, target=None), (Y, N, Y, Y, Y)),
    ("no baseline", replace(GOOD, baseline=None), (Y, N, Y, Y, Y)),
    ("target equals the baseline", replace(GOOD, baseline=D(6), target=D(6)), (Y, N, Y, Y, Y)),
    (
        "target equals the baseline in decimals",
        replace(GOOD, baseline=D("2.50"), target=D("2.5")),
        (Y, N, Y, Y, Y),
    ),
    ("metric of spaces", replace(GOOD, metric="   "), (Y, N, Y, Y, Y)),
    # Attainable
    ("no confidence", replace(GOOD, confidence=None), (Y, Y, N, Y, Y)),
    ("confidence 3 is too low", replace(GOOD, confidence=3), (Y, Y, N, Y, Y)),
    ("confidence 1", replace(GOOD, confidence=1), (Y, Y, N, Y, Y)),
    ("confidence out of range", replace(GOOD, confidence=11), (Y, Y, N, Y, Y)),
    ("confidence zero", replace(GOOD, confidence=0), (Y, Y, N, Y, Y)),
    ("nothing makes it realistic", replace(GOOD, realistic_because=""), (Y, Y, N, Y, Y)),
    ("a two-word reason", replace(GOOD, realistic_because="have time"), (Y, Y, N, Y, Y)),
    # Relevant
    ("no why", replace(GOOD, why=""), (Y, Y, Y, N, Y)),
    ("a why of spaces", replace(GOOD, why="   "), (Y, Y, Y, N, Y)),
    (
        "a why that restates the title",
        replace(GOOD, why="To run the weekly release on my own"),
        (Y, Y, Y, N, Y),
    ),
    (
        "a why that restates the statement",
        replace(GOOD, why="Run the weekly release without help from the platform team"),
        (Y, Y, Y, N, Y),
    ),
    ("a one-word why", replace(GOOD, why="Promotion"), (Y, Y, Y, N, Y)),
    ("a two-word why", replace(GOOD, why="Because manager"), (Y, Y, Y, N, Y)),
    # Time-bound
    ("no date", replace(GOOD, due_on=None), (Y, Y, Y, Y, N)),
    ("a date in the past", replace(GOOD, due_on=date(2026, 6, 1)), (Y, Y, Y, Y, N)),
    ("due today", replace(GOOD, due_on=TODAY), (Y, Y, Y, Y, N)),
    ("years away", replace(GOOD, due_on=date(2030, 1, 1)), (Y, Y, Y, Y, N)),
    # Several at once
    ("a wish, not a goal", GoalDraft(title="Be happier"), (N, N, N, N, N)),
    (
        "vague and undated",
        GoalDraft(
            title="Improve my skills",
            specific="Improve my skills",
            metric="skills",
            why="Improve my skills",
        ),
        (N, N, N, N, N),
    ),
    ("measured but no why or date", replace(GOOD, why="", due_on=None), (Y, Y, Y, N, N)),
    (
        "low confidence and past date",
        replace(GOOD, confidence=2, due_on=date(2025, 1, 1)),
        (Y, Y, N, Y, N),
    ),
]

KEYS = ("specific", "measurable", "attainable", "relevant", "time_bound")


def test_the_table_has_at_least_40_goals() -> None:
    assert len(TABLE) >= 40
    assert len({name for name, _, _ in TABLE}) == len(TABLE)


@pytest.mark.parametrize(("name", "goal", "expected"), TABLE, ids=[row[0] for row in TABLE])
def test_each_criterion_of_each_goal(
    name: str, goal: GoalDraft, expected: tuple[bool, ...]
) -> None:
    result = check(goal, today=TODAY)
    actual = tuple(result[key].met for key in KEYS)
    assert actual == expected, {
        key: result[key].hint
        for key in KEYS
        if result[key].met != dict(zip(KEYS, expected, strict=True))[key]
    }
    for criterion in result.criteria:
        # A criterion that is not met always says what to change; a met one says nothing.
        assert bool(criterion.hint) is (not criterion.met), criterion


def test_the_hints_are_concrete() -> None:
    result = check(replace(GOOD, baseline=D(6), target=D(6), due_on=date(2026, 1, 1)), today=TODAY)
    assert "target equals the baseline" in result["measurable"].hint
    assert "past" in result["time_bound"].hint
    vague = check(
        replace(GOOD, specific="Improve my communication with the wider team", target=None),
        today=TODAY,
    )
    assert "“Improve”" in vague["specific"].hint
    assert check(GOOD, today=TODAY).met and check(GOOD, today=TODAY).score == 5
