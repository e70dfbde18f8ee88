"""The org-chart CSV import: the whole file is checked first, then applied in one transaction.

Three steps, so that each can be tested on its own:

- `read_file` turns the bytes into rows and finds what is wrong with each row by itself
  (no database);
- `plan_import` compares the rows with the people already in Rapport and finds what is wrong
  across rows: unknown managers, reporting loops (no database either: it is given the people);
- `_apply_plan` writes the plan: bulk inserts, and one UPDATE per distinct set of changes.

`update_people_from_file` runs the three and writes nothing unless the whole file is right: a
half-imported org chart is worse than none. It changes people only: the import page and the
command call meetings.services.import_people, which also closes the 1:1s whose manager changed.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from functools import cache, lru_cache

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext

from rapport import access
from rapport.access import System
from rapport.people.models import (
    DEFAULT_WORK_ENDS,
    DEFAULT_WORK_STARTS,
    WEEKDAYS_MONDAY_TO_FRIDAY,
    Invitation,
    Person,
    Role,
    normalise_email,
    swapped_last_first,
    validate_preferred_name,
)
from rapport.people.timezones import canonical_timezone, known_timezones

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
COLUMNS = (
    "email",
    "name",
    "title",
    "manager_email",
    "timezone",
    "started_on",
    "role",
    "work_days",
    "work_starts",
    "work_ends",
    "preferred_name",
    "language",
)
REQUIRED_COLUMNS = ("email", "name")
BATCH_SIZE = 1000

NOT_UTF8 = "the file is not UTF-8 text; in Excel choose 'CSV UTF-8' when saving it"
EXAMPLE_HEADER = ",".join(COLUMNS[:7])
# Fields a row sets on a Person; `manager` is handled apart because it needs ids.
FIELDS = (
    "name",
    "preferred_name",
    "title",
    "timezone",
    "role",
    "started_on",
    "is_active",
    "work_days",
    "work_starts",
    "work_ends",
    "language",
)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportProblem:
    # The physical line in the file where the row starts (the header is line 1); 0 means the
    # file as a whole.
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else f"file: {self.message}"


@dataclass(frozen=True)
class NameSwap:
    """A name written "Last, First" in the file, and the name Rapport proposes instead."""

    line: int
    email: str
    written: str
    proposed: str
    # False when the admin chose to keep the name as written.
    accepted: bool


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    applied: bool = False
    swaps: list[NameSwap] = field(default_factory=list)


@dataclass(frozen=True)
class Row:
    """One person as the file states them, already cleaned.

    Blank `timezone`, `role` and working hours (None) mean "not stated"; blank `title`,
    `manager_email` and `started_on` mean "none".
    """

    line: int
    email: str
    name: str
    title: str
    manager_email: str
    timezone: str
    started_on: date | None
    role: str
    work_days: int | None = None
    work_starts: time | None = None
    work_ends: time | None = None
    preferred_name: str = ""
    # A code of settings.LANGUAGES ("de"); blank means "not stated".
    language: str = ""
    # "Daniel Cohen" when `name` is written "Cohen, Daniel"; None otherwise.
    name_swap: str | None = None


@dataclass
class ParsedFile:
    rows: list[Row] = field(default_factory=list)
    columns: frozenset[str] = frozenset()
    problems: list[ImportProblem] = field(default_factory=list)
    # True when the file could not be read at all, so there is nothing to plan.
    unreadable: bool = False


@dataclass(frozen=True)
class Target:
    """What one person will look like after the import."""

    row: Row
    current: Person | None
    name: str
    preferred_name: str
    title: str
    timezone: str
    role: str
    started_on: date | None
    is_active: bool
    manager_email: str | None
    work_days: int
    work_starts: time
    work_ends: time
    language: str = ""

    def values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in FIELDS)


@dataclass
class Plan:
    create: list[Target] = field(default_factory=list)
    update: list[Target] = field(default_factory=list)
    unchanged: int = 0
    deactivate: list[Person] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    swaps: list[NameSwap] = field(default_factory=list)
    # Everyone already in Rapport, by email: the managers new people may refer to.
    ids: dict[str, int] = field(default_factory=dict)


def update_people_from_file(
    *,
    data: bytes,
    deactivate_missing: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    by: Person | System,
    after_writing: Callable[[], object] | None = None,
    keep_names: Collection[str] = (),
) -> ImportReport:
    """Check the whole file, then create and update people by email in one transaction.

    Nothing is written when any row has a problem, or on a dry run; the report then says what
    would have happened. People are matched by email, case-insensitively.

    - A row in the file means the person is active: someone deactivated earlier is active again.
      The exception is someone whose departure was recorded (`left_on`): a stale export must
      not let a leaver sign in again, so they stay inactive and only their details change.
    - A column missing from the file leaves that detail as it is. A blank `timezone` or `role`
      cell also leaves it as it is (people choose their own time zone; roles are granted in
      Rapport), while a blank `title`, `manager_email` or `started_on` cell clears it. New people
      get the defaults: UTC and member.
    - People missing from the file are left alone unless `deactivate_missing`, which makes them
      inactive; nobody is ever deleted, and `by` (the admin running the import) is never
      deactivated nor stripped of their admin role. The command passes access.SYSTEM.
    - New people get an unusable password: they set one through password reset.
    - A name written "Last, First" ("Cohen, Daniel") is imported as "Daniel Cohen", unless the
      row's email is in `keep_names` (the admin refused the swap in the preview); the report
      lists every such row in `swaps`.

    `progress(done, total)` is called once the file is checked, with done=0, and then as
    people are written. `after_writing` runs in the same transaction once everyone is written
    (meetings.services.import_people closes the 1:1s whose manager changed there).
    """
    access.require(access.can_import_people(by))
    keep = None if isinstance(by, System) else by
    parsed = read_file(data)
    if parsed.unreadable:
        return ImportReport(problems=parsed.problems)
    with transaction.atomic():
        people = Person.objects.only("email", "manager", "left_on", "is_active", *FIELDS)
        if not dry_run:
            # Nobody may change the chart between our checks and our writes.
            people = people.select_for_update()
        plan = plan_import(
            parsed,
            list(people),
            deactivate_missing=deactivate_missing,
            keep=keep,
            keep_names=keep_names,
        )
        report = ImportReport(
            created=len(plan.create),
            updated=len(plan.update),
            unchanged=plan.unchanged,
            deactivated=len(plan.deactivate),
            problems=sorted(parsed.problems + plan.problems, key=lambda problem: problem.line),
            swaps=plan.swaps,
        )
        if report.problems:
            report.created = report.updated = report.unchanged = report.deactivated = 0
            return report
        if not dry_run:
            _apply_plan(plan, progress=progress)
            if after_writing is not None:
                after_writing()
            report.applied = True
    return report


# --- Reading the file ------------------------------------------------------------------------


def read_file(data: bytes) -> ParsedFile:
    """Decode and parse the CSV and check every row on its own. Touches no database."""
    if len(data) > MAX_BYTES:
        return _unreadable(
            0,
            gettext(
                "the file is larger than 5 MB; leave out columns Rapport does not use, or split it"
            ),
        )
    if data.startswith(b"PK\x03\x04"):
        return _unreadable(
            1,
            gettext("this is a spreadsheet workbook, not a CSV file; in Excel choose 'CSV UTF-8'"),
        )
    try:
        text = data.decode("utf-8-sig")  # -sig: Excel starts its UTF-8 CSV with a byte-order mark
    except UnicodeDecodeError as error:
        return _unreadable(data.count(b"\n", 0, error.start) + 1, NOT_UTF8)
    if not text.strip():
        return _unreadable(
            1,
            gettext("the file is empty; its first line must name the columns: %(header)s")
            % {"header": EXAMPLE_HEADER},
        )

    # strict: a stray quote is an error to report, not a cell to swallow the next lines into.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    parsed = ParsedFile()
    try:
        header = next(reader)
    except csv.Error as error:
        return _unreadable(
            1, gettext("the first line cannot be read as CSV (%(error)s)") % {"error": error}
        )
    columns = _read_header(header, parsed)
    if parsed.problems:
        parsed.unreadable = True
        return parsed

    first_lines: dict[str, int] = {}
    previous_end = reader.line_num
    records = 0
    try:
        for record in reader:
            line, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue  # blank lines and rows of empty cells, as spreadsheets leave at the end
            records += 1
            if records > MAX_ROWS:
                parsed.problems.append(
                    ImportProblem(
                        line,
                        gettext(
                            "the file has more than %(limit)s people; split it into several "
                            "files and import the one with the managers first"
                        )
                        % {"limit": f"{MAX_ROWS:,}"},
                    )
                )
                parsed.unreadable = True
                return parsed
            values = {
                name: record[index].strip() if index < len(record) else ""
                for name, index in columns.items()
            }
            row = _read_row(line, values, parsed.problems)
            if row is None:
                continue
            if row.email in first_lines:
                parsed.problems.append(
                    ImportProblem(
                        line,
                        gettext(
                            "%(email)s is already on line %(line)s; each person must appear "
                            "only once"
                        )
                        % {"email": row.email, "line": first_lines[row.email]},
                    )
                )
                continue
            first_lines[row.email] = line
            parsed.rows.append(row)
    except csv.Error as error:
        parsed.problems.append(
            ImportProblem(
                previous_end + 1,
                gettext("this row cannot be read as CSV (%(error)s); look for a stray quote")
                % {"error": error},
            )
        )
        parsed.unreadable = True
    if records == 0 and not parsed.unreadable:
        parsed.problems.append(
            ImportProblem(1, gettext("the file has column headings but no people"))
        )
    parsed.columns = frozenset(columns)
    return parsed


def _unreadable(line: int, message: str) -> ParsedFile:
    return ParsedFile(problems=[ImportProblem(line, message)], unreadable=True)


def _column_key(heading: str) -> str:
    return re.sub(r"[\s-]+", "_", heading.strip().lower())


def _delimiter(text: str) -> str:
    # Spreadsheets in many European locales write semicolons; some tools write tabs. Choose the
    # separator that makes the most sense of the header line.
    first_line = re.split(r"[\r\n]", text, maxsplit=1)[0]

    def known(delimiter: str) -> int:
        return sum(_column_key(cell) in COLUMNS for cell in first_line.split(delimiter))

    return max((",", ";", "\t"), key=known)  # max keeps the first on a tie: the comma


def _read_header(header: Sequence[str], parsed: ParsedFile) -> dict[str, int]:
    """Map each column Rapport knows to its position; other columns are ignored."""
    columns: dict[str, int] = {}
    for index, heading in enumerate(header):
        key = _column_key(heading)
        if key not in COLUMNS:
            continue
        if key in columns:
            parsed.problems.append(
                ImportProblem(1, gettext("the column “%(key)s” appears twice") % {"key": key})
            )
        columns[key] = index
    for required in REQUIRED_COLUMNS:
        if required not in columns:
            parsed.problems.append(
                ImportProblem(
                    1,
                    gettext(
                        "the column “%(column)s” is missing; the first line must name the "
                        "columns, for example: %(header)s"
                    )
                    % {"column": required, "header": EXAMPLE_HEADER},
                )
            )
    return columns


def _text(value: str) -> str:
    # Exports from some systems decompose accents (e + ◌̈); compose them so that the same name
    # compares equal on the next import.
    return unicodedata.normalize("NFC", value)


@lru_cache(maxsize=4096)  # manager addresses repeat on every row of their team
def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return len(value) <= 254


@cache
def _timezones_by_lower_case() -> dict[str, str]:
    return {name.lower(): name for name in known_timezones()}


def _timezone(value: str) -> str | None:
    name = _timezones_by_lower_case().get(value.lower())
    # An alias such as US/Eastern is stored under its canonical name (America/New_York).
    return canonical_timezone(name) if name else None


def _read_row(line: int, values: dict[str, str], problems: list[ImportProblem]) -> Row | None:
    """The row, cleaned, with a problem added for every bad cell; None without a usable email.

    A row with bad cells other than the email is still returned so that the rows naming this
    person as their manager are not reported too.
    """

    def problem(message: str) -> None:
        problems.append(ImportProblem(line, message))

    # A NUL character is no text anyone typed (a binary file, a broken export), and PostgreSQL
    # refuses to store it: the row is refused, and the other checks read the cell without it.
    for column in [column for column, value in values.items() if "\x00" in value]:
        problem(
            gettext(
                "the %(column)s contains a NUL character (a zero byte), which is not text; "
                "export the file again as 'CSV UTF-8'"
            )
            % {"column": column}
        )
        values = {**values, column: values[column].replace("\x00", "")}

    email = normalise_email(values.get("email", ""))
    email_is_valid = _is_email(email) if email else False
    if not email:
        problem(gettext("the email is empty; every person needs one"))
    elif not email_is_valid:
        problem(gettext("“%(email)s” is not a valid email address") % {"email": email})

    name = _text(values.get("name", ""))
    name_swap = None
    if not name:
        problem(gettext("the name is empty"))
    elif len(name) > 150:
        problem(gettext("the name is longer than 150 characters"))
    else:
        name_swap = swapped_last_first(name)

    preferred_name = _text(values.get("preferred_name", ""))
    if len(preferred_name) > 60:
        problem(gettext("the preferred_name is longer than 60 characters"))
        preferred_name = ""
    else:
        try:
            validate_preferred_name(preferred_name)
        except ValidationError as error:
            problem(
                gettext("the preferred_name “%(value)s”: %(problem)s")
                % {"value": preferred_name, "problem": error.messages[0]}
            )
            preferred_name = ""

    title = _text(values.get("title", ""))
    if len(title) > 150:
        problem(gettext("the title is longer than 150 characters"))
        title = ""

    manager_email = normalise_email(values.get("manager_email", ""))
    if manager_email and not _is_email(manager_email):
        problem(
            gettext("the manager_email “%(email)s” is not a valid email address")
            % {"email": manager_email}
        )
        manager_email = ""

    timezone = values.get("timezone", "")
    if timezone:
        known = _timezone(timezone)
        if known is None:
            problem(
                gettext(
                    "the timezone “%(zone)s” is not a known time zone; use a name such as "
                    "Europe/Berlin, America/New_York or UTC"
                )
                % {"zone": timezone}
            )
        timezone = known or ""

    started_on: date | None = None
    if raw_date := values.get("started_on", ""):
        started_on = _date(raw_date, problem)

    role = values.get("role", "").lower()
    if role and role not in Role.values:
        problem(
            gettext("the role “%(role)s” is not one of %(roles)s")
            % {"role": values["role"], "roles": ", ".join(Role.values)}
        )
        role = ""

    work_days = _work_days(values.get("work_days", ""), problem)
    work_starts = _clock_time("work_starts", values.get("work_starts", ""), problem)
    work_ends = _clock_time("work_ends", values.get("work_ends", ""), problem)

    language = values.get("language", "").strip().lower()
    codes = [code for code, _name in settings.LANGUAGES]
    if language and language not in codes:
        problem(
            gettext("the language “%(value)s” is not one of %(codes)s")
            % {"value": values["language"], "codes": ", ".join(codes)}
        )
        language = ""

    if not email_is_valid:
        return None
    return Row(
        line=line,
        email=email,
        name=name,
        title=title,
        manager_email=manager_email,
        timezone=timezone,
        started_on=started_on,
        role=role,
        work_days=work_days,
        work_starts=work_starts,
        work_ends=work_ends,
        preferred_name=preferred_name,
        language=language,
        name_swap=name_swap,
    )


DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAY_SPELLINGS = {
    **{name: index for index, name in enumerate(DAY_NAMES)},
    **{name[:3]: index for index, name in enumerate(DAY_NAMES)},
    "tues": 1,
    "thur": 3,
    "thurs": 3,
}


def _work_days(value: str, problem: Callable[[str], None]) -> int | None:
    """`Mon-Fri`, `Mon,Tue,Thu`, `Sun-Thu` (a range may wrap past Sunday) as the bit set of
    Person.work_days; None when blank (not stated) or wrong (with a problem)."""
    if not value:
        return None
    days = 0
    spaced_ranges_closed = re.sub(r"\s*[-\u2013]\s*", "-", value.strip().lower())
    for part in re.split(r"[,;/\s]+", spaced_ranges_closed):
        if not part:
            continue
        first, _, last = part.partition("-")
        start = DAY_SPELLINGS.get(first.strip())
        end = DAY_SPELLINGS.get(last.strip()) if last else start
        if start is None or end is None:
            problem(
                gettext(
                    "the work_days “%(value)s” is not a list of days; write them like Mon-Fri, "
                    "Mon,Tue,Thu or Sun-Thu"
                )
                % {"value": value}
            )
            return None
        for offset in range((end - start) % 7 + 1):
            days |= 1 << ((start + offset) % 7)
    if not days:
        problem(gettext("the work_days names no day; write them like Mon-Fri"))
        return None
    return days


def _clock_time(column: str, value: str, problem: Callable[[str], None]) -> time | None:
    if not value:
        return None
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", value)
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        problem(
            gettext(
                "the %(column)s “%(value)s” is not a time written as HH:MM on a 24-hour clock "
                "(for example 09:00 or 17:30)"
            )
            % {"column": column, "value": value}
        )
        return None
    return time(int(match[1]), int(match[2]))


def _date(value: str, problem: Callable[[str], None]) -> date | None:
    # Only ISO dates: 01/02/2024 is the 1st of February in some countries and the 2nd of
    # January in others, and guessing wrong would be silent.
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        problem(
            gettext(
                "the started_on date “%(value)s” is not written as YYYY-MM-DD (for example "
                "2024-01-31); only that form is accepted, because dates like 01/02/2024 mean "
                "different days in different countries"
            )
            % {"value": value}
        )
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problem(gettext("the started_on date “%(value)s” does not exist") % {"value": value})
        return None


# --- Planning against the people already in Rapport ----------------------------------------


def plan_import(
    parsed: ParsedFile,
    existing: Iterable[Person],
    *,
    deactivate_missing: bool = False,
    keep: Person | None = None,
    keep_names: Collection[str] = (),
) -> Plan:
    """Compare the rows with `existing` (everyone in Rapport) and decide every change.

    Reads no database: `existing` must carry email, manager_id, left_on, is_active and FIELDS.
    A name written "Last, First" becomes "First Last" unless its email is in `keep_names`.
    """
    kept_as_written = {normalise_email(email) for email in keep_names}
    people = {normalise_email(person.email): person for person in existing}
    plan = Plan(ids={email: person.pk for email, person in people.items()})
    email_of = {person.pk: email for email, person in people.items()}
    keep_email = normalise_email(keep.email) if keep is not None else None

    def problem(row: Row, message: str) -> None:
        plan.problems.append(ImportProblem(row.line, message))

    targets: dict[str, Target] = {}
    for row in parsed.rows:
        current = people.get(row.email)
        if "manager_email" in parsed.columns:
            manager_email = row.manager_email or None
        else:
            manager_email = _manager_email(current, email_of) if current else None
        name = row.name
        if row.name_swap is not None:
            accepted = row.email not in kept_as_written
            plan.swaps.append(NameSwap(row.line, row.email, row.name, row.name_swap, accepted))
            if accepted:
                name = row.name_swap
        targets[row.email] = Target(
            row=row,
            current=current,
            name=name,
            preferred_name=(
                row.preferred_name
                if "preferred_name" in parsed.columns or not current
                else current.preferred_name
            ),
            title=row.title if "title" in parsed.columns or not current else current.title,
            timezone=row.timezone or (current.timezone if current else "UTC"),
            role=row.role or (current.role if current else Role.MEMBER),
            started_on=(
                row.started_on
                if "started_on" in parsed.columns or not current
                else current.started_on
            ),
            is_active=current.is_active if current and current.left_on else True,
            manager_email=manager_email,
            work_days=_or_current(row.work_days, current, "work_days", WEEKDAYS_MONDAY_TO_FRIDAY),
            work_starts=_or_current(row.work_starts, current, "work_starts", DEFAULT_WORK_STARTS),
            work_ends=_or_current(row.work_ends, current, "work_ends", DEFAULT_WORK_ENDS),
            # A blank cell leaves the person's own choice (people choose on their account page).
            language=row.language or (current.language if current else ""),
        )
        target = targets[row.email]
        if target.work_ends <= target.work_starts:
            problem(
                row,
                gettext(
                    "the working day would end at %(ends)s, not after it starts at %(starts)s; "
                    "work_ends must be later than work_starts"
                )
                % {"ends": f"{target.work_ends:%H:%M}", "starts": f"{target.work_starts:%H:%M}"},
            )

    if deactivate_missing:
        plan.deactivate = [
            person
            for email, person in people.items()
            if person.is_active and email not in targets and email != keep_email
        ]
    leaving = {normalise_email(person.email) for person in plan.deactivate}

    def is_active_afterwards(email: str) -> bool:
        if email in targets:
            return targets[email].is_active
        return people[email].is_active and email not in leaving

    # The reporting graph after the import: everyone keeps their manager unless the file says
    # otherwise. Edges that are already a problem are left out so they are reported once.
    parents: dict[str, str | None] = {
        email: _manager_email(person, email_of) for email, person in people.items()
    }
    for email, target in targets.items():
        parents[email] = None
        manager = target.manager_email
        if manager is None:
            continue
        if manager == email:
            problem(target.row, gettext("%(email)s cannot be their own manager") % {"email": email})
        elif manager not in targets and manager not in people:
            problem(
                target.row,
                gettext(
                    "the manager_email “%(email)s” is neither in this file nor in Rapport; add "
                    "a row for them or correct the address"
                )
                % {"email": manager},
            )
        elif not is_active_afterwards(manager):
            why = gettext(
                "the manager %(email)s would be deactivated because they are not in this file"
            )
            if manager in targets or not people[manager].is_active:
                why = gettext("the manager %(email)s is no longer active")
            problem(target.row, why % {"email": manager})
        else:
            parents[email] = manager

    for cycle in _cycles(parents):
        for position, email in enumerate(cycle):
            if email in targets:
                loop = cycle[position:] + cycle[:position] + [email]
                problem(
                    targets[email].row,
                    gettext(
                        "reporting loop: %(loop)s (each reports to the next); nobody can end up "
                        "above themselves"
                    )
                    % {"loop": " → ".join(loop)},
                )

    if keep_email in targets and targets[keep_email].role != Role.ADMIN:
        problem(
            targets[keep_email].row,
            gettext("this row would take away your own admin role; ask another admin to change it"),
        )

    for target in targets.values():
        if target.current is None:
            plan.create.append(target)
        elif _is_unchanged(target, email_of):
            plan.unchanged += 1
        else:
            plan.update.append(target)
    return plan


def _or_current[T](stated: T | None, current: Person | None, name: str, default: T) -> T:
    """What the file states, else the person's current value, else the default for someone new."""
    if stated is not None:
        return stated
    return getattr(current, name) if current is not None else default


