from __future__ import annotations

import datetime

import pytest
from pytest_django import DjangoAssertNumQueries

from rapport.access import SYSTEM
from rapport.meetings.services import import_people
from rapport.people import importing
from rapport.people.importing import ImportProblem, ImportReport
from rapport.people.models import Person, Role
from tests.cast import Cast
from tests.people.importing_helpers import csv_bytes, person_row, team

pytestmark = pytest.mark.django_db


def lines_and_messages(report: ImportReport) -> list[tuple[int, str]]:
    return [(problem.line, problem.message) for problem in report.problems]


def only_problem(report: ImportReport) -> ImportProblem:
    assert not report.applied
    assert len(report.problems) == 1, report.problems
    return report.problems[0]


# --- A good file -------------------------------------------------------------------------------


def test_a_good_file_creates_everyone_with_their_managers() -> None:
    report = import_people(by=SYSTEM, data=csv_bytes(team(5)))

    assert report == ImportReport(created=5, applied=True)
    boss = Person.objects.get(email="boss@example.org")
    assert (boss.name, boss.title, boss.manager, boss.timezone) == ("Bea Boss", "CEO", None, "UTC")
    assert boss.started_on == datetime.date(2020, 1, 6)
    assert boss.role == Role.MEMBER
    assert set(boss.reports.values_list("email", flat=True)) == {
        f"person{number}@example.org" for number in range(1, 5)
    }
    assert Person.objects.get(email="person1@example.org").timezone == "Europe/Berlin"


def test_new_people_have_no_usable_password_until_they_reset_it() -> None:
    import_people(by=SYSTEM, data=csv_bytes(team(2)))

    assert not Person.objects.get(email="boss@example.org").has_usable_password()


def test_a_report_may_be_listed_before_their_manager() -> None:
    rows = [
        person_row("rep@example.org", "Rep", manager="lead@example.org"),
        person_row("lead@example.org", "Lead"),
    ]
    import_people(by=SYSTEM, data=csv_bytes(rows))

    assert Person.objects.get(email="rep@example.org").manager.email == "lead@example.org"  # type: ignore[union-attr]


def test_a_manager_may_be_someone_already_in_rapport(cast: Cast) -> None:
    import_people(
        by=SYSTEM, data=csv_bytes([person_row("new@example.com", "New", manager="MIA@example.com")])
    )

    assert Person.objects.get(email="new@example.com").manager == cast.manager


