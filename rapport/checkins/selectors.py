"""Reads about check-ins, always on behalf of a viewer (see rapport/access.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from rapport import access, pagecache
from rapport.checkins.models import CheckIn
from rapport.checkins.scales import ENERGY, MOOD, WORKLOAD
from rapport.checkins.window import CLOSED_STATUSES, Window, opens_before, window_of
from rapport.meetings.models import Meeting, OneOnOne
from rapport.meetings.selectors import get_meeting_for
from rapport.people.models import Person

TREND_LENGTH = 12
# Longer than any 1:1: bounds the search for a meeting that is still running.
LONGEST_MEETING = timedelta(hours=4)


# Mood or energy this low, or workload this high, is worth a question (and a colour).
LOW = 2
HIGH = 4


@dataclass(frozen=True)
class Score:
    label: str
    value: int
    word: str
    worrying: bool


@dataclass(frozen=True)
class CheckinPanel:
    """What one viewer sees of the check-in of one meeting."""

    viewer: Person
    meeting: Meeting
    checkin: CheckIn | None
    window: Window
    now: datetime

    @property
    def is_author(self) -> bool:
        """The viewer is the report of an active 1:1: they answer while the window is open."""
        return access.can_check_in(self.viewer, self.meeting)

    @property
    def is_open(self) -> bool:
        return self.window.is_open(self.now)

    @property
    def can_submit(self) -> bool:
        return self.is_author and self.is_open

    @property
    def not_yet(self) -> bool:
        return self.window.not_yet(self.now)

    @property
    def outside_work(self) -> str:
        """The note, for a viewer allowed to read it; empty for everyone else."""
        checkin = self.checkin
        if checkin is None or not access.can_see_outside_work(self.viewer, checkin):
            return ""
        return checkin.outside_work

    @property
    def scores(self) -> list[Score]:
        checkin = self.checkin
        if checkin is None:
            return []
        return [
            Score("Mood", checkin.mood, MOOD.word(checkin.mood), checkin.mood <= LOW),
            Score("Energy", checkin.energy, ENERGY.word(checkin.energy), checkin.energy <= LOW),
            Score(
                "Workload",
                checkin.workload,
                WORKLOAD.word(checkin.workload),
                checkin.workload >= HIGH,
            ),
        ]

    @property
    def shows(self) -> bool:
        """Whether the meeting page has anything to say about this check-in."""
        if self.checkin is not None or self.is_open:
            return True
        return self.is_author and self.not_yet


def meeting_with_checkin_for(viewer: Person, meeting_uuid: uuid.UUID | str) -> Meeting:
    """The meeting as the meetings app's `get_meeting_for` reads it, with its check-in (or its
    absence) in the same query, for the meeting page and meeting mode. Whoever may see a meeting
    may see that it has a check-in: both belong to the same 1:1 (access.checkins_visible_to);
    which of its answers they see, the panel decides (CheckinPanel.outside_work)."""
    return get_meeting_for(viewer, meeting_uuid, also_related=("checkin",))


def checkin_panel_for(viewer: Person, meeting: Meeting, *, now: datetime) -> CheckinPanel:
    """The check-in of a meeting the caller has already loaded for the viewer: read with it
    (`meeting_with_checkin_for`), else in one query."""
    if Meeting.checkin.is_cached(meeting):
        checkin = getattr(meeting, "checkin", None)
    else:
        checkin = access.checkins_visible_to(viewer).filter(meeting=meeting).first()
    if checkin is not None:
        # The pair came with the meeting; spare the access check a query.
        checkin.one_on_one = meeting.one_on_one
        checkin.meeting = meeting
    return CheckinPanel(viewer, meeting, checkin, window_of(meeting), now)


def pending_checkin_of(
    viewer: Person, *, now: datetime, horizon: pagecache.Horizon | None = None
) -> Meeting | None:
    """The viewer's next 1:1 as a report whose check-in is open and not yet answered. One
    query (the home page pins it). `horizon` learns when the answer changes by time alone: as
    a candidate's window opens or closes, or it leaves the ones read; a meeting not read yet
    comes in as its check-in opens, which the home page's rows note."""
    candidates = list(
        access.meetings_visible_to(viewer)
        .filter(
            one_on_one__report=viewer,
            one_on_one__status=OneOnOne.Status.ACTIVE,
            scheduled_for__lte=now + opens_before(),
            scheduled_for__gt=now - LONGEST_MEETING,
            checkin__isnull=True,
        )
        .exclude(status__in=CLOSED_STATUSES)
        .select_related("one_on_one__manager")
        .order_by("scheduled_for")[:5]
    )
    if horizon is not None:
        for meeting in candidates:
            window = window_of(meeting)
            horizon.note(window.opens_at)
            horizon.note(window.closes_at)
            horizon.note(meeting.scheduled_for + LONGEST_MEETING)
    return next((meeting for meeting in candidates if window_of(meeting).is_open(now)), None)


@dataclass(frozen=True)
class TrendPoint:
    day: date
    mood: int
    energy: int
    workload: int


def checkin_trend(viewer: Person, one_on_one: OneOnOne) -> list[TrendPoint]:
    """The scores of the pair's last check-ins, oldest first: both people of the 1:1 see them
    (never the outside-work note, which a trend does not read)."""
    rows = (
        access.checkins_visible_to(viewer)
        .filter(one_on_one=one_on_one)
        .order_by("-meeting__scheduled_for")
        .values_list("meeting__scheduled_for", "mood", "energy", "workload")[:TREND_LENGTH]
    )
    return [
        TrendPoint(timezone.localdate(when), mood, energy, workload)
        for when, mood, energy, workload in reversed(rows)
    ]
