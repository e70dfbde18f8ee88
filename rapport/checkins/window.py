"""When a check-in can be answered: from a few days before a 1:1 until the meeting ends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from rapport.meetings.models import Meeting

# A meeting that did not or will not happen has nothing to check in for.
CLOSED_STATUSES = (Meeting.Status.SKIPPED, Meeting.Status.CANCELLED)


@dataclass(frozen=True)
class Window:
    opens_at: datetime
    closes_at: datetime
    # False for a skipped or cancelled meeting, whatever the time.
    possible: bool

    @property
    def edges(self) -> tuple[datetime, datetime]:
        """When the window opens and closes: what it says changes only then."""
        return self.opens_at, self.closes_at

    def is_open(self, now: datetime) -> bool:
        return self.possible and self.opens_at <= now < self.closes_at

    def not_yet(self, now: datetime) -> bool:
        return self.possible and now < self.opens_at


def opens_before() -> timedelta:
    return timedelta(days=settings.CHECKIN_OPENS_DAYS_BEFORE)


def window_of(meeting: Meeting) -> Window:
    return Window(
        opens_at=meeting.scheduled_for - opens_before(),
        closes_at=meeting.ends_at,
        possible=meeting.status not in CLOSED_STATUSES,
    )
