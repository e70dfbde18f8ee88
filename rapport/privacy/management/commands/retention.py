"""`rapport retention`: apply the retention policy now, or `--dry-run` to list what it would
remove. The worker applies it once a day by itself (docs/operations.md, "Retention")."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from rapport.access import SYSTEM
from rapport.privacy.services import RetentionPolicy, retention_apply, retention_preview


class Command(BaseCommand):
    help = "Apply the retention policy (RAPPORT_RETAIN_*), or list what it would remove."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List the counts; remove nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        policy = RetentionPolicy.from_settings()
        if not policy.is_on:
            self.stdout.write(
                "Retention is off: nothing is removed. Set RAPPORT_RETAIN_PRIVATE_NOTES_YEARS "
                "or RAPPORT_RETAIN_ENDED_PAIRS_YEARS to turn it on."
            )
            return
        self.stdout.write(
            "Policy: private notes "
            + (f"{policy.private_notes_years} years" if policy.private_notes_years else "kept")
            + ", ended 1:1s "
            + (f"{policy.ended_pairs_years} years" if policy.ended_pairs_years else "kept")
            + "."
        )
        now = timezone.now()
        if options["dry_run"]:
            counts = retention_preview(now=now, policy=policy)
            verb = "would go"
        else:
            counts = retention_apply(now=now, by=SYSTEM, policy=policy)
            verb = "removed or emptied"
        for kind, count in counts.items():
            self.stdout.write(f"  {kind}: {count}")
        self.stdout.write(f"In all {sum(counts.values())} {verb}.")