def test_it_writes_a_large_file_in_a_few_queries(
    db: None, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    # Reading people, creating the boss, then her reports, their invitations, plus savepoints,
    # and the audit trail's one row: the same handful whether the file has 10 people or 1,000.
    with django_assert_max_num_queries(8):
        report = import_people(by=SYSTEM, data=csv_bytes(team(300)))

    assert report.created == 300


def test_a_chain_of_new_people_listed_bottom_up_gets_every_manager() -> None:
    rows = [
        person_row(
            f"level{depth}@example.org", f"Level {depth}", manager=f"level{depth - 1}@example.org"
        )
        for depth in range(5, 0, -1)
    ] + [person_row("level0@example.org", "Level 0")]

    import_people(by=SYSTEM, data=csv_bytes(rows))

    managers = dict(Person.objects.values_list("email", "manager__email"))
    assert managers == {
        f"level{depth}@example.org": f"level{depth - 1}@example.org" if depth else None
        for depth in range(6)
    }


def test_a_team_moving_to_a_new_manager_is_one_update(
    db: None, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    rows = [*team(100), person_row("new-boss@example.org", "Nia New")]
    import_people(by=SYSTEM, data=csv_bytes(rows))
    for row in rows[1:100]:
        row[3] = "new-boss@example.org"

    # 4 for the import, 1 to find 1:1s whose manager changed (none here), 1 for the audit trail.
    with django_assert_max_num_queries(6):
        report = import_people(by=SYSTEM, data=csv_bytes(rows))

    assert (report.updated, report.unchanged) == (99, 2)
    assert Person.objects.filter(manager__email="new-boss@example.org").count() == 99


def test_it_reports_progress_while_writing() -> None:
    calls: list[tuple[int, int]] = []
    import_people(
        by=SYSTEM, data=csv_bytes(team(3)), progress=lambda done, total: calls.append((done, total))
    )

    assert calls[-1] == (3, 3)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


# --- All or nothing ---------------------------------------------------------------------------


def test_it_rejects_the_whole_file_when_one_row_is_bad(cast: Cast) -> None:
    rows = team(200)
    rows[150][5] = "31/01/2024"
    before = list(Person.objects.values_list("email", "name", "is_active").order_by("email"))

    report = import_people(by=SYSTEM, data=csv_bytes(rows))

    problem = only_problem(report)
    assert problem.line == 152  # the header is line 1, the first person line 2
    assert "31/01/2024" in problem.message
    assert "YYYY-MM-DD" in problem.message
    assert (report.created, report.updated) == (0, 0)
    after = list(Person.objects.values_list("email", "name", "is_active").order_by("email"))
    assert after == before


def test_every_bad_row_is_reported_not_only_the_first() -> None:
    rows = team(6)
    rows[1][4] = "Mars/Olympus"
    rows[3][6] = "boss"
    rows[5][0] = "not an email"

    report = import_people(by=SYSTEM, data=csv_bytes(rows))

    assert [line for line, _ in lines_and_messages(report)] == [3, 5, 7]
    assert not Person.objects.exists()


def test_a_dry_run_reports_what_would_happen_and_changes_nothing() -> None:
    report = import_people(by=SYSTEM, data=csv_bytes(team(4)), dry_run=True)

    assert report == ImportReport(created=4, applied=False)
    assert not Person.objects.exists()


# --- Importing again --------------------------------------------------------------------------


def test_importing_the_same_file_again_changes_nothing() -> None:
    data = csv_bytes(team(20))
    import_people(by=SYSTEM, data=data)
    before = list(Person.objects.values().order_by("pk"))

    report = import_people(by=SYSTEM, data=data)

    assert report == ImportReport(unchanged=20, applied=True)
    assert list(Person.objects.values().order_by("pk")) == before


def test_a_changed_file_updates_people_by_email() -> None:
    import_people(by=SYSTEM, data=csv_bytes(team(4)))
    rows = team(4)
    rows[1] = person_row(
        "PERSON1@Example.org",
        "Person One",
        title="Staff Engineer",
        manager="person2@example.org",
        timezone="Asia/Tokyo",
        started_on="2022-02-01",
        role="HR",
    )

    report = import_people(by=SYSTEM, data=csv_bytes(rows))

    assert (report.created, report.updated, report.unchanged) == (0, 1, 3)
    person = Person.objects.get(email="person1@example.org")
    assert (person.name, person.title, person.timezone, person.role) == (
        "Person One",
        "Staff Engineer",
        "Asia/Tokyo",
        Role.HR,
    )
    assert person.manager.email == "person2@example.org"  # type: ignore[union-attr]
    assert person.started_on == datetime.date(2022, 2, 1)
    assert Person.objects.count() == 4


def test_blank_cells_clear_title_manager_and_start_date(cast: Cast) -> None:
    rows = [person_row("rui@example.com", "Rui Report")]

    report = import_people(by=SYSTEM, data=csv_bytes(rows))

    assert report.updated == 1
    cast.report.refresh_from_db()
    assert (cast.report.title, cast.report.manager, cast.report.started_on) == ("", None, None)


def test_blank_timezone_and_role_keep_what_people_chose(cast: Cast) -> None:
    cast.report.role = Role.HR
    cast.report.save()
    rows = [
        person_row("rui@example.com", "Rui Report", title="Engineer", manager="mia@example.com")
    ]

    report = import_people(by=SYSTEM, data=csv_bytes(rows))

    assert report.unchanged == 1
    cast.report.refresh_from_db()
    assert (cast.report.timezone, cast.report.role) == ("Europe/Lisbon", Role.HR)


def test_columns_left_out_of_the_file_keep_their_values(cast: Cast) -> None:
    data = csv_bytes([["rui@example.com", "Rui R."]], header=["email", "name"])

    report = import_people(by=SYSTEM, data=data)

    assert report.updated == 1
    cast.report.refresh_from_db()
    assert cast.report.name == "Rui R."
    assert (cast.report.title, cast.report.manager) == ("Engineer", cast.manager)


# --- Who stays active -------------------------------------------------------------------------


def test_people_missing_from_the_file_are_left_alone_by_default(cast: Cast) -> None:
    report = import_people(by=SYSTEM, data=csv_bytes(team(3)))

    assert report.deactivated == 0
    assert Person.objects.filter(is_active=True).count() == 9 + 3


def test_deactivate_missing_deactivates_and_never_deletes(cast: Cast) -> None:
    report = import_people(data=csv_bytes(team(3)), deactivate_missing=True, by=cast.admin)

    # The eight others of the cast; the admin running the import stays.
    assert (report.created, report.deactivated) == (3, 8)
    assert Person.objects.count() == 9 + 3
    assert set(Person.objects.filter(is_active=False).values_list("email", flat=True)) == {
        "sam@example.com",
        "mia@example.com",
        "pete@example.com",
        "rui@example.com",
        "rosa@example.com",
        "priya@example.com",
        "hana@example.com",
        "otto@example.com",
    }


def test_a_row_brings_back_someone_deactivated_earlier(cast: Cast) -> None:
    Person.objects.filter(pk=cast.outsider.pk).update(is_active=False)
    rows = [person_row("otto@example.com", "Otto Outsider", title="Designer")]

    report = import_people(by=SYSTEM, data=csv_bytes(rows))

    assert report.updated == 1
    cast.outsider.refresh_from_db()
    assert cast.outsider.is_active


def test_a_row_does_not_bring_back_someone_whose_departure_was_recorded(cast: Cast) -> None:
    Person.objects.filter(pk=cast.outsider.pk).update(
        is_active=False, left_on=datetime.date(2026, 1, 30), left_reason="voluntary"
    )
    rows = [person_row("otto@example.com", "Otto Outsider", title="Designer")]

    report = import_people(by=SYSTEM, data=csv_bytes(rows))

    assert report.unchanged == 1
    cast.outsider.refresh_from_db()
    assert not cast.outsider.is_active


def test_it_will_not_take_away_the_importers_own_admin_role(cast: Cast) -> None:
    rows = [person_row("ada@example.com", "Ada Admin", title="IT", role="member")]

    report = import_people(data=csv_bytes(rows), by=cast.admin)

    assert "your own admin role" in only_problem(report).message
    cast.admin.refresh_from_db()
    assert cast.admin.role == Role.ADMIN


# --- Each kind of problem ---------------------------------------------------------------------


def test_it_names_an_unknown_manager() -> None:
    rows = [person_row("a@example.org", "A"), person_row("b@example.org", "B", manager="c@x.org")]

    problem = only_problem(import_people(by=SYSTEM, data=csv_bytes(rows)))

    assert problem.line == 3
    assert "c@x.org" in problem.message
    assert "neither in this file nor in Rapport" in problem.message


def test_it_refuses_someone_as_their_own_manager() -> None:
    rows = [person_row("a@example.org", "A", manager="A@example.org")]

    problem = only_problem(import_people(by=SYSTEM, data=csv_bytes(rows)))

    assert problem == ImportProblem(2, "a@example.org cannot be their own manager")


def test_it_reports_a_reporting_loop_on_every_line_in_it() -> None:
    rows = [
        person_row("top@example.org", "Top"),
        person_row("a@example.org", "A", manager="b@example.org"),
        person_row("b@example.org", "B", manager="c@example.org"),
        person_row("c@example.org", "C", manager="a@example.org"),
        person_row("d@example.org", "D", manager="a@example.org"),
    ]

    report = import_people(by=SYSTEM, data=csv_bytes(rows))

    assert [line for line, _ in lines_and_messages(report)] == [3, 4, 5]
    assert report.problems[0].message.startswith(
        "reporting loop: a@example.org → b@example.org → c@example.org → a@example.org"
    )
    assert report.problems[1].message.startswith("reporting loop: b@example.org → c@example.org")


def test_it_finds_a_loop_through_people_already_in_rapport(cast: Cast) -> None:
    # Rui reports to Mia, who reports to Sam; Sam cannot now report to Rui.
    rows = [person_row("sam@example.com", "Sam Skiplevel", manager="rui@example.com")]

    problem = only_problem(import_people(by=SYSTEM, data=csv_bytes(rows)))

    assert problem.line == 2
    assert "sam@example.com → rui@example.com → mia@example.com → sam@example.com" in (
        problem.message
    )


def test_it_refuses_a_manager_who_would_be_deactivated(cast: Cast) -> None:
    rows = [person_row("new@example.com", "New", manager="mia@example.com")]

    report = import_people(by=SYSTEM, data=csv_bytes(rows), deactivate_missing=True)

    assert "mia@example.com would be deactivated" in only_problem(report).message


def test_it_names_both_lines_of_a_duplicate_email() -> None:
    rows = [person_row("a@example.org", "A"), person_row("b@example.org", "B")]
    rows.append(person_row(" A@Example.org ", "A again"))

    problem = only_problem(import_people(by=SYSTEM, data=csv_bytes(rows)))

    assert problem == ImportProblem(
        4, "a@example.org is already on line 2; each person must appear only once"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("31/01/2024", "is not written as YYYY-MM-DD"),
        ("2024-1-31", "is not written as YYYY-MM-DD"),
        ("2024-02-30", "does not exist"),
    ],
)
def test_it_accepts_only_iso_dates(value: str, expected: str) -> None:
    rows = [person_row("a@example.org", "A", started_on=value)]

    problem = only_problem(import_people(by=SYSTEM, data=csv_bytes(rows)))

    assert problem.line == 2
    assert value in problem.message
    assert expected in problem.message


def test_it_names_an_unknown_timezone() -> None:
    rows = [person_row("a@example.org", "A", timezone="Europe/Paaris")]

    problem = only_problem(import_people(by=SYSTEM, data=csv_bytes(rows)))

    assert problem.line == 2
    assert "“Europe/Paaris” is not a known time zone" in problem.message


def test_it_accepts_timezones_and_roles_in_any_case() -> None:
    rows = [person_row("a@example.org", "A", timezone="europe/berlin", role=" ADMIN ")]

    import_people(by=SYSTEM, data=csv_bytes(rows))

    person = Person.objects.get()
    assert (person.timezone, person.role) == ("Europe/Berlin", Role.ADMIN)


def test_it_names_an_unknown_role() -> None:
    problem = only_problem(
        import_people(by=SYSTEM, data=csv_bytes([person_row("a@x.org", "A", role="boss")]))
    )

    assert problem == ImportProblem(2, "the role “boss” is not one of member, hr, admin")


def test_it_needs_a_valid_email_and_a_name() -> None:
    rows = [person_row("", "Nobody"), person_row("a@", "A"), person_row("b@example.org", "")]

    report = import_people(by=SYSTEM, data=csv_bytes(rows))

    assert lines_and_messages(report) == [
        (2, "the email is empty; every person needs one"),
        (3, "“a@” is not a valid email address"),
        (4, "the name is empty"),
    ]


def test_it_reports_missing_required_columns_on_the_first_line() -> None:
    data = csv_bytes([["a@example.org", "Engineer"]], header=["Email", "Title"])

    problem = only_problem(import_people(by=SYSTEM, data=data))

    assert problem.line == 1
    assert "the column “name” is missing" in problem.message


def test_it_ignores_columns_it_does_not_know() -> None:
    data = csv_bytes([["a@example.org", "12", "A"]], header=["email", "employee_id", "name"])

    assert import_people(by=SYSTEM, data=data).created == 1


def test_it_explains_a_file_that_is_not_utf8() -> None:
    data = csv_bytes([person_row("a@example.org", "A")]) + "b@example.org,Zoë\n".encode("latin-1")

    problem = only_problem(import_people(by=SYSTEM, data=data))

    assert problem == ImportProblem(3, importing.NOT_UTF8)
    assert "CSV UTF-8" in problem.message


def test_it_explains_a_spreadsheet_workbook() -> None:
    problem = only_problem(import_people(by=SYSTEM, data=b"PK\x03\x04 rest of an xlsx"))

    assert "not a CSV file" in problem.message


def test_it_explains_an_empty_file() -> None:
    assert "the file is empty" in only_problem(import_people(by=SYSTEM, data=b"")).message


def test_a_file_with_headings_only_imports_nobody(cast: Cast) -> None:
    # Above all, it must not deactivate the whole organisation.
    report = import_people(by=SYSTEM, data=csv_bytes([]), deactivate_missing=True)

    assert only_problem(report) == ImportProblem(1, "the file has column headings but no people")
    assert not Person.objects.filter(is_active=False).exists()


def test_it_refuses_a_file_over_5_mb() -> None:
    data = csv_bytes(team(2)).ljust(importing.MAX_BYTES + 1, b"\n")

    problem = only_problem(import_people(by=SYSTEM, data=data))

    assert problem.line == 0
    assert "larger than 5 MB" in problem.message
    assert str(problem).startswith("file: ")


def test_the_size_limit_is_inclusive(monkeypatch: pytest.MonkeyPatch) -> None:
    # A small limit: 5 MB of padding would only test how fast blank lines are skipped.
    data = csv_bytes(team(2))
    monkeypatch.setattr(importing, "MAX_BYTES", len(data))

    assert import_people(by=SYSTEM, data=data, dry_run=True).created == 2
    assert "larger than 5 MB" in only_problem(import_people(by=SYSTEM, data=data + b"\n")).message


def test_it_refuses_a_file_over_the_row_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "MAX_ROWS", 3)

    assert import_people(by=SYSTEM, data=csv_bytes(team(3)), dry_run=True).created == 3
    problem = only_problem(import_people(by=SYSTEM, data=csv_bytes(team(4))))
    assert problem.line == 5
    assert "more than 3 people" in problem.message


