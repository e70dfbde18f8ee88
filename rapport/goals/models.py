from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from rapport.crypto.fields import EncryptedTextField
from rapport.goals.smart import PAST_DATE_HINT, GoalDraft, SmartResult, check
from rapport.goals.standing import Reading, read_standing
from rapport.meetings.models import Meeting, OneOnOne
from rapport.people.models import Person

# A goal due within this time shows as due soon.
DUE_SOON = timedelta(days=14)
# A goal nobody has talked about for this long, or in this many held meetings, has stalled.
STALL_AFTER = timedelta(days=28)
STALL_AFTER_MEETINGS = 3


class Kind(models.TextChoices):
    WORK = "work", _("Work")
    CAREER = "career", _("Career")
    PERSONAL = "personal", _("Personal")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


class ObstacleKind(models.TextChoices):
    """What kind of thing stands in the way: it chooses the coaching questions. Blank is "not
    sure yet", which gets questions that work for any obstacle."""

    TIME = "time", _("Time")
    SKILL = "skill", _("Skill")
    MOTIVATION = "motivation", _("Motivation")
    PEOPLE = "people", _("Other people")
    UNCLEAR = "unclear", _("Unclear target")


class GoalQuerySet(models.QuerySet["Goal"]):
    def open(self) -> GoalQuerySet:
        return self.filter(status__in=(Status.DRAFT, Status.ACTIVE))

    def overdue(self, today: date) -> GoalQuerySet:
        """The query of Goal.is_overdue: open, due before `today`."""
        return self.open().filter(due_on__lt=today)


