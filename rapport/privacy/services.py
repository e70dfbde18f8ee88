"""Erasure (GDPR article 17) and the retention policy: the writes that take data away.

Both are built the same way: a plan of steps (a kind of content, the rows it covers, and whether
those rows are deleted or emptied) is read first, then carried out row by row. The dry run is the
plan's counts; applying carries out a plan read again inside the same transaction, so what the
dry run says is what goes (tests/privacy check it). What stays, on purpose: the person row (with a
placeholder name), the 1:1s, their meetings (held, skipped, timing) and check-in scores, so that
every figure (retention, cadence, check-in aggregates) counts the same people before and after.

Who keeps what when a person is erased (docs/privacy.md, "Erasure"):
- Everything only they could see goes: their private points, private notes and unsaved note
  copies, their coaching notes, the check-in notes they kept to themselves, their working-with-me
  profile, the notes they gave for dismissing signals, the person cards in their 1:1s (about them,
  or written by them about a report), their days away, feed, email choices and outbox rows.
- A 1:1 of theirs keeps its shared content only while someone still here may read it: the other
  person has not left and `access.can_see_one_on_one` still lets them in (the report of a closed
  1:1 keeps its history; a manager loses a 1:1 when it closes). What they wrote there is then
  shown as written by "A former colleague". Otherwise nobody can ever read that 1:1 again, and
  all of its text goes, both people's, shared and private.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q, Value
from django.db.models.functions import Coalesce, Replace
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.html import escape
from django.utils.translation import gettext, gettext_noop
from django_tasks_db.models import DBTaskResult

from rapport import access, versions
from rapport.api.models import ApiToken
from rapport.audit import services as audit
from rapport.audit.models import Action as AuditAction
from rapport.checkins.models import CheckIn
from rapport.display import format_date
from rapport.export.models import DataExport
from rapport.export.services import export_dir
from rapport.goals.models import CoachingConversation, Goal, GoalUpdate
from rapport.insights.models import SignalDismissal
from rapport.meetings.models import (
    ActionItem,
    CalendarFeed,
    Meeting,
    Note,
    NoteConflictCopy,
    OneOnOne,
    PersonCard,
    TalkingPoint,
)
from rapport.notify.models import ChatDelivery, ChatWebhook, NotificationPreference, Outbox
from rapport.people.models import (
    DayAway,
    Invitation,
    LoginFailure,
    PasswordResetRequest,
    Person,
    WorkingProfile,
)
from rapport.privacy.models import Erasure
from rapport.questions.models import AskedQuestion

PLACEHOLDER_NAME = "A former colleague"
PLACEHOLDER_DOMAIN = "erased.invalid"

CHECKIN_TEXTS = ("wins", "challenges", "outside_work", "topics")


@dataclass(frozen=True)
class Step:
    """One kind of content: its rows, deleted (`empty` None) or emptied with `empty`."""

    kind: str
    rows: models.QuerySet[Any]
    empty: dict[str, Any] | None = None


@dataclass
class Plan:
    """Steps read in order; a row an earlier step took is never counted again."""

    steps: list[tuple[Step, list[int]]] = field(default_factory=list)
    taken: dict[type[models.Model], set[int]] = field(default_factory=dict)

    def add(self, step: Step) -> None:
        model = step.rows.model
        taken = self.taken.setdefault(model, set())
        pks = [
            pk for pk in step.rows.order_by("pk").values_list("pk", flat=True) if pk not in taken
        ]
        taken.update(pks)
        self.steps.append((step, pks))

    def counts(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for step, pks in self.steps:
            totals[step.kind] = totals.get(step.kind, 0) + len(pks)
        return totals

    def carry_out(self) -> dict[str, int]:
        """Deletes or empties exactly the planned rows; returns the rows each kind touched."""
        done: dict[str, int] = {}
        for step, pks in self.steps:
            model = step.rows.model
            rows = model._default_manager.filter(pk__in=pks)
            if step.empty is None:
                _total, per_model = rows.delete()
                touched = per_model.get(model._meta.label, 0)
            else:
                touched = rows.update(**step.empty)
            done[step.kind] = done.get(step.kind, 0) + touched
        return done


def _pair_steps(pairs: Iterable[int]) -> list[Step]:
    """All the text of these 1:1s, both people's, shared and private. The 1:1s, their meetings
    (status and timing) and check-in scores stay: the figures count them."""
    pairs = list(pairs)
    return [
        Step(
            gettext_noop("Unsaved note copies"),
            NoteConflictCopy.objects.filter(note__meeting__one_on_one__in=pairs),
        ),
        Step(gettext_noop("Notes"), Note.objects.filter(meeting__one_on_one__in=pairs)),
        Step(gettext_noop("Talking points"), TalkingPoint.objects.filter(one_on_one__in=pairs)),
        Step(
            gettext_noop("Coaching conversations"),
            CoachingConversation.objects.filter(goal__one_on_one__in=pairs),
        ),
        Step(
            gettext_noop("Goal progress updates"),
            GoalUpdate.objects.filter(goal__one_on_one__in=pairs),
        ),
        Step(gettext_noop("Goals"), Goal.objects.filter(one_on_one__in=pairs)),
        Step(gettext_noop("Action items"), ActionItem.objects.filter(one_on_one__in=pairs)),
        Step(gettext_noop("Person cards"), PersonCard.objects.filter(one_on_one__in=pairs)),
        Step(
            gettext_noop("Dismissed signals"), SignalDismissal.objects.filter(one_on_one__in=pairs)
        ),
        Step(
            gettext_noop("Check-in answers (scores kept)"),
            CheckIn.objects.filter(one_on_one__in=pairs).exclude(
                **{name: "" for name in CHECKIN_TEXTS}
            ),
            empty=dict.fromkeys(CHECKIN_TEXTS, ""),
        ),
        Step(
            gettext_noop("Follow-ups to asked questions"),
            AskedQuestion.objects.filter(meeting__one_on_one__in=pairs).exclude(follow_up=""),
            empty={"follow_up": ""},
        ),
        Step(
            gettext_noop("Reasons given for skipped meetings"),
            Meeting.objects.filter(one_on_one__in=pairs).exclude(status_reason=""),
            empty={"status_reason": ""},
        ),
    ]


# --- Erasure -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairFate:
    """What happens to one 1:1 of the erased person."""

    other: Person
    # The erased person's place in the 1:1: "manager" or "report".
    their_place: str
    kept: bool
    why: str


@dataclass(frozen=True)
class ErasureSummary:
    """The dry run's answer and the apply's result. `counts` holds numbers only."""

    person_id: int
    counts: dict[str, int]
    pairs: tuple[PairFate, ...]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def shown_counts(self) -> list[tuple[str, int]]:
        """The counts with each kind in the active language (the keys stay English)."""
        return [(kind_label(kind), count) for kind, count in self.counts.items()]

    def record(self) -> dict[str, Any]:
        """What an audit trail may keep: the fact and the numbers, no name and no content."""
        return {
            "person_id": self.person_id,
            "counts": dict(self.counts),
            "pairs_kept": sum(fate.kept for fate in self.pairs),
            "pairs_removed": sum(not fate.kept for fate in self.pairs),
        }


def erasure_refusal(person: Person, *, today: date) -> str | None:
    """Why this person cannot be erased (a sentence for the admin), or None when they can."""
    if Erasure.objects.filter(person=person).exists():
        return gettext("This person has already been erased.")
    if not person.has_left(today):
        if person.left_on is not None:
            return gettext(
                "%(name)s leaves on %(day)s. Only people who have left can be erased: come back "
                "after that day."
            ) % {"name": person.name, "day": format_date(person.left_on, "j F Y")}
        return gettext(
            "%(name)s has not left. Only people who have left can be erased: record their "
            "departure first."
        ) % {"name": person.name}
    return None


def _pair_fate(person: Person, pair: OneOnOne, today: date) -> PairFate:
    place = "manager" if pair.manager_id == person.pk else "report"
    other = pair.report if place == "manager" else pair.manager
    if other.has_left(today) or Erasure.objects.filter(person=other).exists():
        return PairFate(
            other,
            place,
            False,
            gettext("%(name)s has left too: nobody keeps it.") % {"name": other.name},
        )
    if not access.can_see_one_on_one(other, pair):
        return PairFate(
            other,
            place,
            False,
            gettext("%(name)s lost this 1:1 when it closed, so nobody still here can read it.")
            % {"name": other.name},
        )
    return PairFate(
        other,
        place,
        True,
        gettext(
            "%(name)s keeps its shared history; what the erased person wrote there shows as "
            'written by "%(placeholder)s".'
        )
        % {"name": other.name, "placeholder": PLACEHOLDER_NAME},
    )


# An erasure's counts name the content of a 1:1 removed whole with this prefix (kept in English
# in the Erasure row); `kind_label` shows it in the reader's language.
REMOVED_WHOLE = "1:1s removed whole: "


def kind_label(kind: str) -> str:
    """A kind of content of an erasure's counts, in the active language."""
    if kind.startswith(REMOVED_WHOLE):
        what = kind.removeprefix(REMOVED_WHOLE)
        for step in _pair_steps([]):  # querysets only: nothing is read
            if step.kind.lower() == what:
                label = gettext(step.kind)
                # English keeps its lower-case list; other languages capitalise as they need.
                what = what if label == step.kind else label
                return gettext("1:1s removed whole: %(what)s") % {"what": what}
    return gettext(kind)