def test_the_row_limit_is_fifty_thousand_people() -> None:
    assert importing.MAX_ROWS == 50_000


def test_it_points_at_a_stray_quote() -> None:
    data = csv_bytes([person_row("a@example.org", "A")]) + b'b@example.org,"B\n'

    problem = only_problem(import_people(by=SYSTEM, data=data))

    assert problem.line == 3


# --- Messy spreadsheet exports ----------------------------------------------------------------


def test_it_reads_excel_csv_with_a_byte_order_mark_and_windows_line_ends() -> None:
    rows = team(3)
    rows[2][5] = "bad date"
    data = csv_bytes(rows, bom=True, line_end="\r\n")

    problem = only_problem(import_people(by=SYSTEM, data=data))
    assert problem.line == 4  # CRLF counts as one line end

    rows[2][5] = ""
    report = import_people(by=SYSTEM, data=csv_bytes(rows, bom=True, line_end="\r\n"))
    assert report.created == 3
    assert Person.objects.filter(email="boss@example.org").exists()


def test_it_reads_quoted_commas_and_quotes_in_cells() -> None:
    rows = [person_row("a@example.org", 'Doe, Jane "JD"', title="Director, Sales & Marketing")]

    # Kept as written: the cell is read whole, comma and quotes included.
    import_people(by=SYSTEM, data=csv_bytes(rows), keep_names=["a@example.org"])

    person = Person.objects.get()
    assert (person.name, person.title) == ('Doe, Jane "JD"', "Director, Sales & Marketing")


