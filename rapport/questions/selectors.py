"""Reads about the question bank, and the questions a manager is offered in meeting mode.

Suggestions are the manager's prompts: questions/presentation.py builds the meeting-mode panel
from these reads and checks the viewer; `suggest` and `context_hints` do not and read the pair's
context as the manager may see it (never the report's private points).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from rapport import access
from rapport.checkins.coaching import checkin_hints
from rapport.goals.coaching import goal_obstacle_hints
from rapport.meetings.hints import ContextHint, ContextSource
from rapport.meetings.models import Meeting, Section, TalkingPoint
from rapport.people.models import Person
from rapport.questions.models import AskedQuestion, Category, Question

# A question asked with someone stays out of their suggestions for this many meetings.
FRESH_FOR_MEETINGS = 4
SUGGESTIONS_PER_SECTION = 2
# A point discussed this recently still says something about how the person is doing.
RECENT_POINTS = timedelta(weeks=3)
# Enough points to read the mood of a pair; a bound so an old, busy pair reads no more.
POINTS_READ = 50


# --- The bank ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BankCategory:
    category: str
    label: str
    questions: list[Question]

    @property
    def count(self) -> int:
        return len(self.questions)


@dataclass(frozen=True)
class BankSection:
    section: str
    label: str
    categories: list[BankCategory]

    @property
    def count(self) -> int:
        return sum(category.count for category in self.categories)


def active_questions() -> QuerySet[Question]:
    return Question.objects.filter(is_active=True)


def bank_sections() -> list[BankSection]:
    """The active questions, connection first, each section in the order of its categories.
    The bank is reference material with no private content: every signed-in person reads it."""
    grouped: dict[tuple[str, str], list[Question]] = {}
    for question in active_questions().order_by("text"):
        grouped.setdefault((question.section, question.category), []).append(question)
    sections = []
    for section, section_label in Section.choices:
        categories = [
            BankCategory(category, str(label), grouped[(section, category)])
            for category, label in Category.choices
            if (section, category) in grouped
        ]
        sections.append(BankSection(section, str(section_label), categories))
    return sections


def normalised(text: str) -> str:
    """The words of a question, so that case and punctuation do not make a new question."""
    return " ".join(re.findall(r"\w+", text.casefold()))


# --- Context: what the pair's recent talk says is worth asking about -------------------------


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    categories: tuple[str, ...]


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(" + "|".join(alternatives) + r")\b", re.IGNORECASE)


# Order is weight: how the person is doing comes before how the work is going.
POINT_RULES: tuple[_Rule, ...] = (
    _Rule(
        _words(
            "exhausted",
            "tired",
            "worn out",
            "burn(?:ed|t)[ -]?out",
            "stress(?:ed|ful)?",
            "anxious",
            "anxiety",
            "overwhelmed",
            "sleepless",
            "sleeping badly",
            "not sleeping",
            "poor sleep",
            "sick",
            "unwell",
        ),
        (Category.WELLBEING, Category.WORKLOAD),
    ),
    _Rule(
        _words(
            "overload(?:ed)?",
            "too much",
            "swamped",
            "drowning",
            "overtime",
            "late nights?",
            "workload",
        ),
        (Category.WORKLOAD,),
    ),
    _Rule(
        _words("bored", "boring", "unmotivated", "motivation", "pointless"),
        (Category.MOTIVATION,),
    ),
    _Rule(
        _words(
            "family",
            "baby",
            "wedding",
            "holiday",
            "vacation",
            "parental leave",
            "childcare",
            "moving house",
            "new house",
            "relocat(?:e|ed|ing|ion)",
            "funeral",
            "bereavement",
        ),
        (Category.LIFE_OUTSIDE_WORK,),
    ),
    _Rule(
        _words("blocked", "blockers?", "stuck", "waiting (?:on|for)", "stalled"),
        (Category.OBSTACLES, Category.COACHING_REALITY),
    ),
    _Rule(
        _words("deadlines?", "overdue", "slipp(?:ed|ing)", "behind schedule"),
        (Category.ACCOUNTABILITY, Category.PRIORITIES),
    ),
    _Rule(
        _words("priorit(?:y|ies|ise|ize|ising|izing)", "juggling", "too many things"),
        (Category.PRIORITIES,),
    ),
    _Rule(
        _words(
            "promotion",
            "promoted",
            "career",
            "grow",
            "growth",
            "mentor(?:ing|ship)?",
            "next role",
            "new role",
        ),
        (Category.CAREER,),
    ),
    _Rule(
        _words("feedback", "criticism", "appraisal", "performance review"),
        (Category.FEEDBACK,),
    ),
    _Rule(_words("goals?", "okrs?"), (Category.COACHING_GOAL, Category.COACHING_WILL)),
)


def hints_from_talking_points(meeting: Meeting) -> list[ContextHint]:
    """Words in the points around this meeting: the ones open at the time and the ones
    discussed in the last weeks. Only what the manager may see: shared points and their own
    private ones. The reason names the word, never the point, so nothing is quoted."""
    one_on_one = meeting.one_on_one
    points = TalkingPoint.objects.filter(
        one_on_one_id=one_on_one.pk,
        is_recurring=False,  # standing items say nothing new about this week
        recurring_source__isnull=True,
    )
    if not meeting.is_open:
        # A past meeting is read as it was; an open one gathers every point added until it is
        # held, even when it runs late or is marked held after its time.
        points = points.filter(created_at__lte=meeting.ended_at or meeting.ends_at)
    texts = list(
        points.filter(access.private_content_filter(one_on_one.manager))
        .filter(
            Q(discussed_in__isnull=True)
            | Q(discussed_in=meeting)
            | Q(discussed_at__gte=meeting.scheduled_for - RECENT_POINTS)
        )
        .order_by("-created_at")
        .values_list("text", flat=True)[:POINTS_READ]
    )
    hints: list[ContextHint] = []
    for rule in POINT_RULES:
        match = next((m for text in texts if (m := rule.pattern.search(text))), None)
        if match is not None:
            reason = gettext("A talking point mentions “%(word)s”.") % {
                "word": match.group(0).lower()
            }
            hints.extend(ContextHint(category, reason) for category in rule.categories)
    return hints


# Where context comes from, strongest first: what the report said in this meeting's check-in
# (low mood, heavy workload) comes before an obstacle named on a goal (or a stalled goal),
# which says more than a word in a talking point. Each source reads only what the pair's
# manager may see.
CONTEXT_SOURCES: tuple[ContextSource, ...] = (
    checkin_hints,
    goal_obstacle_hints,
    hints_from_talking_points,
)


def context_hints(meeting: Meeting) -> list[ContextHint]:
    """(category, reason) pairs for this meeting, one per category, strongest first."""
    seen: set[str] = set()
    hints: list[ContextHint] = []
    for source in CONTEXT_SOURCES:
        for hint in source(meeting):
            if hint.category not in seen:
                seen.add(hint.category)
                hints.append(hint)
    return hints


def context_categories(meeting: Meeting) -> list[str]:
    return [hint.category for hint in context_hints(meeting)]


# --- Suggestions -------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    question: Question
    # Why this one, when the pair's context chose it; None when it is simply fresh.
    reason: str | None = None


def recent_meetings(meeting: Meeting) -> QuerySet[Meeting]:
    """This meeting and the ones before it, newest first, FRESH_FOR_MEETINGS in all. Skipped
    and cancelled meetings never happened, so they do not use up the window."""
    return (
        Meeting.objects.filter(
            one_on_one_id=meeting.one_on_one_id, scheduled_for__lte=meeting.scheduled_for
        )
        .exclude(status__in=(Meeting.Status.SKIPPED, Meeting.Status.CANCELLED))
        .order_by("-scheduled_for", "-pk")[:FRESH_FOR_MEETINGS]
    )


def recently_asked(meeting: Meeting) -> QuerySet[AskedQuestion]:
    window = recent_meetings(meeting).values("pk")
    return AskedQuestion.objects.filter(Q(meeting_id__in=window) | Q(meeting_id=meeting.pk))


def fresh_questions(
    meeting: Meeting, section: str, exclude: Collection[uuid.UUID | str] = ()
) -> list[Question]:
    """Active questions of the section not asked with this pair lately and not in `exclude`
    (the ones already shown). One query, whatever the length of the pair's history."""
    questions = active_questions().filter(section=section)
    questions = questions.exclude(pk__in=recently_asked(meeting).values("question_id"))
    if exclude:
        questions = questions.exclude(uuid__in=list(exclude))
    return list(questions)


