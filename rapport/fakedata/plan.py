"""The planner: a whole fake organisation as plain data, from a seed and a day, never the clock.

One code path for both sizes. `demo_plan` takes its people from data/story.json (the demo's
story: Maya Okafor's remote team of 30 and the teams around it); `synth_plan` draws a
management tree of any size from data/words.json. Both then plan every pair's history with
the same `_pair_history`, whose `Shape` says what a pair's recent weeks look like (mood
falling, workload high, check-ins skipped, 1:1s lapsed, connection squeezed, a goal stalled,
actions overdue, no active goal, no career talk for months). The demo gives the team of 30 a
fixed cast of shapes, so the team view always has each signal to show; the synthetic
organisation draws them with small odds.

Nothing here touches the database: a writer (writers.py) turns the plan into rows, through the
services for the demo and in bulk for the synthetic organisation.
"""

from __future__ import annotations

import json
import random
import unicodedata
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from rapport.meetings import recurrence

DATA = Path(__file__).parent / "data"
DEMO_PASSWORD = "rapport-demo"
SYNTH_PASSWORD = "rapport-synth"
SYNTH_DOMAIN = "synth.rapport.example"
MEETING_MINUTES = 30


@cache
def data(name: str) -> dict[str, Any]:
    """One of the data files (story, words, texts), read once."""
    with (DATA / f"{name}.json").open(encoding="utf-8") as file:
        loaded: dict[str, Any] = json.load(file)
    return loaded


class Shape(StrEnum):
    """What a pair's recent weeks look like; each drives one signal of the team view."""

    STEADY = "steady"
    MOOD_FALLING = "mood_falling"
    WORKLOAD_HIGH = "workload_high"
    CHECKINS_SKIPPED = "checkins_skipped"
    LAPSED = "lapsed"
    ALL_WORK = "all_work"  # connection squeezed out
    ALL_CHAT = "all_chat"
    GOAL_STALLED = "goal_stalled"
    ACTIONS_OVERDUE = "actions_overdue"
    NO_GOAL = "no_goal"
    NO_CAREER_TALK = "no_career_talk"


# --- The plan's rows ---------------------------------------------------------------------------


@dataclass(slots=True)
class Person:
    key: str  # the email address, unique in the plan
    name: str
    title: str
    timezone: str
    manager: str | None
    started_on: date
    role: str = "member"
    left_on: date | None = None
    left_reason: str = ""
    hours: tuple[int, time, time] | None = None  # work days (Monday = bit 0), start, end


@dataclass(slots=True)
class Point:
    by_report: bool
    section: str  # "connection" or "performance"
    text: str
    private: bool = False


@dataclass(slots=True)
class Action:
    by_report: bool  # the owner; the manager writes it down
    text: str
    due_on: date
    done_at: datetime | None


@dataclass(slots=True)
class CheckIn:
    mood: int
    energy: int
    workload: int
    wins: str
    challenges: str
    outside_work: str
    outside_work_shared: bool
    submitted_at: datetime


@dataclass(slots=True)
class Meeting:
    slot: datetime
    status: str  # "held", "skipped", "cancelled"
    reason: str = ""
    moved_to: datetime | None = None  # held a day later than its slot
    # Held: the measured seconds (meeting mode) or the estimated minutes, connection first.
    measured: tuple[int, int] | None = None
    estimated: tuple[int, int] | None = None
    points: list[Point] = field(default_factory=list)
    notes: list[tuple[bool, str, str]] = field(default_factory=list)  # by_report, kind, body
    action: Action | None = None
    checkin: CheckIn | None = None
    # Held with a career talk: which of the bank's "Career and growth" questions the manager
    # asked (an index, taken modulo their number by the writers).
    career_question: int | None = None
    # Held as the pair's growth conversation (the writer adds the template's points).
    growth: bool = False

    @property
    def at(self) -> datetime:
        return self.moved_to or self.slot


@dataclass(slots=True)
class Coaching:
    """A GROW conversation on an obstacle, in the meeting of one of the goal's progress updates
    (`update`: an index into Goal.progress); the decision becomes an action due `due_in` days
    later, done `done_after` days after the meeting when that is in the past."""

    update: int
    kind: str
    obstacle: str
    options: str
    decision: str
    note: str
    due_in: int
    done_after: int


