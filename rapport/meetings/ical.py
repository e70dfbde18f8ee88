"""A pair's 1:1s as one iCalendar series: what invite emails, the feed and downloads all carry.

One UID per pair (`<pair uuid>@rapport`) and one SEQUENCE (`OneOnOne.calendar_sequence`), so an
accepted invite, a subscribed feed and a downloaded file describe the same event, and each change
replaces the one before in every calendar program.

The shape. The pair's current rule is the RRULE, kept in the rule's zone (the manager's: TZID
with its VTIMEZONE), so daylight saving follows the manager's wall clock as recurrence.py does.
The meeting rows are the truth, the rule only their summary:

- a date of the rule whose meeting is skipped, cancelled or missing is an EXDATE;
- a meeting that moved (or runs longer or shorter) is an override with RECURRENCE-ID;
- a meeting off the rule (kept from an earlier rhythm: held, moved or full of notes) is an RDATE
  at its slot, plus an override when it moved. RDATE, not separate events: an iTIP message
  (RFC 5546) carries one UID, so one email, one accept and one CANCEL cover the whole pair.

DTSTART is the rule's date at or before the first meeting the series holds (excluded when no
meeting is there), so every RDATE and RECURRENCE-ID comes after it. Rows exist up to
`scheduled_until`; later dates of the rule are the meetings Rapport will make.

Never any agenda, note or action text (DESIGN.md section 5): the time, the two people, the video
room and links to Rapport's pages, nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from icalendar import Calendar, Event, vCalAddress, vRecur
from icalendar.enums import STATUS

from rapport.meetings import recurrence
from rapport.meetings.models import Meeting, OneOnOne

PRODID = "-//Rapport//Rapport 1:1s//EN"
# Recent meetings stay in the series for a while, so last week's 1:1 does not vanish from the
# calendar the moment it is over.
SERIES_LOOKBACK = timedelta(weeks=2)
HIDDEN = (Meeting.Status.SKIPPED, Meeting.Status.CANCELLED)
# The longest gap between two dates of a rule (a monthly rule: five weeks), plus a day.
LONGEST_GAP = timedelta(days=36)
# VTIMEZONE transitions from a year before the series to this many years after it.
ZONE_YEARS_AHEAD = 10

REQUEST, CANCEL, PUBLISH = "REQUEST", "CANCEL", "PUBLISH"


def series_uid(one_on_one: OneOnOne) -> str:
    return f"{one_on_one.uuid}@rapport"


def summary(one_on_one: OneOnOne) -> str:
    """The same for both people: an invite is one event that both calendars hold."""
    return f"1:1 {one_on_one.manager.name} / {one_on_one.report.name}"


def meeting_url(meeting: Meeting) -> str:
    return settings.BASE_URL + reverse("meetings:meeting", kwargs={"meeting_uuid": meeting.uuid})


def pair_url(one_on_one: OneOnOne) -> str:
    return settings.BASE_URL + reverse(
        "meetings:one_on_one", kwargs={"one_on_one_uuid": one_on_one.uuid}
    )


def series_since(now: datetime) -> datetime:
    return now - SERIES_LOOKBACK


def live_meetings(one_on_ones: Iterable[OneOnOne], *, now: datetime) -> dict[int, list[Meeting]]:
    """The meetings each series holds (not skipped or cancelled, recent or ahead), per pair id,
    in one query."""
    since = series_since(now)
    found: dict[int, list[Meeting]] = {pair.pk: [] for pair in one_on_ones}
    rows = (
        Meeting.objects.filter(one_on_one__in=list(found))
        .filter(Q(slot__gte=since) | Q(scheduled_for__gte=since))
        .exclude(status__in=HIDDEN)
        .order_by("slot")
    )
    for meeting in rows:
        found[meeting.one_on_one_id].append(meeting)
    return found


@dataclass(frozen=True)
class Series:
    """The pair's series worked out: UTC instants, before any iCalendar text."""

    start: datetime  # DTSTART, a date of the rule
    excluded: list[datetime]  # EXDATE
    extra: list[Meeting]  # RDATE at their slots
    overrides: list[Meeting]  # RECURRENCE-ID at their slots


def _rule_slots(one_on_one: OneOnOne, since: datetime) -> Iterable[datetime]:
    zone = ZoneInfo(one_on_one.timezone)
    for day in recurrence.local_dates_since(
        one_on_one.cadence, one_on_one.starts_on, one_on_one.weekday, since.astimezone(zone).date()
    ):
        yield recurrence.to_utc(day, one_on_one.start_time, one_on_one.timezone)


