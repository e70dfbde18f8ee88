"""Over random organisations (random management trees, HR people, leavers, 1:1s and check-ins),
every figure the organisation view shows to anyone is safe against every other figure shown to
anyone and against what each viewer knows individually.

The people a figure covers are taken from the code's own blocks (`org_partition` and each
figure's `blocks`), narrowed to those with data for the metric; the data itself is read back
with plain queries here, and the displayed numbers must match it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import product

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from rapport import access
from rapport.checkins.models import CheckIn
from rapport.insights import org
from rapport.insights.selectors import (
    KEPT_WINDOW,
    RETENTION_YEAR,
    WINDOW,
    org_figures_compute,
    org_partition,
    organisation_view,
)
from rapport.meetings.models import Meeting, OneOnOne
from rapport.people.models import LeftReason, Person, Role

STATUSES = (Meeting.Status.SKIPPED, Meeting.Status.CANCELLED, Meeting.Status.UPCOMING)


@dataclass(frozen=True)
class Member:
    manager: int | None  # an index into the organisation, always lower than the member's
    is_hr: bool
    left_days_ago: int | None
    recent: int  # 1:1s in the last 12 weeks
    earlier: int  # 1:1s 13 to 24 weeks ago (the retention comparison looks back 26)
    held_mask: int
    score: int


@st.composite
def organisations(draw: st.DrawFn) -> list[Member]:
    size = draw(st.integers(min_value=5, max_value=60))
    # Managers among the last few people make deep chains, among everyone wide trees.
    reach = draw(st.sampled_from([3, 8, size]))
    members = []
    for index in range(size):
        at_top = index == 0 or draw(st.integers(min_value=0, max_value=19)) == 0
        members.append(
            Member(
                manager=None
                if at_top
                else draw(st.integers(min_value=max(0, index - reach), max_value=index - 1)),
                is_hr=draw(st.integers(min_value=0, max_value=14)) == 0,
                left_days_ago=draw(st.one_of(*[st.none()] * 5, st.integers(1, 500))),
                recent=draw(st.sampled_from([0, 1, 2, 3, 3])),
                earlier=draw(st.integers(min_value=0, max_value=2)),
                held_mask=draw(st.integers(min_value=0, max_value=31)),
                score=draw(st.integers(min_value=0, max_value=124)),
            )
        )
    return members


def build(members: list[Member], *, now: datetime, today: date) -> list[Person]:
    """The organisation in a handful of bulk queries. A leaver's reports move up to the
    leaver's manager, as recording a departure does; their 1:1s stay with the old manager."""
    people = Person.objects.bulk_create(
        Person(
            email=f"person{index}@example.com",
            name=f"Person {index:02}",
            password="!",
            role=Role.HR if member.is_hr else Role.MEMBER,
            is_active=member.left_days_ago is None,
            left_on=None
            if member.left_days_ago is None
            else today - timedelta(member.left_days_ago),
            left_reason=""
            if member.left_days_ago is None
            else (LeftReason.VOLUNTARY if index % 2 else LeftReason.INVOLUNTARY),
        )
        for index, member in enumerate(members)
    )
    chart = [member.manager for member in members]
    for index in reversed(range(len(members))):
        if members[index].left_days_ago is not None:
            chart = [chart[index] if manager == index else manager for manager in chart]
    for person, manager in zip(people, chart, strict=True):
        person.manager = None if manager is None else people[manager]
    Person.objects.bulk_update(people, ["manager"])

    pairs = OneOnOne.objects.bulk_create(
        OneOnOne(
            manager=people[member.manager],
            report=people[index],
            start_time=time(10),
            timezone="UTC",
            starts_on=today - timedelta(weeks=60),
        )
        for index, member in enumerate(members)
        if member.manager is not None
    )
    meetings = []
    for pair in pairs:
        member = members[people.index(pair.report)]
        end = now
        if member.left_days_ago is not None:
            end = datetime.combine(pair.report.left_on, time(10), tzinfo=UTC)  # type: ignore[arg-type]
        weeks = [*range(member.recent), *range(13, 13 + member.earlier)]
        for number, week in enumerate(weeks):
            held = bool(member.held_mask >> number & 1)
            when = end - timedelta(weeks=week, days=3)
            meetings.append(
                Meeting(
                    one_on_one=pair,
                    slot=when,
                    scheduled_for=when,
                    status=Meeting.Status.HELD if held else STATUSES[number % 3],
                )
            )
    Meeting.objects.bulk_create(meetings)
    CheckIn.objects.bulk_create(
        CheckIn(
            meeting=meeting,
            one_on_one=meeting.one_on_one,
            report=meeting.one_on_one.report,
            mood=1 + score % 5,
            energy=1 + score // 5 % 5,
            workload=1 + score // 25 % 5,
            submitted_at=meeting.scheduled_for,
        )
        for meeting in meetings
        if meeting.status == Meeting.Status.HELD
        for score in [members[people.index(meeting.one_on_one.report)].score]
    )
    return people


def small(people: set[int] | frozenset[int]) -> bool:
    return 0 < len(people) < org.MINIMUM_GROUP


class _Rollback(Exception):
    pass


@settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(organisations())
def test_no_figure_minus_another_or_minus_what_a_viewer_knows_isolates_fewer_than_5(
    db: None, members: list[Member]
) -> None:
    try:
        with transaction.atomic():
            check_every_figure(members)
            raise _Rollback  # the next example starts from an empty organisation
    except _Rollback:
        pass


def check_every_figure(members: list[Member]) -> None:
    now, today = timezone.now(), timezone.localdate()
    people = build(members, now=now, today=today)
    blocks = org_partition(today=today)
    chart = access.org_chart()
    reports: dict[int, set[int]] = defaultdict(set)
    for row in chart:
        if row.manager_id is not None:
            reports[row.manager_id].add(row.pk)
    viewers = [person for person in people if person.pk in access.org_viewers(chart)]
    knows = {viewer.pk: {viewer.pk} | reports[viewer.pk] for viewer in viewers}

    # The data, read back plainly.
    checkins: dict[int, list[CheckIn]] = defaultdict(list)
    for checkin in CheckIn.objects.filter(submitted_at__gte=now - WINDOW):
        checkins[checkin.report_id].append(checkin)
    # A 1:1 counts once a day has passed since its time (Meeting.accounted_before).
    due_before = Meeting.accounted_before(now)
    due: dict[int, list[str]] = defaultdict(list)
    for report, status in Meeting.objects.filter(
        scheduled_for__gte=due_before - WINDOW, scheduled_for__lt=due_before
    ).values_list("one_on_one__report_id", "status"):
        due[report].append(status)
    # The retention comparison: 1:1s held of those due in the 26 weeks before leaving (or now).
    kept_counts: dict[int, list[bool]] = defaultdict(list)
    for report, left_on, scheduled_for, status in Meeting.objects.values_list(
        "one_on_one__report_id", "one_on_one__report__left_on", "scheduled_for", "status"
    ):
        if (
            due_before - KEPT_WINDOW <= scheduled_for < due_before
            if left_on is None
            else left_on - KEPT_WINDOW <= scheduled_for.date() < left_on
        ):
            kept_counts[report].append(status == Meeting.Status.HELD)
    year_ago = today - RETENTION_YEAR
    population = {
        person.pk: person
        for person in people
        if (person.left_on is None and person.is_active)
        or (person.left_on is not None and year_ago <= person.left_on <= today)
    }

    def covered(indexes: frozenset[int], having: object) -> set[int]:
        return {p for index in indexes for p in blocks[index].people if p in having}  # type: ignore[operator]

    # What the worker stores for every viewer is exactly what a request would compute for them
    # (so everything checked below holds for the stored figures too), and nobody else has one.
    stored = org_figures_compute(now=now, today=today)
    for someone in people:
        if someone.is_hr or someone.pk in access.org_viewers(chart):
            computed = organisation_view(someone, now=now, today=today)
            got = stored.view_for(someone)
            assert got is not None and replace(got, computed_at=None, stored_as="") == computed
        else:
            assert stored.view_for(someone) is None

    figures: list[tuple[str, int, set[int]]] = []
    for viewer in viewers:
        view = organisation_view(viewer, now=now, today=today)
        for group in view.checkins:
            if not group.averages:
                continue
            who = covered(group.blocks, checkins)
            assert group.people == len(who)
            scores = [checkin for person in who for checkin in checkins[person]]
            for field in ("mood", "energy", "workload"):
                expected = sum(getattr(checkin, field) for checkin in scores) / len(scores)
                assert group.averages[field] == round(expected, 1)
            figures.append(("checkins", viewer.pk, who))
        for cadence in view.cadence:
            if not cadence.blocks:
                continue
            who = covered(cadence.blocks, due)
            assert cadence.people == len(who)
            statuses = [status for person in who for status in due[person]]
            assert cadence.cadence.held == statuses.count(Meeting.Status.HELD)
            assert cadence.cadence.due == len(statuses)
            figures.append(("cadence", viewer.pk, who))
        if view.retention_blocks:
            who = covered(view.retention_blocks, population)
            groups: dict[bool | None, set[int]] = {True: set(), False: set(), None: set()}
            for person in who:
                held = kept_counts[person]
                groups[sum(held) / len(held) >= org.KEPT_SHARE if held else None].add(person)
            counted = view.retention
            assert counted.without_one_on_ones == len(groups[None])
            for part, expected in ((counted.kept, groups[True]), (counted.lapsed, groups[False])):
                assert part.people == len(expected)
                assert part.left == sum(population[p].left_on is not None for p in expected)
            figures.append(("retention", viewer.pk, who))

    # `--hypothesis-show-statistics` tells how many examples show figures at all.
    metrics = sorted({metric for metric, _, _ in figures})
    event(f"viewers {min(len(viewers), 3)}; figures {len(figures) // 5 * 5}+; {metrics}")
    for _metric, seen_by, who in figures:
        assert len(who) >= org.MINIMUM_GROUP
        assert not small(who - knows[seen_by]), (seen_by, who)
    for (metric, _, one), (other_metric, _, other) in product(figures, repeat=2):
        if metric != other_metric:
            continue
        difference = one - other
        assert not small(difference), (metric, one, other)
        for knower, known in knows.items():
            assert not small(difference - known), (metric, knower, one, other)