def _is_unchanged(target: Target, email_of: dict[int, str]) -> bool:
    current = target.current
    assert current is not None
    return target.values() == tuple(getattr(current, name) for name in FIELDS) and (
        target.manager_email == _manager_email(current, email_of)
    )


def _manager_email(person: Person, email_of: dict[int, str]) -> str | None:
    return email_of.get(person.manager_id) if person.manager_id is not None else None


def _cycles(parents: dict[str, str | None]) -> Iterator[list[str]]:
    """Every loop in the manager graph, each once, in linear time."""
    done: set[str] = set()
    for start in parents:
        path: list[str] = []
        on_path: dict[str, int] = {}
        node: str | None = start
        while node is not None and node not in done and node not in on_path:
            on_path[node] = len(path)
            path.append(node)
            node = parents.get(node)
        if node is not None and node in on_path:
            yield path[on_path[node] :]
        done.update(path)


# --- Writing ---------------------------------------------------------------------------------


def _apply_plan(plan: Plan, *, progress: Progress | None = None) -> None:
    """Write the plan: new people in a few bulk inserts, changes grouped by what changes.

    `progress(done, total)` counts people written.
    """
    total = len(plan.create) + len(plan.update) + len(plan.deactivate)
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(done, total)

    advance(0)  # the checks, which take a while on a large file, are done

    ids = dict(plan.ids)
    invited: list[int] = []
    # Managers before their reports, so each insert already knows its managers' ids.
    for level in _levels(plan.create):
        people = [
            Person(
                email=target.row.email,
                password=_unusable_password(),
                manager_id=ids[target.manager_email] if target.manager_email else None,
                **{name: getattr(target, name) for name in FIELDS},
            )
            for target in level
        ]
        for batch in _batches(people):
            Person.objects.bulk_create(batch)
            advance(len(batch))
        created = _ids_of(people)
        ids.update(created)
        invited.extend(created.values())
    # Each new person's first email is an invitation; the worker's tick sends it.
    for id_batch in _batches(invited):
        Invitation.objects.bulk_create(Invitation(person_id=pk) for pk in id_batch)

    # Django's bulk_update builds a CASE per changed cell and measured slower here than one
    # UPDATE per person (about 1.5 s per 5,000 cells on SQLite). Real changes repeat
    # themselves (a team moves to a new manager, a title is renamed), so people with the same
    # changes share one UPDATE; only changes unique to one person cost a query each.
    groups: dict[frozenset[tuple[str, object]], list[int]] = defaultdict(list)
    for target in plan.update:
        current = target.current
        assert current is not None
        changes = {
            name: getattr(target, name)
            for name in FIELDS
            if getattr(target, name) != getattr(current, name)
        }
        manager_id = ids[target.manager_email] if target.manager_email else None
        if manager_id != current.manager_id:
            changes["manager_id"] = manager_id
        groups[frozenset(changes.items())].append(current.pk)
    for change_set, pks in groups.items():
        for pk_batch in _batches(pks):
            Person.objects.filter(pk__in=pk_batch).update(**dict(change_set))
            advance(len(pk_batch))

    for pk_batch in _batches([person.pk for person in plan.deactivate]):
        Person.objects.filter(pk__in=pk_batch).update(is_active=False)
        advance(len(pk_batch))


