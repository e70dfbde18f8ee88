"""Reads for the organisation view: aggregates only, over the people `access.org_scope_of` gives
the viewer. A constant number of queries whatever the size of the organisation: counting and
summing happen in SQL, grouped per manager or per pair; only the privacy arithmetic (which
groups may be shown) runs in Python, in rapport/insights/org.py.
"""

from __future__ import annotations

import hashlib
import threading
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from rapport import access
from rapport.checkins.models import CheckIn
from rapport.insights import org
from rapport.meetings.models import Meeting
from rapport.people.models import LeftReason, Person

_COMPUTING = threading.Lock()
WINDOW = timedelta(weeks=12)
RETENTION_YEAR = timedelta(days=365)
KEPT_WINDOW = timedelta(weeks=26)
SCORES = ("mood", "energy", "workload")


@dataclass(frozen=True)
class ManagerCadence:
    name: str
    held: int
    skipped: int
    cancelled: int
    lapsed: int

    @property
    def due(self) -> int:
        return self.held + self.skipped + self.cancelled + self.lapsed

    @property
    def held_share(self) -> float:
        return self.held / self.due if self.due else 0.0


@dataclass(frozen=True)
class CheckInGroup:
    """One row of the check-in table. `averages` is empty when the row is hidden; `reason` then
    says why (never how many people, when that is under 5)."""

    label: str
    people: int
    averages: dict[str, float]
    reason: str = ""


@dataclass(frozen=True)
class OrgView:
    scope_label: str
    people_in_scope: int
    cadence: list[ManagerCadence]
    checkins: list[CheckInGroup]
    retention: org.Retention
    show_leaving_reasons: bool


def organisation_view(viewer: Person, *, now: datetime, today: date) -> OrgView:
    """Aggregates over months of everyone's 1:1s: at 10,000 people about a second of queries, so
    the result is kept for RAPPORT_ORG_VIEW_CACHE_SECONDS (in each process's memory). Safe to
    share: it holds aggregates only, and the key is the scope itself (which people) and whether
    the viewer is HR (who alone sees why people left), so nobody gets a view computed for a
    wider scope or another role."""
    scope = access.org_scope_of(viewer)
    if scope is None:
        raise Http404
    seconds: int = settings.RAPPORT_ORG_VIEW_CACHE_SECONDS
    scope_digest = hashlib.sha256(str(scope.query).encode()).hexdigest()
    key = f"org-view:{today.isoformat()}:{'hr' if viewer.is_hr else 'lead'}:{scope_digest}"
    if seconds and (kept := cache.get(key)) is not None:
        return kept
    # One computation at a time in this process: a second viewer arriving meanwhile waits and
    # then reads the result, instead of both computing it at once on the same cores.
    with _COMPUTING:
        if seconds and (kept := cache.get(key)) is not None:
            return kept
        view = _organisation_view(viewer, scope, now=now, today=today)
        if seconds:
            cache.set(key, view, seconds)
    return view


def _organisation_view(
    viewer: Person, scope: QuerySet[Person], *, now: datetime, today: date
) -> OrgView:
    return OrgView(
        scope_label="Everyone in the organisation" if viewer.is_hr else "Everyone below you",
        people_in_scope=scope.filter(is_active=True).count(),
        cadence=cadence_by_manager(scope, now=now),
        checkins=checkin_groups(scope, now=now),
        retention=retention_in(scope, now=now, today=today),
        # Why someone left is an employment detail only HR (and the person) may see.
        show_leaving_reasons=viewer.is_hr,
    )


STATUS = Meeting.Status
HELD = Count("pk", filter=Q(status=STATUS.HELD))


def cadence_by_manager(scope: QuerySet[Person], *, now: datetime) -> list[ManagerCadence]:
    """Per manager, what became of the 1:1s due in the last 12 weeks with people in scope."""
    due_before = Meeting.accounted_before(now)
    rows = (
        Meeting.objects.filter(
            one_on_one__report__in=scope,
            scheduled_for__gte=due_before - WINDOW,
            scheduled_for__lt=due_before,
        )
        .values("one_on_one__manager_id", "one_on_one__manager__name")
        .annotate(
            held=HELD,
            skipped=Count("pk", filter=Q(status=STATUS.SKIPPED)),
            cancelled=Count("pk", filter=Q(status=STATUS.CANCELLED)),
            # Still "upcoming" after its time: nobody held it, skipped it or called it off.
            lapsed=Count("pk", filter=Q(status=STATUS.UPCOMING)),
        )
        .order_by("one_on_one__manager__name", "one_on_one__manager_id")
    )
    return [
        ManagerCadence(
            name=row["one_on_one__manager__name"],
            held=row["held"],
            skipped=row["skipped"],
            cancelled=row["cancelled"],
            lapsed=row["lapsed"],
        )
        for row in rows
    ]


