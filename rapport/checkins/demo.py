"""Check-ins for `rapport demo`: the demo team's reports answered a check-in before most of
their held 1:1s, so the pair pages have trends and the team view has signals to show.

The story, one profile per report: most are healthy and stable; three have felt worse lately
(mood down by a point or more over the last three check-ins); two have carried too much work
for three check-ins running; two stopped checking in three meetings ago. Everything is drawn
from one seeded generator and the held meetings before `today`, never from the clock.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from rapport.checkins.models import CheckIn
from rapport.meetings.models import Meeting, OneOnOne

DEMO_CHECKINS_SEED = 11
# Only so far back: a year of weekly check-ins says no more than the last few months.
HISTORY = 20
RECENT = 3
HEALTHY, FALLING, OVERLOADED, SILENT = "healthy", "falling", "overloaded", "silent"
STORIES = (FALLING, FALLING, FALLING, OVERLOADED, OVERLOADED, SILENT, SILENT)

WINS = (
    "Shipped the migration without a single page.",
    "Paired with the new joiner all week; they are flying.",
    "The flaky test suite is finally green.",
    "Good feedback on the design review.",
    "Closed the oldest ticket in our backlog.",
    "Ran my first incident review.",
)
CHALLENGES = (
    "Too many meetings on Wednesday.",
    "Waiting on the data team for the schema change.",
    "The on-call week was rough.",
    "Unclear who owns the billing alerts.",
    "Context switching between two projects.",
)
OUTSIDE = (
    "Training for a 10k in the spring.",
    "Kids are off school next week.",
    "Moving flat at the end of the month.",
    "Visiting family over the long weekend.",
)


@dataclass(frozen=True)
class CheckinsSummary:
    checkins: int
    pairs: int

    def __str__(self) -> str:
        return f"Check-ins: {self.checkins:,} across {self.pairs} 1:1s"


def _clamp(value: int) -> int:
    return min(max(value, 1), 5)


def _scores(story: str, recent: bool, rng: random.Random) -> tuple[int, int, int]:
    mood_base, workload_base = 4, 3
    if story == FALLING and recent:
        mood = rng.choice((2, 2, 3))
    elif story == FALLING:
        mood = rng.choice((4, 4, 5))
    elif recent:
        # Healthy lately: never lower than usual, so nobody else looks like they are falling.
        mood = _clamp(mood_base + rng.choice((0, 0, 1)))
    else:
        mood = _clamp(mood_base + rng.choice((-1, 0, 0, 0, 1)))
    if story == OVERLOADED and recent:
        workload = rng.choice((4, 5))
    elif recent:
        workload = _clamp(workload_base + rng.choice((-1, 0, 0)))
    else:
        workload = _clamp(workload_base + rng.choice((-1, 0, 0, 1)))
    energy = _clamp(mood + rng.choice((-1, 0, 0, 1)))
    return mood, energy, workload


def _pair_checkins(
    pair: OneOnOne, held: Sequence[Meeting], story: str, rng: random.Random
) -> list[CheckIn]:
    checkins = []
    meetings = list(held)[-HISTORY:]
    missed_last = False
    for index, meeting in enumerate(meetings):
        recent = index >= len(meetings) - RECENT
        if story == SILENT and recent:
            continue
        # Now and then a busy week goes by without one, never two in a row.
        if not recent and not missed_last and rng.random() < 0.1:
            missed_last = True
            continue
        missed_last = False
        mood, energy, workload = _scores(story, recent, rng)
        at = meeting.scheduled_for - timedelta(hours=rng.randint(2, 60))
        outside = rng.choice(OUTSIDE) if rng.random() < 0.25 else ""
        checkins.append(
            CheckIn(
                meeting=meeting,
                one_on_one=pair,
                report_id=pair.report_id,
                mood=mood,
                energy=energy,
                workload=workload,
                wins=rng.choice(WINS) if rng.random() < 0.7 else "",
                challenges=rng.choice(CHALLENGES) if rng.random() < 0.5 else "",
                outside_work=outside,
                outside_work_shared=bool(outside) and rng.random() < 0.6,
                submitted_at=at,
                updated_at=at,
            )
        )
    return checkins


def demo_checkins_create(
    *, one_on_ones: Iterable[OneOnOne], today: date, seed: int = DEMO_CHECKINS_SEED
) -> CheckinsSummary:
    """Check-ins for the held meetings before `today` of the given pairs (the demo team's).
    Meant for a freshly created demo history: it adds, never replaces."""
    rng = random.Random(seed)
    cutoff = datetime.combine(today, time(), tzinfo=UTC)
    pairs = sorted(one_on_ones, key=lambda pair: pair.report_id)
    held: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in Meeting.objects.filter(
        one_on_one__in=[pair.pk for pair in pairs],
        status=Meeting.Status.HELD,
        scheduled_for__lt=cutoff,
    ).order_by("scheduled_for"):
        held[meeting.one_on_one_id].append(meeting)
    # Skip the first report (the goals' featured story) so each story stays readable alone.
    stories = [HEALTHY, *STORIES, *[HEALTHY] * max(len(pairs) - len(STORIES) - 1, 0)]
    rest = stories[1:]
    rng.shuffle(rest)
    stories = [stories[0], *rest]
    rows: list[CheckIn] = []
    for pair, story in zip(pairs, stories, strict=False):
        if len(held[pair.pk]) > RECENT:
            rows.extend(_pair_checkins(pair, held[pair.pk], story, rng))
    CheckIn.objects.bulk_create(rows)
    return CheckinsSummary(len(rows), len({row.one_on_one_id for row in rows}))