def _unusable_password() -> str:
    # What make_password(None) makes (new people choose a password through password reset),
    # at a fraction of the cost: its 40 random.choice calls took a third of a 50,000-person
    # import.
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def _levels(targets: Sequence[Target]) -> list[list[Target]]:
    """New people by depth among the new: those whose manager exists (or who have none) first,
    then their reports, and so on. The plan has no loops, so every chain ends."""
    new = {target.row.email: target for target in targets}
    depth: dict[str, int] = {}
    for target in targets:
        chain: list[str] = []
        email: str | None = target.row.email
        while email is not None and email in new and email not in depth:
            chain.append(email)
            email = new[email].manager_email
        base = depth[email] + 1 if email is not None and email in depth else 0
        for offset, member in enumerate(reversed(chain)):
            depth[member] = base + offset
    levels: list[list[Target]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for target in targets:
        levels[depth[target.row.email]].append(target)
    return levels


def _ids_of(people: Sequence[Person]) -> dict[str, int]:
    if all(person.pk is not None for person in people):
        return {person.email: person.pk for person in people}
    # A database that cannot return ids from a bulk insert: ask for them.
    ids: dict[str, int] = {}
    for batch in _batches([person.email for person in people]):
        ids.update(Person.objects.filter(email__in=batch).values_list("email", "pk"))
    return ids


def _batches[T](items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), BATCH_SIZE):
        yield items[start : start + BATCH_SIZE]
