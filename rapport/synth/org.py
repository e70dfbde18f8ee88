"""The people of the synthetic organisation: a management tree drawn from a seeded generator.

Pure planning (no database): `org_plan` returns one `PlannedPerson` per person, in an order
where every manager comes before their reports. Managers have 3 to 30 reports (most about 7);
the first manager below the CEO's directs has exactly 30, the reference team the benchmarks
open. A tenth of the people who manage nobody have left.
"""

from __future__ import annotations

import random
from collections import Counter, deque
from dataclasses import dataclass
from datetime import date, timedelta

from rapport.people.models import LeftReason, Role
from rapport.synth import texts

SYNTH_DOMAIN = "synth.rapport.example"
# Printed by `rapport synth`; synthetic organisations are for benchmarks on your own machine.
SYNTH_PASSWORD = "rapport-synth"
MIN_SPAN, MAX_SPAN, REFERENCE_SPAN = 3, 30, 30
LEAVER_SHARE = 0.10

# The accounts the benchmarks sign in as, at fixed addresses.
CEO_EMAIL = f"ceo@{SYNTH_DOMAIN}"
REFERENCE_MANAGER_EMAIL = f"manager30@{SYNTH_DOMAIN}"
HR_EMAIL = f"hr@{SYNTH_DOMAIN}"
ADMIN_EMAIL = f"admin@{SYNTH_DOMAIN}"


@dataclass
class PlannedPerson:
    index: int
    manager: int | None
    name: str
    email: str
    title: str
    timezone: str
    role: str
    started_on: date
    left_on: date | None = None
    left_reason: str = ""
    is_manager: bool = False


def _span(rng: random.Random) -> int:
    return min(MAX_SPAN, max(MIN_SPAN, round(rng.lognormvariate(2.0, 0.5))))


def _tree(people: int, rng: random.Random) -> list[int | None]:
    """Manager index of each person (None for the CEO), filled breadth first."""
    managers: list[int | None] = [None] * people
    waiting = deque([0])
    filled, reference_given = 1, False
    while filled < people:
        manager = waiting.popleft()
        depth_two = manager != 0 and managers[manager] == 0
        span = REFERENCE_SPAN if depth_two and not reference_given else _span(rng)
        reference_given = reference_given or depth_two
        span = min(span, people - filled)
        left_over = people - filled - span
        if 0 < left_over < MIN_SPAN:  # never leave a last manager with one or two reports
            span = span + left_over if span + left_over <= MAX_SPAN else span - MIN_SPAN
        for report in range(filled, filled + span):
            managers[report] = manager
            waiting.append(report)
        filled += span
    return managers


def org_plan(*, people: int, years: int, seed: int, today: date) -> list[PlannedPerson]:
    if people < 5:
        raise ValueError("A synthetic organisation needs at least 5 people.")
    rng = random.Random(seed)
    managers = _tree(people, rng)
    has_reports = {manager for manager in managers if manager is not None}
    history_starts = today - timedelta(days=365 * years)
    plan = []
    for index, manager in enumerate(managers):
        first, last = rng.choice(texts.FIRST_NAMES), rng.choice(texts.LAST_NAMES)
        leads = index in has_reports
        if leads:
            title = rng.choice(
                texts.LEADER_TITLES if manager in (None, 0) else texts.MANAGER_TITLES
            )
        else:
            title = rng.choice(texts.MEMBER_TITLES)
        # Leaders were there before the history begins; others joined over its years.
        if leads or rng.random() < 0.55:
            started_on = history_starts - timedelta(days=rng.randint(30, 2000))
        else:
            started_on = history_starts + timedelta(days=rng.randint(0, 365 * years - 30))
        plan.append(
            PlannedPerson(
                index=index,
                manager=manager,
                name=f"{first} {last}",
                email=f"{first}.{last}.{index}@{SYNTH_DOMAIN}".lower(),
                title="Chief Executive" if index == 0 else title,
                timezone=rng.choice(texts.TIMEZONES),
                role=Role.MEMBER,
                started_on=started_on,
                is_manager=leads,
            )
        )
    _name_the_fixed_accounts(plan)
    _plan_departures(plan, rng, today)
    return plan


def _name_the_fixed_accounts(plan: list[PlannedPerson]) -> None:
    plan[0].email = CEO_EMAIL
    spans = Counter(person.manager for person in plan if person.manager is not None)
    reference = next((p for p in plan if spans[p.index] == REFERENCE_SPAN), None)
    if reference is not None:  # an organisation too small for a team of 30 has none
        reference.email = REFERENCE_MANAGER_EMAIL
    leaves = [p for p in plan if not p.is_manager]
    hr, admin = leaves[-1], leaves[-2]
    hr.email, hr.role, hr.title = HR_EMAIL, Role.HR, "People Partner"
    admin.email, admin.role, admin.title = ADMIN_EMAIL, Role.ADMIN, "IT Administrator"


def _plan_departures(plan: list[PlannedPerson], rng: random.Random, today: date) -> None:
    fixed = {CEO_EMAIL, REFERENCE_MANAGER_EMAIL, HR_EMAIL, ADMIN_EMAIL}
    # The reference team stays whole: benchmarks compare a team of 30 across organisations.
    reference = {p.index for p in plan if p.email == REFERENCE_MANAGER_EMAIL}
    for person in plan:
        leaving = rng.random() < LEAVER_SHARE  # drawn for everyone, so the sequence is stable
        if person.is_manager or person.email in fixed or person.manager in reference:
            continue
        if not leaving:
            continue
        earliest = person.started_on + timedelta(days=90)
        latest = today - timedelta(days=7)
        if earliest >= latest:
            continue
        person.left_on = earliest + timedelta(days=rng.randint(0, (latest - earliest).days))
        person.left_reason = LeftReason.VOLUNTARY if rng.random() < 0.75 else LeftReason.INVOLUNTARY
