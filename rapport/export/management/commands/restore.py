"""`rapport restore <path>`: put a backup made by `rapport backup` back into a database."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from rapport import backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `rapport backup` into the configured database (or the one "
        "of --database-url). Refuses a database that holds people unless --force. Stop the "
        "web server and the worker first. See docs/operations.md#backups."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file to restore.")
        parser.add_argument(
            "--database-url",
            default="",
            help="Restore into this database instead (e.g. a scratch one, to test a backup): "
            "sqlite:////path/file.sqlite3 or postgres://user@host/name.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite a database that already holds data.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["database_url"]:
                target = backup.target_from_url(options["database_url"])
            else:
                target = backup.target_from_settings(connections["default"].settings_dict)
                connections.close_all()  # our own connection must not hold the old pages
            done = backup.restore(options["path"], target, force=options["force"])
        except backup.BackupError as problem:
            raise CommandError(str(problem)) from problem
        self.stdout.write(done)
