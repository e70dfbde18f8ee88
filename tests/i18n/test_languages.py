"""Each person's language: chosen on the account page, else the browser's, else British
English; pages, dates and emails follow it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from rapport.display import format_date
from rapport.meetings.models import TalkingPoint
from rapport.notify import emails
from rapport.people.models import Person
from rapport.translations import READ_ATTRIBUTES
from tests.cast import Cast

pytestmark = pytest.mark.django_db


def speak(person: Person, language: str) -> None:
    person.language = language
    person.save(update_fields=["language"])


def page(person: Person, name: str = "home", **headers: str) -> str:
    client = Client(headers=headers)
    client.force_login(person)
    response = client.get(reverse(name))
    assert response.status_code == 200
    return response.content.decode()


def test_the_chosen_language_wins_over_the_browser(cast: Cast) -> None:
    speak(cast.report, "de")
    html = page(cast.report, **{"Accept-Language": "es"})
    assert '<html lang="de">' in html
    assert "Dein Konto" in html and "Your account" not in html


def test_without_a_choice_the_browser_language_is_used(client: Client) -> None:
    response = client.get(reverse("login"), headers={"Accept-Language": "pt-PT,pt;q=0.9,en;q=0.5"})
    assert '<html lang="pt">' in response.content.decode()
    assert "Accept-Language" in response["Vary"]
    assert response["Content-Language"] == "pt"


def test_without_either_the_language_is_british_english(cast: Cast, client: Client) -> None:
    assert '<html lang="en-gb">' in client.get(reverse("login")).content.decode()
    assert '<html lang="en-gb">' in page(cast.report, **{"Accept-Language": "en-US"})
    assert '<html lang="en-gb">' in page(cast.report, **{"Accept-Language": "fr, ja"})


def test_the_account_page_sets_the_language_and_the_next_page_speaks_it(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.report)
    response = client.post(
        reverse("account"),
        {"name": cast.report.name, "preferred_name": "", "timezone": "UTC", "language": "es"},
    )
    assert response.status_code == 302
    cast.report.refresh_from_db()
    assert cast.report.language == "es"
    assert '<html lang="es">' in client.get(reverse("account")).content.decode()
    # Back to the browser's language.
    client.post(
        reverse("account"),
        {"name": cast.report.name, "preferred_name": "", "timezone": "UTC", "language": ""},
    )
    cast.report.refresh_from_db()
    assert cast.report.language == ""


def test_a_language_not_offered_is_refused(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.report)
    response = client.post(
        reverse("account"),
        {"name": cast.report.name, "preferred_name": "", "timezone": "UTC", "language": "fr"},
    )
    assert response.status_code == 200
    cast.report.refresh_from_db()
    assert cast.report.language == ""


@pytest.mark.parametrize(
    ("language", "short", "long"),
    [
        ("en-gb", "Wed 2 Dec", "Wednesday 2 December 2026, 09:30"),
        ("de", "Mi., 2. Dez.", "Mittwoch, 2. Dezember 2026, 09:30"),
        ("es", "mié, 2 dic", "miércoles 2 de diciembre de 2026, 09:30"),
        # European Portuguese writes weekdays in lower case (the catalogue); the month comes from
        # Django's own pt catalogue.
        ("pt", "Qua, 2 dez", "quarta-feira, 2 de Dezembro de 2026, 09:30"),
    ],
)
def test_dates_follow_the_language(language: str, short: str, long: str) -> None:
    moment = datetime(2026, 12, 2, 9, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    with translation.override(language):
        assert format_date(date(2026, 12, 2), "D j M") == short
        assert format_date(moment, "l j F Y, H:i") == long
        # The same in templates, through the `date` filter.
        from django.template import Context, Template

        rendered = Template('{{ day|date:"D j M" }}').render(Context({"day": date(2026, 12, 2)}))
        assert rendered == short


class _Texts(HTMLParser):
    """The words a person reads on a page: text nodes and READ_ATTRIBUTES, outside scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.skipped = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "svg"):
            self.skipped += 1
        self.texts += [value for name, value in attrs if name in READ_ATTRIBUTES and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "svg") and self.skipped:
            self.skipped -= 1

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if not self.skipped and any(c.isalpha() for c in text):
            self.texts.append(text)


def texts_of(html: str) -> list[str]:
    parser = _Texts()
    parser.feed(html)
    return parser.texts


# Words that read the same in the translation ("Team" in German) or are not words at all.
SAME_IN = {
    "de": {"Team", "Check-in", "Organisation", "Import", "Rapport", "Trends", "1:1s"},
    "es": {"Check-in", "Rapport", "min"},
    "pt": {"Check-in", "Rapport", "Menu", "min"},
}


