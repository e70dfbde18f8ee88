"""The SMART check: reads a goal and says, for each criterion, whether it is met, and if not,
one short and concrete hint in plain words. Pure: no database, no clock (today is passed in).

Deliberately simple rules that a person can predict; the hint tells them what to change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext, gettext_noop

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
# States and roles one wishes for ("get promoted", "become senior", "be better at"): a goal
# names the concrete change behind them, something others could see happen.
WISHES = re.compile(
    r"\b(?:get(?:ting)?|be(?:ing)?|become|becoming)\s+(?:promoted|a\s+promotion)\b"
    r"|\bpromotion\b"
    r"|\bbecom(?:e|ing)\b"
    r"|\b(?:be|get)\s+(?:an?\s+|the\s+)?(?:better|more|good|great|senior|expert|"
    r"leader|lead|manager|principal|staff|go-to)\b",
    re.IGNORECASE,
)
# Dates and years say when, not what: "by 2027" or "in March" make nothing observable.
DATES = re.compile(
    r"\b(?:19|20)\d\d\b|\bq[1-4]\b|\b1:1s?\b|\b\d{1,2}[./-]\d{1,2}(?:[./-]\d{2,4})?\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\s+\d{1,2}(?:st|nd|rd|th)?\b",
    re.IGNORECASE,
)
# A metric nobody can count without a unit: it names a quality, not a quantity.
UNCOUNTABLE = frozenset(
    """feedback communication skill skills quality confidence visibility knowledge impact
    performance presence leadership growth progress happiness satisfaction collaboration
    ownership engagement influence reputation teamwork wellbeing balance""".split()  # noqa: SIM905
)
# Words that make a metric countable on their own, in the languages people here write in.
COUNT_WORDS = frozenset(
    """number count rate ratio percent percentage share score time latency minutes hours days
    weeks nps anzahl zahl quote stunden minuten tage punkte número numero cantidad tasa horas
    minutos días dias puntos quantidade taxa pontos nombre taux heures jours points""".split()  # noqa: SIM905
)
# Phrases that give someone else's wish as the reason ("my manager said so").
OTHERS_WISH = re.compile(
    r"\b(?:my|our|the)\s+(?:manager|boss|lead|team\s+lead|director|company|hr|ceo|cto|vp|team"
    r"|client|parents?)\s+(?:said|says|told\s+me|asked(?:\s+me)?|asks(?:\s+me)?|wants?|wanted"
    r"|requires?|required|expects?|expected|insisted|decided|thinks?)"
    r"(?:\s+(?:me|so|to|it|this|that|i\s+should))*"
    r"|\b(?:i\s+was|i\s+am|i'm|we\s+were|we\s+are)\s+(?:told|asked|required|expected)(?:\s+to)?"
    r"|\b(?:it\s+is|it's|it\s+was)\s+(?:required|mandatory|expected|an\s+order)"
    r"|\b(?:he|she|they)\s+said\s+so\b|\bsaid\s+so\b"
    # The same in the other languages people here write in.
    r"|\b(?:mi|meu|minha|mon|ma|mein|meine)\s+(?:jef[ea]|chefe|chef|chefin|vorgesetzter?"
    r"|manager|responsable|gerente)(?:\s+(?:me|lo|la|l'a|es|hat|a))*"
    r"\s+(?:dijo|quiere|pidió|disse|quer|pediu|dit|veut|demandé|demande|gesagt|will|verlangt)",
    re.IGNORECASE,
)
# Words that join a reason to its cause and say nothing of it themselves.
CONNECTIVES = frozenset(
    "because since just only porque parce que weil dass denn".split()  # noqa: SIM905
)
MIN_SPECIFIC_WORDS = 4
MAX_HORIZON = timedelta(days=2 * 365)
# Said by the check and by the goal form, which refuses such a date.
PAST_DATE_HINT = gettext_noop("The date is today or in the past: choose a day ahead.")


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


def _numbers_beyond_dates(text: str) -> bool:
    """A number in the text that is not part of a date: "3 talks", "40% to 70%"."""
    return _has_number(DATES.sub(" ", text))


def _metric_is_countable(goal: GoalDraft) -> bool:
    """A unit, or a metric that names something countable: a plural ("reviews", "ventas"), a
    word like "number" or "rate", or a figure; a quality alone ("feedback") is not."""
    if goal.unit.strip() or "%" in goal.metric or _has_number(goal.metric):
        return True
    words = [word for word in _words(goal.metric) if word not in FILLER]
    if words and all(word in UNCOUNTABLE for word in words):
        return False
    return any(
        word in COUNT_WORDS
        or (len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")))
        for word in words
        if word not in UNCOUNTABLE
    )


def check_specific(goal: GoalDraft) -> Criterion:
    statement = goal.specific.strip() or goal.title.strip()
    words = _words(statement)
    label = gettext("Specific")
    if len(words) < MIN_SPECIFIC_WORDS:
        return Criterion(
            "specific",
            label,
            False,
            gettext("Say what exactly will be different, in a full sentence."),
        )
    concrete = _numbers_beyond_dates(statement)
    wish = WISHES.search(statement)
    if wish and not concrete:
        phrase = " ".join(wish.group(0).split())
        return Criterion(
            "specific",
            label,
            False,
            gettext(
                "“%(phrase)s” is a wish, not a result: name the change others could see, such as "
                "the work you will have done or the skill you will show."
            )
            % {"phrase": f"{phrase[:1].upper()}{phrase[1:]}"},
        )
    first = next((word for word in words if word not in FILLER), "")
    measured = concrete or (goal.target is not None and _metric_is_countable(goal))
    if first in VAGUE_VERBS and not measured:
        return Criterion(
            "specific",
            label,
            False,
            gettext(
                "“%(word)s” alone is vague: say what will be different and how much, for example "
                "with a number in the sentence."
            )
            % {"word": first.capitalize()},
        )
    return Criterion("specific", label, True)


def check_measurable(goal: GoalDraft) -> Criterion:
    label = gettext("Measurable")
    if not goal.metric.strip():
        return Criterion(
            "measurable", label, False, gettext("Name what you will count or observe (the metric).")
        )
    if not _metric_is_countable(goal):
        return Criterion(
            "measurable",
            label,
            False,
            gettext(
                "“%(metric)s” cannot be counted as it is: give a unit, or name what you will "
                "count (for example “talks given” or “score out of 5 in the survey”)."
            )
            % {"metric": goal.metric.strip()},
        )
    if goal.target is None:
        return Criterion(
            "measurable", label, False, gettext("Give the target value you are aiming for.")
        )
    if goal.baseline is None:
        return Criterion(
            "measurable",
            label,
            False,
            gettext("Give where you start from (the baseline), even if it is 0."),
        )
    if goal.target == goal.baseline:
        return Criterion(
            "measurable",
            label,
            False,
            gettext("The target equals the baseline: where should it move to?"),
        )
    return Criterion("measurable", label, True)


def check_attainable(goal: GoalDraft) -> Criterion:
    label = gettext("Attainable and realistic")
    if goal.confidence is None:
        return Criterion(
            "attainable", label, False, gettext("How confident are you, from 1 to 10?")
        )
    if not 1 <= goal.confidence <= 10:
        return Criterion("attainable", label, False, gettext("Confidence goes from 1 to 10."))
    if goal.confidence < 4:
        return Criterion(
            "attainable",
            label,
            False,
            gettext("A confidence under 4 suggests a smaller first step: what would make it a 7?"),
        )
    if len(_words(goal.realistic_because)) < 3:
        return Criterion(
            "attainable",
            label,
            False,
            gettext("Say what makes it realistic: time, help, skills you have."),
        )
    return Criterion("attainable", label, True)


def check_relevant(goal: GoalDraft) -> Criterion:
    label = gettext("Relevant: why it matters")
    why = goal.why.strip()
    if not why:
        return Criterion(
            "relevant",
            label,
            False,
            gettext("Write why this matters to you; it is what keeps a goal alive."),
        )
    why_words = _meaningful(why)
    title_words = _meaningful(goal.title) | _meaningful(goal.specific)
    if len(why_words) < 3:
        return Criterion(
            "relevant", label, False, gettext("Say a little more about why it matters to you.")
        )
    if why_words <= title_words:
        return Criterion(
            "relevant",
            label,
            False,
            gettext(
                "The why repeats the goal. What changes for you, or for others, when you get there?"
            ),
        )
    own_words = _meaningful(OTHERS_WISH.sub(" ", why)) - CONNECTIVES
    if OTHERS_WISH.search(why) and len(own_words) < 3:
        return Criterion(
            "relevant",
            label,
            False,
            gettext(
                "That is someone else's reason. Say what is in it for you: what you will gain, "
                "enjoy or be proud of."
            ),
        )
    return Criterion("relevant", label, True)


def check_time_bound(goal: GoalDraft, today: date) -> Criterion:
    label = gettext("Time-bound")
    if goal.due_on is None:
        return Criterion("time_bound", label, False, gettext("Pick a date to reach it by."))
    if goal.due_on <= today:
        return Criterion("time_bound", label, False, gettext(PAST_DATE_HINT))
    if goal.due_on - today > MAX_HORIZON:
        return Criterion(
            "time_bound",
            label,
            False,
            gettext("More than two years away: set a nearer milestone you can check in 1:1s."),
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