def _rank(seed: object, question: Question) -> bytes:
    # A per-question key rather than a shuffle: removing one question (asked, or shown and
    # excluded) leaves the order of all the others as it was, so the screen does not jump.
    return hashlib.sha256(f"{seed}:{question.uuid}".encode()).digest()


def pick(
    pool: Iterable[Question],
    *,
    hints: Sequence[ContextHint] = (),
    covered: Collection[str] = (),
    count: int = SUGGESTIONS_PER_SECTION,
    seed: object = 0,
) -> list[Suggestion]:
    """Context first (one question per hinted category not yet covered in this meeting),
    then fresh categories, then whatever is left, in the seed's order."""
    ranked = sorted(pool, key=lambda question: _rank(seed, question))
    chosen: list[Suggestion] = []
    used = set(covered)
    # Context never takes every slot: a pair that always talks about promotions would
    # otherwise never be asked how they are, and the bank would shrink to a few categories.
    context_slots = max(1, count - 1)

    def take(question: Question, reason: str | None) -> None:
        chosen.append(Suggestion(question, reason))
        used.add(question.category)

    for hint in hints:
        if len(chosen) == context_slots:
            break
        if hint.category in used:
            continue
        match = next((q for q in ranked if q.category == hint.category), None)
        if match is not None:
            take(match, hint.reason)
    for vary in (True, False):
        for question in ranked:
            if len(chosen) == count:
                return chosen
            taken = any(s.question.pk == question.pk for s in chosen)
            if not taken and not (vary and question.category in used):
                take(question, None)
    return chosen


