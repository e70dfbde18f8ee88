"""Slots that fit both people: proposing weekly 1:1 times across time zones, and saying who a
given time is bad for.

Pure functions on plain data (no database): callers turn people into `Hours` and the manager's
other 1:1s into `Busy` slots. A slot is a weekday and a wall-clock time in the manager's zone,
as a `OneOnOne` rule is. Everything is judged on one representative week, the first
occurrence of each weekday on or after `starts_on`, converted with the real zone rules, so
daylight saving is right for that week. A later change of clocks in only one of the two zones
can move a slot by an hour against the other person's day; every later move or change of rhythm
checks again (services.py), and nothing here books anything.

The plan is greedy and deterministic: reports with the fewest in-hours slots go first, each takes
the least loaded day and, on it, the time fewest other reports could use. A report that gets no
slot inside both people's hours then gets the least bad one: no minutes between 22:00 and 07:00
for either person if any slot allows it, then the fewest minutes outside either person's hours.
Such a report is also offered "every two weeks, alternating": one slot inside the manager's
hours and one inside the report's, each as kind as possible to the other person.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import gettext

from rapport.meetings.recurrence import first_date, to_utc

# Six 1:1s a day is where managers start to report that the last ones get less than they deserve.
DEFAULT_MAX_PER_DAY = 6
# Fifteen minutes between two 1:1s: time to write the notes of one and read the agenda of the
# next; five minutes is only a room change, and thirty makes six 1:1s take a whole afternoon.
DEFAULT_GAP_MINUTES = 15
# Candidate starts lie on a quarter-hour grid of the manager's clock.
STEP_MINUTES = 15
NIGHT_STARTS, NIGHT_ENDS = time(22, 0), time(7, 0)
WEEK_MINUTES = 7 * 24 * 60


class HasHours(Protocol):
    name: str
    timezone: str
    work_days: int
    work_starts: time
    work_ends: time


@dataclass(frozen=True)
class Hours:
    """Someone's working hours: days (bit set, Monday = bit 0) and times on their own clock."""

    name: str
    zone: str
    starts: time
    ends: time
    days: int = 0b0011111

    @classmethod
    def of(cls, person: HasHours) -> Hours:
        return cls(
            person.name, person.timezone, person.work_starts, person.work_ends, person.work_days
        )

    def works_on(self, weekday: int) -> bool:
        return bool(self.days & (1 << weekday))

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        if not self.works_on(day.weekday()):
            return None
        zone = ZoneInfo(self.zone)
        return (
            datetime.combine(day, self.starts, tzinfo=zone).astimezone(UTC),
            datetime.combine(day, self.ends, tzinfo=zone).astimezone(UTC),
        )

    def describe(self) -> str:
        return f"{self.starts:%H:%M}-{self.ends:%H:%M}"