class Goal(models.Model):
    """A goal of the report, coached in one 1:1. Either person drafts it; it becomes active when
    both agree; it ends achieved or dropped, with a short reflection."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    one_on_one = models.ForeignKey(OneOnOne, on_delete=models.CASCADE, related_name="goals")
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="goals")
    proposed_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.WORK)
    is_stretch = models.BooleanField(default=False)
    title = models.CharField(max_length=200)
    # S: what exactly
    specific = models.TextField(blank=True, max_length=2000)
    # M: metric, unit, baseline, target (and where it stands now)
    metric = models.CharField(max_length=120, blank=True)
    unit = models.CharField(max_length=40, blank=True)
    baseline = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    current = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    # A and R: confidence and what makes it realistic
    confidence = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    realistic_because = models.TextField(blank=True, max_length=2000)
    # R: why it matters to the person (required before a goal can become active)
    why = models.TextField(blank=True, max_length=2000)
    # T
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    manager_agreed_at = models.DateTimeField(null=True, blank=True)
    report_agreed_at = models.DateTimeField(null=True, blank=True)
    reflection = models.TextField(blank=True, max_length=2000)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = GoalQuerySet.as_manager()

    class Meta:
        ordering = ("status", "due_on", "created_at")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=~Q(status__in=["achieved", "dropped"]) | Q(closed_at__isnull=False),
                name="closed_goal_has_closed_at",
            ),
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["one_on_one", "status"])]

    def __str__(self) -> str:
        return self.title

    def draft(self) -> GoalDraft:
        return GoalDraft(
            title=self.title,
            specific=self.specific,
            metric=self.metric,
            unit=self.unit,
            baseline=self.baseline,
            target=self.target,
            confidence=self.confidence,
            realistic_because=self.realistic_because,
            why=self.why,
            due_on=self.due_on,
        )

    def smart(self, today: date) -> SmartResult:
        return check(self.draft(), today=today)

    def due_date_problem(self, today: date) -> str | None:
        """Why the due date cannot be written as it is (today or past); None when it can."""
        if self.due_on is not None and self.due_on <= today:
            return gettext(PAST_DATE_HINT)
        return None

    def is_overdue(self, today: date) -> bool:
        """Open (a draft or active) and due before `today`; Goal.objects.overdue is the query."""
        return self.is_open and self.due_on is not None and self.due_on < today

    def is_due_soon(self, today: date) -> bool:
        """Open and due within DUE_SOON from `today` (not overdue yet)."""
        return self.is_open and self.due_on is not None and today <= self.due_on <= today + DUE_SOON

    @property
    def is_open(self) -> bool:
        return self.status in (Status.DRAFT, Status.ACTIVE)

    # --- Agreement and activation ------------------------------------------------------------

    def has_agreed(self, person: Person) -> bool:
        if person.pk == self.one_on_one.manager_id:
            return self.manager_agreed_at is not None
        if person.pk == self.one_on_one.report_id:
            return self.report_agreed_at is not None
        return False

    def record_agreement(self, person: Person, at: datetime) -> None:
        """Note the agreement of one of the pair (nobody else's counts); not saved."""
        if person.pk == self.one_on_one.manager_id:
            self.manager_agreed_at = at
        elif person.pk == self.one_on_one.report_id:
            self.report_agreed_at = at

    @property
    def both_agreed(self) -> bool:
        return self.manager_agreed_at is not None and self.report_agreed_at is not None

    def activation_blockers(self, today: date) -> list[str]:
        """What stops a draft from becoming active. The rest of the SMART check is advice; a
        goal without a reason or a date drifts, so those two are required."""
        smart = self.smart(today)
        blockers = []
        if not self.why.strip():
            blockers.append(gettext("Write why this goal matters to the person."))
        elif not smart["relevant"].met:
            blockers.append(gettext("Why it matters: %(hint)s") % {"hint": smart["relevant"].hint})
        if not smart["time_bound"].met:
            blockers.append(gettext("Time-bound: %(hint)s") % {"hint": smart["time_bound"].hint})
        return blockers

    @property
    def started_at(self) -> datetime:
        """When the goal became active: both people agreed, or (for goals made before agreement
        was recorded) when it was created."""
        agreed = [at for at in (self.manager_agreed_at, self.report_agreed_at) if at is not None]
        return max(agreed) if len(agreed) == 2 else self.created_at

    # --- Status ------------------------------------------------------------------------------

    def closing_problem(self, outcome: str) -> str | None:
        """Why this goal cannot end with `outcome` now; None when it can."""
        if outcome not in (Status.ACHIEVED, Status.DROPPED):
            return gettext("A goal ends achieved or dropped.")
        if outcome == Status.ACHIEVED and self.status != Status.ACTIVE:
            return gettext("Only an active goal, one you both agreed to, can be achieved.")
        if not self.is_open:
            return gettext("This goal is already closed.")
        return None

    def stall_reason(
        self, *, updates_at: list[datetime], meetings_since_last_update: int, today: date
    ) -> str | None:
        """Why an active goal counts as stalled, in words; None when it does not: no update in
        STALL_AFTER (counted from activation when it has none) or in STALL_AFTER_MEETINGS held
        meetings of the pair since the last update."""
        if self.status != Status.ACTIVE:
            return None
        last = max(updates_at) if updates_at else self.started_at
        idle = today - timezone.localdate(last)
        if idle >= STALL_AFTER:
            if updates_at:
                return gettext(
                    "No progress recorded for %(days)s days (since progress was last recorded)."
                ) % {"days": idle.days}
            return gettext("No progress recorded for %(days)s days (since it became active).") % {
                "days": idle.days
            }
        if meetings_since_last_update >= STALL_AFTER_MEETINGS:
            return gettext("No progress recorded in the last %(count)s held meetings.") % {
                "count": meetings_since_last_update
            }
        return None

    def is_stalled(
        self, *, updates_at: list[datetime], meetings_since_last_update: int, today: date
    ) -> bool:
        reason = self.stall_reason(
            updates_at=updates_at,
            meetings_since_last_update=meetings_since_last_update,
            today=today,
        )
        return reason is not None

    def time_share(self, today: date) -> Decimal | None:
        """Share of the time from activation to the due date gone by `today`, 0 to 1; None
        without a due date after the start."""
        if self.due_on is None:
            return None
        start = timezone.localdate(self.started_at)
        span = (self.due_on - start).days
        if span <= 0:
            return None
        return Decimal(min(max((today - start).days, 0), span)) / Decimal(span)

    def standing(self, *, today: date, stall_reason: str | None, obstacle: str) -> Reading:
        """Where the goal stands in one word (see goals/standing.py): `stall_reason` from
        stall_reason() (or selectors.stall_reasons), `obstacle` that of the latest update."""
        return read_standing(
            status=self.status,
            confidence=self.confidence,
            has_obstacle=bool(obstacle.strip()),
            stall_reason=stall_reason,
            progress_share=self.progress(),
            time_share=self.time_share(today),
            overdue=self.is_overdue(today),
        )

    def progress(self) -> Decimal | None:
        """Share of the way from baseline to target, 0 to 1 (beyond 1 when exceeded)."""
        if self.baseline is None or self.target is None or self.current is None:
            return None
        span = self.target - self.baseline
        return (self.current - self.baseline) / span if span else None


class GoalUpdate(models.Model):
    """Progress recorded on a goal, usually in a 1:1: where it stands, how confident the person
    is, and the obstacle in the way if there is one (which brings coaching questions)."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="updates")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="goal_updates"
    )
    by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    confidence = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    obstacle = models.TextField(blank=True, max_length=2000)
    # Blank: not sure (or no obstacle).
    obstacle_kind = models.CharField(
        max_length=12, choices=ObstacleKind.choices, blank=True, default=""
    )
    note = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("created_at",)

    def __str__(self) -> str:
        return f"update on {self.goal_id} at {self.created_at:%Y-%m-%d}"


class CoachingStep(models.TextChoices):
    """GROW, in its order, then done."""

    GOAL = "goal", _("Goal")
    REALITY = "reality", _("Reality")
    OPTIONS = "options", _("Options")
    WILL = "will", _("Will")
    DONE = "done", _("Done")


COACHING_ORDER = (
    CoachingStep.GOAL,
    CoachingStep.REALITY,
    CoachingStep.OPTIONS,
    CoachingStep.WILL,
    CoachingStep.DONE,
)


class CoachingConversation(models.Model):
    """A coaching conversation about a goal, following GROW (goal, reality, options, will). The
    options and the decision are the pair's, in the person's own words; the private note is
    its author's alone (the manager who coached). The will step ends in an action item."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="coaching")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    obstacle = models.TextField(blank=True, max_length=2000)
    obstacle_kind = models.CharField(
        max_length=12, choices=ObstacleKind.choices, blank=True, default=""
    )
    step = models.CharField(max_length=10, choices=CoachingStep.choices, default=CoachingStep.GOAL)
    options = models.TextField(blank=True, max_length=4000)
    decision = models.TextField(blank=True, max_length=1000)
    action = models.ForeignKey(
        "meetings.ActionItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    private_note = EncryptedTextField(blank=True, max_length=4000)  # encrypted at rest
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=~Q(step="done") | Q(finished_at__isnull=False),
                name="finished_coaching_has_finished_at",
            ),
        ]

    def __str__(self) -> str:
        return f"coaching on {self.goal_id} at {self.created_at:%Y-%m-%d}"

    @property
    def is_finished(self) -> bool:
        return self.step == CoachingStep.DONE

    def step_number(self) -> int:
        """1 to 4 for the GROW steps (5 once done)."""
        return COACHING_ORDER.index(CoachingStep(self.step)) + 1

    def next_step(self) -> CoachingStep:
        index = COACHING_ORDER.index(CoachingStep(self.step))
        return COACHING_ORDER[min(index + 1, len(COACHING_ORDER) - 1)]

    def previous_step(self) -> CoachingStep:
        index = COACHING_ORDER.index(CoachingStep(self.step))
        return COACHING_ORDER[max(index - 1, 0)]

    def private_note_for(self, viewer: Person) -> str:
        """The private note, for its author only; empty for everyone else."""
        return self.private_note if viewer.pk == self.created_by_id else ""


