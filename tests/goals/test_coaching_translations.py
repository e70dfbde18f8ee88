"""The coaching questions are shown in the viewer's language: each question of
data/coaching.json is marked for translation in coaching_messages.py, and shown translated."""

import pytest
from django.utils import translation

from rapport.goals import coaching, coaching_messages
from rapport.goals.coaching import questions_for, stretch_questions


def test_every_question_of_the_file_is_marked_for_translation() -> None:
    assert list(coaching_messages.QUESTIONS) == coaching_messages.file_questions()


def test_the_questions_are_shown_as_written_in_english() -> None:
    with translation.override("en-gb"):
        chosen = questions_for("goal", "time")
    assert chosen[0] == "If this goal got only one hour a week, what would that hour be for?"


def test_each_question_goes_through_gettext_when_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stand-in for gettext proves every question shown is looked up in the catalogue (whose
    completeness the i18n check covers)."""
    looked_up: list[str] = []

    def record(message: str) -> str:
        looked_up.append(message)
        return f"[{message}]"

    monkeypatch.setattr(coaching, "gettext", record)
    chosen = questions_for("reality", "")
    stretch = stretch_questions(1)
    assert chosen and all(text.startswith("[") for text in chosen)
    assert stretch and stretch[0].startswith("[")
    assert looked_up and set(looked_up) <= set(coaching_messages.QUESTIONS)
