from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from rapport.goals.smart import GoalDraft, SmartResult, check
from rapport.meetings.models import Meeting, OneOnOne
from rapport.people.models import Person

# A goal due within this time shows as due soon.
DUE_SOON = timedelta(days=14)


class Kind(models.TextChoices):
    WORK = "work", "Work"
    CAREER = "career", "Career"
    PERSONAL = "personal", "Personal"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    ACHIEVED = "achieved", "Achieved"
    DROPPED = "dropped", "Dropped"


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

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < today

    def is_due_soon(self, today: date) -> bool:
        """Open and due within DUE_SOON from `today` (not overdue yet)."""
        return self.is_open and self.due_on is not None and today <= self.due_on <= today + DUE_SOON

    @property
    def is_open(self) -> bool:
        return self.status in (Status.DRAFT, Status.ACTIVE)

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
    note = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("created_at",)

    def __str__(self) -> str:
        return f"update on {self.goal_id} at {self.created_at:%Y-%m-%d}"
