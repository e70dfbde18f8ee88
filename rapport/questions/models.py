from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rapport.meetings.models import Meeting, Section
from rapport.people.models import Person


class Category(models.TextChoices):
    # Connection
    CHECKING_IN = "checking_in", _("Checking in")
    LIFE_OUTSIDE_WORK = "life_outside_work", _("Life outside work")
    MOTIVATION = "motivation", _("Motivation")
    WELLBEING = "wellbeing", _("Wellbeing")
    TRUST = "trust", _("Trust and the relationship")
    # Performance
    PRIORITIES = "priorities", _("Priorities")
    EXCELLENCE = "excellence", _("Standard of excellence")
    EFFORT = "effort", _("Effort and attitude")
    ACCOUNTABILITY = "accountability", _("Accountability")
    OBSTACLES = "obstacles", _("Obstacles")
    # Coaching (GROW: goal, reality, options, will)
    COACHING_GOAL = "coaching_goal", _("Coaching: goal")
    COACHING_REALITY = "coaching_reality", _("Coaching: reality")
    COACHING_OPTIONS = "coaching_options", _("Coaching: options")
    COACHING_WILL = "coaching_will", _("Coaching: will")
    # Either section
    CAREER = "career", _("Career and growth")
    FEEDBACK = "feedback", _("Feedback both ways")
    WORKLOAD = "workload", _("Workload and burnout")


class Question(models.Model):
    """A question a manager can ask. Built-in ones ship as data; admins add their own."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    text = models.CharField(max_length=300)
    section = models.CharField(max_length=12, choices=Section.choices)
    category = models.CharField(max_length=24, choices=Category.choices)
    is_builtin = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("section", "category", "text")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["text"], name="question_text_unique"),
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["section", "category", "is_active"])]

    def __str__(self) -> str:
        return self.text

    @property
    def shown_text(self) -> str:
        """The text in the active language: a built-in question is translated (its English text
        is the message id, see builtin_texts.py); an organisation's own stays as written."""
        return gettext(self.text) if self.is_builtin else self.text


class AskedQuestion(models.Model):
    """A question asked in a meeting, so suggestions can stay fresh for that person."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="asked_questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    asked_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    follow_up = models.CharField(max_length=500, blank=True)
    asked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["meeting", "question"], name="asked_once_per_meeting"),
        ]

    def __str__(self) -> str:
        return f"{self.question} in {self.meeting}"