def series_of(one_on_one: OneOnOne, meetings: Sequence[Meeting], *, now: datetime) -> Series:
    """`meetings` are the pair's live ones from `live_meetings`, in slot order."""
    if meetings:
        first = meetings[0].slot
    else:
        rule_start = datetime.combine(one_on_one.starts_on, one_on_one.start_time, tzinfo=UTC)
        first = max(series_since(now), rule_start - timedelta(days=1))
    start = None
    for slot in _rule_slots(one_on_one, first - LONGEST_GAP):
        if slot > first and start is not None:
            break
        start = slot
    assert start is not None  # a rule has a date in every window of LONGEST_GAP
    made_until = max([one_on_one.scheduled_until or start, *(meeting.slot for meeting in meetings)])
    rule_slots: list[datetime] = []
    for slot in _rule_slots(one_on_one, start):
        if slot >= made_until:
            break
        rule_slots.append(slot)
    by_slot = {meeting.slot: meeting for meeting in meetings}
    on_rule = set(rule_slots)
    return Series(
        start=start,
        excluded=[slot for slot in rule_slots if slot not in by_slot],
        extra=[meeting for meeting in meetings if meeting.slot not in on_rule],
        overrides=[
            meeting
            for meeting in meetings
            if meeting.is_rescheduled or meeting.duration_minutes != one_on_one.duration_minutes
        ],
    )


def _address(email: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    for name, value in params.items():
        address.params[name.upper()] = value
    return address


def organizer(one_on_one: OneOnOne) -> vCalAddress:
    return _address(one_on_one.manager.email, cn=one_on_one.manager.name)


def attendees(one_on_one: OneOnOne) -> list[vCalAddress]:
    """Both people. They agreed to the 1:1 in Rapport, which reads no replies: no RSVP."""
    manager, report = one_on_one.manager, one_on_one.report
    return [
        _address(manager.email, cn=manager.name, role="CHAIR", partstat="ACCEPTED", rsvp="FALSE"),
        _address(
            report.email, cn=report.name, role="REQ-PARTICIPANT", partstat="ACCEPTED", rsvp="FALSE"
        ),
    ]


def description(one_on_one: OneOnOne, page: str) -> str:
    room = one_on_one.room
    lines = [gettext("Video: %(room)s") % {"room": room}] if room else []
    lines.append(gettext("In Rapport: %(page)s") % {"page": page})
    return "\n".join(lines)


def _event(
    one_on_one: OneOnOne,
    *,
    now: datetime,
    start: datetime,
    end: datetime,
    page: str,
    cancelled: bool,
    recurrence_id: datetime | None = None,
) -> Event:
    return Event.new(
        uid=series_uid(one_on_one),
        sequence=one_on_one.calendar_sequence,
        stamp=now.astimezone(UTC),
        recurrence_id=recurrence_id,
        start=start,
        end=end,
        summary=summary(one_on_one),
        organizer=organizer(one_on_one),
        attendees=attendees(one_on_one),
        location=one_on_one.room or None,
        url=page,
        description=description(one_on_one, page),
        status=STATUS.CANCELLED if cancelled else STATUS.CONFIRMED,
    )


def series_events(
    one_on_one: OneOnOne, meetings: Sequence[Meeting], *, now: datetime, method: str = PUBLISH
) -> list[Event]:
    """The master event and its overrides (the master alone for a CANCEL)."""
    zone = ZoneInfo(one_on_one.timezone)
    series = series_of(one_on_one, meetings, now=now)
    local = series.start.astimezone(zone)
    cancelled = method == CANCEL or not one_on_one.is_active
    master = _event(
        one_on_one,
        now=now,
        start=local,
        end=local + timedelta(minutes=one_on_one.duration_minutes),
        page=pair_url(one_on_one),
        cancelled=cancelled,
    )
    master.add(
        "rrule",
        vRecur.from_ical(
            recurrence.rrule(one_on_one.cadence, one_on_one.starts_on, one_on_one.weekday)
        ),
    )
    if series.excluded:
        master.add("exdate", [slot.astimezone(zone) for slot in series.excluded])
    if series.extra:
        master.add("rdate", [meeting.slot.astimezone(zone) for meeting in series.extra])
    if method == CANCEL:
        return [master]
    return [
        master,
        *(
            _event(
                one_on_one,
                now=now,
                recurrence_id=meeting.slot.astimezone(zone),
                start=meeting.scheduled_for.astimezone(zone),
                end=meeting.ends_at.astimezone(zone),
                page=meeting_url(meeting),
                cancelled=cancelled,
            )
            for meeting in series.overrides
        ),
    ]


def calendar_of(
    events: Iterable[Event],
    *,
    uid: str,
    method: str = PUBLISH,
    name: str | None = None,
    refresh_interval: timedelta | None = None,
) -> Calendar:
    # A fixed UID: the library would otherwise make up a new one on every download.
    calendar = Calendar.new(
        prodid=PRODID, method=method, uid=uid, name=name, refresh_interval=refresh_interval
    )
    starts: list[date] = []
    for event in events:
        calendar.add_component(event)
        if isinstance(event.start, datetime):
            starts.append(event.start.date())
    first = min(starts, default=date(2000, 1, 1))
    calendar.add_missing_timezones(
        first_date=date(first.year - 1, 1, 1), last_date=date(first.year + ZONE_YEARS_AHEAD, 1, 1)
    )
    return calendar


def series_ics(one_on_one: OneOnOne, *, now: datetime, method: str) -> bytes:
    """One pair's series as a calendar file: an invite (REQUEST), its end (CANCEL) or a
    download (PUBLISH)."""
    meetings = live_meetings([one_on_one], now=now)[one_on_one.pk]
    events = series_events(one_on_one, meetings, now=now, method=method)
    return calendar_of(events, uid=f"series-{series_uid(one_on_one)}", method=method).to_ical()
