"""The gaps left by the first translation pass: Rapport's own stored words (talking points it
adds, why a meeting was skipped), dates in Python messages, the erasure page's counts, the data
export's README, the import's `language` column, and the words scripts show."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from rapport.display import format_date
from rapport.meetings import system_texts
from rapport.meetings.models import Meeting, Section, TalkingPoint
from rapport.meetings.services import NEXT_GOAL_PROMPT, import_people
from rapport.notify.services import notify_tick, outbox_send_due
from rapport.people.forms import TimezoneField
from rapport.people.models import Person
from rapport.privacy.services import erasure_refusal, kind_label
from tests.cast import Cast
from tests.export.conftest import built_export, files_of
from tests.people.importing_helpers import HEADER, csv_bytes, person_row

STATIC = Path(settings.BASE_DIR) / "rapport" / "static" / "rapport"
TEMPLATES = Path(settings.BASE_DIR) / "rapport" / "templates"


def german_page(person: Person, path: str) -> str:
    person.language = "de"
    person.save(update_fields=["language"])
    client = Client()
    client.force_login(person)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


# --- Rapport's own words, stored in English, shown in the reader's language -------------------


@pytest.mark.parametrize(
    ("language", "stored", "shown"),
    [
        ("de", "Define the next goal", "Nächstes Ziel festlegen"),
        ("es", "Fill in your working-with-me profile", "Completar tu perfil «Trabajar conmigo»"),
        ("pt", "Define your first goals", "Definir os primeiros objetivos"),
        ("de", "Rui Report is away (holiday)", "Rui Report ist abwesend (Urlaub)"),
        ("es", "Mia Manager is away", "Mia Manager está fuera"),
        ("pt", "Ana is away (leave)", "Ana está ausente (licença)"),
        ("de", "The 1:1 ended: Rui Report has left.", "Das 1:1 ist beendet: Rui Report hat"),
        ("es", "The 1:1 closed: the manager changed.", "La reunión 1:1 se cerró"),
    ],
)
def test_rapports_own_words_are_translated_at_display(
    language: str, stored: str, shown: str
) -> None:
    with translation.override(language):
        text = system_texts.shown_point(stored)
        if text == stored:
            text = system_texts.shown_reason(stored)
    assert text.startswith(shown)


def test_what_people_wrote_and_english_stay_as_they_are() -> None:
    with translation.override("de"):
        assert system_texts.shown_point("Define the next goal, please") == (
            "Define the next goal, please"
        )
        assert system_texts.shown_reason("Team offsite") == "Team offsite"
        # A kind Rapport never writes is not matched as one.
        assert system_texts.shown_reason("Ana is away (sabbatical)") == "Ana is away (sabbatical)"
    with translation.override("en-gb"):
        for stored in ("Define the next goal", "Rui Report is away (holiday)"):
            assert stored in (system_texts.shown_point(stored), system_texts.shown_reason(stored))


@pytest.mark.django_db
def test_the_meeting_page_shows_the_stored_prompt_and_reason_in_german(cast: Cast) -> None:
    TalkingPoint.objects.create(
        one_on_one=cast.one_on_one,
        author=cast.manager,
        text=NEXT_GOAL_PROMPT,
        section=Section.PERFORMANCE,
    )
    path = reverse("meetings:meeting", args=[cast.meeting.uuid])
    html = german_page(cast.manager, path)
    assert "Nächstes Ziel festlegen" in html
    assert "Define the next goal" not in html
    Meeting.objects.filter(pk=cast.meeting.pk).update(
        status=Meeting.Status.SKIPPED,
        status_reason=system_texts.away_reason_text(cast.report.name, "holiday"),
    )
    html = german_page(cast.manager, path)
    assert f"{cast.report.name} ist abwesend (Urlaub)" in html
    assert "is away" not in html
    # Stored as before: services still compare with the English text.
    texts = [point.text for point in TalkingPoint.objects.filter(one_on_one=cast.one_on_one)]
    assert "Define the next goal" in texts


# --- Dates in Python messages --------------------------------------------------------------


@pytest.mark.django_db
def test_a_refusal_names_its_day_in_the_readers_date_format(cast: Cast) -> None:
    cast.report.left_on = date(2026, 12, 24)
    cast.report.save(update_fields=["left_on"])
    with translation.override("de"):
        refusal = erasure_refusal(cast.report, today=date(2026, 12, 2))
        expected = format_date(cast.report.left_on, "j F Y")
    assert refusal is not None
    assert expected == "24. Dezember 2026"
    assert f"{cast.report.name}" in refusal and expected in refusal
    with translation.override("en-gb"):
        english = erasure_refusal(cast.report, today=date(2026, 12, 2))
    assert english is not None and "leaves on 24 December 2026." in english


def test_no_python_module_formats_user_dates_with_strftime_names() -> None:
    """%b, %B, %a, %A are English whatever the language: display formats go through
    rapport.display.format_date."""
    english_names = re.compile(r"%-?[aAbB]\b|strftime\([^)]*%[aAbB]")
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}"
        for path in (Path(settings.BASE_DIR) / "rapport").rglob("*.py")
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if english_names.search(line) and not line.lstrip().startswith("#")
    ]
    assert offenders == []


# --- The erasure page's counts ----------------------------------------------------------------


def test_the_kinds_of_an_erasure_are_shown_in_the_readers_language() -> None:
    kind = "1:1s removed whole: notes"
    with translation.override("en-gb"):
        assert kind_label(kind) == kind
        assert kind_label("Their private notes") == "Their private notes"
    with translation.override("de"):
        assert kind_label(kind) == "Vollständig gelöschte 1:1-Gespräche: Notizen"
        assert kind_label("Their private notes") == "Ihre privaten Notizen"
    with translation.override("es"):
        assert kind_label(kind).startswith("Notas (de reuniones 1:1")


# --- The data export and the invitation in the person's language ----------------------------


@pytest.mark.django_db
def test_the_exports_readme_is_written_in_the_persons_language(cast: Cast) -> None:
    cast.report.language = "de"
    cast.report.save(update_fields=["language"])
    readme = files_of(built_export(cast.report))["README.md"]
    assert readme.startswith(f"# Deine Daten in Rapport: {cast.report.name}")
    assert "## Über dich" in readme
    assert "(deine Rolle: Teammitglied; Aktiv)" in readme
    assert "Your data in Rapport" not in readme


@pytest.mark.django_db
def test_without_a_language_the_exports_readme_stays_english(cast: Cast) -> None:
    readme = files_of(built_export(cast.report))["README.md"]
    assert readme.startswith(f"# Your data in Rapport: {cast.report.name}")
    assert "## You" in readme
    assert "(you are the report; active)" in readme
    assert re.search(r"\d+ meetings, every week, since ", readme)


@pytest.mark.django_db
def test_the_import_sets_a_language_and_the_invitation_speaks_it(cast: Cast) -> None:
    header = (*HEADER, "language")
    data = csv_bytes(
        [
            [*person_row("nia@example.com", "Nia Neu", manager=cast.manager.email), "DE"],
            [*person_row(cast.report.email, cast.report.name, manager=cast.manager.email), ""],
        ],
        header=header,
    )
    cast.report.language = "pt"
    cast.report.save(update_fields=["language"])
    report = import_people(data=data, by=cast.admin)
    assert report.problems == [] and report.applied
    assert Person.objects.get(email="nia@example.com").language == "de"
    # A blank cell keeps the person's own choice.
    assert Person.objects.get(pk=cast.report.pk).language == "pt"
    notify_tick()
    outbox_send_due()
    [message] = [m for m in mail.outbox if m.to == ["nia@example.com"]]
    assert message.subject == "Du bist zu Rapport eingeladen: Wähle dein Passwort"


@pytest.mark.django_db
def test_the_import_refuses_a_language_rapport_does_not_speak(cast: Cast) -> None:
    data = csv_bytes(
        [[*person_row("nia@example.com", "Nia Neu"), "fr"]], header=(*HEADER, "language")
    )
    report = import_people(data=data, by=cast.admin, dry_run=True)
    assert [str(p) for p in report.problems] == [
        "line 2: the language “fr” is not one of en, de, es, pt"
    ]
    assert not Person.objects.filter(email="nia@example.com").exists()


# --- Words scripts show ------------------------------------------------------------------------


def _script_keys(script: str) -> set[str]:
    text = (STATIC / script).read_text()
    return set(re.findall(r'words\(\s*"([a-z-]+)"', text))


@pytest.mark.parametrize(
    ("script", "template"),
    [("notes.js", "meetings/_notes.html"), ("meeting_mode.js", "meetings/mode.html")],
)
def test_every_word_a_script_says_comes_from_its_template(script: str, template: str) -> None:
    keys = _script_keys(script)
    assert keys, f"{script} reads no words"
    html = (TEMPLATES / template).read_text()
    missing = sorted(key for key in keys if f'data-say-{key}="' not in html)
    assert missing == []


def test_the_time_zone_filter_gets_its_words_in_the_readers_language() -> None:
    with translation.override("de"):
        attrs = {name: str(value) for name, value in TimezoneField().widget.attrs.items()}
    assert attrs["data-say-label"] == "Zeitzonen filtern"
    assert attrs["data-say-matches-one"] == "{count} Zeitzone passt"
    assert attrs["data-say-matches-other"] == "{count} Zeitzonen passen"
    script = (STATIC / "ui.js").read_text()
    for name in ("sayLabel", "sayPlaceholder", "sayMatchesOne", "sayMatchesOther"):
        assert f"say.{name}" in script


# --- Pages a German reader walks ------------------------------------------------------------


@pytest.mark.django_db
def test_the_week_page_works_and_names_the_working_days_in_german(cast: Cast) -> None:
    html = german_page(cast.manager, reverse("meetings:week"))
    assert "Mo\u2013Fr" in html
    assert "Mon\u2013Fri" not in html


@pytest.mark.django_db
def test_the_team_views_percentages_follow_the_language(cast: Cast) -> None:
    html = german_page(cast.manager, reverse("insights:team"))
    assert re.search(r'class="stat-value">\d+\u00a0%</div>', html)
    cast.manager.language = "en"
    cast.manager.save(update_fields=["language"])
    client = Client()
    client.force_login(cast.manager)
    english = client.get(reverse("insights:team")).content.decode()
    assert re.search(r'class="stat-value">\d+%</div>', english)


@pytest.mark.django_db
def test_the_reports_home_lists_rapports_own_point_in_german(cast: Cast) -> None:
    TalkingPoint.objects.create(
        one_on_one=cast.one_on_one,
        author=cast.report,
        text=system_texts.PROFILE_PROMPT,
        section=Section.CONNECTION,
    )
    html = german_page(cast.report, reverse("home"))
    assert "Dein „Arbeiten mit mir“-Profil ausfüllen" in html
    assert "Fill in your working-with-me profile" not in html
