"""Preferred names and names written "Last, First" (issue 16, item 2)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from rapport.access import SYSTEM
from rapport.meetings.services import import_people
from rapport.notify import emails
from rapport.people.models import Person, swapped_last_first
from tests.cast import Cast
from tests.people.importing_helpers import HEADER, csv_bytes, person_row

IMPORT = reverse("people:import")

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("written", "proposed"),
    [
        ("Cohen, Daniel", "Daniel Cohen"),
        ("  van der Berg ,  Anna  Maria ", "Anna Maria van der Berg"),
        ("Ruiz, Ana M.", "Ana M. Ruiz"),
        ("Daniel Cohen", None),
        ("Ana Ruiz, Jr.", None),
        ("Ana Ruiz, PhD", None),
        ("Cohen,", None),
        (", Daniel", None),
        ("Cohen, Daniel, Jr.", None),
        ("1, 2", None),
    ],
)
def test_a_name_written_last_comma_first_is_recognised_and_others_are_not(
    written: str, proposed: str | None
) -> None:
    assert swapped_last_first(written) == proposed


def test_the_short_name_is_the_preferred_name_else_the_first_name() -> None:
    assert Person(name="Daniela Cohen", preferred_name="Dani").get_short_name() == "Dani"
    assert Person(name="Daniela Cohen").get_short_name() == "Daniela"
    assert Person(name="Daniela Cohen", preferred_name="   ").get_short_name() == "Daniela"
    # A name stored "Last, First" before imports swapped them never gives "Hello Cohen,".
    assert Person(name="Cohen, Daniel").get_short_name() == "Daniel"
    assert Person(name="", email="x@example.org").get_short_name() == "x@example.org"


def test_every_email_greets_the_person_by_their_preferred_name(cast: Cast) -> None:
    Person.objects.filter(pk=cast.report.pk).update(name="Report, Rui", preferred_name="Ruizinho")
    Person.objects.filter(pk=cast.manager.pk).update(name="Manager, Mia")
    cast.report.refresh_from_db()
    cast.manager.refresh_from_db()

    reminder = emails.report_reminder(meeting=cast.meeting, report=cast.report)
    agenda = emails.manager_agenda(meeting=cast.meeting, manager=cast.manager)

    assert reminder.text.startswith("Hello Ruizinho,")
    assert agenda.text.startswith("Hello Mia,")
    for email in (reminder, agenda):
        assert ",," not in email.text and "Hello Report" not in email.text
        assert "Hello Manager" not in email.text


def test_a_person_sets_their_preferred_name_on_the_account_page(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.report)
    payload = {"name": "Rui Report", "preferred_name": "  Ruizinho ", "timezone": "Europe/Lisbon"}

    response = client.post(reverse("account"), payload)

    assert response.status_code == 302
    cast.report.refresh_from_db()
    assert cast.report.preferred_name == "Ruizinho"
    page = client.get(reverse("account")).content.decode()
    assert 'value="Ruizinho"' in page and "Preferred name" in page


@pytest.mark.parametrize(
    ("preferred", "message"),
    [
        ("Cohen, Dani", "without a comma"),
        ("Dani\tC", "not text"),
        ("D" * 61, "60 characters or fewer"),
    ],
)
def test_a_bad_preferred_name_is_refused_with_a_clear_message(
    cast: Cast, preferred: str, message: str
) -> None:
    client = Client()
    client.force_login(cast.report)
    payload = {"name": "Rui Report", "preferred_name": preferred, "timezone": "Europe/Lisbon"}

    response = client.post(reverse("account"), payload)

    assert response.status_code == 200
    assert message in response.content.decode()
    cast.report.refresh_from_db()
    assert cast.report.preferred_name == ""


def test_a_blank_preferred_name_goes_back_to_the_first_name(cast: Cast) -> None:
    Person.objects.filter(pk=cast.report.pk).update(preferred_name="Ruizinho")
    client = Client()
    client.force_login(cast.report)

    client.post(
        reverse("account"),
        {"name": "Rui Report", "preferred_name": "", "timezone": "Europe/Lisbon"},
    )

    cast.report.refresh_from_db()
    assert (cast.report.preferred_name, cast.report.get_short_name()) == ("", "Rui")


def test_an_admin_sets_someones_preferred_name_and_the_person_page_shows_it(
    cast: Cast,
) -> None:
    client = Client()
    client.force_login(cast.admin)
    payload = {
        "name": "Rui Report",
        "preferred_name": "Ruizinho",
        "title": "Engineer",
        "timezone": "Europe/Lisbon",
        "role": "member",
        "manager": str(cast.manager.pk),
        "started_on": "",
    }

    response = client.post(reverse("people:edit", args=[cast.report.uuid]), payload)

    assert response.status_code == 302
    cast.report.refresh_from_db()
    assert cast.report.preferred_name == "Ruizinho"
    page = client.get(reverse("people:detail", args=[cast.report.uuid])).content.decode()
    assert "Goes by Ruizinho" in page


# --- The import ---------------------------------------------------------------------------------


def test_the_import_swaps_a_last_comma_first_name_by_default() -> None:
    rows = [
        person_row("daniel@example.org", "Cohen, Daniel"),
        person_row("ana@example.org", "Ana Ruiz, Jr."),
    ]

    report = import_people(by=SYSTEM, data=csv_bytes(rows))

    assert report.applied
    assert [(s.line, s.written, s.proposed, s.accepted) for s in report.swaps] == [
        (2, "Cohen, Daniel", "Daniel Cohen", True)
    ]
    daniel = Person.objects.get(email="daniel@example.org")
    assert (daniel.name, daniel.get_short_name()) == ("Daniel Cohen", "Daniel")
    assert Person.objects.get(email="ana@example.org").name == "Ana Ruiz, Jr."


def test_the_import_keeps_a_name_as_written_when_the_admin_refuses_the_swap() -> None:
    rows = [
        person_row("daniel@example.org", "Cohen, Daniel"),
        person_row("li@example.org", "Li, Wei"),
    ]

    report = import_people(by=SYSTEM, data=csv_bytes(rows), keep_names=["LI@example.org"])

    assert [(s.email, s.accepted) for s in report.swaps] == [
        ("daniel@example.org", True),
        ("li@example.org", False),
    ]
    names = dict(Person.objects.values_list("email", "name"))
    assert names == {"daniel@example.org": "Daniel Cohen", "li@example.org": "Li, Wei"}


def test_reimporting_the_same_hris_export_changes_nobody() -> None:
    rows = [person_row("daniel@example.org", "Cohen, Daniel")]
    import_people(by=SYSTEM, data=csv_bytes(rows))

    report = import_people(by=SYSTEM, data=csv_bytes(rows))

    assert (report.updated, report.unchanged) == (0, 1)


def test_the_import_reads_an_optional_preferred_name_column() -> None:
    header = (*HEADER, "preferred_name")
    rows = [
        [*person_row("daniel@example.org", "Cohen, Daniel"), "Dani"],
        [*person_row("ana@example.org", "Ana Ruiz"), ""],
    ]
    import_people(by=SYSTEM, data=csv_bytes(rows, header=header))

    preferred = dict(Person.objects.values_list("email", "preferred_name"))
    assert preferred == {"daniel@example.org": "Dani", "ana@example.org": ""}

    # Without the column, the preferred names people chose are kept.
    report = import_people(by=SYSTEM, data=csv_bytes([person_row("daniel@example.org", "Dan C")]))
    assert report.updated == 1
    assert Person.objects.get(email="daniel@example.org").preferred_name == "Dani"


def test_the_import_refuses_a_bad_preferred_name_with_its_line() -> None:
    header = (*HEADER, "preferred_name")
    rows = [
        [*person_row("daniel@example.org", "Daniel Cohen"), "Cohen, Dani"],
        [*person_row("ana@example.org", "Ana Ruiz"), "A" * 61],
    ]

    report = import_people(by=SYSTEM, data=csv_bytes(rows, header=header))

    assert [(p.line, "preferred_name" in p.message) for p in report.problems] == [
        (2, True),
        (3, True),
    ]
    assert "without a comma" in report.problems[0].message
    assert not Person.objects.exists()


def _upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("people.csv", data, content_type="text/csv")


def test_the_import_preview_proposes_each_swap_and_the_admin_keeps_one(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.admin)
    rows = [
        person_row("daniel@example.org", "Cohen, Daniel"),
        person_row("li@example.org", "Li, Wei"),
    ]

    preview = client.post(IMPORT, {"file": _upload(csv_bytes(rows)), "dry_run": "on"})

    content = preview.content.decode()
    assert "Names written “Last, First”" in content
    assert "<strong>Daniel Cohen</strong>" in content and "<strong>Wei Li</strong>" in content
    assert 'name="keep_name" value="li@example.org">' in content  # unticked: swap by default
    assert not Person.objects.filter(email__endswith="@example.org").exists()

    client.post(IMPORT, {"file": _upload(csv_bytes(rows)), "keep_name": ["li@example.org"]})

    names = dict(Person.objects.filter(email__endswith="@example.org").values_list("email", "name"))
    assert names == {"daniel@example.org": "Daniel Cohen", "li@example.org": "Li, Wei"}


def test_a_forged_keep_name_is_refused_and_nothing_is_imported(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.admin)
    rows = [person_row("daniel@example.org", "Cohen, Daniel")]

    response = client.post(
        IMPORT, {"file": _upload(csv_bytes(rows)), "keep_name": ["<not an email>"]}
    )

    assert response.status_code == 200
    assert "is not the email of a row in the file" in response.content.decode()
    assert "&lt;not an email&gt;" in response.content.decode()
    assert not Person.objects.filter(email="daniel@example.org").exists()


def test_the_command_prints_each_swap_and_keeps_the_names_it_is_told_to(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    rows = [
        person_row("daniel@example.org", "Cohen, Daniel"),
        person_row("li@example.org", "Li, Wei"),
    ]
    path.write_bytes(csv_bytes(rows))
    stdout = io.StringIO()

    call_command(
        "import-people", str(path), "--keep-name-as-written", "li@example.org", stdout=stdout
    )

    lines = stdout.getvalue().splitlines()
    assert lines[0] == "line 2: “Cohen, Daniel” becomes “Daniel Cohen” (daniel@example.org)"
    assert lines[1] == "line 3: “Li, Wei” kept as written, not “Wei Li” (li@example.org)"
    names = dict(Person.objects.values_list("email", "name"))
    assert names == {"daniel@example.org": "Daniel Cohen", "li@example.org": "Li, Wei"}