def checkin_groups(scope: QuerySet[Person], *, now: datetime) -> list[CheckInGroup]:
    """Average check-in scores of the last 12 weeks for the whole scope and each manager's team,
    as far as org.groups_to_show allows. Sums come from SQL per pair (manager, report)."""
    pairs = (
        CheckIn.objects.filter(report__in=scope, submitted_at__gte=now - WINDOW)
        .values("one_on_one__manager_id", "one_on_one__manager__name", "report_id")
        .annotate(n=Count("pk"), mood=Sum("mood"), energy=Sum("energy"), workload=Sum("workload"))
        .order_by()
    )
    members: dict[object, set[int]] = defaultdict(set)
    sums: dict[object, org.ScoreSums] = defaultdict(org.ScoreSums)
    names: dict[object, str] = {}
    whole = ("scope",)
    for pair in pairs:
        team = ("team", pair["one_on_one__manager_id"])
        names[team] = pair["one_on_one__manager__name"]
        pair_sums = org.ScoreSums(pair["n"], pair["mood"], pair["energy"], pair["workload"])
        for key in (whole, team):
            members[key].add(pair["report_id"])
            sums[key] += pair_sums
    teams = sorted((key for key in members if key != whole), key=lambda key: names[key])
    ordered = {key: members[key] for key in (whole, *teams) if key in members}
    shown = org.groups_to_show(ordered)

    def row(key: object, label: str) -> CheckInGroup:
        people = len(members[key])
        if key in shown:
            averages = {score: round(sums[key].average(score) or 0.0, 1) for score in SCORES}
            return CheckInGroup(label, people, averages)
        if people < org.MINIMUM_GROUP:
            return CheckInGroup(label, 0, {}, f"fewer than {org.MINIMUM_GROUP} people: hidden")
        return CheckInGroup(
            label,
            people,
            {},
            "hidden: together with the other figures it would single out "
            f"fewer than {org.MINIMUM_GROUP} people",
        )

    if not members:
        return []
    return [row(whole, "Everyone in view")] + [row(key, f"Team of {names[key]}") for key in teams]


def retention_in(scope: QuerySet[Person], *, now: datetime, today: date) -> org.Retention:
    """People in scope who were there at some point in the last 12 months, each with the share
    of their 1:1s held in the six months before they left (or before today)."""
    year_ago = today - RETENTION_YEAR
    people = scope.filter(
        Q(left_on__isnull=True, is_active=True) | Q(left_on__gte=year_ago, left_on__lte=today)
    ).values_list("pk", "left_on", "left_reason")
    due_before = Meeting.accounted_before(now)
    stayers = (
        Meeting.objects.filter(
            one_on_one__report__in=scope,
            one_on_one__report__left_on__isnull=True,
            scheduled_for__gte=due_before - KEPT_WINDOW,
            scheduled_for__lt=due_before,
        )
        .values("one_on_one__report_id")
        .annotate(held=HELD, due=Count("pk"))
        .order_by()
    )
    counts = {row["one_on_one__report_id"]: (row["held"], row["due"]) for row in stayers}
    # Leavers' windows end on different days, so their (few) meetings are counted here.
    leavers = (
        Meeting.objects.filter(
            one_on_one__report__in=scope,
            one_on_one__report__left_on__gte=year_ago,
            scheduled_for__gte=now - RETENTION_YEAR - KEPT_WINDOW,
        )
        .order_by()
        .values_list(
            "one_on_one__report_id", "one_on_one__report__left_on", "scheduled_for", "status"
        )
    )
    for report_id, left_on, scheduled_for, status in leavers:
        if left_on is not None and left_on - KEPT_WINDOW <= scheduled_for.date() < left_on:
            held, due = counts.get(report_id, (0, 0))
            counts[report_id] = (held + (status == STATUS.HELD), due + 1)
    records = []
    for pk, left_on, reason in people:
        held, due = counts.get(pk, (0, 0))
        records.append(
            org.PersonRecord(
                left=left_on is not None,
                voluntary=reason == LeftReason.VOLUNTARY,
                held=held,
                expected=due,
            )
        )
    return org.retention(records)
