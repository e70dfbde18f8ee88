"""Reads for the organisation view: aggregates only, over the people `access.org_scope_of` gives
the viewer. A constant number of queries whatever the size of the organisation: counting and
summing happen in SQL, grouped per person; the privacy arithmetic runs in Python, in
rapport/insights/org.py. Every figure is a sum over whole blocks of one partition of the
organisation, the same for every viewer (org.partition), so that no two figures, on one page or
across pages, differ by fewer than 5 people.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.http import Http404

from rapport import access
from rapport.checkins.models import CheckIn
from rapport.insights import org
from rapport.meetings.models import Meeting
from rapport.people.models import LeftReason, Person

HIDDEN = f"fewer than {org.MINIMUM_GROUP} people: hidden"

_COMPUTING = threading.Lock()
WINDOW = timedelta(weeks=12)
RETENTION_YEAR = timedelta(days=365)
KEPT_WINDOW = timedelta(weeks=26)
SCORES = ("mood", "energy", "workload")


@dataclass(frozen=True)
class Cadence:
    """What became of the 1:1s due in the window, for one person or a group of people."""

    held: int = 0
    skipped: int = 0
    cancelled: int = 0
    lapsed: int = 0

    def __add__(self, other: Cadence) -> Cadence:
        return Cadence(
            self.held + other.held,
            self.skipped + other.skipped,
            self.cancelled + other.cancelled,
            self.lapsed + other.lapsed,
        )

    @property
    def due(self) -> int:
        return self.held + self.skipped + self.cancelled + self.lapsed

    @property
    def held_share(self) -> float:
        return self.held / self.due if self.due else 0.0


@dataclass(frozen=True)
class CadenceGroup:
    """One row of the cadence table: the 1:1s of the reports in one block. `blocks` is empty
    and `reason` says why when the row is hidden."""

    label: str
    cadence: Cadence
    people: int
    blocks: frozenset[int]
    reason: str = ""


@dataclass(frozen=True)
class CheckInGroup:
    """One row of the check-in table. `averages` is empty when the row is hidden; `reason` then
    says why (never how many people, when that is under 5). `blocks`: the partition's blocks
    the figure is summed over (empty when hidden)."""

    label: str
    people: int
    averages: dict[str, float]
    reason: str = ""
    blocks: frozenset[int] = frozenset()


@dataclass(frozen=True)
class OrgView:
    scope_label: str
    people_in_scope: int
    cadence: list[CadenceGroup]
    checkins: list[CheckInGroup]
    retention: org.Retention
    # The blocks the retention comparison counts (whether or not it is shown).
    retention_blocks: frozenset[int]
    show_leaving_reasons: bool


def organisation_view(viewer: Person, *, now: datetime, today: date) -> OrgView:
    """Aggregates over months of everyone's 1:1s: at 10,000 people about a second of queries, so
    the result is kept for RAPPORT_ORG_VIEW_CACHE_SECONDS (in each process's memory). Safe to
    share: it holds aggregates only, and the key is the scope itself (which people), whether the
    viewer is HR (who alone sees why people left) and the org chart the partition is built
    from, so nobody gets a view computed for a wider scope, another role or another partition
    (figures from two partitions could be subtracted)."""
    chart = access.org_chart()
    scope = access.org_scope_of(viewer, chart)
    if scope is None:
        raise Http404
    seconds: int = settings.RAPPORT_ORG_VIEW_CACHE_SECONDS
    key = f"org-view:{today.isoformat()}:{'hr' if viewer.is_hr else 'lead'}:" + _digest(
        chart, scope, today=today
    )
    if seconds and (kept := cache.get(key)) is not None:
        return kept
    # One computation at a time in this process: a second viewer arriving meanwhile waits and
    # then reads the result, instead of both computing it at once on the same cores.
    with _COMPUTING:
        if seconds and (kept := cache.get(key)) is not None:
            return kept
        view = _organisation_view(viewer, chart, scope, now=now, today=today)
        if seconds:
            cache.set(key, view, seconds)
    return view


def _digest(chart: Sequence[access.OrgChartRow], scope: Set[int], *, today: date) -> str:
    digest = hashlib.sha256()
    for row in _in_partition(chart, today=today):
        digest.update(
            f"{row.pk},{row.manager_id},{row.is_active:d},{row.is_hr:d},{row.name}\n".encode()
        )
    digest.update(",".join(map(str, sorted(scope))).encode())
    return digest.hexdigest()


def _in_partition(chart: Sequence[access.OrgChartRow], *, today: date) -> list[access.OrgChartRow]:
    """People who can count in some figure: everyone but those who left more than a year ago
    (the longest window: the retention comparison's)."""
    year_ago = today - RETENTION_YEAR
    return [row for row in chart if row.left_on is None or row.left_on >= year_ago]


def _partition(chart: Sequence[access.OrgChartRow], *, today: date) -> list[org.Block]:
    return org.partition({row.pk: row.manager_id for row in _in_partition(chart, today=today)})


def org_partition(*, today: date) -> list[org.Block]:
    """The blocks every organisation-view figure of `today` is summed over (one query); the
    figures name them by their index in this list."""
    return _partition(access.org_chart(), today=today)


def known_individually(chart: Sequence[access.OrgChartRow]) -> list[frozenset[int]]:
    """For every viewer of the organisation view, who they know individually: themselves and
    their direct reports (whose check-ins and 1:1s they see in their own 1:1s)."""
    reports: dict[int, set[int]] = {}
    for row in chart:
        if row.manager_id is not None:
            reports.setdefault(row.manager_id, set()).add(row.pk)
    return [
        frozenset({viewer, *reports.get(viewer, ())})
        for viewer in sorted(access.org_viewers(chart))
    ]


def _organisation_view(
    viewer: Person,
    chart: Sequence[access.OrgChartRow],
    scope: frozenset[int],
    *,
    now: datetime,
    today: date,
) -> OrgView:
    blocks = _partition(chart, today=today)
    in_view = [index for index, block in enumerate(blocks) if block.people <= scope]
    covered = frozenset(person for index in in_view for person in blocks[index].people)
    # HR's view covers everyone: reading it all beats sending 10,000 ids to the database.
    people = None if viewer.is_hr else covered
    names = {row.pk: row.name for row in chart}
    known = known_individually(chart)
    labels = {index: _label(blocks[index], names) for index in in_view}
    records = retention_records(people, now=now, today=today)
    retention_usable = org.usable_blocks(blocks, records.keys() & covered, known)
    retention_blocks = frozenset(in_view) & retention_usable
    return OrgView(
        scope_label="Everyone in the organisation" if viewer.is_hr else "Everyone below you",
        people_in_scope=sum(1 for row in chart if row.pk in scope and row.is_active),
        cadence=cadence_groups(blocks, in_view, labels, cadence_per_person(people, now=now), known),
        checkins=checkin_groups(
            blocks, in_view, labels, checkins_per_person(people, now=now), known
        ),
        retention=org.retention(
            records[person]
            for index in sorted(retention_blocks)
            for person in sorted(blocks[index].people)
            if person in records
        ),
        retention_blocks=retention_blocks,
        # Why someone left is an employment detail only HR (and the person) may see.
        show_leaving_reasons=viewer.is_hr,
    )


def _label(block: org.Block, names: Mapping[int, str]) -> str:
    """A block is named after the managers whose teams it holds."""
    leads = sorted(names[lead] for lead in block.leads if lead is not None)
    if None in block.leads:
        leads.append("the top of the organisation")
    if leads == ["the top of the organisation"]:
        return "People at the top of the organisation"
    if len(leads) == 1:
        return f"Team of {leads[0]}"
    if len(leads) > 3:
        leads = [*leads[:3], f"{len(leads) - 3} more"]
    return f"Teams of {', '.join(leads[:-1])} and {leads[-1]}"


def _sums[Total](
    indexes: Iterable[int],
    blocks: Sequence[org.Block],
    data: Mapping[int, Total],
    add: Callable[[Total, Total], Total],
    zero: Total,
) -> tuple[Total, int]:
    """The sum of `data` over the people of whole blocks, and how many people had data."""
    total, people = zero, 0
    for index in indexes:
        for person in blocks[index].people:
            if person in data:
                total, people = add(total, data[person]), people + 1
    return total, people


STATUS = Meeting.Status
HELD = Count("pk", filter=Q(status=STATUS.HELD))


def _of_reports(people: Set[int] | None, field: str) -> Q:
    return Q() if people is None else Q(**{f"{field}__in": sorted(people)})


def cadence_per_person(people: Set[int] | None, *, now: datetime) -> dict[int, Cadence]:
    """Per report (all of them when `people` is None), what became of their 1:1s due in the
    last 12 weeks."""
    due_before = Meeting.accounted_before(now)
    rows = (
        Meeting.objects.filter(
            _of_reports(people, "one_on_one__report_id"),
            scheduled_for__gte=due_before - WINDOW,
            scheduled_for__lt=due_before,
        )
        .values("one_on_one__report_id")
        .annotate(
            held=HELD,
            skipped=Count("pk", filter=Q(status=STATUS.SKIPPED)),
            cancelled=Count("pk", filter=Q(status=STATUS.CANCELLED)),
            # Still "upcoming" after its time: nobody held it, skipped it or called it off.
            lapsed=Count("pk", filter=Q(status=STATUS.UPCOMING)),
        )
        .order_by()
    )
    return {
        row["one_on_one__report_id"]: Cadence(
            row["held"], row["skipped"], row["cancelled"], row["lapsed"]
        )
        for row in rows
    }


def cadence_groups(
    blocks: Sequence[org.Block],
    in_view: Sequence[int],
    labels: Mapping[int, str],
    data: Mapping[int, Cadence],
    known: Iterable[Set[int]],
) -> list[CadenceGroup]:
    """One row per block in view with 1:1s due: a manager's rhythm with a team of 5 or more, or
    that of several small teams together. Per-manager figures of small teams would tell
    subtraction exactly what the blocks are there to prevent."""
    usable = org.usable_blocks(blocks, data.keys(), known)
    rows = []
    for index in sorted(in_view, key=lambda index: (labels[index], index)):
        cadence, people = _sums([index], blocks, data, Cadence.__add__, Cadence())
        if not people:
            continue
        if index in usable:
            rows.append(CadenceGroup(labels[index], cadence, people, frozenset({index})))
        else:
            rows.append(CadenceGroup(labels[index], Cadence(), 0, frozenset(), HIDDEN))
    return rows


def checkins_per_person(people: Set[int] | None, *, now: datetime) -> dict[int, org.ScoreSums]:
    """Sums of each person's check-ins of the last 12 weeks (all people when `people` is None)."""
    rows = (
        CheckIn.objects.filter(_of_reports(people, "report_id"), submitted_at__gte=now - WINDOW)
        .values("report_id")
        .annotate(n=Count("pk"), mood=Sum("mood"), energy=Sum("energy"), workload=Sum("workload"))
        .order_by()
    )
    return {
        row["report_id"]: org.ScoreSums(row["n"], row["mood"], row["energy"], row["workload"])
        for row in rows
    }


def checkin_groups(
    blocks: Sequence[org.Block],
    in_view: Sequence[int],
    labels: Mapping[int, str],
    data: Mapping[int, org.ScoreSums],
    known: Iterable[Set[int]],
) -> list[CheckInGroup]:
    """Average check-in scores of the last 12 weeks for everyone in view and for each block, each
    summed over the usable blocks only."""
    usable = org.usable_blocks(blocks, data.keys(), known)
    whole = ("scope",)
    figures: dict[object, frozenset[int]] = {whole: frozenset(in_view) & usable}
    figures.update({index: frozenset({index}) for index in in_view})
    sums = {
        key: _sums(indexes, blocks, data, org.ScoreSums.__add__, org.ScoreSums())
        for key, indexes in figures.items()
    }
    candidates = [key for key in figures if sums[key][1]]
    if (
        not candidates
        and not _sums(in_view, blocks, data, org.ScoreSums.__add__, org.ScoreSums())[1]
    ):
        return []
    # A second line of defence: figures built from usable blocks always pass this check.
    members = {
        key: {person for index in figures[key] for person in blocks[index].people if person in data}
        for key in candidates
        if key == whole or key in usable
    }
    shown = org.groups_to_show(members)

    def row(key: object, label: str) -> CheckInGroup:
        total, people = sums[key]
        if key in shown:
            averages = {score: round(total.average(score) or 0.0, 1) for score in SCORES}
            return CheckInGroup(label, people, averages, blocks=figures[key])
        if key == whole or key not in usable:
            return CheckInGroup(label, 0, {}, HIDDEN)
        return CheckInGroup(
            label,
            people,
            {},
            "hidden: together with the other figures it would single out "
            f"fewer than {org.MINIMUM_GROUP} people",
        )

    teams = sorted(
        (index for index in in_view if sums[index][1]), key=lambda index: (labels[index], index)
    )
    return [row(whole, "Everyone in view")] + [row(index, labels[index]) for index in teams]


def retention_records(
    people: Set[int] | None, *, now: datetime, today: date
) -> dict[int, org.PersonRecord]:
    """Everyone (of `people`, or all when None) who was there at some point in the last 12
    months, with the share of their 1:1s held in the six months before they left (or before
    today)."""
    year_ago = today - RETENTION_YEAR
    population = (
        Person.objects.filter(_of_reports(people, "pk"))
        .filter(
            Q(left_on__isnull=True, is_active=True) | Q(left_on__gte=year_ago, left_on__lte=today)
        )
        .values_list("pk", "left_on", "left_reason")
    )
    due_before = Meeting.accounted_before(now)
    stayers = (
        Meeting.objects.filter(
            _of_reports(people, "one_on_one__report_id"),
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
            _of_reports(people, "one_on_one__report_id"),
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
    records = {}
    for pk, left_on, reason in population:
        held, due = counts.get(pk, (0, 0))
        records[pk] = org.PersonRecord(
            left=left_on is not None,
            voluntary=reason == LeftReason.VOLUNTARY,
            held=held,
            expected=due,
        )
    return records
