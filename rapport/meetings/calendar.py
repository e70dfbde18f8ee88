"""Calendar files: each person's secret feed of their 1:1s, and one meeting as an invite.

An event carries the time, the other person's name and a link to the meeting page, nothing
else: calendars get synced to phones, shared with assistants and copied into other systems, so
agenda, note and action text never go into them (DESIGN.md section 5).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from icalendar import Calendar, Event
from icalendar.enums import STATUS

from rapport import access
from rapport.meetings.models import CalendarFeed, Meeting, OneOnOne, new_feed_token
from rapport.people.models import Person

CALENDAR_NAME = "Rapport 1:1s"
PRODID = "-//Rapport//Rapport 1:1s//EN"
# Recent meetings stay in the feed for a while, so last week's 1:1 does not vanish from the
# calendar the moment it is over.
FEED_LOOKBACK = timedelta(weeks=2)
# A hint to calendar programs; most poll on their own schedule whatever we say.
FEED_REFRESH = timedelta(hours=1)


def feed_for(person: Person) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(person=person)
    return feed


def feed_regenerate(*, person: Person) -> CalendarFeed:
    """A new secret address; the old one answers 404 from this moment on."""
    feed, _created = CalendarFeed.objects.update_or_create(
        person=person, defaults={"token": new_feed_token()}
    )
    return feed


def feed_person(token: str) -> Person | None:
    """The active person whose feed has this token: the token is the only credential."""
    feed = CalendarFeed.objects.select_related("person").filter(token=token).first()
    if feed is None or not feed.person.is_active:
        return None
    return feed.person


def meeting_path(meeting: Meeting) -> str:
    # The meeting page is not routed yet; switch to reverse("meetings:meeting",
    # kwargs={"meeting_uuid": meeting.uuid}) once it is.
    return f"/meetings/{meeting.uuid}/"


def meeting_link(meeting: Meeting) -> str:
    return settings.BASE_URL + meeting_path(meeting)


def feed_meetings(person: Person, *, now: datetime) -> QuerySet[Meeting]:
    """The person's meetings in active 1:1s (as manager and as report), from a little in the
    past onwards. Skipped and cancelled ones are left out: a subscribed calendar then drops
    them on its next refresh in every program, which STATUS:CANCELLED does not manage."""
    return (
        access.meetings_visible_to(person)
        .filter(one_on_one__status=OneOnOne.Status.ACTIVE, scheduled_for__gte=now - FEED_LOOKBACK)
        .exclude(status__in=(Meeting.Status.SKIPPED, Meeting.Status.CANCELLED))
        .select_related("one_on_one__manager", "one_on_one__report")
        .order_by("scheduled_for")
    )


def calendar_for_person(person: Person, *, now: datetime) -> bytes:
    calendar = _calendar(
        uid=f"{person.uuid}@rapport",
        name=CALENDAR_NAME,
        refresh_interval=FEED_REFRESH,
        events=(_event(person, meeting, stamp=now) for meeting in feed_meetings(person, now=now)),
    )
    return calendar.to_ical()


def invite_for_meeting(viewer: Person, meeting: Meeting) -> bytes:
    """One meeting as a file to import. `meeting` must come from a viewer-scoped selector."""
    calendar = _calendar(
        uid=f"invite-{meeting.uuid}@rapport",
        events=[_event(viewer, meeting, stamp=timezone.now())],
    )
    return calendar.to_ical()


def _calendar(
    *,
    uid: str,
    events: Iterable[Event],
    name: str | None = None,
    refresh_interval: timedelta | None = None,
) -> Calendar:
    # A fixed UID: the library would otherwise make up a new one on every download.
    calendar = Calendar.new(
        prodid=PRODID,
        method="PUBLISH",
        uid=uid,
        name=name,
        refresh_interval=refresh_interval,
    )
    for event in events:
        calendar.add_component(event)
    return calendar


def _event(viewer: Person, meeting: Meeting, *, stamp: datetime) -> Event:
    link = meeting_link(meeting)
    other = meeting.one_on_one.other_person(viewer)
    cancelled = meeting.status in (Meeting.Status.SKIPPED, Meeting.Status.CANCELLED)
    return Event.new(
        # One UID per meeting, whoever downloads it: both people's calendars, the feed and an
        # imported invite all update the same event when the meeting moves.
        uid=f"{meeting.uuid}@rapport",
        start=meeting.scheduled_for.astimezone(UTC),
        end=meeting.ends_at.astimezone(UTC),
        stamp=stamp.astimezone(UTC),
        summary=f"1:1 with {other.name}",
        url=link,
        description=link,
        status=STATUS.CANCELLED if cancelled else STATUS.CONFIRMED,
    )
