"""The import's optional working-hours columns: work_days, work_starts, work_ends."""

from __future__ import annotations

from datetime import time

import pytest
from django.test import Client
from django.urls import reverse

from rapport.access import SYSTEM
from rapport.meetings.services import import_people
from rapport.people.models import Person
from tests.cast import Cast
from tests.people.importing_helpers import csv_bytes

pytestmark = pytest.mark.django_db

HOURS = ("email", "name", "timezone", "work_days", "work_starts", "work_ends")


def _hours_file(*rows: tuple[str, ...], header: tuple[str, ...] = HOURS) -> bytes:
    return csv_bytes([list(row) for row in rows], header=header)


@pytest.mark.parametrize(
    ("written", "mask"),
    [
        ("Mon-Fri", 0b0011111),
        ("Mon,Tue,Thu", 0b0001011),
        ("Sun-Thu", 0b1001111),
        ("sunday - thursday", 0b1001111),
        ("Tues Thurs", 0b0001010),
        ("Sat", 0b0100000),
    ],
)
def test_working_days_are_read_as_ranges_and_lists(written: str, mask: int) -> None:
    report = import_people(
        by=SYSTEM,
        data=_hours_file(("ana@example.org", "Ana", "Asia/Dubai", written, "08:00", "16:30")),
    )
    assert report.applied, report.problems
    ana = Person.objects.get(email="ana@example.org")
    assert (ana.work_days, ana.work_starts, ana.work_ends) == (mask, time(8, 0), time(16, 30))


def test_without_the_columns_new_people_get_the_defaults_and_others_keep_theirs(
    cast: Cast,
) -> None:
    cast.report.work_days, cast.report.work_starts = 0b1001111, time(7, 0)
    cast.report.save()
    data = csv_bytes(
        [["rui@example.com", "Rui Report"], ["new@example.org", "New"]], header=("email", "name")
    )
    report = import_people(by=SYSTEM, data=data)
    assert report.applied and report.unchanged == 1
    rui = Person.objects.get(pk=cast.report.pk)
    assert (rui.work_days, rui.work_starts) == (0b1001111, time(7, 0))
    new = Person.objects.get(email="new@example.org")
    assert (new.work_days, new.work_starts, new.work_ends) == (0b0011111, time(9), time(17, 30))


def test_blank_cells_keep_the_current_values_and_a_stated_one_changes(cast: Cast) -> None:
    report = import_people(
        by=SYSTEM,
        data=_hours_file(("rui@example.com", "Rui Report", "", "", "", "16:00")),
    )
    assert report.applied and report.updated == 1
    rui = Person.objects.get(pk=cast.report.pk)
    assert (rui.work_days, rui.work_starts, rui.work_ends) == (0b0011111, time(9), time(16))


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (("Mon-Fry", "09:00", "17:00"), "the work_days “Mon-Fry” is not a list of days"),
        (("Mon-Fri", "9am", "17:00"), "the work_starts “9am” is not a time written as HH:MM"),
        (("Mon-Fri", "09:00", "24:00"), "the work_ends “24:00” is not a time written as HH:MM"),
        (("Mon-Fri", "17:00", "09:00"), "the working day would end at 09:00, not after it starts"),
    ],
)
def test_bad_working_hours_are_problems_of_their_line_and_nothing_changes(
    cells: tuple[str, str, str], message: str
) -> None:
    report = import_people(
        by=SYSTEM,
        data=_hours_file(
            ("ok@example.org", "Fine", "UTC", "Mon-Fri", "09:00", "17:00"),
            ("bad@example.org", "Wrong", "UTC", *cells),
        ),
    )
    assert not report.applied
    assert [(problem.line, problem.message[: len(message)]) for problem in report.problems] == [
        (3, message)
    ]
    assert not Person.objects.filter(email__in=["ok@example.org", "bad@example.org"]).exists()


def test_an_end_before_the_persons_current_start_is_refused(cast: Cast) -> None:
    report = import_people(
        by=SYSTEM,
        data=csv_bytes(
            [["rui@example.com", "Rui Report", "08:30"]], header=("email", "name", "work_ends")
        ),
    )
    assert [problem.message[:40] for problem in report.problems] == [
        "the working day would end at 08:30, not "
    ]


def test_the_import_page_explains_the_new_columns(cast: Cast, client: Client) -> None:
    client.force_login(cast.admin)
    page = client.get(reverse("people:import")).content.decode()
    for column in ("work_days", "work_starts", "work_ends"):
        assert f"<code>{column}</code>" in page
    assert "Sun-Thu" in page
