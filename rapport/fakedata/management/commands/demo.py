from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from rapport.fakedata.build import (
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    FakeDataRefused,
    SignIn,
    demo_create,
    demo_delete,
    demo_exists,
    demo_sign_ins,
)


class Command(BaseCommand):
    help = (
        "Create the demo organisation (a CEO, a skip-level, a manager with a remote team of "
        "30, three smaller teams, an HR person and an admin, all with addresses at "
        f"@{DEMO_DOMAIN}) with about six months of 1:1s, goals and check-ins for the team of "
        "30 and three months for the others, written through the same services as the app, and "
        "print how to sign in as each role. When the demo already exists nothing is created "
        "and the sign-ins are printed again. Refused when RAPPORT_PRODUCTION is on, because "
        "every demo account shares one published password."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        choice = parser.add_mutually_exclusive_group()
        choice.add_argument(
            "--if-absent",
            action="store_true",
            help="Quietly leave an existing demo as it is (what `make run` uses on every start).",
        )
        choice.add_argument(
            "--reset",
            "--recreate",
            dest="reset",
            action="store_true",
            help=f"Delete every person with an @{DEMO_DOMAIN} address and their 1:1s with each "
            "other (with everything in them), then create the demo again. Nobody else is touched.",
        )

    def handle(self, *args: Any, if_absent: bool, reset: bool, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "The demo organisation is not created when RAPPORT_PRODUCTION is on: every demo "
                "account shares one published password."
            )
        today = timezone.localdate()
        if reset:
            # One transaction, so a failed creation does not leave the demo half deleted.
            try:
                with transaction.atomic():
                    removed = demo_delete()
                    summary = demo_create(today=today)
            except FakeDataRefused as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"Deleted {removed} demo people and created them again.")
            self.stdout.write(str(summary))
        elif demo_exists():
            if not if_absent:
                self.stdout.write(
                    "The demo organisation already exists; nothing was created "
                    "(`rapport demo --reset` creates it afresh)."
                )
        else:
            self.stdout.write(str(demo_create(today=today)))
        sign_ins = demo_sign_ins(today=today)
        if sign_ins is None:
            # Exit 0 all the same: `make run` should still start the server.
            self.stderr.write(
                self.style.WARNING(
                    f"Some @{DEMO_DOMAIN} people exist but key demo people are missing; "
                    "run `rapport demo --reset` to create the demo again."
                )
            )
            return
        self._print_sign_ins(sign_ins)

    def _print_sign_ins(self, sign_ins: list[SignIn]) -> None:
        rows = [(s.label, s.person.name, s.person.email) for s in sign_ins]
        label_width = max(len(label) for label, _, _ in rows)
        name_width = max(len(name) for _, name, _ in rows)
        self.stdout.write(
            self.style.SUCCESS(f"Demo organisation ready at {settings.BASE_URL}/")
            + f"  (password for everyone: {DEMO_PASSWORD})"
        )
        for label, name, email in rows:
            self.stdout.write(f"  {label:<{label_width}}   {name:<{name_width}}   {email}")
