"""Building CSV files for the import tests, the way spreadsheets write them."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

HEADER = ("email", "name", "title", "manager_email", "timezone", "started_on", "role")


def csv_bytes(
    rows: Sequence[Sequence[str]],
    *,
    header: Sequence[str] = HEADER,
    line_end: str = "\n",
    delimiter: str = ",",
    bom: bool = False,
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=line_end, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode()


def person_row(
    email: str,
    name: str,
    *,
    title: str = "",
    manager: str = "",
    timezone: str = "",
    started_on: str = "",
    role: str = "",
) -> list[str]:
    return [email, name, title, manager, timezone, started_on, role]


def team(size: int, *, domain: str = "example.org") -> list[list[str]]:
    """A boss and `size - 1` people reporting to her."""
    boss = person_row(f"boss@{domain}", "Bea Boss", title="CEO", started_on="2020-01-06")
    return [boss] + [
        person_row(
            f"person{number}@{domain}",
            f"Person {number}",
            title="Engineer",
            manager=f"boss@{domain}",
            timezone="Europe/Berlin",
            started_on="2023-05-02",
        )
        for number in range(1, size)
    ]
