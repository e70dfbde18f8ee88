"""The built-in question bank: loaded by a migration, varied, and grown by admins."""

from __future__ import annotations

import importlib
import itertools
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from rapport.access import Refused
from rapport.meetings.models import Section
from rapport.questions import services
from rapport.questions.models import AskedQuestion, Category, Question
from rapport.questions.selectors import bank_sections, normalised
from tests.cast import Cast

DATA = Path(__file__).resolve().parents[2] / "rapport" / "questions" / "data" / "questions.json"
loader = importlib.import_module("rapport.questions.migrations.0002_load_question_bank")


def builtin() -> list[Question]:
    return list(Question.objects.filter(is_builtin=True))


def words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z0-9]+", text.lower()))


def test_the_migration_loads_at_least_150_built_in_questions(db: None) -> None:
    assert len(builtin()) >= 150


def test_no_question_is_repeated_even_ignoring_case_and_punctuation(db: None) -> None:
    texts = [question.text for question in builtin()]
    repeated = [text for text, n in Counter(map(normalised, texts)).items() if n > 1]
    assert not repeated


def test_no_two_questions_are_near_copies_of_each_other(db: None) -> None:
    # Shared words over all words: rewording one question with a synonym or two stays high.
    bags = [(question.text, words(question.text)) for question in builtin()]
    close = [
        (a, b)
        for (a, x), (b, y) in itertools.combinations(bags, 2)
        if len(x & y) / len(x | y) >= 0.6
    ]
    assert not close


def test_every_section_and_every_category_has_questions(db: None) -> None:
    questions = builtin()
    assert {q.section for q in questions} == set(Section.values)
    per_category = Counter(q.category for q in questions)
    assert set(per_category) == set(Category.values)
    assert min(per_category.values()) >= 10, per_category


def test_career_feedback_and_workload_are_asked_in_both_sections(db: None) -> None:
    pairs = {(q.category, q.section) for q in builtin()}
    for category in (Category.CAREER, Category.FEEDBACK, Category.WORKLOAD):
        assert {(category, section) for section in Section.values} <= pairs


def test_every_question_in_the_file_is_an_open_question_of_a_known_kind() -> None:
    items = json.loads(DATA.read_text(encoding="utf-8"))
    for item in items:
        assert set(item) == {"text", "section", "category"}
        assert item["section"] in Section.values
        assert item["category"] in Category.values
        assert item["text"].endswith("?") and len(item["text"]) <= 300


def test_the_database_holds_exactly_the_questions_of_the_file(db: None) -> None:
    items = json.loads(DATA.read_text(encoding="utf-8"))
    in_file = {(i["text"], i["section"], i["category"]) for i in items}
    assert {(q.text, q.section, q.category) for q in builtin()} == in_file


def test_loading_the_bank_again_adds_nothing(db: None) -> None:
    before = Question.objects.count()
    loader.load_builtin_questions(apps, None)
    assert Question.objects.count() == before


def test_unloading_keeps_a_question_already_asked_and_loading_again_restores_the_rest(
    cast: Cast,
) -> None:
    total = Question.objects.count()
    kept = Question.objects.first()
    assert kept is not None
    AskedQuestion.objects.create(meeting=cast.meeting, question=kept, asked_by=cast.manager)

    loader.remove_builtin_questions(apps, None)
    assert list(Question.objects.all()) == [kept]

    loader.load_builtin_questions(apps, None)
    assert Question.objects.count() == total


def test_the_bank_groups_connection_first_then_categories_in_their_order(db: None) -> None:
    sections = bank_sections()
    assert [s.section for s in sections] == ["connection", "performance"]
    order = list(Category.values)
    for section in sections:
        shown = [c.category for c in section.categories]
        assert shown == sorted(shown, key=order.index)
    assert sum(s.count for s in sections) == len(builtin())


# --- Admins add their own ----------------------------------------------------------------


def test_an_admin_adds_a_question_of_their_own(cast: Cast) -> None:
    question = services.question_add(
        text="  What is one thing   you'd like the team to celebrate?  ",
        section="connection",
        category="motivation",
        by=cast.admin,
    )
    assert question.text == "What is one thing you'd like the team to celebrate?"
    assert not question.is_builtin
    assert question.created_by == cast.admin
    assert question.is_active


@pytest.mark.parametrize(
    "copy",
    [
        "What has been the best part of your week so far?",
        "what has been the BEST part of your week so far",
        "What has been the best part of your week, so far?!",
    ],
)
def test_a_question_already_in_the_bank_is_refused_with_a_clear_error(
    cast: Cast, copy: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.question_add(
            text=copy, section="connection", category="checking_in", by=cast.admin
        )
    assert refused.value.code == "duplicate"
    assert "already holds" in refused.value.messages[0]


@pytest.mark.parametrize("role", ["manager", "report", "hr", "skip_level"])
def test_only_admins_add_questions(cast: Cast, role: str) -> None:
    with pytest.raises(Refused):
        services.question_add(
            text="What would you rename about this team?",
            section="connection",
            category="trust",
            by=getattr(cast, role),
        )


def test_an_unknown_section_or_category_is_refused(cast: Cast) -> None:
    with pytest.raises(ValidationError):
        services.question_add(
            text="What is new?", section="gossip", category="checking_in", by=cast.admin
        )
    with pytest.raises(ValidationError):
        services.question_add(
            text="What is new?", section="connection", category="gossip", by=cast.admin
        )
