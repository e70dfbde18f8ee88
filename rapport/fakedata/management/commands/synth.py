from __future__ import annotations

import sys
from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from rapport.fakedata.build import FakeDataRefused, synth_create
from rapport.fakedata.plan import (
    ADMIN_EMAIL,
    CEO_EMAIL,
    HR_EMAIL,
    REFERENCE_MANAGER_EMAIL,
    SYNTH_PASSWORD,
)

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Build a synthetic organisation for benchmarks in an empty database: a management tree "
        "(managers with 3 to 30 reports), weekly and fortnightly 1:1s over the years asked for, "
        "with talking points, notes, action items, check-ins, goals and measured splits, and "
        "departures. The same seed and day give the same organisation. Refused when "
        "RAPPORT_PRODUCTION is on: every synthetic account shares one published password."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--people", type=int, default=10_000, help="default 10000")
        parser.add_argument("--years", type=int, default=5, help="of history; default 5")
        parser.add_argument("--seed", type=int, default=1, help="default 1")
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="the day the history ends, YYYY-MM-DD (default: today)",
        )

    def handle(self, *args: Any, people: int, years: int, seed: int, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "The synthetic organisation is not created when RAPPORT_PRODUCTION is on: every "
                "synthetic account shares one published password."
            )
        if not 5 <= people <= 1_000_000:
            raise CommandError("--people must be between 5 and 1000000.")
        if not 1 <= years <= 20:
            raise CommandError("--years must be between 1 and 20.")
        today = options["today"] or timezone.localdate()
        self.stdout.write(
            f"Building {people:,} people with {years} years of 1:1s (seed {seed}, up to "
            f"{today}) on {connection.vendor}..."
        )
        try:
            summary = synth_create(
                people=people, years=years, seed=seed, today=today, progress=self._progress
            )
        except (FakeDataRefused, ValueError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write("\nRows written:")
        self.stdout.write(str(summary))
        self.stdout.write(
            f"\nSign in with password {SYNTH_PASSWORD!r} as {REFERENCE_MANAGER_EMAIL} (a team "
            f"of 30), {CEO_EMAIL}, {HR_EMAIL} (HR) or {ADMIN_EMAIL} (admin)."
        )

    def _progress(self, done: int, total: int) -> None:
        # Redrawn in place on a terminal; ten lines in all when the output is a log.
        step = max(1, total // 10)
        if not sys.stderr.isatty() and done % step and done != total:
            return
        filled = BAR_WIDTH * done // total
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        end = "\n" if done == total or not sys.stderr.isatty() else ""
        sys.stderr.write(f"\r  1:1 histories [{bar}] {done:,}/{total:,}{end}")
        sys.stderr.flush()