# --- Stretch ---------------------------------------------------------------------------------

# Achieved with at least this share of the planned time left: it was within easy reach.
STRETCH_EARLY_SHARE = 0.4
# Achieved after this few progress updates (at most): reached without a struggle.
STRETCH_FEW_UPDATES = 2
# Confidence at 9-10 without a dip for this long (and in at least two updates): too safe.
STRETCH_CONFIDENT_FOR = timedelta(days=21)
STRETCH_CONFIDENCE = 9


def stretch_reason(
    *,
    status: str,
    started_on: date,
    due_on: date | None,
    closed_on: date | None,
    updates: Sequence[tuple[date, int | None]],
    today: date,
) -> str | None:
    """Why this goal invites a stretch, in words; None when it does not.

    `updates` are (day, confidence) of the goal's progress updates, oldest first. An achieved
    goal invites one when it was reached with STRETCH_EARLY_SHARE of its time left or in
    STRETCH_FEW_UPDATES updates or fewer; an active goal when every confidence given over the
    last STRETCH_CONFIDENT_FOR (and at least two) was STRETCH_CONFIDENCE or more."""
    if status == Status.ACHIEVED and closed_on is not None:
        if due_on is not None and due_on > started_on:
            left = (due_on - closed_on).days / (due_on - started_on).days
            if left >= STRETCH_EARLY_SHARE:
                days = (due_on - closed_on).days
                return gettext("Reached %(days)s days before its due date.") % {"days": days}
        if len(updates) <= STRETCH_FEW_UPDATES:
            count = len(updates)
            if count == 0:
                return gettext("Reached without a progress update.")
            return ngettext(
                "Reached in %(count)s update.", "Reached in %(count)s updates.", count
            ) % {"count": count}
        return None
    if status != Status.ACTIVE:
        return None
    rated = [(day, confidence) for day, confidence in updates if confidence is not None]
    # The run of high confidence that ends with the latest rating.
    run: list[date] = []
    for day, confidence in reversed(rated):
        if confidence < STRETCH_CONFIDENCE:
            break
        run.append(day)
    if len(run) >= 2 and today - min(run) >= STRETCH_CONFIDENT_FOR:
        weeks = (today - min(run)).days // 7
        return gettext("Confidence has stayed at %(low)s-10 for %(weeks)s weeks.") % {
            "low": STRETCH_CONFIDENCE,
            "weeks": weeks,
        }
    return None
