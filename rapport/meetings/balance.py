"""Reads about the split between connection and performance: per meeting of a pair, and
across a manager's team.

Measured time (meeting mode) and estimates (given afterwards for a meeting held without it)
are counted, but always labelled apart: a meeting with measured seconds is measured, even if
someone estimated it too; an estimate never passes for a measurement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum
from typing import Protocol

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy

from rapport.meetings.models import Meeting, OneOnOne
from rapport.meetings.timing import connection_share
from rapport.people.models import Person

BALANCE_WINDOW = timedelta(weeks=8)


class TimedMeeting(Protocol):
    """What a split is read from: a Meeting, or a row of the same fields from values_list
    (the team view reads hundreds and skips building model objects)."""

    scheduled_for: datetime
    connection_seconds: int | None
    performance_seconds: int | None
    estimated_connection_minutes: int | None
    estimated_performance_minutes: int | None


class Source(StrEnum):
    MEASURED = "measured"
    ESTIMATED = "estimated"
    NONE = "none"


def source_of(meeting: TimedMeeting) -> Source:
    if meeting.connection_seconds is not None and meeting.performance_seconds is not None:
        return Source.MEASURED
    if (
        meeting.estimated_connection_minutes is not None
        and meeting.estimated_performance_minutes is not None
    ):
        return Source.ESTIMATED
    return Source.NONE


@dataclass(frozen=True)
class SplitPoint:
    """One held meeting: its day and the minutes on each part, with where they came from."""

    day: date
    connection_minutes: float
    performance_minutes: float
    source: Source

    @property
    def share(self) -> int | None:
        """Whole percent on connection; None when no time was recorded."""
        return connection_share(
            round(self.connection_minutes * 60), round(self.performance_minutes * 60)
        )


def split_of(meeting: TimedMeeting, *, zone: tzinfo | None = None) -> SplitPoint:
    """`zone`, when given, saves looking up the current time zone for each of many meetings."""
    source = source_of(meeting)
    connection = performance = 0.0
    if source is Source.MEASURED:
        connection = (meeting.connection_seconds or 0) / 60
        performance = (meeting.performance_seconds or 0) / 60
    elif source is Source.ESTIMATED:
        connection = float(meeting.estimated_connection_minutes or 0)
        performance = float(meeting.estimated_performance_minutes or 0)
    day = meeting.scheduled_for.astimezone(zone or timezone.get_current_timezone()).date()
    return SplitPoint(day, connection, performance, source)


def split_history(one_on_one: OneOnOne, *, last: int = 12) -> list[SplitPoint]:
    """The split of the pair's last `last` held meetings, oldest first. The caller has already
    loaded the 1:1 through a viewer-scoped selector; meeting facts are the pair's to see."""
    held = (
        Meeting.objects.filter(one_on_one=one_on_one, status=Meeting.Status.HELD)
        .only(
            "scheduled_for",
            "connection_seconds",
            "performance_seconds",
            "estimated_connection_minutes",
            "estimated_performance_minutes",
        )
        .order_by("-scheduled_for")[:last]
    )
    return [split_of(meeting) for meeting in reversed(held)]


class Flag(StrEnum):
    TOO_LITTLE_CONNECTION = "too_little_connection"
    TOO_LITTLE_PERFORMANCE = "too_little_performance"
    IN_BALANCE = "in_balance"
    NO_DATA = "no_data"


FLAG_LABELS = {
    Flag.TOO_LITTLE_CONNECTION: gettext_lazy("too little connection"),
    Flag.TOO_LITTLE_PERFORMANCE: gettext_lazy("too little performance"),
    Flag.IN_BALANCE: gettext_lazy("in balance"),
    Flag.NO_DATA: gettext_lazy("no data yet"),
}


