from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from rapport.meetings.models import Meeting

ANSWERS: dict[str, Any] = {
    "mood": "4",
    "energy": "3",
    "workload": "4",
    "wins": "Shipped the search rewrite",
    "challenges": "Reviews pile up",
    "outside_work": "",
    "topics": "",
}


def move_to(meeting: Meeting, delta: timedelta) -> Meeting:
    """Puts the meeting `delta` from now (its check-in window moves with it)."""
    meeting.scheduled_for = timezone.now() + delta
    meeting.save(update_fields=["scheduled_for"])
    return meeting


def open_window(meeting: Meeting) -> Meeting:
    return move_to(meeting, timedelta(days=1))
