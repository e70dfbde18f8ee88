"""Pages of people, goals and the team view render in German, Spanish and Portuguese: the
strings of templates and Python (signal texts, form labels) come from the catalogues, while
what people wrote (names, action texts) stays as written. The language is asked for by the
browser (Accept-Language) and activated for the request."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from rapport.people.models import Person
from tests.cast import Cast
from tests.insights.test_team_view import overdue_actions

# (language, team view heading, a signal's text, the sign-in button)
EXPECTED = [
    ("de", "Dein Team", "4 Aufgaben überfällig", "Anmelden"),
    ("es", "Tu equipo", "4 acciones vencidas", "Iniciar sesión"),
    ("pt", "A sua equipa", "4 ações em atraso", "Iniciar sessão"),
]


def _get(client: Client, url: str, language: str) -> str:
    with translation.override(language):
        return client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def _client_of(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.mark.parametrize(("language", "heading", "signal", "sign_in"), EXPECTED)
def test_the_team_view_is_translated_and_user_text_is_not(
    cast: Cast, language: str, heading: str, signal: str, sign_in: str
) -> None:
    overdue_actions(cast.one_on_one)
    body = _get(_client_of(cast.manager), "/insights/team/", language)
    assert heading in body and signal in body
    assert "Overdue thing 3" in body and "Rui Report" in body  # as written
    assert "Everyone who reports to you" not in body and "actions overdue" not in body


@pytest.mark.parametrize(("language", "heading", "signal", "sign_in"), EXPECTED)
def test_the_sign_in_page_is_translated(
    language: str, heading: str, signal: str, sign_in: str
) -> None:
    body = _get(Client(), "/sign-in/", language)
    assert f"<h1>{sign_in}</h1>" in body
    assert "Welcome back" not in body


def test_english_stays_as_written(cast: Cast) -> None:
    overdue_actions(cast.one_on_one)
    body = _get(_client_of(cast.manager), "/insights/team/", "en-gb")
    assert "Your team" in body and "4 actions overdue" in body
