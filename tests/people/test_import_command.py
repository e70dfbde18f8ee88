from __future__ import annotations

import importlib
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rapport.people.models import Person
from tests.cast import Cast
from tests.people.importing_helpers import csv_bytes, person_row, team

pytestmark = pytest.mark.django_db

# The module has a dash in its name, like the command: importlib is the way to reach it.
command_module = importlib.import_module("rapport.people.management.commands.import-people")


def run(*args: str) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("import-people", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def write(tmp_path: Path, data: bytes) -> str:
    path = tmp_path / "people.csv"
    path.write_bytes(data)
    return str(path)


def test_it_imports_a_file_and_ends_with_a_summary(tmp_path: Path) -> None:
    stdout, stderr = run(write(tmp_path, csv_bytes(team(4))))

    assert stdout == "Imported: created 4, updated 0, unchanged 0, deactivated 0.\n"
    assert stderr == ""
    assert Person.objects.count() == 4


def test_the_same_file_again_is_reported_unchanged(tmp_path: Path) -> None:
    path = write(tmp_path, csv_bytes(team(4)))
    run(path)

    stdout, _ = run(path)

    assert "created 0, updated 0, unchanged 4, deactivated 0" in stdout


def test_it_deactivates_missing_people_only_when_asked(tmp_path: Path, cast: Cast) -> None:
    path = write(tmp_path, csv_bytes(team(2)))

    assert "deactivated 0" in run(path)[0]
    assert "deactivated 9" in run(path, "--deactivate-missing")[0]
    assert Person.objects.filter(is_active=False).count() == 9
    assert Person.objects.count() == 11


def test_a_dry_run_changes_nothing(tmp_path: Path) -> None:
    stdout, _ = run(write(tmp_path, csv_bytes(team(3))), "--dry-run")

    assert stdout == (
        "Dry run, nothing was changed. It would have: "
        "created 3, updated 0, unchanged 0, deactivated 0.\n"
    )
    assert not Person.objects.exists()


def test_it_prints_every_problem_and_fails(tmp_path: Path) -> None:
    rows = team(5)
    rows[1][5] = "2024-13-01"
    rows[3][3] = "ghost@example.org"
    stderr = io.StringIO()

    with pytest.raises(CommandError) as failure:
        call_command("import-people", write(tmp_path, csv_bytes(rows)), stderr=stderr)

    assert str(failure.value) == "2 problems found; nothing was changed."
    assert failure.value.returncode == 1  # what `rapport import-people` exits with
    lines = stderr.getvalue().splitlines()
    assert lines[0] == "line 3: the started_on date “2024-13-01” does not exist"
    assert lines[1].startswith("line 5: the manager_email “ghost@example.org” is neither")
    assert not Person.objects.exists()


def test_it_says_when_the_file_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"There is no file at .*missing\.csv\."):
        run(str(tmp_path / "missing.csv"))


def test_it_says_when_given_a_folder(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="is a folder"):
        run(str(tmp_path))


def test_it_refuses_a_file_over_5_mb_without_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as file:
        file.truncate(50 * 1024 * 1024)  # sparse: costs no disk and no time
    stderr = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import-people", str(path), stderr=stderr)

    checking, problem = stderr.getvalue().splitlines()
    assert checking == "checking the file…"
    assert problem.startswith("file: the file is larger than 5 MB")


def test_it_shows_progress_on_large_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(command_module, "PROGRESS_FROM", 20)

    _, stderr = run(write(tmp_path, csv_bytes(team(40))))

    lines = stderr.splitlines()
    assert lines[0] == "written 0 of 40 (0%)"
    assert lines[-1] == "written 40 of 40 (100%)"
    assert len(lines) <= 11  # whole tens only


def test_it_stays_quiet_about_progress_on_small_files(tmp_path: Path) -> None:
    _, stderr = run(write(tmp_path, csv_bytes(team(40))))

    assert stderr == ""


def test_it_reads_what_excel_writes(tmp_path: Path) -> None:
    rows = [person_row("li@example.org", "李小龍", title="Director, Asia")]

    run(write(tmp_path, csv_bytes(rows, bom=True, line_end="\r\n")))

    assert Person.objects.get().name == "李小龍"


def test_it_refuses_a_nul_byte_in_a_cell_with_a_clear_problem(tmp_path: Path, cast: Cast) -> None:
    # PostgreSQL cannot store a NUL character: it used to stop the command with a traceback.
    rows = team(3)
    rows[1][1] = "Person\x00 One"
    rows.append(person_row(cast.report.email, "Rui Report", title="Engineer\x00"))
    stderr = io.StringIO()

    with pytest.raises(CommandError, match=r"2 problems found; nothing was changed\."):
        call_command("import-people", write(tmp_path, csv_bytes(rows)), stderr=stderr)

    lines = stderr.getvalue().splitlines()
    assert lines[0].startswith("line 3: the name contains a NUL character (a zero byte)")
    assert lines[1].startswith("line 5: the title contains a NUL character")
    assert "\x00" not in stderr.getvalue()
    assert not Person.objects.filter(email="boss@example.org").exists()
    assert Person.objects.get(email=cast.report.email).title == "Engineer"