def _erasure_plan(person: Person, *, today: date) -> tuple[Plan, tuple[PairFate, ...], list[int]]:
    pairs = list(
        OneOnOne.objects.filter(Q(manager=person) | Q(report=person))
        .select_related("manager", "report")
        .order_by("created_at", "pk")
    )
    fates = tuple(_pair_fate(person, pair, today) for pair in pairs)
    removed = [pair.pk for pair, fate in zip(pairs, fates, strict=True) if not fate.kept]
    plan = Plan()
    for step in _pair_steps(removed):
        plan.add(Step(f"{REMOVED_WHOLE}{step.kind.lower()}", step.rows, step.empty))
    own = [
        Step(
            gettext_noop("Their private talking points"),
            TalkingPoint.objects.filter(author=person, is_private=True),
        ),
        Step(
            gettext_noop("Their unsaved note copies"),
            NoteConflictCopy.objects.filter(author=person),
        ),
        Step(
            gettext_noop("Their private notes"),
            Note.objects.filter(author=person, kind=Note.Kind.PRIVATE),
        ),
        Step(
            gettext_noop("Their coaching notes"),
            CoachingConversation.objects.filter(created_by=person).exclude(private_note=""),
            empty={"private_note": ""},
        ),
        Step(
            gettext_noop("Check-in notes they kept to themselves"),
            CheckIn.objects.filter(report=person, outside_work_shared=False).exclude(
                outside_work=""
            ),
            empty={"outside_work": ""},
        ),
        Step(
            gettext_noop("Person cards"),
            PersonCard.objects.filter(one_on_one__in=[p.pk for p in pairs]),
        ),
        Step(
            gettext_noop("Their notes on dismissed signals"),
            SignalDismissal.objects.filter(dismissed_by=person),
        ),
        Step(
            gettext_noop("Their working-with-me profile"),
            WorkingProfile.objects.filter(person=person),
        ),
        Step(gettext_noop("Their days away"), DayAway.objects.filter(person=person)),
        Step(gettext_noop("Their calendar feed"), CalendarFeed.objects.filter(person=person)),
        Step(
            gettext_noop("Their email choices"),
            NotificationPreference.objects.filter(person=person),
        ),
        Step(gettext_noop("Their chat webhook"), ChatWebhook.objects.filter(person=person)),
        Step(gettext_noop("Chat messages to them"), ChatDelivery.objects.filter(recipient=person)),
        # The rows and, once the erasure is committed, their zip files (erasure_apply).
        Step(gettext_noop("Their data exports"), DataExport.objects.filter(person=person)),
        Step(gettext_noop("Their API tokens"), ApiToken.objects.filter(person=person)),
        Step(gettext_noop("Their invitations"), Invitation.objects.filter(person=person)),
        Step(
            gettext_noop("Emails to them"),
            Outbox.objects.filter(Q(recipient=person) | Q(to_address__iexact=person.email)),
        ),
        # A password-reset task carries the address in its arguments (the database backend).
        Step(
            gettext_noop("Background tasks that named them"),
            DBTaskResult.objects.filter(args_kwargs__icontains=person.email),
        ),
        Step(
            gettext_noop("Sign-in and password-reset records"),
            LoginFailure.objects.filter(email__iexact=person.email),
        ),
        Step(
            gettext_noop("Sign-in and password-reset records"),
            PasswordResetRequest.objects.filter(email__iexact=person.email),
        ),
    ]
    for step in own:
        plan.add(step)
    mentions = _mentions(person)
    if mentions:
        plan.add(mentions)
    if person.name:
        # A departure names the person in the meetings it cancelled ("The 1:1 ended: ...").
        plan.add(
            Step(
                gettext_noop("Mentions of them in cancelled meetings"),
                Meeting.objects.filter(status_reason__contains=person.name),
                {
                    "status_reason": Replace(
                        models.F("status_reason"), Value(person.name), Value(PLACEHOLDER_NAME)
                    )
                },
            )
        )
    return plan, fates, removed