def flag_for(share: int | None, target: int, tolerance: int) -> Flag:
    if share is None:
        return Flag.NO_DATA
    if share < target - tolerance:
        return Flag.TOO_LITTLE_CONNECTION
    if share > target + tolerance:
        return Flag.TOO_LITTLE_PERFORMANCE
    return Flag.IN_BALANCE


@dataclass(frozen=True)
class BalanceRow:
    one_on_one: OneOnOne
    measured: int
    estimated: int
    connection_seconds: int
    performance_seconds: int
    tolerance: int

    @property
    def report(self) -> Person:
        return self.one_on_one.report

    @property
    def target(self) -> int:
        return self.one_on_one.target_connection_share

    @property
    def share(self) -> int | None:
        """Time-weighted: a long meeting counts for more than a short one."""
        return connection_share(self.connection_seconds, self.performance_seconds)

    @property
    def gap(self) -> int | None:
        """Points above (+) or below (-) the target."""
        return None if self.share is None else self.share - self.target

    @property
    def flag(self) -> Flag:
        return flag_for(self.share, self.target, self.tolerance)

    @property
    def flag_label(self) -> str:
        return str(FLAG_LABELS[self.flag])


@dataclass(frozen=True)
class TeamBalance:
    rows: list[BalanceRow]
    since: datetime
    tolerance: int

    def count(self, flag: Flag) -> int:
        return sum(row.flag is flag for row in self.rows)

    @property
    def in_balance(self) -> int:
        return self.count(Flag.IN_BALANCE)

    @property
    def too_little_connection(self) -> int:
        return self.count(Flag.TOO_LITTLE_CONNECTION)

    @property
    def too_little_performance(self) -> int:
        return self.count(Flag.TOO_LITTLE_PERFORMANCE)

    @property
    def no_data(self) -> int:
        return self.count(Flag.NO_DATA)


def team_balance(viewer: Person, *, now: datetime | None = None) -> TeamBalance:
    """The viewer's own active 1:1s as manager, each with its split over the last 8 weeks,
    the furthest from its target first and pairs without data last. One query, whatever the
    size of the team or of its history."""
    now = now or timezone.now()
    since = now - BALANCE_WINDOW
    tolerance: int = settings.RAPPORT_BALANCE_TOLERANCE
    held = Q(
        meetings__status=Meeting.Status.HELD,
        meetings__scheduled_for__gte=since,
        meetings__scheduled_for__lt=now,
    )
    measured = held & Q(
        meetings__connection_seconds__isnull=False, meetings__performance_seconds__isnull=False
    )
    estimated = (
        held
        & ~Q(
            meetings__connection_seconds__isnull=False,
            meetings__performance_seconds__isnull=False,
        )
        & Q(
            meetings__estimated_connection_minutes__isnull=False,
            meetings__estimated_performance_minutes__isnull=False,
        )
    )
    pairs = (
        OneOnOne.objects.filter(manager=viewer, status=OneOnOne.Status.ACTIVE)
        .select_related("report")
        .annotate(
            n_measured=Count("meetings", filter=measured),
            n_estimated=Count("meetings", filter=estimated),
            measured_connection=Sum("meetings__connection_seconds", filter=measured),
            measured_performance=Sum("meetings__performance_seconds", filter=measured),
            estimated_connection=Sum("meetings__estimated_connection_minutes", filter=estimated),
            estimated_performance=Sum("meetings__estimated_performance_minutes", filter=estimated),
        )
    )
    rows = [
        BalanceRow(
            one_on_one=pair,
            measured=pair.n_measured,
            estimated=pair.n_estimated,
            connection_seconds=(pair.measured_connection or 0)
            + 60 * (pair.estimated_connection or 0),
            performance_seconds=(pair.measured_performance or 0)
            + 60 * (pair.estimated_performance or 0),
            tolerance=tolerance,
        )
        for pair in pairs
    ]
    rows.sort(key=lambda row: (row.gap is None, -abs(row.gap or 0), row.report.name))
    return TeamBalance(rows=rows, since=since, tolerance=tolerance)
