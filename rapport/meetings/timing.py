"""Meeting-mode arithmetic: from time segments to minutes per section. Pure functions.

A segment is a stretch of time on one section; at most one runs at a time, and a pause is the
gap between two segments. So pauses count for nothing, every total is the sum of its own
segments, and the sections add up to the time the clock ran.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

SECTIONS = ("connection", "performance")


@dataclass(frozen=True)
class Span:
    section: str
    started_at: datetime
    ended_at: datetime | None


def seconds_of(span: Span, now: datetime) -> int:
    """A running span counts up to now; a span whose clock went backwards counts nothing."""
    end = span.ended_at or now
    return max(0, int((end - span.started_at).total_seconds()))


def section_totals(spans: Iterable[Span], now: datetime) -> dict[str, int]:
    totals = dict.fromkeys(SECTIONS, 0)
    for span in spans:
        totals[span.section] = totals.get(span.section, 0) + seconds_of(span, now)
    return totals


@dataclass(frozen=True)
class ClockState:
    """What meeting mode shows: which section runs (None when paused or not started), the
    seconds per section so far, and whether the meeting was started or ended."""

    running: str | None
    totals: dict[str, int]
    started: bool
    ended: bool
    # The moment the running section's clock started, so a client can count on from it.
    running_since: datetime | None = None

    @property
    def total(self) -> int:
        return sum(self.totals.values())

    @property
    def paused(self) -> bool:
        return self.started and not self.ended and self.running is None

    def share(self, section: str) -> int | None:
        """Whole percent of the measured time spent on `section`, None before any time."""
        return round(100 * self.totals.get(section, 0) / self.total) if self.total else None


def clock_state(spans: list[Span], *, started: bool, ended: bool, now: datetime) -> ClockState:
    running = next((span for span in spans if span.ended_at is None), None)
    return ClockState(
        running=running.section if running and not ended else None,
        totals=section_totals(spans, now),
        started=started,
        ended=ended,
        running_since=running.started_at if running and not ended else None,
    )


def connection_share(connection_seconds: int, performance_seconds: int) -> int | None:
    total = connection_seconds + performance_seconds
    return round(100 * connection_seconds / total) if total else None
