"""The shared cast every test can use: one small organisation with each kind of viewer.

skip_level (Sam)            HR (Hana)      admin (Ada)
 ├── manager (Mia)
 │    ├── report (Rui)
 │    └── report_two (Rosa)
 └── peer_manager (Pete)
      └── peer_report (Priya)
outsider (Otto): a member with no relation to anyone above
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import time

from django.utils import timezone

from rapport.meetings.models import Meeting, OneOnOne
from rapport.meetings.services import Rule, action_add, one_on_one_set_up, point_add
from rapport.people.models import Person, Role

PASSWORD = "correct horse battery staple"
# CI runs the fast tier once with the manager far east of UTC (RAPPORT_TEST_MANAGER_ZONE), where
# the local date turns a day before UTC's; by default the manager keeps the model's default zone.
MANAGER_ZONE = os.environ.get("RAPPORT_TEST_MANAGER_ZONE", "")
# Private content carries markers nobody but its author may ever be shown (the canary sweep).
PRIVATE_POINT_MARKER = "CANARY-PRIVATE-POINT-7f3a"

ROLES = (
    "anonymous",
    "manager",
    "report",
    "peer_manager",
    "skip_level",
    "hr",
    "admin",
    "outsider",
)


@dataclass
class Cast:
    skip_level: Person
    manager: Person
    report: Person
    report_two: Person
    peer_manager: Person
    peer_report: Person
    hr: Person
    admin: Person
    outsider: Person
    one_on_one: OneOnOne
    meeting: Meeting

    def person(self, role: str) -> Person | None:
        return None if role == "anonymous" else getattr(self, role)


def _person(email: str, name: str, **fields: object) -> Person:
    return Person.objects.create_user(email, PASSWORD, name=name, **fields)


def build_cast() -> Cast:
    skip_level = _person("sam@example.com", "Sam Skiplevel", title="VP Engineering")
    manager = _person(
        "mia@example.com",
        "Mia Manager",
        title="Engineering Manager",
        manager=skip_level,
        **({"timezone": MANAGER_ZONE} if MANAGER_ZONE else {}),
    )
    peer_manager = _person(
        "pete@example.com", "Pete Peer", title="Engineering Manager", manager=skip_level
    )
    report = _person(
        "rui@example.com", "Rui Report", title="Engineer", manager=manager, timezone="Europe/Lisbon"
    )
    one_on_one = one_on_one_set_up(
        manager=manager,
        report=report,
        rule=Rule("weekly", 1, time(10, 0), 30, timezone.now().date()),
        by=manager,
        # 10:00 on the manager's clock is night in Lisbon when CI puts the manager far east.
        confirmed_out_of_hours=True,
    )
    point_add(one_on_one=one_on_one, author=report, text="How the move went", section="connection")
    point_add(
        one_on_one=one_on_one,
        author=manager,
        text=f"Ask gently about the family news {PRIVATE_POINT_MARKER}",
        section="connection",
        is_private=True,
    )
    action_add(
        one_on_one=one_on_one,
        meeting=None,
        owner=report,
        text="Draft the on-call rota",
        due_on=None,
        by=manager,
    )
    return Cast(
        skip_level=skip_level,
        manager=manager,
        report=report,
        report_two=_person("rosa@example.com", "Rosa Report", title="Engineer", manager=manager),
        peer_manager=peer_manager,
        peer_report=_person(
            "priya@example.com", "Priya Peer", title="Engineer", manager=peer_manager
        ),
        hr=_person("hana@example.com", "Hana HR", title="People Partner", role=Role.HR),
        admin=_person("ada@example.com", "Ada Admin", title="IT", role=Role.ADMIN),
        outsider=_person("otto@example.com", "Otto Outsider", title="Designer"),
        one_on_one=one_on_one,
        meeting=one_on_one.meetings.order_by("scheduled_for").first(),  # type: ignore[arg-type]
    )
