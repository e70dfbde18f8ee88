from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from rapport.checkins.demo import CheckinsSummary, demo_checkins_create
from rapport.goals.demo import GoalsSummary, demo_goals_create
from rapport.insights.demo import demo_signals_create
from rapport.meetings.demo import HistorySummary, demo_history_create, demo_history_delete
from rapport.meetings.models import OneOnOne
from rapport.meetings.services import day_away_add
from rapport.people.demo import (
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    DemoOrganisation,
    DemoResetError,
    demo_days_away,
    demo_departures_history_create,
    demo_organisation_create,
    demo_organisation_delete,
    demo_organisation_exists,
    demo_organisation_get,
)


class Command(BaseCommand):
    help = (
        "Create the demo organisation (a CEO, a skip-level, a manager with a remote team of "
        "30, three smaller teams, an HR person and an admin, all with addresses at "
        f"@{DEMO_DOMAIN}) with a year of 1:1s and goals in every state for the team of 30, "
        "a few months of 1:1s for the others, and print how to sign in as each role. When "
        "the demo already exists nothing is created and the sign-ins are printed again. "
        "Refused when RAPPORT_PRODUCTION is on, because every demo account shares one "
        "published password."
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
            action="store_true",
            help=f"Delete every person with an @{DEMO_DOMAIN} address and their 1:1s with each "
            "other (with their goals), then create the demo again. Nobody else is touched.",
        )

    def handle(self, *args: Any, if_absent: bool, reset: bool, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "The demo organisation is not created when RAPPORT_PRODUCTION is on: every demo "
                "account shares one published password."
            )
        demo: DemoOrganisation | None
        summaries: tuple[HistorySummary, GoalsSummary, CheckinsSummary] | None = None
        if reset:
            demo, summaries = self._recreate()
        elif demo_organisation_exists():
            demo = self._existing(quiet=if_absent)
        else:
            demo, summaries = self._create()
        for summary in summaries or ():
            self.stdout.write(str(summary))
        if demo is not None and summaries is not None:
            # The team view's one missing example: a pair whose 1:1s have lapsed.
            lapsed = demo_signals_create(manager=demo.manager, today=timezone.localdate())
            self.stdout.write(str(lapsed))
        if demo is not None:
            self._print_sign_ins(demo)

    def _create(
        self,
    ) -> tuple[DemoOrganisation, tuple[HistorySummary, GoalsSummary, CheckinsSummary]]:
        # One transaction, so the people never exist without their history.
        with transaction.atomic():
            today = timezone.localdate()
            demo = demo_organisation_create(today=today)
            history = demo_history_create(people=demo, today=today)
            # Goals build on the held meetings, so they come after the history.
            team = OneOnOne.objects.filter(
                manager=demo.manager, status=OneOnOne.Status.ACTIVE
            ).select_related("manager", "report")
            goals = demo_goals_create(one_on_ones=team, today=today)
            # Check-ins too answer held meetings; the team view's signals read them.
            checkins = demo_checkins_create(one_on_ones=team, today=today)
            # The leavers' closed 1:1s, for the organisation view's retention figures.
            demo_departures_history_create()
            # Days away go through the service, so the 1:1s on those days are skipped. The
            # story's dates follow `today`; any already over by the clock are left out.
            for away in demo_days_away(demo.manager, today):
                if away.ends_on < timezone.now().astimezone(away.person.zone).date():
                    continue
                day_away_add(
                    person=away.person,
                    starts_on=away.starts_on,
                    ends_on=away.ends_on,
                    kind=away.kind,
                    by=away.person,
                )
        return demo, (history, goals, checkins)

    def _recreate(
        self,
    ) -> tuple[DemoOrganisation, tuple[HistorySummary, GoalsSummary, CheckinsSummary]]:
        # One transaction, so a failed creation does not leave the demo half deleted.
        try:
            with transaction.atomic():
                # The 1:1s go first: they hold on to their two people.
                demo_history_delete()
                removed = demo_organisation_delete()
                demo, summaries = self._create()
        except DemoResetError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Deleted {removed} demo people and created them again.")
        return demo, summaries

    def _existing(self, *, quiet: bool) -> DemoOrganisation | None:
        demo = demo_organisation_get()
        if demo is None:
            # Exit 0 all the same: `make run` should still start the server.
            self.stderr.write(
                self.style.WARNING(
                    f"Some @{DEMO_DOMAIN} people exist but key demo people are missing; "
                    "run `rapport demo --reset` to create the demo again."
                )
            )
        elif not quiet:
            self.stdout.write(
                "The demo organisation already exists; nothing was created "
                "(`rapport demo --reset` creates it afresh)."
            )
        return demo

    def _print_sign_ins(self, demo: DemoOrganisation) -> None:
        rows = [(label, person.name, person.email) for label, person in demo.sign_ins()]
        label_width = max(len(label) for label, _, _ in rows)
        name_width = max(len(name) for _, name, _ in rows)
        self.stdout.write(
            self.style.SUCCESS(f"Demo organisation ready at {settings.BASE_URL}/")
            + f"  (password for everyone: {DEMO_PASSWORD})"
        )
        for label, name, email in rows:
            self.stdout.write(f"  {label:<{label_width}}   {name:<{name_width}}   {email}")
