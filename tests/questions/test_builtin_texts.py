"""The built-in questions are translated when shown: builtin_texts.py marks every text of
data/questions.json for extraction, and `Question.shown_text` looks it up in the viewer's
language. An organisation's own questions stay as written."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from rapport.meetings.models import Section
from rapport.people.models import Person
from rapport.questions import builtin_texts, services
from rapport.questions.models import Category, Question
from tests.cast import Cast

DATA = Path(__file__).resolve().parents[2] / "rapport" / "questions" / "data" / "questions.json"


def test_every_built_in_text_is_marked_for_translation_in_file_order() -> None:
    texts = [item["text"] for item in json.loads(DATA.read_text(encoding="utf-8"))]
    missing = [text for text in texts if text not in builtin_texts.TEXTS]
    stale = [text for text in builtin_texts.TEXTS if text not in texts]
    assert not missing and not stale, (
        "rapport/questions/builtin_texts.py is out of step with data/questions.json: "
        f"add {missing!r}, remove {stale!r}"
    )
    assert list(builtin_texts.TEXTS) == texts


def test_a_built_in_question_is_shown_in_the_active_language(db: None) -> None:
    question = Question.objects.get(text="What has been the best part of your week so far?")
    assert question.is_builtin
    assert question.shown_text == question.text
    shown = {}
    for language in ("de", "es", "pt"):
        with translation.override(language):
            shown[language] = question.shown_text
    assert shown == {
        "de": "Was war bisher das Beste an deiner Woche?",
        "es": "¿Qué ha sido lo mejor de tu semana hasta ahora?",
        "pt": "Qual foi, até agora, a melhor parte da sua semana?",
    }


def test_every_built_in_question_has_a_german_text_of_its_own(db: None) -> None:
    with translation.override("de"):
        untranslated = [
            question.text
            for question in Question.objects.filter(is_builtin=True)
            if question.shown_text == question.text
        ]
    assert untranslated == []


def test_an_organisations_own_question_stays_as_written(cast: Cast) -> None:
    question = services.question_add(
        text="Wie war das Offsite?",
        section=Section.CONNECTION,
        category=Category.CHECKING_IN,
        by=cast.admin,
    )
    with translation.override("es"):
        assert question.shown_text == "Wie war das Offsite?"


def german_client(person: Person) -> Client:
    """A client that asks for German every way a request can (the browser's header and the
    language cookie), for pages rendered while German is active."""
    client = Client(headers={"accept-language": "de"})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    client.force_login(person)
    return client


def test_the_bank_page_reads_in_german_except_an_organisations_own_question(cast: Cast) -> None:
    services.question_add(
        text="What did you learn at the offsite?",
        section=Section.CONNECTION,
        category=Category.CHECKING_IN,
        by=cast.admin,
    )
    with translation.override("de"):
        body = german_client(cast.report).get(reverse("questions:bank")).content.decode()
    assert "<h1>Fragensammlung</h1>" in body
    assert "Vertrauen und Beziehung" in body  # a category
    assert "Was war bisher das Beste an deiner Woche?" in body  # a built-in question
    assert "What has been the best part of your week so far?" not in body
    assert "What did you learn at the offsite?" in body  # the organisation's own, as written
    assert "hier ergänzt" in body