def _mentions(person: Person) -> Step | None:
    """Other people's emails name the person (a reminder of "your 1:1 with ..."): the name and
    address are replaced with the placeholder there."""
    spellings = {person.name, escape(person.name), person.email} - {""}
    if not spellings:
        return None
    where = Q()
    for spelling in spellings:
        where |= Q(subject__contains=spelling) | Q(body_text__contains=spelling)
        where |= Q(body_html__contains=spelling)
    replaced: dict[str, Any] = {}
    for column in ("subject", "body_text", "body_html"):
        expression: Any = models.F(column)
        for spelling in sorted(spellings, key=len, reverse=True):
            expression = Replace(expression, Value(spelling), Value(PLACEHOLDER_NAME))
        replaced[column] = expression
    return Step(
        gettext_noop("Mentions of them in other people's emails"),
        Outbox.objects.filter(where),
        replaced,
    )


def _summary(person: Person, counts: dict[str, int], fates: tuple[PairFate, ...]) -> ErasureSummary:
    counts = {kind: count for kind, count in counts.items() if count}
    counts[gettext_noop("Their name, email and password (replaced by a placeholder)")] = 1
    return ErasureSummary(person_id=person.pk, counts=counts, pairs=fates)


def erasure_preview(*, person: Person, by: Person, today: date | None = None) -> ErasureSummary:
    """The dry run: exactly what `erasure_apply` would remove today, changing nothing."""
    access.require(access.can_erase_person(by))
    today = today or timezone.localdate()
    refusal = erasure_refusal(person, today=today)
    if refusal:
        raise ValidationError(refusal, code="not_erasable")
    plan, fates, _removed = _erasure_plan(person, today=today)
    return _summary(person, plan.counts(), fates)