@dataclass(slots=True)
class Goal:
    kind: str
    title: str
    unit: str
    baseline: Decimal
    target: Decimal
    why: str
    proposed_by_report: bool
    agreed_in: int  # index into the pair's meetings (a held one)
    due_on: date
    progress: list[tuple[int, Decimal, int]]  # meeting index, value, confidence
    outcome: str = "active"  # "active", "achieved", "dropped"
    closed_in: int | None = None
    reflection: str = ""
    coaching: Coaching | None = None


@dataclass(slots=True)
class Pair:
    manager: str
    report: str
    cadence: str
    weekday: int
    start_time: time
    timezone: str
    starts_on: date
    target_share: int
    shape: Shape = Shape.STEADY
    ends_on: date | None = None  # the report left; the pair closed that day
    meetings: list[Meeting] = field(default_factory=list)  # past ones, in order
    goals: list[Goal] = field(default_factory=list)
    next_points: list[Point] = field(default_factory=list)  # the next meeting's agenda so far
    # The report's answers for the next meeting, sent once its check-in window opens (the
    # writer checks the window; answers like their last ones, so the shapes hold).
    next_checkin: CheckIn | None = None
    card: dict[str, str] | None = None
    # The report's working-with-me profile: answers, and the names of the ones they share.
    profile: dict[str, str] | None = None
    profile_shared: tuple[str, ...] = ()
    career_talk_stopped: bool = False  # none for the last months (see _meeting_content)
    growth_every_weeks: int = 13  # the pair's growth rhythm (see _growth_conversations)


@dataclass(slots=True)
class Dismissal:
    """A signal the report's manager dismissed (and perhaps restored), once the history is in."""

    report: str
    rule: str
    reason: str
    at: datetime
    restored_at: datetime | None = None


@dataclass(slots=True)
class DayAway:
    person: str
    starts_on: date
    ends_on: date
    kind: str


@dataclass
class Organisation:
    """People first (every manager before their reports), then the pairs, lazily: a synthetic
    organisation's history is millions of rows and is written as it is planned."""

    people: list[Person]
    pairs: Iterator[Pair]
    days_away: list[DayAway]
    sign_ins: list[tuple[str, str]]  # label, person key
    password: str
    now: datetime
    dismissals: list[Dismissal] = field(default_factory=list)


# --- Dates and texts -----------------------------------------------------------------------------


def planning_now(today: date) -> datetime:
    """The plan's "now": the start of `today` in UTC. Anything earlier is history."""
    return datetime.combine(today, time(), tzinfo=UTC)


# Letters NFKD does not split into a base letter and an accent.
_TRANSLITERATE = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "ı": "i"}  # noqa: RUF001
)


def ascii_local_part(name: str) -> str:
    words = name.translate(_TRANSLITERATE).split()

    def plain(word: str) -> str:
        decomposed = unicodedata.normalize("NFKD", word)
        return "".join(ch for ch in decomposed if ch.isascii() and ch.isalnum()).lower()

    return f"{plain(words[0])}.{plain(words[-1])}"


def demo_email(seat: dict[str, Any]) -> str:
    local = seat.get("email_local") or ascii_local_part(seat["name"])
    return f"{local}@{data('story')['domain']}"


def _clamp(value: float) -> int:
    return min(5, max(1, round(value)))


# --- The demo's people ---------------------------------------------------------------------------

# The team of 30's cast, by position in story.json (0 is José Hernández, the report to sign in
# as: his pair is steady and full). A few clear cases and a handful of milder ones.
DEMO_SHAPES = {
    3: Shape.MOOD_FALLING,
    9: Shape.MOOD_FALLING,
    17: Shape.MOOD_FALLING,
    6: Shape.WORKLOAD_HIGH,
    21: Shape.WORKLOAD_HIGH,
    12: Shape.CHECKINS_SKIPPED,
    25: Shape.CHECKINS_SKIPPED,
    5: Shape.LAPSED,
    2: Shape.ALL_WORK,
    8: Shape.ALL_WORK,
    14: Shape.ALL_WORK,
    27: Shape.ALL_WORK,
    10: Shape.ALL_CHAT,
    19: Shape.ALL_CHAT,
    4: Shape.GOAL_STALLED,
    15: Shape.GOAL_STALLED,
    7: Shape.ACTIONS_OVERDUE,
    22: Shape.ACTIONS_OVERDUE,
    11: Shape.NO_GOAL,
    26: Shape.NO_GOAL,
    13: Shape.NO_CAREER_TALK,
    20: Shape.NO_CAREER_TALK,
}
# Pairs of another shape that have also stopped talking about career and growth: a stalled goal
# with no career talk for months is the demo's risk of leaving.
DEMO_CAREER_TALK_STOPPED = {4}
DEMO_SEED = 2030
DEMO_WEEKS = 26  # the team of 30 has used Rapport for about six months, the others for half that
MAX_TENURE_DAYS = 6 * 365