def suggest(
    *,
    meeting: Meeting,
    section: str,
    count: int = SUGGESTIONS_PER_SECTION,
    exclude: Collection[uuid.UUID | str] = (),
    seed: object = None,
    hints: Sequence[ContextHint] | None = None,
    covered: Collection[str] | None = None,
) -> list[Suggestion]:
    """`count` questions for one section of this meeting, none asked with the pair in its
    last FRESH_FOR_MEETINGS meetings. The same meeting gives the same questions on every
    load (the seed defaults to the meeting); `exclude` asks for others. `hints` and
    `covered` (categories already asked in this meeting) are read when not given."""
    if hints is None:
        hints = context_hints(meeting)
    if covered is None:
        covered = set(
            AskedQuestion.objects.filter(meeting=meeting, question__section=section).values_list(
                "question__category", flat=True
            )
        )
    return pick(
        fresh_questions(meeting, section, exclude),
        hints=hints,
        covered=covered,
        count=count,
        seed=meeting.pk if seed is None else seed,
    )


def asked_in_section(meeting: Meeting, section: str) -> list[AskedQuestion]:
    """The questions asked in this meeting's part `section`, in the order they were asked."""
    return list(
        AskedQuestion.objects.filter(meeting=meeting, question__section=section)
        .select_related("question")
        .order_by("asked_at", "pk")
    )


def asked_in(viewer: Person, meeting: Meeting) -> list[AskedQuestion]:
    """The questions the manager marked asked in this meeting, connection first, for the
    summary; empty for anyone else (the prompts are the manager's own)."""
    if not access.can_run_meeting_mode(viewer, meeting):
        return []
    return list(
        AskedQuestion.objects.filter(meeting=meeting)
        .select_related("question")
        .order_by("question__section", "asked_at", "pk")
    )


def active_question_ids(category: str) -> list[int]:
    """The primary keys of the bank's active questions of one category, in a fixed order."""
    return list(
        Question.objects.filter(category=category, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# A first 1:1 gets to know the person: one question from each of these, in this order.
GETTING_TO_KNOW_CATEGORIES = (Category.LIFE_OUTSIDE_WORK, Category.MOTIVATION, Category.TRUST)


def getting_to_know_questions(*, seed: object) -> list[Question]:
    """One active connection question per getting-to-know-you category (at most three), the
    same for the same seed: a pair's first agenda does not change when it is read again."""
    pool = active_questions().filter(
        section=Section.CONNECTION, category__in=GETTING_TO_KNOW_CATEGORIES
    )
    ranked = sorted(pool, key=lambda question: _rank(seed, question))
    chosen = []
    for category in GETTING_TO_KNOW_CATEGORIES:
        question = next((q for q in ranked if q.category == category), None)
        if question is not None:
            chosen.append(question)
    return chosen