@dataclass(frozen=True, order=True)
class Slot:
    """A weekly time on the manager's clock."""

    weekday: int
    start: time

    @property
    def minute_of_week(self) -> int:
        return self.weekday * 1440 + self.start.hour * 60 + self.start.minute

    def label(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {self.start:%H:%M}"


@dataclass(frozen=True)
class Busy:
    """One of the manager's other 1:1s, on the manager's clock (any cadence counts as weekly)."""

    slot: Slot
    duration_minutes: int


@dataclass(frozen=True)
class OutOfHours:
    """A slot seen by one person it is bad for."""

    name: str
    zone: str
    local_start: datetime
    local_end: datetime
    hours: str
    minutes_outside: int
    minutes_at_night: int
    is_day_off: bool

    @property
    def when(self) -> str:
        return f"{self.local_start:%H:%M} {WEEKDAYS[self.local_start.weekday()]}"

    def sentence(self) -> str:
        if self.is_day_off:
            why = gettext("not one of their working days")
        else:
            why = gettext("outside their working hours %(hours)s") % {"hours": self.hours}
        if self.minutes_at_night:
            why = gettext("%(why)s, at night") % {"why": why}
        return gettext("%(when)s for %(name)s in %(zone)s, %(why)s") % {
            "when": self.when,
            "name": self.name,
            "zone": self.zone,
            "why": why,
        }

    def confirmation(self) -> str:
        return gettext("I know %(when)s is outside %(name)s's hours") % {
            "when": self.when,
            "name": self.name,
        }


@dataclass(frozen=True)
class Proposal:
    key: str
    slot: Slot | None
    # Whether some slot in the week lies inside both people's hours, whatever else is booked.
    has_fitting_slot: bool
    # The proposal itself lies inside both people's hours.
    fits: bool
    bad_for: tuple[OutOfHours, ...] = ()
    # For a report no slot fits: (inside the manager's hours, inside the report's hours).
    alternating: tuple[Slot, Slot] | None = None
    problem: str = ""
    # One of the alternating times falls in someone's night (22:00-07:00 on their clock).
    alternating_at_night: bool = False
    # The daily cap, not the hours, put it on the manager's day off: how to avoid that.
    cap_hint: str = ""


@dataclass
class Plan:
    proposals: list[Proposal] = field(default_factory=list)

    def by_key(self) -> dict[str, Proposal]:
        return {proposal.key: proposal for proposal in self.proposals}

    @property
    def out_of_hours(self) -> list[Proposal]:
        return [proposal for proposal in self.proposals if proposal.slot and not proposal.fits]


# --- Judging one concrete time -----------------------------------------------------------------


def _overlap(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> int:
    start, end = max(a[0], b[0]), min(a[1], b[1])
    return max(0, int((end - start).total_seconds() // 60))


def _night_minutes(start: datetime, end: datetime, zone: str) -> int:
    # On the local wall clock: a change of clocks inside the meeting is rare enough to ignore.
    local_start = start.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    local_end = local_start + (end - start)
    total = 0
    day = local_start.date() - timedelta(days=1)
    while day <= local_end.date():
        night = (
            datetime.combine(day, NIGHT_STARTS),
            datetime.combine(day + timedelta(days=1), NIGHT_ENDS),
        )
        total += _overlap((local_start, local_end), night)
        day += timedelta(days=1)
    return total


@lru_cache(maxsize=4096)
def _window(hours: Hours, day: date) -> tuple[datetime, datetime] | None:
    return hours.window(day)


def judge(start: datetime, end: datetime, hours: Hours) -> OutOfHours | None:
    """How `start`..`end` (aware) looks to one person: None when it is inside their hours."""
    zone = ZoneInfo(hours.zone)
    local_start = start.astimezone(zone)
    inside = 0
    day = local_start.date() - timedelta(days=1)
    while day <= end.astimezone(zone).date():
        if window := _window(hours, day):
            inside += _overlap((start, end), window)
        day += timedelta(days=1)
    length = int((end - start).total_seconds() // 60)
    if inside >= length:
        return None
    return OutOfHours(
        name=hours.name,
        zone=hours.zone,
        local_start=local_start,
        local_end=end.astimezone(zone),
        hours=hours.describe(),
        minutes_outside=length - inside,
        minutes_at_night=_night_minutes(start, end, hours.zone),
        is_day_off=not hours.works_on(local_start.weekday()),
    )


def explain(start: datetime, end: datetime, people: Iterable[HasHours | Hours]) -> list[OutOfHours]:
    """Everyone `start`..`end` is outside the working hours of, with their local times: the
    warning every scheduling form shows and the services refuse to pass unconfirmed."""
    found = []
    for person in people:
        hours = person if isinstance(person, Hours) else Hours.of(person)
        if problem := judge(start, end, hours):
            found.append(problem)
    return found


@dataclass(frozen=True)
class LocalTime:
    name: str
    zone: str
    label: str
    is_bad: bool


@dataclass(frozen=True)
class HoursCheck:
    """A concrete time as the forms show it: in each person's zone, and who it is bad for.
    `key` names the time, so that a confirmation given for one time never passes another."""

    key: str
    times: tuple[LocalTime, ...]
    problems: tuple[OutOfHours, ...]

    @property
    def confirmation(self) -> str:
        said = "; ".join(
            gettext("%(when)s is outside %(name)s's hours") % {"when": p.when, "name": p.name}
            for p in self.problems
        )
        return gettext("I know %(problems)s") % {"problems": said}

    def sentences(self) -> list[str]:
        return [problem.sentence() for problem in self.problems]


def confirmation_key(start: datetime) -> str:
    return start.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def check(
    start: datetime, end: datetime, people: Sequence[HasHours | Hours], *, key: str = ""
) -> HoursCheck:
    hours = [person if isinstance(person, Hours) else Hours.of(person) for person in people]
    problems = tuple(explain(start, end, hours))
    bad = {problem.name for problem in problems}
    times = tuple(
        LocalTime(
            each.name,
            each.zone,
            f"{local_label(start, each.zone)}-{end.astimezone(ZoneInfo(each.zone)):%H:%M}",
            each.name in bad,
        )
        for each in hours
    )
    return HoursCheck(key or confirmation_key(start), times, problems)


def local_label(moment: datetime, zone: str) -> str:
    """ "Tue 09:00" on `zone`'s clock: days differ across zones, so the day is always named."""
    local = moment.astimezone(ZoneInfo(zone))
    return f"{WEEKDAYS_ABBR[local.weekday()]} {local:%H:%M}"


def first_meeting(
    *, weekday: int, at: time, duration_minutes: int, starts_on: date, zone: str
) -> tuple[datetime, datetime]:
    """Start and end (UTC) of a rule's first meeting on or after `starts_on`: the week every
    working-hours check looks at."""
    start = moment_of(Slot(weekday, at), starts_on=starts_on, zone=zone)
    return start, start + timedelta(minutes=duration_minutes)


def moment_of(slot: Slot, *, starts_on: date, zone: str) -> datetime:
    """The slot's first occurrence on or after `starts_on`, in UTC."""
    return to_utc(first_date(starts_on, slot.weekday), slot.start, zone)


# --- Planning a team ---------------------------------------------------------------------------


def _epoch_minutes(moment: datetime) -> int:
    return int(moment.timestamp()) // 60


@dataclass(frozen=True)
class _Costs:
    """How a slot looks to one person, as numbers: minutes outside their hours, minutes at night
    on their clock, and how far the slot lies from their nearest working hours."""

    outside: int
    night: int
    away: int


_FITS = _Costs(0, 0, 0)


class _Clock:
    """One person's working windows and nights around the representative week, in epoch minutes,
    so that judging hundreds of candidate slots costs no zone conversion."""

    def __init__(self, hours: Hours, first: date, last: date) -> None:
        zone = ZoneInfo(hours.zone)
        self.windows: list[tuple[int, int]] = []
        self.nights: list[tuple[int, int]] = []
        day = first
        while day <= last:
            if window := hours.window(day):
                self.windows.append((_epoch_minutes(window[0]), _epoch_minutes(window[1])))
            night_start = datetime.combine(day, NIGHT_STARTS, tzinfo=zone)
            night_end = datetime.combine(day + timedelta(days=1), NIGHT_ENDS, tzinfo=zone)
            self.nights.append((_epoch_minutes(night_start), _epoch_minutes(night_end)))
            day += timedelta(days=1)

    def costs(self, start: int, end: int) -> _Costs:
        inside = 0
        for window_start, window_end in self.windows:
            inside += max(0, min(end, window_end) - max(start, window_start))
        outside = end - start - inside
        if not outside:
            return _FITS
        away = min(
            (max(0, w_start - end, start - w_end) for w_start, w_end in self.windows),
            default=WEEK_MINUTES,
        )
        night = sum(max(0, min(end, n_end) - max(start, n_start)) for n_start, n_end in self.nights)
        return _Costs(outside, night, away)


@dataclass(frozen=True)
class _Candidate:
    slot: Slot
    start: datetime
    end: datetime
    manager: _Costs


@dataclass(frozen=True)
class _Option:
    candidate: _Candidate
    report: _Costs

    @property
    def fits(self) -> bool:
        return not self.candidate.manager.outside and not self.report.outside

    @property
    def badness(self) -> tuple[int, int, int]:
        manager, report = self.candidate.manager, self.report
        return (
            manager.night + report.night,
            manager.outside + report.outside,
            max(manager.away, report.away),
        )


class _Week:
    """The manager's week as it fills up: clashes (with the gap) and the count per day."""

    def __init__(self, busy: Sequence[Busy], *, gap: int, max_per_day: int) -> None:
        self.taken: list[tuple[int, int]] = []
        self.per_day: Counter[int] = Counter()
        self.gap = gap
        self.max_per_day = max_per_day
        for item in busy:
            self.take(item.slot, item.duration_minutes)

    def take(self, slot: Slot, minutes: int) -> None:
        self.taken.append((slot.minute_of_week, minutes))
        self.per_day[slot.weekday] += 1

    def is_free(self, slot: Slot, minutes: int) -> bool:
        if self.per_day[slot.weekday] >= self.max_per_day:
            return False
        start = slot.minute_of_week
        for other, other_minutes in self.taken:
            # Compared around the week, so Sunday night meets Monday morning.
            for shift in (-WEEK_MINUTES, 0, WEEK_MINUTES):
                other_start = other + shift
                if (
                    start < other_start + other_minutes + self.gap
                    and other_start < start + minutes + self.gap
                ):
                    return False
        return True


def overlaps(slot: Slot, minutes: int, other: Slot, other_minutes: int) -> bool:
    """Whether two weekly slots on the same clock overlap (around the week's end too)."""
    return any(
        slot.minute_of_week < other.minute_of_week + shift + other_minutes
        and other.minute_of_week + shift < slot.minute_of_week + minutes
        for shift in (-WEEK_MINUTES, 0, WEEK_MINUTES)
    )


def _span(starts_on: date) -> tuple[date, date]:
    # Two days either side of the week: a slot on the manager's Monday may be someone's Sunday.
    return starts_on - timedelta(days=2), starts_on + timedelta(days=9)


def _candidates(manager: Hours, *, starts_on: date, duration: int) -> list[_Candidate]:
    clock = _Clock(manager, *_span(starts_on))
    found = []
    for weekday in range(7):
        day = first_date(starts_on, weekday)
        for minute in range(0, 1440, STEP_MINUTES):
            slot = Slot(weekday, time(minute // 60, minute % 60))
            start = to_utc(day, slot.start, manager.zone)
            end = start + timedelta(minutes=duration)
            costs = clock.costs(_epoch_minutes(start), _epoch_minutes(end))
            found.append(_Candidate(slot, start, end, costs))
    return found


def plan_team(
    *,
    manager: Hours,
    reports: Sequence[tuple[str, Hours]],
    busy: Sequence[Busy] = (),
    duration_minutes: int = 30,
    starts_on: date,
    max_per_day: int = DEFAULT_MAX_PER_DAY,
    gap_minutes: int = DEFAULT_GAP_MINUTES,
    preferred_weekdays: Iterable[int] | None = None,
) -> Plan:
    """One weekly slot per report (`(key, hours)`), on the manager's clock. See the module's
    docstring for the order of preference. `preferred_weekdays` defaults to the manager's
    working days."""
    preferred = frozenset(
        (day for day in range(7) if manager.works_on(day))
        if preferred_weekdays is None
        else preferred_weekdays
    )
    candidates = _candidates(manager, starts_on=starts_on, duration=duration_minutes)
    span = _span(starts_on)
    options = {}
    for key, hours in reports:
        clock = _Clock(hours, *span)
        options[key] = [
            _Option(c, clock.costs(_epoch_minutes(c.start), _epoch_minutes(c.end)))
            for c in candidates
        ]
    fitting = {key: [option for option in found if option.fits] for key, found in options.items()}
    demand: Counter[Slot] = Counter(
        option.candidate.slot for found in fitting.values() for option in found
    )
    week = _Week(busy, gap=gap_minutes, max_per_day=max_per_day)
    order = sorted((key for key, _ in reports), key=lambda key: (len(fitting[key]), key))
    chosen: dict[str, _Option] = {}
    for key in order:
        free = [o for o in fitting[key] if week.is_free(o.candidate.slot, duration_minutes)]
        if free:
            best = min(
                free,
                key=lambda o: (
                    o.candidate.slot.weekday not in preferred,
                    week.per_day[o.candidate.slot.weekday],
                    demand[o.candidate.slot],
                    o.candidate.slot,
                ),
            )
            chosen[key] = best
            week.take(best.candidate.slot, duration_minutes)
        for fitting_option in fitting[key]:
            demand[fitting_option.candidate.slot] -= 1
    # The least bad slot for everyone left, once every fitting slot has been handed out.
    for key in order:
        if key in chosen:
            continue
        free = [o for o in options[key] if week.is_free(o.candidate.slot, duration_minutes)]
        if free:
            best = min(
                free,
                key=lambda o: (
                    o.badness,
                    o.candidate.slot.weekday not in preferred,
                    week.per_day[o.candidate.slot.weekday],
                    o.candidate.slot,
                ),
            )
            chosen[key] = best
            week.take(best.candidate.slot, duration_minutes)
    proposals = []
    for key, hours in reports:
        option = chosen.get(key)
        has_fit = bool(fitting[key])
        alternating, alternating_at_night = (None, False) if has_fit else _alternating(options[key])
        if option is None:
            proposals.append(
                Proposal(
                    key,
                    None,
                    has_fit,
                    False,
                    alternating=alternating,
                    problem=gettext("No free time is left in the week under the limit per day."),
                    alternating_at_night=alternating_at_night,
                )
            )
            continue
        problem = (
            ""
            if option.fits
            else (
                gettext(
                    "Every time inside both people's hours is taken; this is the least bad one "
                    "left."
                )
                if has_fit
                else gettext("No time in the week is inside both people's working hours.")
            )
        )
        cap_hint = ""
        if (
            not option.fits
            and not manager.works_on(option.candidate.slot.weekday)
            and any(week.per_day[day] >= max_per_day for day in preferred)
        ):
            cap_hint = gettext(
                "The working days are full at %(max)d 1:1s a day; allow %(more)d a day for a time "
                "on one of them."
            ) % {"max": max_per_day, "more": max_per_day + 1}
        proposals.append(
            Proposal(
                key,
                option.candidate.slot,
                has_fit,
                option.fits,
                tuple(explain(option.candidate.start, option.candidate.end, (manager, hours))),
                alternating,
                problem,
                alternating_at_night,
                cap_hint,
            )
        )
    return Plan(proposals)


def _alternating(options: Sequence[_Option]) -> tuple[tuple[Slot, Slot] | None, bool]:
    """Two slots for alternate weeks: the first inside the manager's hours, the second inside the
    report's, each the kindest to the other person (no night, then fewest minutes outside)."""
    for_manager = [o for o in options if not o.candidate.manager.outside]
    for_report = [o for o in options if not o.report.outside]
    if not for_manager or not for_report:
        return None, False

    def kindness(option: _Option) -> tuple[tuple[int, int, int], Slot]:
        return (option.badness, option.candidate.slot)

    first, second = min(for_manager, key=kindness), min(for_report, key=kindness)
    at_night = bool(first.badness[0] or second.badness[0])
    return (first.candidate.slot, second.candidate.slot), at_night
