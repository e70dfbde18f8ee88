"""What the team view keeps: a manager's dismissal of one occurrence of a signal."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils import timezone

from rapport.insights.rules import Rule
from rapport.meetings.models import OneOnOne
from rapport.people.models import Person


class SignalDismissal(models.Model):
    """The pair's manager has looked at a signal and set it aside, with a reason. It hides the
    signal only while its `since` stays the same: a new run of trouble shows again."""

    one_on_one = models.ForeignKey(OneOnOne, on_delete=models.CASCADE, related_name="+")
    rule = models.CharField(max_length=32, choices=Rule.choices)
    since = models.DateField()
    reason = models.CharField(max_length=200)
    dismissed_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    dismissed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["one_on_one", "rule", "since"], name="one_dismissal_per_occurrence"
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="dismissal_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} of {self.one_on_one} since {self.since} dismissed"
