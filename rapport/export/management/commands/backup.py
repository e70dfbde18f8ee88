"""`rapport backup <path>`: a consistent backup of the database while Rapport runs."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from rapport import backup


class Command(BaseCommand):
    help = (
        "Back up the database to a file: SQLite with its online backup API, PostgreSQL with "
        "pg_dump (custom format). Safe while Rapport runs. See docs/operations.md#backups."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file to write.")
        parser.add_argument("--force", action="store_true", help="Overwrite the file if it exists.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            target = backup.target_from_settings(connections["default"].settings_dict)
            done = backup.backup(target, options["path"], overwrite=options["force"])
        except backup.BackupError as problem:
            raise CommandError(str(problem)) from problem
        self.stdout.write(done)
