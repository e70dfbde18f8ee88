"""`rapport synth`: the whole synthetic organisation, people first, then every pair's history.

One transaction: a failure leaves the database as it was. The database must hold no people
yet, so a synthetic organisation never mixes with real ones or with the demo.
"""

from __future__ import annotations

import random
import time as clock
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction

from rapport.people.models import Person
from rapport.synth.bulk import BulkWriter, sequences_reset
from rapport.synth.history import Pair, PairHistory, Writers, new_uuid
from rapport.synth.org import SYNTH_PASSWORD, PlannedPerson, org_plan
from rapport.upkeep import query_statistics_refresh

Progress = Callable[[int, int], None]


class SynthRefused(Exception):
    """The database is not empty of people."""


@dataclass(frozen=True)
class SynthSummary:
    rows: dict[str, int]
    seconds: float

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def __str__(self) -> str:
        lines = [f"  {name:<22}{count:>12,}" for name, count in self.rows.items()]
        rate = self.total / self.seconds if self.seconds else 0
        lines.append(
            f"  {'total':<22}{self.total:>12,}  in {self.seconds:.1f} s ({rate:,.0f} rows/s)"
        )
        return "\n".join(lines)


def synth_organisation_create(
    *, people: int, years: int, seed: int, today: date, progress: Progress | None = None
) -> SynthSummary:
    if Person.objects.exists():
        raise SynthRefused(
            "This database already has people. Run `rapport synth` against an empty database "
            "(a new DATABASE_URL, or RAPPORT_VAR_DIR pointing at an empty folder)."
        )
    started = clock.monotonic()
    plan = org_plan(people=people, years=years, seed=seed, today=today)
    # Noon UTC of `today` stands for "now", so a seed and a day always give the same history.
    now = datetime.combine(today, time(12), tzinfo=UTC)
    history_starts = today - timedelta(days=365 * years)
    with transaction.atomic():
        people_writer = BulkWriter(
            Person,
            ["password", "uuid", "email", "name", "title", "timezone", "manager", "role",
             "started_on", "left_on", "left_reason", "is_active", "is_demo", "created_at"],
        )  # fmt: skip
        ids = _people_write(people_writer, plan, seed, now)
        writers = Writers()
        history = PairHistory(writers, random.Random(seed + 1), now)
        pairs = [p for p in plan if p.manager is not None]
        for done, person in enumerate(pairs, start=1):
            manager = plan[person.manager]  # type: ignore[index]
            history.write(
                Pair(
                    manager_id=ids[manager.index],
                    report_id=ids[person.index],
                    timezone=manager.timezone,
                    starts_on=max(history_starts, person.started_on, manager.started_on),
                    ends_on=person.left_on,
                )
            )
            if progress:
                progress(done, len(pairs))
        writers.flush()
        sequences_reset([Person, *(writer.model for writer in writers.all())])
    query_statistics_refresh(thorough=True)
    rows = {"people": people_writer.written}
    rows.update({w.model._meta.verbose_name_plural: w.written for w in writers.all()})  # type: ignore[misc]
    return SynthSummary(rows=rows, seconds=clock.monotonic() - started)


def _people_write(
    writer: BulkWriter, plan: list[PlannedPerson], seed: int, now: datetime
) -> dict[int, int]:
    rng = random.Random(seed)
    # Hashed once (Argon2 for each of 10,000 people takes minutes), with a salt from the seed
    # so the same seed writes the same rows.
    password = make_password(SYNTH_PASSWORD, salt=f"rapport-synth-salt-{seed}")
    ids: dict[int, int] = {}
    for person in plan:  # managers come before their reports, so their ids are known
        ids[person.index] = writer.add(
            password, new_uuid(rng), person.email, person.name, person.title, person.timezone,
            ids[person.manager] if person.manager is not None else None, person.role,
            person.started_on, person.left_on, person.left_reason, person.left_on is None,
            True, now,
        )  # fmt: skip
    writer.flush()
    return ids