@transaction.atomic
def _delete_export_files(names: list[str]) -> None:
    """The zips of an erased person's data exports (their rows went with the erasure)."""
    for name in names:
        (export_dir() / name).unlink(missing_ok=True)


@versions.bumps
def erasure_apply(*, person: Person, by: Person, today: date | None = None) -> ErasureSummary:
    """Erases a person who has left (see the module's docstring). Records the fact in an
    Erasure row (counts only); the caller may add it to an audit trail with `summary.record()`."""
    access.require(access.can_erase_person(by))
    today = today or timezone.localdate()
    person = Person.objects.select_for_update().get(pk=person.pk)
    refusal = erasure_refusal(person, today=today)
    if refusal:
        raise ValidationError(refusal, code="not_erasable")
    plan, fates, _removed = _erasure_plan(person, today=today)
    export_files = [
        name
        for name in DataExport.objects.filter(person=person).values_list("file_name", flat=True)
        if name
    ]
    done = plan.carry_out()
    transaction.on_commit(lambda: _delete_export_files(export_files))
    person.name = PLACEHOLDER_NAME
    # Greetings and "…'s shared notes" read the preferred name: the whole placeholder, not "A".
    person.preferred_name = PLACEHOLDER_NAME
    person.title = ""
    person.email = f"erased-{get_random_string(16).lower()}@{PLACEHOLDER_DOMAIN}"
    person.video_link = ""
    person.timezone = "UTC"
    person.is_active = False
    person.set_unusable_password()
    person.save()
    summary = _summary(person, done, fates)
    Erasure.objects.create(person=person, counts=summary.counts)
    audit.record(
        action=AuditAction.ERASURE,
        actor=by,
        subject=person,
        details={
            "items": sum(done.values()),
            "pairs_kept": sum(1 for fate in fates if fate.kept),
            "pairs_removed": sum(1 for fate in fates if not fate.kept),
        },
    )
    access.org_chart_changed()
    return summary


