"""Writes a large plan (`rapport synth`, 10,000 people and years of 1:1s) in bulk.

The services would take hours at this size, so rows go straight to the tables through
`bulk.BulkWriter`. The rules the services keep are checked on the output instead, by the same
invariant checker that reads the demo (tests/fakedata/invariants.py). Meeting mode's segments
are not written here: a measured meeting keeps its start, end and seconds, which is all the
pages at scale read.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.contrib.auth.hashers import make_password

from rapport.checkins.models import CheckIn
from rapport.fakedata import plan as p
from rapport.fakedata.bulk import BulkWriter, sequences_reset
from rapport.goals.models import Goal, GoalUpdate
from rapport.meetings import recurrence
from rapport.meetings.models import (
    ActionItem,
    Meeting,
    Note,
    OneOnOne,
    PersonCard,
    TalkingPoint,
)
from rapport.meetings.services import HORIZON
from rapport.people.models import Person
from rapport.questions.models import AskedQuestion, Category
from rapport.questions.selectors import active_question_ids

Progress = Callable[[int, int], None]


def _writers() -> dict[str, BulkWriter]:
    return {
        "1:1s": BulkWriter(OneOnOne, [
            "uuid", "manager", "report", "cadence", "weekday", "start_time", "timezone",
            "duration_minutes", "starts_on", "target_connection_share", "status", "closed_at",
            "scheduled_until", "created_at",
        ]),
        "meetings": BulkWriter(Meeting, [
            "uuid", "one_on_one", "slot", "scheduled_for", "duration_minutes", "status",
            "status_reason", "started_at", "ended_at", "connection_seconds",
            "performance_seconds", "estimated_connection_minutes", "estimated_performance_minutes",
            "is_growth",
        ]),
        "talking points": BulkWriter(TalkingPoint, [
            "uuid", "one_on_one", "author", "text", "section", "is_private", "is_recurring",
            "position", "discussed_in", "discussed_at", "created_at",
        ]),
        "notes": BulkWriter(Note, ["meeting", "author", "kind", "body", "version", "updated_at"]),
        "actions": BulkWriter(ActionItem, [
            "uuid", "one_on_one", "created_in", "owner", "created_by", "text", "due_on",
            "done_at", "created_at",
        ]),
        "check-ins": BulkWriter(CheckIn, [
            "uuid", "meeting", "one_on_one", "report", "mood", "energy", "workload", "wins",
            "challenges", "outside_work", "outside_work_shared", "topics", "submitted_at",
            "updated_at",
        ]),
        "goals": BulkWriter(Goal, [
            "uuid", "one_on_one", "owner", "proposed_by", "kind", "is_stretch", "title",
            "specific", "metric", "unit", "baseline", "target", "current", "confidence",
            "realistic_because", "why", "due_on", "status", "manager_agreed_at",
            "report_agreed_at", "reflection", "closed_at", "created_at",
        ]),
        "goal updates": BulkWriter(GoalUpdate, [
            "goal", "meeting", "by", "value", "confidence", "obstacle", "obstacle_kind", "note",
            "created_at",
        ]),
        "questions asked": BulkWriter(AskedQuestion, [
            "meeting", "question", "asked_by", "follow_up", "asked_at",
        ]),
        "person cards": BulkWriter(PersonCard, [
            "one_on_one", "motivators", "struggles", "outside_work", "working_style",
            "recognition", "updated_at",
        ]),
    }  # fmt: skip


@dataclass
class _Keys:
    rng: random.Random
    people: dict[str, int] = field(default_factory=dict)
    # The bank's career and growth questions (primary keys, in a fixed order).
    career_questions: list[int] = field(default_factory=list)

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)


def write_in_bulk(
    org: p.Organisation, *, seed: int, pairs_total: int, progress: Progress | None = None
) -> Counter[str]:
    """Write the plan; returns how many rows of each kind. Call inside a transaction."""
    keys = _Keys(random.Random(seed))
    keys.career_questions = active_question_ids(Category.CAREER)
    people = BulkWriter(Person, [
        "password", "uuid", "email", "name", "title", "timezone", "manager", "role",
        "started_on", "left_on", "left_reason", "is_active", "is_demo", "created_at",
    ])  # fmt: skip
    # Hashed once, with a salt from the seed so the same seed writes the same rows.
    password = make_password(org.password, salt=f"rapport-synth-salt-{seed}")
    for person in org.people:  # managers come before their reports
        keys.people[person.key] = people.add(
            password, keys.uuid(), person.key, person.name, person.title, person.timezone,
            keys.people[person.manager] if person.manager else None, person.role,
            person.started_on, person.left_on, person.left_reason, person.left_on is None,
            True, org.now,
        )  # fmt: skip
    people.flush()
    writers = _writers()
    for done, pair in enumerate(org.pairs, start=1):
        _pair(pair, writers, keys, org.now)
        if progress:
            progress(done, pairs_total)
    for writer in writers.values():
        writer.flush()
    sequences_reset([Person, *(writer.model for writer in writers.values())])
    written = Counter({"people": people.written})
    written.update({name: writer.written for name, writer in writers.items()})
    return written


def _pair(pair: p.Pair, w: dict[str, BulkWriter], keys: _Keys, now: datetime) -> None:
    manager, report = keys.people[pair.manager], keys.people[pair.report]
    side = {True: report, False: manager}
    started = datetime.combine(pair.starts_on, time(8), tzinfo=now.tzinfo)
    closed_at = (
        datetime.combine(pair.ends_on, time(17), tzinfo=now.tzinfo) if pair.ends_on else None
    )
    until = closed_at or now + HORIZON
    one_on_one = w["1:1s"].add(
        keys.uuid(), manager, report, pair.cadence, pair.weekday, pair.start_time,
        pair.timezone, p.MEETING_MINUTES, pair.starts_on, pair.target_share,
        "closed" if closed_at else "active", closed_at, until, started,
    )  # fmt: skip
    ids: list[int] = []
    for meeting in pair.meetings:
        ids.append(_meeting(meeting, one_on_one, side, w, keys))
    # The rule's rows ahead, as the meetings service keeps them (up to its horizon).
    if closed_at is None:
        after = pair.meetings[-1].slot if pair.meetings else started - timedelta(days=1)
        for slot in recurrence.occurrences(
            cadence=pair.cadence, starts_on=pair.starts_on, weekday=pair.weekday,
            at=pair.start_time, zone=pair.timezone, after=after + timedelta(seconds=1),
            until=until,
        ):  # fmt: skip
            w["meetings"].add(
                keys.uuid(), one_on_one, slot, slot, p.MEETING_MINUTES, "upcoming", "",
                None, None, None, None, None, None, False,
            )  # fmt: skip
        for position, point in enumerate(pair.next_points, start=1000):
            w["talking points"].add(
                keys.uuid(), one_on_one, side[point.by_report], point.text, point.section,
                point.private, False, position, None, None, now - timedelta(hours=6),
            )  # fmt: skip
    for goal in pair.goals:
        _goal(goal, pair, ids, one_on_one, manager, report, w, keys)
    if pair.card is not None:
        last = pair.meetings[-1].at if pair.meetings else started
        w["person cards"].add(one_on_one, *pair.card.values(), last + timedelta(hours=1))


def _meeting(
    meeting: p.Meeting,
    one_on_one: int,
    side: dict[bool, int],
    w: dict[str, BulkWriter],
    keys: _Keys,
) -> int:
    at = meeting.at
    started = ended = None
    measured = meeting.measured or (None, None)
    estimated = meeting.estimated or (None, None)
    if meeting.measured:
        started, ended = at, at + timedelta(seconds=sum(meeting.measured))
    key = w["meetings"].add(
        keys.uuid(), one_on_one, meeting.slot, at, p.MEETING_MINUTES, meeting.status,
        meeting.reason, started, ended, *measured, *estimated, meeting.growth,
    )  # fmt: skip
    manager = side[False]
    for position, point in enumerate(meeting.points):
        w["talking points"].add(
            keys.uuid(), one_on_one, side[point.by_report], point.text, point.section,
            point.private, False, position, key, at + timedelta(minutes=3 + 5 * position),
            at - timedelta(days=1, hours=position),
        )  # fmt: skip
    if meeting.career_question is not None and keys.career_questions:
        question = keys.career_questions[meeting.career_question % len(keys.career_questions)]
        w["questions asked"].add(key, question, manager, "", at + timedelta(minutes=8))
    for by_report, kind, body in meeting.notes:
        w["notes"].add(
            key, side[by_report], kind, body, 1, at + timedelta(minutes=p.MEETING_MINUTES - 1)
        )
    if (action := meeting.action) is not None:
        w["actions"].add(
            keys.uuid(), one_on_one, key, side[action.by_report], manager, action.text,
            action.due_on, action.done_at, at + timedelta(minutes=20),
        )  # fmt: skip
    if (answer := meeting.checkin) is not None:
        w["check-ins"].add(
            keys.uuid(), key, one_on_one, side[True], answer.mood, answer.energy,
            answer.workload, answer.wins, answer.challenges, answer.outside_work,
            answer.outside_work_shared, "", answer.submitted_at, answer.submitted_at,
        )  # fmt: skip
    return key


def _goal(
    goal: p.Goal,
    pair: p.Pair,
    ids: list[int],
    one_on_one: int,
    manager: int,
    report: int,
    w: dict[str, BulkWriter],
    keys: _Keys,
) -> None:
    at = pair.meetings[goal.agreed_in].at + timedelta(minutes=15)
    closed = (
        pair.meetings[goal.closed_in].at + timedelta(minutes=25)
        if goal.closed_in is not None
        else None
    )
    current = goal.progress[-1][1] if goal.progress else goal.baseline
    key = w["goals"].add(
        keys.uuid(), one_on_one, report, report if goal.proposed_by_report else manager,
        goal.kind, False, goal.title, f"{goal.title}, measured in {goal.unit}.", goal.unit,
        goal.unit, goal.baseline, goal.target, current, 7,
        "Done something close to it before.", goal.why, goal.due_on, goal.outcome, at, at,
        goal.reflection, closed, at,
    )  # fmt: skip
    for index, value, confidence in goal.progress:
        w["goal updates"].add(
            key, ids[index], report, value, confidence, "", "", "",
            pair.meetings[index].at + timedelta(minutes=15),
        )  # fmt: skip
