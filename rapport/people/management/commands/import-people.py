"""`rapport import-people people.csv`: the org-chart import from the command line.

The module name has a dash because Django names a command after its module and loads it with
importlib, which does not mind; an `import` statement cannot name it (tests use importlib).
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rapport.access import SYSTEM
from rapport.meetings.services import import_people
from rapport.people.importing import MAX_BYTES

# Below this many people an import takes a moment and a progress display would only be noise.
PROGRESS_FROM = 1000
# Checking about a thousand rows' worth of bytes takes a while too; say so before it starts.
CHECKING_FROM_BYTES = 100 * 1024


class Command(BaseCommand):
    help = (
        "Create and update people from a CSV file with the columns email, name, title, "
        "manager_email, timezone, started_on (YYYY-MM-DD) and role (member, hr or admin). "
        "Nothing changes unless every row is right."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", help="The CSV file (UTF-8, at most 5 MB and 50,000 people).")
        parser.add_argument(
            "--deactivate-missing",
            action="store_true",
            help="Deactivate active people who are not in the file (nobody is deleted).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; change nothing."
        )
        parser.add_argument(
            "--keep-name-as-written",
            action="append",
            default=[],
            metavar="EMAIL",
            help="Keep this person's name as the file writes it although it looks like "
            "'Last, First' (by default 'Cohen, Daniel' becomes 'Daniel Cohen'); repeatable.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        data = _read(Path(options["path"]))
        self._shown_percent = -1
        if len(data) >= CHECKING_FROM_BYTES:
            self.stderr.write("checking the file…", _plain)
        report = import_people(
            data=data,
            deactivate_missing=options["deactivate_missing"],
            dry_run=options["dry_run"],
            progress=self._progress,
            by=SYSTEM,
            keep_names=options["keep_name_as_written"],
        )
        for swap in report.swaps:
            verb = "becomes" if swap.accepted else "kept as written, not"
            self.stdout.write(
                f"line {swap.line}: “{swap.written}” {verb} “{swap.proposed}” ({swap.email})"
            )
        for problem in report.problems:
            self.stderr.write(str(problem))
        if report.problems:
            count = len(report.problems)
            raise CommandError(
                f"{count} problem{'s' if count != 1 else ''} found; nothing was changed."
            )
        summary = (
            f"created {report.created}, updated {report.updated}, "
            f"unchanged {report.unchanged}, deactivated {report.deactivated}"
        )
        if options["dry_run"]:
            self.stdout.write(f"Dry run, nothing was changed. It would have: {summary}.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported: {summary}."))

    def _progress(self, done: int, total: int) -> None:
        if total < PROGRESS_FROM:
            return
        percent = done * 100 // total
        # Whole tens only, on lines of their own: readable in a terminal and in a log file.
        if percent // 10 > self._shown_percent // 10:
            self._shown_percent = percent
            self.stderr.write(f"written {done:,} of {total:,} ({percent}%)", _plain)


def _plain(text: str) -> str:
    # Progress is not an error: keep it out of the red that stderr gets by default.
    return text


def _read(path: Path) -> bytes:
    try:
        with path.open("rb") as file:
            # One byte over the limit is enough for the import to refuse the file, and a huge
            # file is never read whole.
            return file.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise CommandError(f"There is no file at {path}.") from None
    except IsADirectoryError:
        raise CommandError(f"{path} is a folder; give the path of a CSV file.") from None
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
