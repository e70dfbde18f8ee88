"""The week view laid out: which day column and rows each 1:1 takes, which ones clash, which fall
outside someone's working hours, and the shaded hours behind them. Pure presentation of a
`selectors.Week`: no queries, and who may see whose hours was decided by the selector."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext, ngettext

from rapport.display import format_date
from rapport.meetings.models import Meeting
from rapport.meetings.selectors import Week
from rapport.people.models import DayAway, Person

# One grid row is a quarter of an hour: a 30-minute 1:1 takes two rows.
ROW_MINUTES = 15
DAY_MINUTES = 24 * 60
# The shortest block drawn, so that a 10-minute 1:1 still has room for its name.
MIN_ROWS = 2
# Side by side at most this many blocks; more overlapping 1:1s share the last lane (the list
# and the count in the caption still name every one).
MAX_LANES = 4
# With nothing to show, the grid spans an ordinary office day.
DEFAULT_HOURS = (9, 18)
# The oldest and newest weeks the view accepts: outside them, the current week.
FIRST_YEAR = 1970
LAST_YEAR = 2200
# A range of times or days reads best with an en dash.
DASH = "\u2013"


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_start(asked: date | None, today: date) -> date:
    """The Monday of the asked-for week; the current week when nothing (or nonsense) was asked."""
    if asked is None or not FIRST_YEAR <= asked.year <= LAST_YEAR:
        return monday_of(today)
    return monday_of(asked)


@dataclass(frozen=True)
class Span:
    """A stretch of one day column, in minutes after the viewer's local midnight."""

    start: int
    end: int


@dataclass(frozen=True)
class Shade:
    kind: str  # "mine" or "theirs"
    row: int
    span: int


@dataclass(frozen=True)
class Block:
    url: str
    other_name: str
    time_label: str
    status: str
    status_label: str
    is_inactive: bool  # skipped or cancelled: shown faded and struck through
    is_moved: bool
    clashes_with: tuple[str, ...]
    outside_mine: bool
    # The report's local time when the 1:1 falls outside their hours ("07:30 Wed for Haruto").
    outside_theirs: str
    other_away: str
    viewer_away: bool
    row: int
    span: int
    lane: int  # 0: the whole column width; else 1..lanes

    @property
    def starts_label(self) -> str:
        return self.time_label.split(DASH)[0]

    @property
    def ends_label(self) -> str:
        """The end, with its dash: the grid shows it in words only to screen readers and on a
        phone, where the block's height does not tell it."""
        return DASH + self.time_label.split(DASH)[1]

    @property
    def is_flagged(self) -> bool:
        return bool(self.clashes_with or self.outside_mine or self.outside_theirs)

    @property
    def notes(self) -> list[str]:
        """What is worth knowing about the block, in words: its text alternative and tooltip."""
        notes = []
        if self.is_moved:
            notes.append(gettext("moved"))
        if self.clashes_with:
            notes.append(
                gettext("clashes with %(names)s") % {"names": ", ".join(self.clashes_with)}
            )
        if self.outside_theirs:
            notes.append(gettext("%(when)s, outside their hours") % {"when": self.outside_theirs})
        if self.outside_mine:
            notes.append(gettext("outside your hours"))
        if self.other_away:
            notes.append(self.other_away)
        if self.viewer_away:
            notes.append(gettext("you are away"))
        return notes

    @property
    def title(self) -> str:
        return " · ".join([self.other_name, self.time_label, self.status_label, *self.notes])


@dataclass(frozen=True)
class Day:
    day: date
    name: str
    label: str
    is_today: bool
    away: list[str]
    shades: list[Shade]
    blocks: list[Block]
    lanes: int


@dataclass(frozen=True)
class HourLabel:
    row: int
    label: str


@dataclass(frozen=True)
class ReportChoice:
    uuid: str
    name: str
    selected: bool