@pytest.mark.parametrize("language", ["de", "es", "pt"])
@pytest.mark.parametrize("role", ["manager", "report"])
def test_home_has_no_english_left(cast: Cast, language: str, role: str) -> None:
    """Every text the English home page shows is different on the translated one, but for
    what people wrote (names, titles, points) and words that read the same."""
    person = getattr(cast, role)
    english = texts_of(page(person))
    speak(person, language)
    translated = set(texts_of(page(person)))
    people = [p for p in Person.objects.all()]
    written = {p.name for p in people} | {p.title for p in people} | {p.timezone for p in people}
    written |= {p.get_short_name() for p in people} | {p.initials for p in people}
    written |= {point.text for point in TalkingPoint.objects.all()}
    left = [
        text
        for text in english
        if text in translated
        and text.lstrip("· ") not in written
        and " ".join(w for w in text.split() if not w.isdigit()) not in SAME_IN[language]
        and not any(p.name in text or (p.title and p.title in text) for p in people)
    ]
    assert left == [], left


@pytest.mark.parametrize(
    ("language", "subject_start", "when"),
    [
        ("de", "Dein 1:1 mit", "Dienstag, 16. Juni 2026, 11:00"),
        ("es", "Tu reunión 1:1 con", "martes 16 de junio de 2026, 11:00"),
        ("pt", "A sua reunião 1:1 com", "terça-feira, 16 de Junho de 2026, 11:00"),
        ("", "Your 1:1 with", "Tuesday 16 June 2026, 11:00"),
    ],
)
def test_an_email_is_written_in_its_recipients_language(
    cast: Cast, language: str, subject_start: str, when: str
) -> None:
    speak(cast.report, language)
    speak(cast.manager, "es" if language != "es" else "de")
    on_a_known_day(cast)
    with translation.override("pt"):  # whoever triggers it, in whatever language
        email = emails.report_reminder(meeting=cast.meeting, report=cast.report)
        assert translation.get_language() == "pt"
    assert email.subject.startswith(subject_start)
    assert when in email.subject and when in email.text and when in email.html
    assert f'lang="{language or "en-gb"}"' in email.html


def on_a_known_day(cast: Cast) -> None:
    """The cast's meeting on Tuesday 16 June 2026 at 11:00 in Lisbon, whatever instant the suite
    runs as (CI runs it at hostile ones): the dates written below are that day's."""
    cast.meeting.scheduled_for = datetime(2026, 6, 16, 10, 0, tzinfo=UTC)
    cast.meeting.save(update_fields=["scheduled_for"])


def test_the_invitation_is_written_in_the_new_persons_language(cast: Cast) -> None:
    speak(cast.report, "de")
    email = emails.invitation(person=cast.report, key="invitation:test")
    assert email.subject == "Du bist zu Rapport eingeladen: Wähle dein Passwort"
    assert "Wähle hier dein Passwort" in email.text
    assert "Passwort wählen" in email.html


@pytest.mark.parametrize(
    ("language", "across_months", "within_a_month"),
    [
        ("en-gb", "30 November \u2013 6 December 2026", "7\u201313 December 2026"),
        ("de", "30. November \u2013 6. Dezember 2026", "7.\u201313. Dezember 2026"),
        ("es", "30 de noviembre \u2013 6 de diciembre de 2026", "7\u201313 de diciembre de 2026"),
    ],
)
def test_the_week_views_title_follows_the_language(
    language: str, across_months: str, within_a_month: str
) -> None:
    from rapport.meetings.week import _week_title

    with translation.override(language):
        assert _week_title(date(2026, 11, 30), date(2026, 12, 6)) == across_months
        assert _week_title(date(2026, 12, 7), date(2026, 12, 13)) == within_a_month


def test_chat_messages_and_the_digest_follow_their_recipients_language(cast: Cast) -> None:
    from datetime import datetime as moment

    from rapport.notify import chat

    speak(cast.report, "de")
    speak(cast.manager, "es")
    on_a_known_day(cast)
    reminder = chat.report_reminder(meeting=cast.meeting, report=cast.report)
    assert reminder.title == "Bereite dein 1:1 vor"
    assert reminder.link_label == "Gespräch öffnen"
    assert "Dienstag, 16. Juni 2026" in reminder.text
    monday = moment(2026, 6, 15, tzinfo=cast.manager.zone)
    digest = emails.weekly_digest(manager=cast.manager, week_start=monday)
    assert digest.subject == "Tu equipo esta semana (del 15 de junio al 21 de junio)"
    assert "Tus reuniones 1:1 de esta semana:" in digest.text
    assert chat.weekly_digest(manager=cast.manager, week_start=monday).title == (
        "Tu semana desde el 15 de junio"
    )
