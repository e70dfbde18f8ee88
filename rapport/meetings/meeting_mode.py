"""Running a meeting in meeting mode. The clock lives on the server as time segments, so a
reload, a lost connection or a second device all continue the same clock. Every change takes
a row lock on the meeting, so two devices pressing at once cannot leave two clocks running."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from rapport import access
from rapport.meetings import timing
from rapport.meetings.models import Meeting, Section, TimeSegment
from rapport.people.models import Person


def _spans(meeting: Meeting) -> list[timing.Span]:
    return [
        timing.Span(segment.section, segment.started_at, segment.ended_at)
        for segment in meeting.segments.all()
    ]


def clock_of(meeting: Meeting, *, now: datetime | None = None) -> timing.ClockState:
    return timing.clock_state(
        _spans(meeting),
        started=meeting.started_at is not None,
        ended=meeting.ended_at is not None,
        now=now or timezone.now(),
    )


def _locked(meeting: Meeting, by: Person) -> Meeting:
    access.require(access.can_run_meeting_mode(by, meeting))
    locked = Meeting.objects.select_for_update().select_related("one_on_one").get(pk=meeting.pk)
    if locked.ended_at is not None:
        raise ValidationError("This meeting has ended; its minutes are recorded.")
    return locked


def _stop_running(meeting: Meeting, now: datetime) -> TimeSegment | None:
    running = meeting.segments.filter(ended_at__isnull=True).first()
    if running is not None:
        running.ended_at = max(now, running.started_at)
        running.save(update_fields=["ended_at"])
    return running


@transaction.atomic
def mode_start(
    *, meeting: Meeting, by: Person, section: str = Section.CONNECTION, now: datetime | None = None
) -> Meeting:
    """Start (or, pressed again from a second device, keep) the clock. Connection first."""
    now = now or timezone.now()
    meeting = _locked(meeting, by)
    if meeting.started_at is None:
        meeting.started_at = now
        meeting.save(update_fields=["started_at"])
    if not meeting.segments.filter(ended_at__isnull=True).exists():
        TimeSegment.objects.create(meeting=meeting, section=section, started_at=now)
    return meeting


@transaction.atomic
def mode_switch(
    *, meeting: Meeting, section: str, by: Person, now: datetime | None = None
) -> Meeting:
    """Move the clock to another section (also resumes a paused clock in that section)."""
    if section not in timing.SECTIONS:
        raise ValidationError("Choose connection or performance.")
    now = now or timezone.now()
    meeting = _locked(meeting, by)
    running = meeting.segments.filter(ended_at__isnull=True).first()
    if running is not None and running.section == section:
        return meeting
    _stop_running(meeting, now)
    if meeting.started_at is None:
        meeting.started_at = now
        meeting.save(update_fields=["started_at"])
    TimeSegment.objects.create(meeting=meeting, section=section, started_at=now)
    return meeting


@transaction.atomic
def mode_pause(*, meeting: Meeting, by: Person, now: datetime | None = None) -> Meeting:
    meeting = _locked(meeting, by)
    _stop_running(meeting, now or timezone.now())
    return meeting


@transaction.atomic
def mode_resume(*, meeting: Meeting, by: Person, now: datetime | None = None) -> Meeting:
    """Carry on in the section that ran last."""
    now = now or timezone.now()
    meeting = _locked(meeting, by)
    if meeting.segments.filter(ended_at__isnull=True).exists():
        return meeting
    last = meeting.segments.order_by("-started_at").first()
    section = last.section if last else Section.CONNECTION
    if meeting.started_at is None:
        meeting.started_at = now
        meeting.save(update_fields=["started_at"])
    TimeSegment.objects.create(meeting=meeting, section=section, started_at=now)
    return meeting


@transaction.atomic
def mode_end(*, meeting: Meeting, by: Person, now: datetime | None = None) -> Meeting:
    """Stop the clock for good, record the measured minutes and mark the meeting held."""
    now = now or timezone.now()
    meeting = _locked(meeting, by)
    _stop_running(meeting, now)
    totals = timing.section_totals(_spans(meeting), now)
    meeting.started_at = meeting.started_at or now
    meeting.ended_at = now
    meeting.connection_seconds = totals["connection"]
    meeting.performance_seconds = totals["performance"]
    meeting.status = Meeting.Status.HELD
    meeting.save(
        update_fields=[
            "started_at",
            "ended_at",
            "connection_seconds",
            "performance_seconds",
            "status",
        ]
    )
    return meeting


def meeting_estimate(
    *, meeting: Meeting, connection_minutes: int, performance_minutes: int, by: Person
) -> Meeting:
    """For a meeting held without meeting mode: an estimate, kept apart from measured time."""
    access.require(access.can_see_one_on_one(by, meeting.one_on_one))
    if not access.can_write_in(by, meeting.one_on_one):
        raise ValidationError("This 1:1 is closed: its meetings can no longer change.")
    if meeting.ended_at is not None:
        raise ValidationError("This meeting was measured; there is nothing to estimate.")
    if (
        connection_minutes < 0
        or performance_minutes < 0
        or connection_minutes + performance_minutes > 600
    ):
        raise ValidationError("Give the minutes of each part, from 0 up to 10 hours in all.")
    meeting.estimated_connection_minutes = connection_minutes
    meeting.estimated_performance_minutes = performance_minutes
    meeting.save(update_fields=["estimated_connection_minutes", "estimated_performance_minutes"])
    return meeting