@dataclass(frozen=True)
class WeekLayout:
    title: str
    zone: str
    monday: date
    days: list[Day]
    hours: list[HourLabel]
    rows: int
    meeting_count: int
    clash_count: int
    outside_count: int
    my_hours: str
    their_hours: str
    selected_name: str
    selected_uuid: str
    reports: list[ReportChoice]
    previous_query: str
    next_query: str
    this_query: str
    is_this_week: bool

    @property
    def summary(self) -> str:
        """The grid in one sentence, for its caption."""
        count = self.meeting_count
        parts = [
            ngettext("%(count)d 1:1 this week", "%(count)d 1:1s this week", count)
            % {"count": count}
        ]
        if self.clash_count:
            parts.append(gettext("%(count)d clashing") % {"count": self.clash_count})
        if self.outside_count:
            parts.append(gettext("%(count)d outside working hours") % {"count": self.outside_count})
        return gettext("%(parts)s.") % {"parts": ", ".join(parts)}


def lay_out_week(week: Week, *, today: date) -> WeekLayout:
    viewer = week.viewer
    zone = viewer.zone
    days = [week.monday + timedelta(days=offset) for offset in range(7)]
    placed = [_place(meeting, zone, week.monday) for meeting in week.meetings]
    clashes = _clashes(week.meetings)
    mine_away = week.days_away.get(viewer.pk, [])
    mine = {day: _working_spans(viewer, day, zone, mine_away) for day in days}
    theirs: dict[date, list[Span]] = {}
    if week.selected is not None:
        away = week.days_away.get(week.selected.pk, [])
        theirs = {day: _working_spans(week.selected, day, zone, away) for day in days}
    first_hour, last_hour = _hour_range(
        [span for _day, span in placed],
        [span for spans in mine.values() for span in spans],
        [span for spans in theirs.values() for span in spans],
    )
    origin = first_hour * 60
    columns: list[Day] = []
    blocks_by_day: dict[date, list[tuple[Meeting, Span]]] = {day: [] for day in days}
    for meeting, (day, span) in zip(week.meetings, placed, strict=True):
        blocks_by_day[day].append((meeting, span))
    outside_count = 0
    for day in days:
        lanes, lane_of = _lanes([span for _meeting, span in blocks_by_day[day]], origin)
        blocks = []
        for index, (meeting, span) in enumerate(blocks_by_day[day]):
            block = _block(week, meeting, span, origin, lane_of[index], clashes.get(meeting.pk))
            outside_count += bool(block.outside_mine or block.outside_theirs)
            blocks.append(block)
        shades = [_shade("mine", span, origin) for span in mine[day]]
        shades += [_shade("theirs", span, origin) for span in theirs.get(day, [])]
        columns.append(
            Day(
                day=day,
                name=str(WEEKDAYS_ABBR[day.weekday()]),
                label=format_date(day, "j M"),
                is_today=day == today,
                away=_away_labels(week, day),
                shades=shades,
                blocks=blocks,
                lanes=lanes,
            )
        )
    selected = week.selected
    extra = f"&person={selected.uuid}" if selected is not None else ""
    sunday = days[-1]
    return WeekLayout(
        title=_week_title(week.monday, sunday),
        zone=viewer.timezone,
        monday=week.monday,
        days=columns,
        hours=[
            HourLabel(row=(hour - first_hour) * 60 // ROW_MINUTES + 1, label=f"{hour:02d}:00")
            for hour in range(first_hour, last_hour)
        ],
        rows=(last_hour - first_hour) * 60 // ROW_MINUTES,
        meeting_count=len(week.meetings),
        clash_count=len(clashes),
        outside_count=outside_count,
        my_hours=hours_text(viewer),
        their_hours=hours_text(selected) if selected is not None else "",
        selected_name=selected.name if selected is not None else "",
        selected_uuid=str(selected.uuid) if selected is not None else "",
        reports=[
            ReportChoice(
                uuid=str(report.uuid),
                name=report.name,
                selected=selected is not None and report.pk == selected.pk,
            )
            for report in week.reports
        ],
        previous_query=f"?week={week.monday - timedelta(days=7)}{extra}",
        next_query=f"?week={week.monday + timedelta(days=7)}{extra}",
        this_query=f"?week={monday_of(today)}{extra}",
        is_this_week=week.monday == monday_of(today),
    )


def hours_text(person: Person) -> str:
    # Day numbers (Monday 0), not names: the names are in the reader's language.
    days = [index for index in range(7) if person.works_on(index)]
    return (
        f"{_day_ranges(days)} "
        f"{person.work_starts:%H:%M}{DASH}{person.work_ends:%H:%M} {person.timezone}"
    )


def _day_ranges(indexes: list[int]) -> str:
    runs: list[list[int]] = []
    for index in indexes:
        if runs and index == runs[-1][-1] + 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    return ", ".join(
        str(WEEKDAYS_ABBR[run[0]])
        if len(run) == 1
        else f"{WEEKDAYS_ABBR[run[0]]}{DASH}{WEEKDAYS_ABBR[run[-1]]}"
        for run in runs
    )


def _week_title(monday: date, sunday: date) -> str:
    """'30 November - 6 December 2026' (with a dash), in the active language."""
    end = format_date(sunday, "j F Y")
    if monday.year != sunday.year:
        return f"{format_date(monday, 'j F Y')} {DASH} {end}"
    if monday.month != sunday.month:
        return f"{format_date(monday, 'j F')} {DASH} {end}"
    return f"{format_date(monday, 'j')}{DASH}{end}"


def _minute_of(moment: datetime, day: date, zone: ZoneInfo) -> int:
    """Where `moment` falls on `day`'s wall clock in `zone`, clamped to that day."""
    local = moment.astimezone(zone)
    if local.date() < day:
        return 0
    if local.date() > day:
        return DAY_MINUTES
    return local.hour * 60 + local.minute


def _place(meeting: Meeting, zone: ZoneInfo, monday: date) -> tuple[date, Span]:
    """The meeting's day column and its minutes there. A 1:1 running past midnight is drawn up
    to midnight; a daylight-saving change inside it cannot make it end before it starts."""
    day = meeting.scheduled_for.astimezone(zone).date()
    start = _minute_of(meeting.scheduled_for, day, zone)
    end = _minute_of(meeting.ends_at, day, zone)
    shortest = MIN_ROWS * ROW_MINUTES
    start = min(start, DAY_MINUTES - shortest)
    return day, Span(start, max(end, start + shortest))


def _working_spans(
    person: Person, day: date, zone: ZoneInfo, away: Iterable[DayAway]
) -> list[Span]:
    """The person's working hours that fall on the viewer's `day`, from their own days before,
    on and after it (their hours may cross the viewer's midnight); none on their days away."""
    day_start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    day_end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    away = list(away)
    spans = []
    for offset in (-1, 0, 1):
        their_day = day + timedelta(days=offset)
        if any(day_away.covers(their_day) for day_away in away):
            continue
        window = person.working_window(their_day)
        if window is None or window[1] <= day_start or window[0] >= day_end:
            continue
        start = _minute_of(max(window[0], day_start), day, zone)
        end = _minute_of(min(window[1], day_end), day, zone)
        if end > start:
            spans.append(Span(start, end))
    return spans


def _hour_range(meetings: list[Span], mine: list[Span], theirs: list[Span]) -> tuple[int, int]:
    """Whole hours covering every meeting and the shaded hours; never narrower than needed to
    show every meeting, and an ordinary office day when there is nothing at all."""
    spans = [*meetings, *mine, *theirs]
    if not spans:
        return DEFAULT_HOURS
    first = min(span.start for span in spans) // 60
    last = math.ceil(max(span.end for span in spans) / 60)
    return max(0, first), min(24, max(last, first + 1))


def _lanes(spans: list[Span], origin: int) -> tuple[int, list[int]]:
    """Side-by-side lanes for overlapping blocks, by their drawn rows (a short meeting is drawn
    taller than it lasts). A block that overlaps nothing takes the whole width (lane 0)."""
    rows = [_rows(span, origin) for span in spans]
    order = sorted(range(len(spans)), key=lambda index: (rows[index][0], index))
    lane_ends: list[int] = []
    lane_of = [0] * len(spans)
    for index in order:
        start, end = rows[index]
        for lane, lane_end in enumerate(lane_ends):
            if lane_end <= start:
                lane_ends[lane] = end
                lane_of[index] = lane + 1
                break
        else:
            lane_ends.append(end)
            lane_of[index] = min(len(lane_ends), MAX_LANES)
    for index in range(len(spans)):
        start, end = rows[index]
        alone = all(
            other == index or rows[other][1] <= start or rows[other][0] >= end
            for other in range(len(spans))
        )
        if alone:
            lane_of[index] = 0
    return min(len(lane_ends), MAX_LANES), lane_of


def _rows(span: Span, origin: int, *, shortest: int = MIN_ROWS) -> tuple[int, int]:
    """The first grid row (1-based) and the row after the last."""
    first = (span.start - origin) // ROW_MINUTES + 1
    after = math.ceil((span.end - origin) / ROW_MINUTES) + 1
    return first, max(after, first + shortest)


def _shade(kind: str, span: Span, origin: int) -> Shade:
    first, after = _rows(span, origin, shortest=1)
    return Shade(kind=kind, row=first, span=after - first)


def _counts(meeting: Meeting) -> bool:
    """Skipped and cancelled 1:1s take nobody's time: they neither clash nor fall outside hours."""
    return meeting.status in (Meeting.Status.UPCOMING, Meeting.Status.HELD)


def _clashes(meetings: list[Meeting]) -> dict[int, tuple[str, ...]]:
    """For each meeting that overlaps another of the viewer's, the other people's names."""
    found: dict[int, list[str]] = {}
    live = sorted((meeting for meeting in meetings if _counts(meeting)), key=_start)
    for index, meeting in enumerate(live):
        for other in live[index + 1 :]:
            if other.scheduled_for >= meeting.ends_at:
                break
            found.setdefault(meeting.pk, []).append(_pair_name(other, meeting))
            found.setdefault(other.pk, []).append(_pair_name(meeting, other))
    return {pk: tuple(names) for pk, names in found.items()}


def _start(meeting: Meeting) -> datetime:
    return meeting.scheduled_for


def _pair_name(meeting: Meeting, seen_from: Meeting) -> str:
    """Who `meeting` is with, from the viewer's side: both meetings share the viewer."""
    pair = meeting.one_on_one
    shared = {seen_from.one_on_one.manager_id, seen_from.one_on_one.report_id}
    return pair.report.name if pair.manager_id in shared else pair.manager.name


def _block(
    week: Week,
    meeting: Meeting,
    span: Span,
    origin: int,
    lane: int,
    clashes_with: tuple[str, ...] | None,
) -> Block:
    viewer = week.viewer
    other = meeting.one_on_one.other_person(viewer)
    start, end = meeting.scheduled_for, meeting.ends_at
    local_start = start.astimezone(viewer.zone)
    local_end = end.astimezone(viewer.zone)
    counts = _counts(meeting)
    outside_theirs = ""
    other_away = ""
    if week.schedule_visible(other):
        their_start = start.astimezone(other.zone)
        if counts and not other.is_working(start, end):
            outside_theirs = gettext("%(time)s for %(name)s") % {
                "time": f"{their_start:%H:%M} {WEEKDAYS_ABBR[their_start.weekday()]}",
                "name": other.get_short_name(),
            }
        if any(away.covers(their_start.date()) for away in week.days_away.get(other.pk, [])):
            other_away = gettext("%(name)s is away") % {"name": other.get_short_name()}
    first, after = _rows(span, origin)
    return Block(
        url=reverse("meetings:meeting", kwargs={"meeting_uuid": meeting.uuid}),
        other_name=other.name,
        time_label=f"{local_start:%H:%M}{DASH}{local_end:%H:%M}",
        status=meeting.status,
        status_label=meeting.get_status_display(),
        is_inactive=not counts,
        is_moved=meeting.is_rescheduled,
        clashes_with=clashes_with or (),
        outside_mine=counts and not viewer.is_working(start, end),
        outside_theirs=outside_theirs,
        other_away=other_away,
        viewer_away=any(
            away.covers(local_start.date()) for away in week.days_away.get(viewer.pk, [])
        ),
        row=first,
        span=after - first,
        lane=lane,
    )


def _away_labels(week: Week, day: date) -> list[str]:
    labels = []
    for day_away in week.days_away.get(week.viewer.pk, []):
        if day_away.covers(day):
            labels.append(gettext("You: %(kind)s") % {"kind": day_away.get_kind_display().lower()})
    selected = week.selected
    if selected is not None:
        for day_away in week.days_away.get(selected.pk, []):
            if day_away.covers(day):
                labels.append(f"{selected.get_short_name()}: {day_away.get_kind_display().lower()}")
    return labels