# --- Retention -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionPolicy:
    """Years to keep; 0 keeps for ever (the default for both)."""

    private_notes_years: int
    ended_pairs_years: int

    @classmethod
    def from_settings(cls) -> RetentionPolicy:
        return cls(
            private_notes_years=settings.RAPPORT_RETAIN_PRIVATE_NOTES_YEARS,
            ended_pairs_years=settings.RAPPORT_RETAIN_ENDED_PAIRS_YEARS,
        )

    @property
    def is_on(self) -> bool:
        return bool(self.private_notes_years or self.ended_pairs_years)


def years_before(moment: datetime, years: int) -> datetime:
    """The same wall-clock moment `years` earlier; 29 February becomes the 28th."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return (moment - timedelta(days=1)).replace(year=moment.year - years)


def _retention_plan(policy: RetentionPolicy, now: datetime) -> Plan:
    plan = Plan()
    if policy.ended_pairs_years:
        cutoff = years_before(now, policy.ended_pairs_years)
        ended = OneOnOne.objects.filter(
            status=OneOnOne.Status.CLOSED, closed_at__lt=cutoff
        ).values_list("pk", flat=True)
        for step in _pair_steps(ended):
            plan.add(Step(f"Ended 1:1s: {step.kind.lower()}", step.rows, step.empty))
    if policy.private_notes_years:
        cutoff = years_before(now, policy.private_notes_years)
        old_notes = Note.objects.filter(kind=Note.Kind.PRIVATE, updated_at__lt=cutoff)
        plan.add(
            Step(
                gettext_noop("Unsaved copies of old private notes"),
                NoteConflictCopy.objects.filter(note__in=old_notes),
            )
        )
        plan.add(Step(gettext_noop("Private notes"), old_notes))
        plan.add(
            Step(
                gettext_noop("Private talking points"),
                TalkingPoint.objects.filter(is_private=True, is_recurring=False)
                .annotate(last_used=Coalesce("discussed_at", "created_at"))
                .filter(last_used__lt=cutoff),
            )
        )
        plan.add(
            Step(
                gettext_noop("Coaching notes"),
                CoachingConversation.objects.filter(created_at__lt=cutoff).exclude(private_note=""),
                empty={"private_note": ""},
            )
        )
    return plan


def retention_preview(*, now: datetime, policy: RetentionPolicy | None = None) -> dict[str, int]:
    """What the policy would remove at `now`: rows per kind (zero kinds included)."""
    return _retention_plan(policy or RetentionPolicy.from_settings(), now).counts()


@versions.bumps_everyone
@transaction.atomic
def retention_apply(
    *, now: datetime, by: access.System, policy: RetentionPolicy | None = None
) -> dict[str, int]:
    """Applies the policy (the worker, daily, and `rapport retention`): rows per kind."""
    access.require(isinstance(by, access.System))
    done = _retention_plan(policy or RetentionPolicy.from_settings(), now).carry_out()
    if any(done.values()):
        audit.record(
            action=AuditAction.RETENTION_APPLIED, actor=by, details={"items": sum(done.values())}
        )
    return done
