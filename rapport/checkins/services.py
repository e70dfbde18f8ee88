"""Check-in workflows: the report answers (or revises) the check-in of one meeting."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from rapport import access, versions
from rapport.checkins.models import CheckIn
from rapport.checkins.window import window_of
from rapport.meetings.models import Meeting, Section, TalkingPoint
from rapport.meetings.services import point_add
from rapport.people.models import Person

# What the report writes; the meeting, the pair and the times are the workflow's.
FIELDS = frozenset(
    {
        "mood",
        "energy",
        "workload",
        "wins",
        "challenges",
        "outside_work",
        "outside_work_shared",
        "topics",
    }
)
TOPIC_MAX_CHARS = 500  # a talking point's length


def topic_lines(topics: str) -> list[str]:
    """The non-empty lines, each once (a repeated line is one topic)."""
    seen: set[str] = set()
    lines = []
    for line in topics.splitlines():
        text = line.strip()
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            lines.append(text)
    return lines


@versions.bumps
@transaction.atomic
def checkin_submit(*, meeting: Meeting, by: Person, **fields: object) -> CheckIn:
    """Creates or updates the check-in of `meeting`. Each topic line becomes a talking point of
    the report in the connection section, once: a line already given in an earlier save, or
    already open on the agenda as the report's point, is not added again."""
    unknown = set(fields) - FIELDS
    if unknown:
        raise TypeError(f"Not check-in fields: {', '.join(sorted(unknown))}")
    one_on_one = meeting.one_on_one
    access.require(access.can_check_in(by, meeting))
    now = timezone.now()
    if not window_of(meeting).is_open(now):
        raise ValidationError(gettext("This check-in is not open."))
    checkin = CheckIn.objects.select_for_update().filter(meeting=meeting).first()
    known = set()
    if checkin is None:
        checkin = CheckIn(meeting=meeting, one_on_one=one_on_one, report=by, submitted_at=now)
    else:
        known = {line.casefold() for line in topic_lines(checkin.topics)}
    for name, value in fields.items():
        setattr(checkin, name, value)
    checkin.updated_at = now
    checkin.full_clean()
    checkin.save()
    open_points = TalkingPoint.objects.filter(
        one_on_one=one_on_one, author=by, discussed_in__isnull=True, is_recurring=False
    ).values_list("text", flat=True)
    known |= {text.casefold() for text in open_points}
    for line in topic_lines(checkin.topics):
        if line.casefold() not in known:
            point_add(
                one_on_one=one_on_one,
                author=by,
                text=line[:TOPIC_MAX_CHARS],
                section=Section.CONNECTION,
            )
    return checkin
