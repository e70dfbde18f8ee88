"""Calendar files: each person's secret feed of their 1:1s, and one meeting's series to import.
(Making and regenerating a feed's secret are writes: meetings/services.py.)

Both carry each pair as one recurring series (rapport/meetings/ical.py), the very data of the
invite emails. An event carries the time, the two names, the video room and links to Rapport,
nothing else: calendars get synced to phones, shared with assistants and copied into other
systems, so agenda, note and action text never go into them (DESIGN.md section 5).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from rapport import access
from rapport.meetings import ical
from rapport.meetings.models import CalendarFeed, Meeting, OneOnOne
from rapport.people.models import Person

CALENDAR_NAME = "Rapport 1:1s"
# Recent meetings stay in the feed for a while (ical.SERIES_LOOKBACK).
FEED_LOOKBACK = ical.SERIES_LOOKBACK
# A hint to calendar programs; most poll on their own schedule whatever we say.
FEED_REFRESH = timedelta(hours=1)


def feed_person(token: str) -> Person | None:
    """The active person whose feed has this token: the token is the only credential."""
    feed = CalendarFeed.objects.select_related("person").filter(token=token).first()
    if feed is None or not feed.person.is_active:
        return None
    return feed.person


def meeting_path(meeting: Meeting) -> str:
    return reverse("meetings:meeting", kwargs={"meeting_uuid": meeting.uuid})


def meeting_link(meeting: Meeting) -> str:
    return settings.BASE_URL + meeting_path(meeting)


def feed_one_on_ones(person: Person) -> QuerySet[OneOnOne]:
    """The person's active 1:1s, as manager and as report. A closed 1:1 leaves the feed: a
    subscribed calendar then drops its series on the next refresh."""
    return (
        access.one_on_ones_visible_to(person)
        .filter(status=OneOnOne.Status.ACTIVE)
        .select_related("manager", "report")
        .order_by("created_at", "pk")
    )


def calendar_for_person(person: Person, *, now: datetime) -> bytes:
    """Every series of the person's 1:1s, exactly as their invites carry them (ical.py):
    skipped and cancelled meetings are excluded dates, never events that seem to happen."""
    pairs = list(feed_one_on_ones(person))
    meetings = ical.live_meetings(pairs, now=now)
    events = [
        event for pair in pairs for event in ical.series_events(pair, meetings[pair.pk], now=now)
    ]
    calendar = ical.calendar_of(
        events,
        uid=f"{person.uuid}@rapport",
        name=CALENDAR_NAME,
        refresh_interval=FEED_REFRESH,
    )
    return calendar.to_ical()


def invite_for_meeting(viewer: Person, meeting: Meeting, *, now: datetime | None = None) -> bytes:
    """The series the meeting belongs to, as a file to import: the same event (UID, SEQUENCE,
    dates) as the feed and the invite emails, so importing it never makes a second copy.
    `meeting` must come from a viewer-scoped selector."""
    return ical.series_ics(meeting.one_on_one, now=now or timezone.now(), method=ical.PUBLISH)
