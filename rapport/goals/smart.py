"""The SMART check: reads a goal and says, for each criterion, whether it is met, and if not,
one short and concrete hint in plain words. Pure: no database, no clock (today is passed in).

Deliberately simple rules that a person can predict; the hint tells them what to change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

# Verbs that name an intention rather than a result; fine with a measure, vague without one.
VAGUE_VERBS = frozenset(
    """improve better increase decrease reduce grow work try learn get be become do more less
    enhance boost develop focus help understand explore support strengthen optimise optimize
    maximise maximize minimise minimize""".split()  # noqa: SIM905 (a word list reads best as words)
)
FILLER = frozenset(
    """a an the to of for in on at my our and or with by some really very it this that i we me
    so as is am are""".split()  # noqa: SIM905 (a word list reads best as words)
)
MIN_SPECIFIC_WORDS = 4
MAX_HORIZON = timedelta(days=2 * 365)
# Said by the check and by the goal form, which refuses such a date.
PAST_DATE_HINT = "The date is today or in the past: choose a day ahead."


@dataclass(frozen=True)
class GoalDraft:
    """What the check reads; the Goal model and the goal form both produce one."""

    title: str
    specific: str = ""
    metric: str = ""
    unit: str = ""
    baseline: Decimal | None = None
    target: Decimal | None = None
    confidence: int | None = None  # 1-10
    realistic_because: str = ""
    why: str = ""
    due_on: date | None = None


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    met: bool
    hint: str = ""


@dataclass(frozen=True)
class SmartResult:
    criteria: tuple[Criterion, ...]

    @property
    def met(self) -> bool:
        return all(criterion.met for criterion in self.criteria)

    def __getitem__(self, key: str) -> Criterion:
        return next(criterion for criterion in self.criteria if criterion.key == key)

    @property
    def score(self) -> int:
        return sum(criterion.met for criterion in self.criteria)


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+|\d+", text.lower())


def _meaningful(text: str) -> set[str]:
    return {word for word in _words(text) if word not in FILLER and len(word) > 2}


def _has_number(text: str) -> bool:
    return bool(re.search(r"\d", text))


def check_specific(goal: GoalDraft) -> Criterion:
    statement = goal.specific.strip() or goal.title.strip()
    words = _words(statement)
    label = "Specific"
    if len(words) < MIN_SPECIFIC_WORDS:
        return Criterion(
            "specific", label, False, "Say what exactly will be different, in a full sentence."
        )
    first = next((word for word in words if word not in FILLER), "")
    measured = goal.target is not None or _has_number(statement)
    if first in VAGUE_VERBS and not measured:
        return Criterion(
            "specific",
            label,
            False,
            f"“{first.capitalize()}” alone is vague: say what, how much, or how you will know.",
        )
    return Criterion("specific", label, True)


def check_measurable(goal: GoalDraft) -> Criterion:
    label = "Measurable"
    if not goal.metric.strip():
        return Criterion(
            "measurable", label, False, "Name what you will count or observe (the metric)."
        )
    if goal.target is None:
        return Criterion("measurable", label, False, "Give the target value you are aiming for.")
    if goal.baseline is None:
        return Criterion(
            "measurable", label, False, "Give where you start from (the baseline), even if it is 0."
        )
    if goal.target == goal.baseline:
        return Criterion(
            "measurable", label, False, "The target equals the baseline: where should it move to?"
        )
    return Criterion("measurable", label, True)


def check_attainable(goal: GoalDraft) -> Criterion:
    label = "Attainable and realistic"
    if goal.confidence is None:
        return Criterion("attainable", label, False, "How confident are you, from 1 to 10?")
    if not 1 <= goal.confidence <= 10:
        return Criterion("attainable", label, False, "Confidence goes from 1 to 10.")
    if goal.confidence < 4:
        return Criterion(
            "attainable",
            label,
            False,
            "A confidence under 4 suggests a smaller first step: what would make it a 7?",
        )
    if len(_words(goal.realistic_because)) < 3:
        return Criterion(
            "attainable", label, False, "Say what makes it realistic: time, help, skills you have."
        )
    return Criterion("attainable", label, True)


def check_relevant(goal: GoalDraft) -> Criterion:
    label = "Relevant: why it matters"
    why = goal.why.strip()
    if not why:
        return Criterion(
            "relevant",
            label,
            False,
            "Write why this matters to you; it is what keeps a goal alive.",
        )
    why_words = _meaningful(why)
    title_words = _meaningful(goal.title) | _meaningful(goal.specific)
    if len(why_words) < 3:
        return Criterion("relevant", label, False, "Say a little more about why it matters to you.")
    if why_words <= title_words:
        return Criterion(
            "relevant",
            label,
            False,
            "The why repeats the goal. What changes for you, or for others, when you get there?",
        )
    return Criterion("relevant", label, True)


def check_time_bound(goal: GoalDraft, today: date) -> Criterion:
    label = "Time-bound"
    if goal.due_on is None:
        return Criterion("time_bound", label, False, "Pick a date to reach it by.")
    if goal.due_on <= today:
        return Criterion("time_bound", label, False, PAST_DATE_HINT)
    if goal.due_on - today > MAX_HORIZON:
        return Criterion(
            "time_bound",
            label,
            False,
            "More than two years away: set a nearer milestone you can check in 1:1s.",
        )
    return Criterion("time_bound", label, True)


def check(goal: GoalDraft, *, today: date) -> SmartResult:
    return SmartResult(
        (
            check_specific(goal),
            check_measurable(goal),
            check_attainable(goal),
            check_relevant(goal),
            check_time_bound(goal, today),
        )
    )