def demo_plan(*, today: date, seed: int = DEMO_SEED, weeks: int = DEMO_WEEKS) -> Organisation:
    """The demo's story as of `today`; `weeks` of history for the team of 30 (fewer in tests:
    the shapes need about eight)."""
    story = data("story")
    rng = random.Random(seed)
    now = planning_now(today)
    people: list[Person] = []

    def add(seat: dict[str, Any], manager: str | None) -> Person:
        days_ago = seat.get("days_ago") or rng.randint(60, MAX_TENURE_DAYS)
        hours = seat.get("hours")
        person = Person(
            key=demo_email(seat),
            name=seat["name"],
            title=seat["title"],
            timezone=seat["timezone"],
            manager=manager,
            started_on=today - timedelta(days=days_ago),
            role=seat.get("role", "member"),
            hours=(
                hours["work_days"],
                time.fromisoformat(hours["starts"]),
                time.fromisoformat(hours["ends"]),
            )
            if hours
            else None,
        )
        people.append(person)
        return person

    ceo = add(story["ceo"], None)
    leaders = {"ceo": ceo.key, "skip_level": add(story["skip_level"], ceo.key).key}
    hr, admin = add(story["hr"], ceo.key), add(story["admin"], ceo.key)
    managers = {
        team["key"]: add(team["manager"], leaders[team["manager"]["reports_to"]])
        for team in story["teams"]
    }
    pairs: list[Pair] = []
    for team in story["teams"]:
        manager = managers[team["key"]]
        main = team["key"] == "platform"
        for position, seat in enumerate(team["members"]):
            report = add(seat, manager.key)
            shape = DEMO_SHAPES.get(position, Shape.STEADY) if main else Shape.STEADY
            starts = today - timedelta(weeks=weeks if main else weeks // 2)
            pairs.append(_pair(rng, manager, report, starts, shape))
            if main and position in DEMO_CAREER_TALK_STOPPED:
                pairs[-1].career_talk_stopped = True
    # The leaders' own 1:1s: the skip-level with her managers, the CEO with his directs.
    for manager in (managers["platform"], managers["mobile"], managers["data"]):
        pairs.append(_pair(rng, people[1], manager, today - timedelta(weeks=weeks // 2)))
    # Those who left in the last year, for the organisation view's retention figures: their
    # weekly 1:1s ran for thirty weeks up to the day they left, kept or lapsing.
    for leaver in story["leavers"]:
        manager = managers[leaver["team"]]
        person = add(leaver, manager.key)
        person.left_on = today - timedelta(days=leaver["left_days_ago"])
        person.left_reason = leaver["reason"]
        shape = Shape.STEADY if leaver["kept"] else Shape.LAPSED
        starts = person.left_on - timedelta(weeks=min(30, weeks))
        pairs.append(_pair(rng, manager, person, starts, shape))
    for pair in pairs:
        _pair_history(pair, rng, now, demo=True)
    overdue = story["growth"]["overdue"]
    for position, pair in enumerate(pairs):
        if pair.report == demo_email(_seat_named(overdue["name"])):
            pair.growth_every_weeks = overdue["every_weeks"]
            _growth_conversations(pair, now - timedelta(weeks=overdue["last_weeks_ago"]))
        elif pair.career_talk_stopped:
            # No career talk for months (_meeting_content): no growth conversation either.
            _growth_conversations(pair, now - timedelta(weeks=21))
        else:
            # The last one 2 to 10 weeks back, pair by pair, so the next fall due at different
            # times (no draw from `rng`: the rest of the story stays as it was).
            _growth_conversations(pair, now - timedelta(weeks=2 + position * 3 % 9))
    days_away = [
        DayAway(
            demo_email(_seat_named(away["name"])),
            today + timedelta(days=away["from"]),
            today + timedelta(days=away["to"]),
            away["kind"],
        )
        for away in story["days_away"]
    ]
    # The manager's winter holiday: the one under way, else the next.
    starts, ends = date(today.year - 1, 12, 23), date(today.year, 1, 2)
    if ends < today:
        starts, ends = date(today.year, 12, 23), date(today.year + 1, 1, 2)
    days_away.append(DayAway(managers["platform"].key, starts, ends, "holiday"))
    sign_ins = [
        ("Manager of the 30-person team", managers["platform"].key),
        ("Report in that team", demo_email(story["teams"][0]["members"][0])),
        ("Skip-level manager", leaders["skip_level"]),
        ("Peer manager", managers["mobile"].key),
        ("Peer manager", managers["data"].key),
        ("CEO", ceo.key),
        ("HR", hr.key),
        ("Admin", admin.key),
    ]
    dismissals = [
        Dismissal(
            demo_email(_seat_named(dismissal["name"])),
            dismissal["rule"],
            dismissal["reason"],
            now - timedelta(days=dismissal["days_ago"]),
            now - timedelta(days=days) if (days := dismissal.get("restored_days_ago")) else None,
        )
        for dismissal in story["dismissals"]
    ]
    return Organisation(
        people, iter(pairs), days_away, sign_ins, DEMO_PASSWORD, now, dismissals=dismissals
    )


def _seat_named(name: str) -> dict[str, Any]:
    story = data("story")
    seats = [member for team in story["teams"] for member in team["members"]]
    return next(seat for seat in seats if seat["name"] == name)


# --- The synthetic organisation's people ---------------------------------------------------------

MIN_SPAN, MAX_SPAN, REFERENCE_SPAN = 3, 30, 30
LEAVER_SHARE = 0.10
CEO_EMAIL = f"ceo@{SYNTH_DOMAIN}"
REFERENCE_MANAGER_EMAIL = f"manager30@{SYNTH_DOMAIN}"
HR_EMAIL = f"hr@{SYNTH_DOMAIN}"
ADMIN_EMAIL = f"admin@{SYNTH_DOMAIN}"
# Odds of each shape for a synthetic pair (the rest are steady).
SYNTH_SHAPES = (
    (Shape.MOOD_FALLING, 0.04),
    (Shape.WORKLOAD_HIGH, 0.03),
    (Shape.CHECKINS_SKIPPED, 0.03),
    (Shape.LAPSED, 0.02),
    (Shape.ALL_WORK, 0.05),
    (Shape.ALL_CHAT, 0.02),
    (Shape.GOAL_STALLED, 0.05),
    (Shape.ACTIONS_OVERDUE, 0.03),
    (Shape.NO_GOAL, 0.04),
    (Shape.NO_CAREER_TALK, 0.05),
)


def _span(rng: random.Random) -> int:
    return min(MAX_SPAN, max(MIN_SPAN, round(rng.lognormvariate(2.0, 0.5))))


def _tree(size: int, rng: random.Random) -> list[int | None]:
    """Manager index of each person (None for the CEO), filled breadth first; the first
    manager below the CEO's directs gets exactly 30 reports, the benchmarks' reference team."""
    managers: list[int | None] = [None] * size
    waiting = deque([0])
    filled, reference_given = 1, False
    while filled < size:
        manager = waiting.popleft()
        depth_two = manager != 0 and managers[manager] == 0
        span = REFERENCE_SPAN if depth_two and not reference_given else _span(rng)
        reference_given = reference_given or depth_two
        span = min(span, size - filled)
        left_over = size - filled - span
        if 0 < left_over < MIN_SPAN:  # never leave a last manager with one or two reports
            span = span + left_over if span + left_over <= MAX_SPAN else span - MIN_SPAN
        for report in range(filled, filled + span):
            managers[report] = manager
            waiting.append(report)
        filled += span
    return managers


def synth_plan(*, people: int, years: int, seed: int, today: date) -> Organisation:
    if people < 5:
        raise ValueError("A synthetic organisation needs at least 5 people.")
    words = data("words")
    rng = random.Random(seed)
    now = planning_now(today)
    managers = _tree(people, rng)
    leads = {manager for manager in managers if manager is not None}
    spans: dict[int, int] = {}
    for manager in managers:
        if manager is not None:
            spans[manager] = spans.get(manager, 0) + 1
    reference = next((index for index, span in spans.items() if span == REFERENCE_SPAN), None)
    history_starts = today - timedelta(days=365 * years)
    plan: list[Person] = []
    for index, manager in enumerate(managers):
        first, last = rng.choice(words["first_names"]), rng.choice(words["last_names"])
        if index in leads:
            titles = words["leader_titles" if manager in (None, 0) else "manager_titles"]
        else:
            titles = words["member_titles"]
        title = rng.choice(titles)
        # Leaders were there before the history begins; others joined over its years.
        if index in leads or rng.random() < 0.55:
            started_on = history_starts - timedelta(days=rng.randint(30, 2000))
        else:
            started_on = history_starts + timedelta(days=rng.randint(0, 365 * years - 30))
        plan.append(
            Person(
                key=f"{first}.{last}.{index}@{SYNTH_DOMAIN}".lower(),
                name=f"{first} {last}",
                title="Chief Executive" if index == 0 else title,
                timezone=rng.choice(words["timezones"]),
                manager=None if manager is None else str(manager),  # resolved below
                started_on=started_on,
            )
        )
    plan[0].key = CEO_EMAIL
    if reference is not None:  # an organisation too small for a team of 30 has none
        plan[reference].key = REFERENCE_MANAGER_EMAIL
    members = [index for index in range(people) if index not in leads]
    hr, admin = plan[members[-1]], plan[members[-2]]
    hr.key, hr.role, hr.title = HR_EMAIL, "hr", "People Partner"
    admin.key, admin.role, admin.title = ADMIN_EMAIL, "admin", "IT Administrator"
    for person in plan:
        if person.manager is not None:
            person.manager = plan[int(person.manager)].key
    fixed = {CEO_EMAIL, REFERENCE_MANAGER_EMAIL, HR_EMAIL, ADMIN_EMAIL}
    for index, person in enumerate(plan):
        leaving = rng.random() < LEAVER_SHARE  # drawn for everyone, so the sequence is stable
        # The reference team stays whole: benchmarks compare a team of 30 across organisations.
        if not leaving or index in leads or person.key in fixed:
            continue
        if person.manager == REFERENCE_MANAGER_EMAIL:
            continue
        earliest, latest = person.started_on + timedelta(days=90), today - timedelta(days=7)
        if earliest < latest:
            person.left_on = earliest + timedelta(days=rng.randint(0, (latest - earliest).days))
            person.left_reason = "voluntary" if rng.random() < 0.75 else "involuntary"
    sign_ins = [
        ("Manager of the 30-person team", REFERENCE_MANAGER_EMAIL),
        ("CEO", CEO_EMAIL),
        ("HR", HR_EMAIL),
        ("Admin", ADMIN_EMAIL),
    ]
    by_key = {person.key: person for person in plan}
    return Organisation(
        plan,
        _synth_pairs(plan, by_key, history_starts, random.Random(seed + 1), now),
        [],
        [(label, key) for label, key in sign_ins if key in by_key],
        SYNTH_PASSWORD,
        now,
    )


def _synth_pairs(
    people: list[Person],
    by_key: dict[str, Person],
    history_starts: date,
    rng: random.Random,
    now: datetime,
) -> Iterator[Pair]:
    for position, person in enumerate(people):
        if person.manager is None:
            continue
        manager = by_key[person.manager]
        roll, shape = rng.random(), Shape.STEADY
        for candidate, odds in SYNTH_SHAPES:
            if roll < odds:
                shape = candidate
                break
            roll -= odds
        starts = max(history_starts, person.started_on, manager.started_on)
        pair = _pair(rng, manager, person, starts, shape)
        _pair_history(pair, rng, now, demo=False)
        # Growth conversations on the rhythm, the last one 2 to 10 weeks back, or 21 where
        # career talk stopped (no draw from `rng`, as in the demo).
        weeks_back = 21 if pair.career_talk_stopped else 2 + position * 3 % 9
        _growth_conversations(pair, now - timedelta(weeks=weeks_back))
        yield pair


# --- Every pair's history ------------------------------------------------------------------------

SLOT_TIMES = [time(hour, minute) for hour in range(9, 17) for minute in (0, 30)]


def _pair(
    rng: random.Random,
    manager: Person,
    report: Person,
    starts_on: date,
    shape: Shape = Shape.STEADY,
) -> Pair:
    # Weekly for the pairs whose shapes are read over weeks; some others every two weeks.
    weekly = shape != Shape.STEADY or rng.random() < 0.75
    return Pair(
        manager=manager.key,
        report=report.key,
        cadence="weekly" if weekly else "biweekly",
        weekday=rng.randint(0, 4),
        start_time=rng.choice(SLOT_TIMES),
        timezone=manager.timezone,
        starts_on=max(starts_on, report.started_on, manager.started_on),
        target_share=rng.choice((40, 50, 50, 50, 60)),
        shape=shape,
        ends_on=report.left_on,
        career_talk_stopped=shape == Shape.NO_CAREER_TALK,
    )


RECENT_WEEKS = 6  # how far back a shape reaches


def _pair_history(pair: Pair, rng: random.Random, now: datetime, *, demo: bool) -> None:
    """Fill in the pair's past meetings, goals, next agenda and card. The slots are the rule's
    (recurrence.occurrences, as the meetings service makes them), up to `now` or the leaving day."""
    texts = data("texts")
    end = now
    if pair.ends_on is not None:
        end = min(now, datetime.combine(pair.ends_on, time(), tzinfo=UTC))
    slots = recurrence.occurrences(
        cadence=pair.cadence,
        starts_on=pair.starts_on,
        weekday=pair.weekday,
        at=pair.start_time,
        zone=pair.timezone,
        after=datetime.combine(pair.starts_on, time(), tzinfo=UTC) - timedelta(days=1),
        until=end - timedelta(minutes=MEETING_MINUTES),
    )
    shape = pair.shape
    recent = now - timedelta(weeks=RECENT_WEEKS)
    share = {Shape.ALL_WORK: 0.45, Shape.ALL_CHAT: 0.5}.get(shape, pair.target_share / 100)
    mood_base, workload_base = rng.choice((4, 4, 4, 5)), 3
    overdue_left = 4 if shape == Shape.ACTIONS_OVERDUE else 0  # the signal needs 3
    held_count = 0
    for index, slot in enumerate(slots):
        late = slot >= recent
        roll = rng.random()
        if (
            shape == Shape.LAPSED
            and (slot >= now - timedelta(weeks=4) or (pair.ends_on and index >= len(slots) - 8))
        ) or (roll < 0.06 and index > 0):
            status, reason = ("skipped", rng.choice(texts["skip_reasons"]))
        elif roll < 0.08 and index > 0:
            status, reason = "cancelled", rng.choice(texts["cancel_reasons"])
        else:
            status, reason = "held", ""
        meeting = Meeting(slot=slot, status=status, reason=reason)
        pair.meetings.append(meeting)
        # Only the organisation view reads the 1:1s of people who left (held or not), and
        # nobody opens them: they are statuses, without contents.
        if status != "held" or pair.ends_on is not None:
            continue
        held_count += 1
        if rng.random() < 0.04 and slot + timedelta(days=1, hours=1) < end:
            meeting.moved_to = slot + timedelta(days=1)
        # The split: squeezed pairs spend nearly all of the last weeks on one side.
        part = share
        if late and shape == Shape.ALL_WORK:
            part = rng.uniform(0.03, 0.15)
        elif late and shape == Shape.ALL_CHAT:
            part = rng.uniform(0.85, 0.97)
        else:
            part = min(0.9, max(0.3, rng.gauss(share, 0.07)))
        # Meeting mode's clock in the last weeks (most of the time) and in the squeezed pairs;
        # older meetings have an estimate or nothing, as when a team starts with the app.
        if (late and shape in (Shape.ALL_WORK, Shape.ALL_CHAT)) or rng.random() < (
            0.7 if slot >= now - timedelta(weeks=8) else 0.1
        ):
            seconds = MEETING_MINUTES * 60 + rng.randint(-240, 300)
            meeting.measured = (round(seconds * part), seconds - round(seconds * part))
        elif rng.random() < 0.5:
            connection = round(MEETING_MINUTES * part)
            meeting.estimated = (connection, MEETING_MINUTES - connection)
        _meeting_content(
            meeting, pair, rng, texts, late=late, now=now, demo=demo, held_count=held_count
        )
        # Actions: most done within a week of their day; overdue pairs leave three open.
        if late and overdue_left and index < len(slots) - 1:
            meeting.action = Action(
                True, rng.choice(texts["actions"]), meeting.at.date() + timedelta(days=3), None
            )
            overdue_left -= 1
        elif rng.random() < 0.35:
            due = meeting.at.date() + timedelta(days=rng.choice((3, 7, 14)))
            done = datetime.combine(due, time(15), tzinfo=UTC) - timedelta(days=rng.randint(0, 2))
            meeting.action = Action(
                rng.random() < 0.7,
                rng.choice(texts["actions"]),
                due,
                done if done < now - timedelta(hours=1) else None,
            )
        # A check-in before most held meetings, shaped in the last weeks.
        skipped_checkins = shape == Shape.CHECKINS_SKIPPED and late
        if not skipped_checkins and (late or rng.random() < 0.85):
            mood = mood_base + rng.choice((-1, 0, 0, 0))
            workload = workload_base + rng.choice((-1, 0, 0, 1))
            if late and shape == Shape.MOOD_FALLING:
                mood = rng.choice((1, 2, 2)) if slot >= now - timedelta(weeks=3) else mood
            elif late:
                mood = max(mood, mood_base)
            if late and shape == Shape.WORKLOAD_HIGH:
                workload = rng.choice((4, 5))
            elif late:
                workload = min(workload, 3)
            outside = rng.choice(texts["outside"]) if rng.random() < 0.25 else ""
            energy = mood + rng.choice((-1, 0, 0, 1))
            if late and shape == Shape.MOOD_FALLING and slot >= now - timedelta(weeks=3):
                energy = min(energy, mood)  # tired as well as down: never above their mood
            meeting.checkin = CheckIn(
                mood=_clamp(mood),
                energy=_clamp(energy),
                workload=_clamp(workload),
                wins=rng.choice(texts["wins"]) if rng.random() < 0.7 else "",
                challenges=rng.choice(texts["challenges"]) if rng.random() < 0.5 else "",
                outside_work=outside,
                outside_work_shared=bool(outside) and rng.random() < 0.6,
                submitted_at=meeting.at - timedelta(hours=rng.randint(2, 40)),
            )
    if held_count:
        # The next meeting's "last time" always has the manager's shared note to show.
        last = next(meeting for meeting in reversed(pair.meetings) if meeting.status == "held")
        if not any(kind == "shared" and not by_report for by_report, kind, _ in last.notes):
            last.notes.insert(0, (False, "shared", rng.choice(texts["note_lines"])))
        _goals(pair, rng, texts, now)
    if pair.ends_on is None:
        answered = [meeting.checkin for meeting in pair.meetings if meeting.checkin is not None]
        if answered and pair.shape not in (Shape.CHECKINS_SKIPPED, Shape.LAPSED):
            pair.next_checkin = answered[-1]
        pair.next_points = [
            Point(True, "connection", rng.choice(texts["connection_points"])),
            Point(False, "performance", rng.choice(texts["performance_points"])),
        ]
        if rng.random() < (0.8 if demo else 0.4):
            pair.card = {name: rng.choice(values) for name, values in texts["card"].items()}
        if demo:
            _working_profile(pair, texts)


# About five in six reports of the demo have written a profile, each sharing some answers.
PROFILE_SHARE = 5 / 6


def _working_profile(pair: Pair, texts: dict[str, Any]) -> None:
    # A generator of its own, so adding profiles leaves the rest of the story as it was.
    rng = random.Random(f"working-profile:{pair.report}")
    if rng.random() >= PROFILE_SHARE:
        return
    answers = {name: rng.choice(values) for name, values in texts["working_profile"].items()}
    # Some answers stay blank; the outside-work one is the most often kept.
    for name in list(answers):
        if rng.random() < 0.15:
            answers[name] = ""
    pair.profile = answers
    pair.profile_shared = tuple(
        name
        for name in answers
        if rng.random() < (0.45 if name == "outside_work" else 0.8) and answers[name]
    )


def _growth_conversations(pair: Pair, latest: datetime) -> None:
    """Mark the pair's held meetings as growth conversations on its rhythm: the last held on or
    before `latest`, then one every `growth_every_weeks` before it, as far as the history goes."""
    if pair.ends_on is not None or not pair.growth_every_weeks:
        return
    held = [meeting for meeting in pair.meetings if meeting.status == "held"]
    while chosen := [meeting for meeting in held if meeting.at <= latest]:
        chosen[-1].growth = True
        latest = chosen[-1].at - timedelta(weeks=pair.growth_every_weeks)


def _meeting_content(
    meeting: Meeting,
    pair: Pair,
    rng: random.Random,
    texts: dict[str, Any],
    *,
    late: bool,
    now: datetime,
    demo: bool,
    held_count: int,
) -> None:
    # Career and growth come up every fourth held meeting, except in the pairs that stopped (or
    # never started) talking about them: those have had none for months.
    no_career = pair.career_talk_stopped and meeting.slot >= now - timedelta(weeks=20)
    points = [Point(rng.random() < 0.6, "connection", rng.choice(texts["connection_points"]))]
    if not no_career and held_count % 4 == 1:
        points.append(Point(rng.random() < 0.5, "connection", rng.choice(texts["career_points"])))
        meeting.career_question = held_count // 4
    for _ in range(rng.randint(0, 1) if demo else rng.randint(0, 2)):
        points.append(
            Point(rng.random() < 0.5, "performance", rng.choice(texts["performance_points"]))
        )
    if rng.random() < 0.05:
        points.append(Point(False, "performance", rng.choice(texts["private_note_lines"]), True))
    meeting.points = points
    if rng.random() < 0.5:
        body = "\n\n".join(rng.sample(texts["note_lines"], rng.randint(1, 3)))
        meeting.notes.append((False, "shared", body))
    if rng.random() < 0.15:
        meeting.notes.append((True, "shared", rng.choice(texts["note_lines"])))
    if rng.random() < 0.15:
        meeting.notes.append((False, "private", rng.choice(texts["private_note_lines"])))


def _goals(pair: Pair, rng: random.Random, texts: dict[str, Any], now: datetime) -> None:
    held = [index for index, meeting in enumerate(pair.meetings) if meeting.status == "held"]
    if pair.shape == Shape.NO_GOAL:
        # One goal achieved in the first half, nothing agreed since: the pair is due its next.
        if len(held) < 8:
            return
        held = held[: len(held) // 2]
    position = 0
    while position < len(held):
        span = rng.randint(8, 20)  # held meetings the goal runs for
        last = position + span
        open_now = last >= len(held) and pair.shape != Shape.NO_GOAL
        last = min(last, len(held) - 1)
        kind, title, unit, baseline, target = rng.choice(texts["goals"])
        if pair.career_talk_stopped and kind == "career":
            # A career goal is a career conversation too: these pairs have had neither.
            kind, title, unit, baseline, target = next(
                goal for goal in texts["goals"] if goal[0] != "career"
            )
        start, goal_end = Decimal(baseline), Decimal(target)
        agreed = pair.meetings[held[position]]
        # Progress often enough that a goal in hand never looks stalled (28 days, 3 meetings).
        stride = 2 if pair.cadence == "weekly" else 1
        steps = held[position + 1 : last + (1 if open_now else 0) : stride]
        if open_now and pair.shape == Shape.GOAL_STALLED:
            steps = [step for step in steps if pair.meetings[step].at < now - timedelta(weeks=6)]
        # Counts (talks, sessions) move in whole steps: "now 6 of 8 sessions", never 5.71.
        places = 0 if start == start.to_integral() and goal_end == goal_end.to_integral() else 2
        values = [
            round(start + (goal_end - start) * number / (len(steps) + 2), places)
            for number in range(1, len(steps) + 1)
        ]
        closed_in = None if open_now else held[last]
        outcome = "active" if open_now else ("achieved" if rng.random() < 0.8 else "dropped")
        pair.goals.append(
            Goal(
                kind=kind,
                title=title,
                unit=unit,
                baseline=start,
                target=goal_end,
                why=rng.choice(texts["why"]),
                proposed_by_report=rng.random() < 0.6,
                agreed_in=held[position],
                due_on=agreed.at.date() + timedelta(weeks=span + rng.randint(2, 10)),
                progress=[
                    (step, value, rng.randint(5, 9))
                    for step, value in zip(steps, values, strict=True)
                    if closed_in is None or step < closed_in
                ],
                outcome=outcome,
                closed_in=closed_in,
                reflection=rng.choice(texts["reflections"]) if closed_in is not None else "",
            )
        )
        _coaching(pair, texts)
        if open_now or pair.shape == Shape.NO_GOAL:
            break
        position = last + 1


# About one goal in three with enough updates had a coaching conversation on the way.
COACHED_SHARE = 0.35


def _coaching(pair: Pair, texts: dict[str, Any]) -> None:
    """Plan a coaching conversation on the pair's newest goal, maybe. Its own random stream
    (seeded by the pair and the goal), so the rest of the story stays as it was."""
    goal = pair.goals[-1]
    if len(goal.progress) < 3:
        return
    rng = random.Random(f"coaching {pair.manager} {pair.report} {goal.agreed_in}")
    if rng.random() >= COACHED_SHARE:
        return
    text = rng.choice(texts["coaching"])
    goal.coaching = Coaching(
        update=len(goal.progress) // 2,
        kind=text["kind"],
        obstacle=text["obstacle"],
        options=text["options"],
        decision=text["decision"],
        note=text["note"],
        due_in=rng.randint(7, 14),
        done_after=rng.randint(4, 12),
    )