def test_it_imports_names_in_any_script() -> None:
    names = [
        "李小龍",
        "Ελένη Παπαδοπούλου",
        "محمد عبد الله",
        "Zoë Ørsted",
        "Сергей Ковалёв",
        "अनन्या",
    ]
    rows = [person_row(f"p{index}@example.org", name) for index, name in enumerate(names)]

    import_people(by=SYSTEM, data=csv_bytes(rows))

    assert list(Person.objects.order_by("email").values_list("name", flat=True)) == names


def test_decomposed_accents_count_as_the_same_name_on_the_next_import() -> None:
    import_people(by=SYSTEM, data=csv_bytes([person_row("z@example.org", "Zoe\u0308")]))

    report = import_people(by=SYSTEM, data=csv_bytes([person_row("z@example.org", "Zo\u00eb")]))

    assert report.unchanged == 1


def test_it_reads_semicolon_separated_files_and_loose_headings() -> None:
    header = [" E-Mail ", "Name", "Manager Email"]  # "E-Mail" is not "email": ignored
    data = csv_bytes([["x", "A", ""]], header=header, delimiter=";")
    assert (
        "the column “email” is missing" in only_problem(import_people(by=SYSTEM, data=data)).message
    )

    header = [" EMAIL ", "Name", "Manager Email", "Started On"]
    rows = [["a@example.org", "A", "", "2024-01-31"], ["b@example.org", "B", "a@example.org", ""]]
    import_people(by=SYSTEM, data=csv_bytes(rows, header=header, delimiter=";"))

    assert Person.objects.get(email="b@example.org").manager.name == "A"  # type: ignore[union-attr]


def test_blank_lines_and_empty_rows_are_skipped_but_still_counted() -> None:
    data = b"email,name,timezone\r\n\r\na@example.org,A,Nowhere\r\n,,\r\n"

    problem = only_problem(import_people(by=SYSTEM, data=data))

    assert problem.line == 3


def test_line_numbers_count_line_breaks_inside_quoted_cells() -> None:
    data = b'email,name,title\na@example.org,A,"two\nline title"\nb@example.org,B,\nc,C,\n'

    assert only_problem(import_people(by=SYSTEM, data=data)).line == 5
