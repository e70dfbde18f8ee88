"""A meeting's state as lists show it: held early is history, a passed time is never "Upcoming"."""

from __future__ import annotations

from datetime import UTC, timedelta

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.meetings import selectors
from rapport.meetings.models import Meeting
from rapport.meetings.services import meeting_set_status
from tests.cast import Cast


def _next(cast: Cast) -> Meeting:
    return cast.one_on_one.meetings.filter(scheduled_for__gt=timezone.now()).earliest(
        "scheduled_for"
    )


def test_a_meeting_marked_held_before_its_time_moves_to_the_history_at_once(cast: Cast) -> None:
    meeting = _next(cast)
    meeting_set_status(meeting=meeting, status="held", reason="", by=cast.manager)
    now = timezone.now()
    assert meeting not in selectors.upcoming_of(cast.one_on_one, now)
    assert meeting in list(selectors.timeline_for(cast.manager, cast.one_on_one))
    client = Client()
    client.force_login(cast.report)
    page = client.get(reverse("meetings:one_on_one", args=[cast.one_on_one.uuid])).content.decode()
    history, coming_up = page.split('id="next-heading"')
    link = reverse("meetings:meeting", args=[meeting.uuid])
    assert link in history and link not in coming_up


def test_a_meeting_skipped_ahead_of_time_stays_under_coming_up(cast: Cast) -> None:
    meeting = _next(cast)
    meeting_set_status(meeting=meeting, status="skipped", reason="Offsite", by=cast.manager)
    assert meeting in selectors.upcoming_of(cast.one_on_one, timezone.now())
    assert meeting not in list(selectors.timeline_for(cast.manager, cast.one_on_one))


def test_the_state_of_an_open_meeting_follows_the_clock() -> None:
    start = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    meeting = Meeting(scheduled_for=start, slot=start, duration_minutes=30)
    assert meeting.state_at(start - timedelta(minutes=1), UTC) == ("Upcoming", "upcoming")
    assert meeting.state_at(start + timedelta(minutes=10), UTC) == ("Now", "upcoming")
    assert meeting.state_at(start + timedelta(hours=2), UTC) == (
        "Earlier today, not marked held",
        "unmarked",
    )
    assert meeting.state_at(start + timedelta(days=1), UTC) == ("Not marked held", "unmarked")
    meeting.status = Meeting.Status.HELD
    assert meeting.state_at(start + timedelta(days=1), UTC) == ("Held", "held")


def test_the_home_page_never_calls_a_passed_meeting_upcoming(cast: Cast) -> None:
    meeting = _next(cast)
    client = Client()
    client.force_login(cast.manager)
    with time_machine.travel(meeting.ends_at + timedelta(hours=1), tick=False):
        page = client.get(reverse("home")).content.decode()
    row = page.split(reverse("meetings:meeting", args=[meeting.uuid]), 1)[1].split("</a>", 1)[0]
    assert "Earlier today, not marked held" in row
    assert "Upcoming" not in row
