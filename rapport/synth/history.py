"""Years of 1:1s for every pair of the synthetic organisation, written in bulk.

Each person meets their manager weekly or every two weeks from the day both were there (or
from the start of the history) until they left or until the scheduling horizon. Past meetings
were mostly held, some skipped or cancelled; held ones have talking points, notes, a check-in
most weeks, now and then an action item, and a measured or estimated split. Goals run a few
months each, most achieved, with progress recorded every few meetings. Everything comes from
one seeded generator and from `today`, never from the clock.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from rapport.checkins.models import CheckIn
from rapport.goals.models import Goal, GoalUpdate
from rapport.goals.models import Status as GoalStatus
from rapport.meetings import recurrence
from rapport.meetings.models import (
    ActionItem,
    Cadence,
    Meeting,
    Note,
    OneOnOne,
    PersonCard,
    Section,
    TalkingPoint,
)
from rapport.meetings.services import HORIZON
from rapport.synth import texts
from rapport.synth.bulk import BulkWriter

MEETING_MINUTES = 30
SLOT_TIMES = [time(hour, minute) for hour in range(9, 17) for minute in (0, 30)]


@dataclass
class Pair:
    """What the history of one 1:1 needs to know about its two people."""

    manager_id: int
    report_id: int
    timezone: str
    starts_on: date
    ends_on: date | None  # the report's leaving day


@dataclass
class Writers:
    """One bulk writer per table; `rows` counts what was written, for the summary."""

    one_on_ones: BulkWriter = field(
        default_factory=lambda: BulkWriter(
            OneOnOne,
            [
                "uuid", "manager", "report", "cadence", "weekday", "start_time", "timezone",
                "duration_minutes", "starts_on", "target_connection_share", "status",
                "closed_at", "scheduled_until", "created_at",
            ],
        )
    )  # fmt: skip
    meetings: BulkWriter = field(
        default_factory=lambda: BulkWriter(
            Meeting,
            [
                "uuid", "one_on_one", "slot", "scheduled_for", "duration_minutes", "status",
                "status_reason", "started_at", "ended_at", "connection_seconds",
                "performance_seconds", "estimated_connection_minutes",
                "estimated_performance_minutes",
            ],
        )
    )  # fmt: skip
    points: BulkWriter = field(
        default_factory=lambda: BulkWriter(
            TalkingPoint,
            [
                "uuid", "one_on_one", "author", "text", "section", "is_private", "is_recurring",
                "position", "discussed_in", "discussed_at", "created_at",
            ],
        )
    )  # fmt: skip
    notes: BulkWriter = field(
        default_factory=lambda: BulkWriter(
            Note, ["meeting", "author", "kind", "body", "version", "updated_at"]
        )
    )
    actions: BulkWriter = field(
        default_factory=lambda: BulkWriter(
            ActionItem,
            [
                "uuid", "one_on_one", "created_in", "owner", "created_by", "text", "due_on",
                "done_at", "created_at",
            ],
        )
    )  # fmt: skip
    checkins: BulkWriter = field(
        default_factory=lambda: BulkWriter(
            CheckIn,
            [
                "uuid", "meeting", "one_on_one", "report", "mood", "energy", "workload",
                "wins", "challenges", "outside_work", "outside_work_shared", "topics",
                "submitted_at", "updated_at",
            ],
        )
    )  # fmt: skip
    goals: BulkWriter = field(
        default_factory=lambda: BulkWriter(
            Goal,
            [
                "uuid", "one_on_one", "owner", "proposed_by", "kind", "is_stretch", "title",
                "specific", "metric", "unit", "baseline", "target", "current", "confidence",
                "realistic_because", "why", "due_on", "status", "manager_agreed_at",
                "report_agreed_at", "reflection", "closed_at", "created_at",
            ],
        )
    )  # fmt: skip
    goal_updates: BulkWriter = field(
        default_factory=lambda: BulkWriter(
            GoalUpdate,
            ["goal", "meeting", "by", "value", "confidence", "obstacle", "note", "created_at"],
        )
    )
    cards: BulkWriter = field(
        default_factory=lambda: BulkWriter(
            PersonCard,
            ["one_on_one", "motivators", "struggles", "outside_work", "working_style",
             "recognition", "updated_at"],
        )
    )  # fmt: skip

    def all(self) -> list[BulkWriter]:
        return [
            self.one_on_ones, self.meetings, self.points, self.notes, self.actions,
            self.checkins, self.goals, self.goal_updates, self.cards,
        ]  # fmt: skip

    def flush(self) -> None:
        for writer in self.all():
            writer.flush()


def new_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


@dataclass
class HeldMeeting:
    id: int
    at: datetime


class PairHistory:
    """Writes one pair's 1:1, meetings and everything in them."""

    def __init__(self, writers: Writers, rng: random.Random, now: datetime) -> None:
        self.w = writers
        self.rng = rng
        self.now = now

    def write(self, pair: Pair) -> None:
        rng = self.rng
        cadence = Cadence.WEEKLY if rng.random() < 0.7 else Cadence.BIWEEKLY
        weekday, at = rng.randint(0, 4), rng.choice(SLOT_TIMES)
        start = datetime.combine(pair.starts_on, time(0), tzinfo=UTC)
        closed_at = datetime.combine(pair.ends_on, time(17), tzinfo=UTC) if pair.ends_on else None
        until = closed_at or self.now + HORIZON
        one_on_one = self.w.one_on_ones.add(
            new_uuid(rng), pair.manager_id, pair.report_id, cadence, weekday, at, pair.timezone,
            MEETING_MINUTES, pair.starts_on, rng.choice((40, 50, 50, 50, 60)),
            OneOnOne.Status.CLOSED if closed_at else OneOnOne.Status.ACTIVE,
            closed_at, until, start,
        )  # fmt: skip
        slots = recurrence.occurrences(
            cadence=cadence, starts_on=pair.starts_on, weekday=weekday, at=at,
            zone=pair.timezone, after=start, until=until,
        )  # fmt: skip
        held = self._meetings(pair, one_on_one, slots)
        self._goals(pair, one_on_one, held)
        if closed_at is None and rng.random() < 0.4:
            self.w.cards.add(
                one_on_one, "Ownership and visible results", "Saying no to extra work", "",
                "Prefers written agendas the day before", "Public thanks in the team channel",
                held[-1].at if held else start,
            )  # fmt: skip

    def _meetings(self, pair: Pair, one_on_one: int, slots: list[datetime]) -> list[HeldMeeting]:
        rng, w, now = self.rng, self.w, self.now
        # Each pair has its own habits: how much time goes to connection, how they feel.
        connection_share = rng.choice((0.15, 0.35, 0.45, 0.5, 0.5, 0.55, 0.6))
        mood_base, workload_base = rng.uniform(3.0, 4.5), rng.uniform(2.0, 3.6)
        slipping = rng.random() < 0.08  # mood and workload worsen in the last six weeks
        recent = now - timedelta(weeks=6)
        held: list[HeldMeeting] = []
        next_upcoming = True
        for slot in slots:
            past = slot < now
            roll = rng.random()
            if not past:
                status, reason = Meeting.Status.UPCOMING, ""
            elif roll < 0.06:
                status, reason = Meeting.Status.SKIPPED, rng.choice(("Holiday", "Sick", "Offsite"))
            elif roll < 0.09:
                status, reason = Meeting.Status.CANCELLED, "Clash with a company event"
            else:
                status, reason = Meeting.Status.HELD, ""
            scheduled = slot + timedelta(days=1) if past and rng.random() < 0.04 else slot
            started = ended = None
            connection = performance = estimate_c = estimate_p = None
            if status == Meeting.Status.HELD:
                share = min(0.95, max(0.05, rng.gauss(connection_share, 0.08)))
                if rng.random() < 0.6:
                    seconds = MEETING_MINUTES * 60 + rng.randint(-240, 300)
                    connection = int(seconds * share)
                    performance = seconds - connection
                    started, ended = scheduled, scheduled + timedelta(seconds=seconds)
                elif rng.random() < 0.5:
                    estimate_c = round(MEETING_MINUTES * share)
                    estimate_p = MEETING_MINUTES - estimate_c
            meeting = w.meetings.add(
                new_uuid(rng), one_on_one, slot, scheduled, MEETING_MINUTES, status, reason,
                started, ended, connection, performance, estimate_c, estimate_p,
            )  # fmt: skip
            if status == Meeting.Status.HELD:
                held.append(HeldMeeting(meeting, scheduled))
                worse = slipping and scheduled > recent
                self._held_content(pair, one_on_one, meeting, scheduled)
                if rng.random() < 0.75:
                    mood = mood_base - (1.6 if worse else 0) + rng.gauss(0, 0.5)
                    workload = workload_base + (1.5 if worse else 0) + rng.gauss(0, 0.5)
                    self._checkin(pair, one_on_one, meeting, scheduled, mood, workload)
            elif status == Meeting.Status.UPCOMING and next_upcoming:
                next_upcoming = False
                self._agenda(pair, one_on_one, slot)
        return held

    def _held_content(self, pair: Pair, one_on_one: int, meeting: int, at: datetime) -> None:
        rng, w = self.rng, self.w
        for position in range(rng.randint(1, 3)):
            section = Section.CONNECTION if position == 0 else rng.choice(list(Section))
            pool = (
                texts.CONNECTION_POINTS
                if section == Section.CONNECTION
                else (texts.PERFORMANCE_POINTS)
            )
            author = pair.report_id if rng.random() < 0.55 else pair.manager_id
            w.points.add(
                new_uuid(rng), one_on_one, author, rng.choice(pool), section,
                rng.random() < 0.05, False, position, meeting,
                at + timedelta(minutes=5 + 5 * position), at - timedelta(days=rng.randint(1, 4)),
            )  # fmt: skip
        if rng.random() < 0.6:
            self._note(meeting, pair.manager_id, Note.Kind.SHARED, at)
        if rng.random() < 0.25:
            self._note(meeting, pair.report_id, Note.Kind.SHARED, at)
        if rng.random() < 0.2:
            self._note(meeting, pair.manager_id, Note.Kind.PRIVATE, at)
        if rng.random() < 0.4:
            owner = pair.report_id if rng.random() < 0.7 else pair.manager_id
            due = at.date() + timedelta(days=rng.choice((3, 7, 14)))
            overdue_left_open = rng.random() < 0.04
            done = (
                None
                if overdue_left_open or due + timedelta(days=7) > self.now.date()
                else datetime.combine(due, time(15), tzinfo=UTC) - timedelta(days=rng.randint(0, 3))
            )
            w.actions.add(
                new_uuid(rng), one_on_one, meeting, owner, pair.manager_id,
                rng.choice(texts.ACTIONS), due, done, at + timedelta(minutes=20),
            )  # fmt: skip

    def _note(self, meeting: int, author: int, kind: str, at: datetime) -> None:
        lines = self.rng.sample(texts.NOTE_LINES, self.rng.randint(1, 3))
        saved = at + timedelta(minutes=29)
        self.w.notes.add(meeting, author, kind, "\n\n".join(lines), len(lines), saved)

    def _checkin(
        self, pair: Pair, one_on_one: int, meeting: int, at: datetime, mood: float, workload: float
    ) -> None:
        rng = self.rng

        def score(value: float) -> int:
            return min(5, max(1, round(value)))

        outside = rng.choice(texts.OUTSIDE) if rng.random() < 0.3 else ""
        submitted = at - timedelta(hours=rng.randint(2, 40))
        self.w.checkins.add(
            new_uuid(rng), meeting, one_on_one, pair.report_id, score(mood),
            score(mood + rng.gauss(0, 0.6)), score(workload), rng.choice(texts.WINS),
            rng.choice(texts.CHALLENGES) if rng.random() < 0.5 else "", outside,
            bool(outside) and rng.random() < 0.5, "", submitted, submitted,
        )  # fmt: skip

    def _agenda(self, pair: Pair, one_on_one: int, at: datetime) -> None:
        """The next meeting's talking points so far: not discussed yet."""
        for position, author in enumerate((pair.report_id, pair.manager_id)):
            section = Section.CONNECTION if position == 0 else Section.PERFORMANCE
            pool = texts.CONNECTION_POINTS if position == 0 else texts.PERFORMANCE_POINTS
            self.w.points.add(
                new_uuid(self.rng), one_on_one, author, self.rng.choice(pool), section, False,
                False, position, None, None, min(self.now, at) - timedelta(hours=6),
            )  # fmt: skip

    def _goals(self, pair: Pair, one_on_one: int, held: list[HeldMeeting]) -> None:
        rng, now = self.rng, self.now
        if not held or rng.random() < 0.08:  # a few pairs have no goal at all
            return
        index = 0
        while index < len(held):
            span = rng.randint(8, 26)  # held meetings the goal runs for
            last = index + span
            open_now = last >= len(held)
            kind, title, unit, baseline, target = rng.choice(texts.GOALS)
            created = held[index].at
            status = (
                GoalStatus.ACTIVE
                if open_now
                else (GoalStatus.ACHIEVED if rng.random() < 0.8 else GoalStatus.DROPPED)
            )
            closed = None if open_now else held[last].at
            stalled = open_now and rng.random() < 0.2
            steps = list(range(index, min(last, len(held)), 3))
            if stalled:
                steps = [step for step in steps if held[step].at < now - timedelta(weeks=6)]
            start, end = Decimal(baseline), Decimal(target)
            values = [
                round(start + (end - start) * number / max(1, len(steps)), 2)
                for number in range(1, len(steps) + 1)
            ]
            goal = self.w.goals.add(
                new_uuid(rng), one_on_one, pair.report_id,
                pair.report_id if rng.random() < 0.6 else pair.manager_id, kind,
                rng.random() < 0.2, title, f"{title}, measured in {unit}.", unit, unit,
                start, end, values[-1] if values else start, rng.randint(5, 9),
                "Done something close to it before.", rng.choice(texts.WHY),
                (closed or now).date() + timedelta(days=rng.randint(20, 90)), status,
                created, created, "Worth it." if closed else "", closed, created,
            )  # fmt: skip
            for step, value in zip(steps, values, strict=True):
                self.w.goal_updates.add(
                    goal, held[step].id, pair.report_id, value, rng.randint(4, 9),
                    "Waiting on another team." if rng.random() < 0.1 else "", "",
                    held[step].at + timedelta(minutes=15),
                )  # fmt: skip
            index = last + 1
