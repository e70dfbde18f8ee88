"""What the `demo` and `synth` commands do: plan, then write with the writer for the size.

    plan.demo_plan(today)       ──> services_writer  (the demo: ~60 people, through the services)
    plan.synth_plan(people=N)   ──> bulk_writer      (benchmarks: up to millions of rows)

Both are deterministic: the same seed and `today` give the same organisation.
"""

from __future__ import annotations

import time as clock
from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import ProtectedError, QuerySet

from rapport.fakedata import plan as p
from rapport.fakedata.bulk_writer import Progress, write_in_bulk
from rapport.fakedata.services_writer import write_through_services
from rapport.meetings.models import OneOnOne
from rapport.people.models import Person
from rapport.upkeep import query_statistics_refresh

DEMO_DOMAIN = p.data("story")["domain"]
DEMO_PASSWORD = p.DEMO_PASSWORD


class FakeDataRefused(Exception):
    """The database is not in a state where this organisation may be written or removed."""


@dataclass(frozen=True)
class Summary:
    rows: Counter[str]
    seconds: float

    def __str__(self) -> str:
        lines = [f"  {name:<16}{count:>12,}" for name, count in self.rows.items()]
        total = sum(self.rows.values())
        rate = total / self.seconds if self.seconds else 0
        lines.append(f"  {'total':<16}{total:>12,}  in {self.seconds:.1f} s ({rate:,.0f} rows/s)")
        return "\n".join(lines)


@dataclass(frozen=True)
class SignIn:
    label: str
    person: Person


# --- The demo -------------------------------------------------------------------------------------


def demo_people() -> QuerySet[Person]:
    return Person.objects.filter(email__iendswith=f"@{DEMO_DOMAIN}")


def demo_exists() -> bool:
    return demo_people().exists()


def demo_sign_ins(*, today: date) -> list[SignIn] | None:
    """Who to sign in as to see each point of view; None when any of them is missing."""
    plan = p.demo_plan(today=today)
    found = {person.email: person for person in demo_people()}
    if any(key not in found for _, key in plan.sign_ins):
        return None
    return [SignIn(label, found[key]) for label, key in plan.sign_ins]


@transaction.atomic
def demo_create(*, today: date, weeks: int = p.DEMO_WEEKS) -> Summary:
    if demo_exists():
        raise FakeDataRefused(f"People with @{DEMO_DOMAIN} addresses already exist.")
    started = clock.monotonic()
    rows = write_through_services(p.demo_plan(today=today, weeks=weeks), today=today)
    return Summary(rows, clock.monotonic() - started)


@transaction.atomic
def demo_delete() -> int:
    """Delete every demo person with their 1:1s and return how many people there were. Refuses,
    changing nothing, when someone outside the demo reports to a demo person or other rows
    still point at one."""
    demo = demo_people()
    outside_reports = Person.objects.filter(manager__in=demo).exclude(pk__in=demo)
    if names := sorted(outside_reports.values_list("name", flat=True)):
        raise FakeDataRefused(
            "These people outside the demo report to a demo person; give them another manager "
            f"first: {', '.join(names)}."
        )
    # The 1:1s go first (they hold on to their two people), with everything in them.
    OneOnOne.objects.filter(manager__in=demo, report__in=demo).delete()
    # Reporting lines inside the demo are protected; dropping them lets the rows go together.
    demo.update(manager=None)
    try:
        _, per_model = demo.delete()
    except ProtectedError as error:
        raise FakeDataRefused(
            "Other records still point at demo people, so the demo cannot be deleted: "
            f"{len(error.protected_objects)} of them."
        ) from error
    return per_model.get(Person._meta.label, 0)


def demo_passwords_disable() -> int:
    """Make every demo and synthetic account's password unusable (a production database that
    was once a demo); returns how many changed."""
    return Person.objects.filter(is_demo=True).update(password=make_password(None))


# --- The synthetic organisation ------------------------------------------------------------------


def synth_create(
    *, people: int, years: int, seed: int, today: date, progress: Progress | None = None
) -> Summary:
    """Into a database without people, so synthetic people never mix with real ones."""
    if Person.objects.exists():
        raise FakeDataRefused(
            "This database already has people. Run `rapport synth` against an empty database "
            "(a new DATABASE_URL, or RAPPORT_VAR_DIR pointing at an empty folder)."
        )
    started = clock.monotonic()
    org = p.synth_plan(people=people, years=years, seed=seed, today=today)
    pairs = sum(1 for person in org.people if person.manager is not None)
    with transaction.atomic():
        rows = write_in_bulk(org, seed=seed, pairs_total=pairs, progress=progress)
    query_statistics_refresh(thorough=True)
    return Summary(rows, clock.monotonic() - started)
