"""The coaching questions of the GROW flow (rapport/goals/data/coaching.json): enough of them,
original to Rapport (none repeats the bank), and at least two for every step and kind."""

from __future__ import annotations

import json
import re
from pathlib import Path

from rapport.goals.coaching import coaching_questions, questions_for, stretch_questions
from rapport.goals.models import CoachingStep, ObstacleKind

BANK = Path(__file__).resolve().parents[2] / "rapport" / "questions" / "data" / "questions.json"
STEPS = [CoachingStep.GOAL, CoachingStep.REALITY, CoachingStep.OPTIONS, CoachingStep.WILL]
KINDS = [*ObstacleKind.values, "any"]


def normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def every_question() -> list[str]:
    data = coaching_questions()
    steps = [q for by_kind in data["steps"].values() for qs in by_kind.values() for q in qs]
    return steps + data["stretch"]


def test_there_are_at_least_sixty_coaching_questions() -> None:
    assert len(every_question()) >= 60


def test_no_coaching_question_appears_twice() -> None:
    questions = [normal(q) for q in every_question()]
    assert len(questions) == len(set(questions))


def test_no_coaching_question_repeats_a_question_of_the_bank() -> None:
    bank = {normal(q["text"]) for q in json.loads(BANK.read_text(encoding="utf-8"))}
    assert [q for q in every_question() if normal(q) in bank] == []


def test_every_step_has_at_least_two_questions_for_every_kind_of_obstacle() -> None:
    data = coaching_questions()["steps"]
    assert set(data) == {step.value for step in STEPS}
    for step in STEPS:
        for kind in KINDS:
            assert len(data[step][kind]) >= 2, (step, kind)


def test_a_step_offers_two_to_four_questions_chosen_for_the_kind() -> None:
    for step in STEPS:
        for kind in ObstacleKind.values:
            chosen = questions_for(step, kind)
            assert 2 <= len(chosen) <= 4
            assert chosen == coaching_questions()["steps"][step][kind][: len(chosen)]


def test_an_obstacle_of_unsure_kind_gets_the_questions_for_any_obstacle() -> None:
    assert questions_for("reality", "") == questions_for("reality", "any")
    assert questions_for("reality", "") != questions_for("reality", "time")


def test_there_are_stretch_questions() -> None:
    assert len(stretch_questions()) == 2
    assert len(coaching_questions()["stretch"]) >= 2
