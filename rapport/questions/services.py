"""Changes to the question bank and to the record of questions asked in meetings."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from rapport import access, versions
from rapport.meetings.models import Meeting, OneOnOne, Section, TalkingPoint
from rapport.meetings.services import PROFILE_PROMPT, point_add
from rapport.people.models import Person
from rapport.questions.models import AskedQuestion, Category, Question
from rapport.questions.selectors import getting_to_know_questions, normalised

FOLLOW_UP_MAX = AskedQuestion._meta.get_field("follow_up").max_length or 500
TEXT_MAX = Question._meta.get_field("text").max_length or 300


@versions.bumps
def question_mark_asked(
    *, meeting: Meeting, question: Question, by: Person, follow_up: str | None = None
) -> AskedQuestion:
    """Record that the manager asked this question in this meeting. Pressing "Asked" twice
    (or from two devices) keeps one record. `follow_up` replaces the note when given; None
    leaves it as it is, so marking again never wipes what was written."""
    access.require(access.can_run_meeting_mode(by, meeting))
    note = None if follow_up is None else follow_up.strip()
    if note is not None and len(note) > FOLLOW_UP_MAX:
        raise ValidationError(
            gettext("Keep the follow-up under %(max)d characters.") % {"max": FOLLOW_UP_MAX}
        )
    asked = AskedQuestion.objects.filter(meeting=meeting, question=question).first()
    if asked is None:
        if not question.is_active:
            raise ValidationError(gettext("This question has been retired from the bank."))
        # get_or_create, because a second device may record the same question at this moment.
        asked, created = AskedQuestion.objects.get_or_create(
            meeting=meeting, question=question, defaults={"asked_by": by, "follow_up": note or ""}
        )
        if created:
            return asked
    if note is not None and asked.follow_up != note:
        asked.follow_up = note
        asked.save(update_fields=["follow_up"])
    return asked


@versions.bumps
@transaction.atomic
def question_add(*, text: str, section: str, category: str, by: Person) -> Question:
    """An organisation's own question, added to the bank next to the built-in ones."""
    access.require(access.can_add_questions(by))
    text = " ".join(text.split())
    if not normalised(text):
        raise ValidationError(gettext("Write the question in a few words."), code="empty")
    if len(text) > TEXT_MAX:
        raise ValidationError(
            gettext("Keep the question under %(max)d characters.") % {"max": TEXT_MAX}, code="long"
        )
    if section not in Section.values or category not in Category.values:
        raise ValidationError(
            gettext("Choose a section and a category from the lists."), code="choice"
        )
    wanted = normalised(text)
    for existing in Question.objects.values_list("text", flat=True):
        if normalised(existing) == wanted:
            raise ValidationError(
                gettext("The bank already holds this question: “%(text)s”.") % {"text": existing},
                code="duplicate",
            )
    try:
        with transaction.atomic():
            return Question.objects.create(
                text=text, section=section, category=category, is_builtin=False, created_by=by
            )
    except IntegrityError as clash:
        # Someone added the same text in the same moment.
        raise ValidationError(
            gettext("The bank already holds this question."), code="duplicate"
        ) from clash


@versions.bumps
@transaction.atomic
def first_one_on_ones_agenda(*, one_on_one: OneOnOne, by: Person) -> list[TalkingPoint]:
    """A new pair's first agenda: a few getting-to-know-you questions from the bank and the
    report's working-with-me profile to fill in. The manager authors them as the pair's routine.
    A pair that already has points (an existing pair set up again) is left as it is."""
    access.require(access.can_change_one_on_one(by, one_on_one))
    if TalkingPoint.objects.filter(one_on_one=one_on_one).exists():
        return []
    points = [
        point_add(
            one_on_one=one_on_one,
            author=one_on_one.manager,
            text=question.text,
            section=Section.CONNECTION,
        )
        for question in getting_to_know_questions(seed=one_on_one.uuid)
    ]
    points.append(
        point_add(
            one_on_one=one_on_one,
            author=one_on_one.manager,
            text=PROFILE_PROMPT,
            section=Section.CONNECTION,
        )
    )
    return points
