"""What the team view keeps: a manager's dismissal of one occurrence of a signal, kept as
history after it is restored."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils import timezone

from rapport.crypto.fields import EncryptedCharField
from rapport.insights.rules import Rule
from rapport.meetings.models import OneOnOne
from rapport.people.models import Person


class SignalDismissal(models.Model):
    """The pair's manager has looked at a signal and set it aside, with a reason. It hides the
    signal only while its `since` stays the same: a new run of trouble shows again. Restoring it
    shows the signal again and keeps the row as history (`restored_at`), with the title and
    evidence the manager saw when dismissing."""

    one_on_one = models.ForeignKey(OneOnOne, on_delete=models.CASCADE, related_name="+")
    rule = models.CharField(max_length=32, choices=Rule.choices)
    since = models.DateField()
    reason = EncryptedCharField(max_length=200)  # encrypted at rest (rapport/crypto)
    dismissed_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    dismissed_at = models.DateTimeField(default=timezone.now)
    # What the signal said when it was dismissed: the evidence changes as the data does.
    title = models.CharField(max_length=200, blank=True)
    evidence = models.TextField(blank=True)
    restored_at = models.DateTimeField(null=True, blank=True)
    restored_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["one_on_one", "rule", "since"],
                condition=models.Q(restored_at__isnull=True),
                name="one_dismissal_per_occurrence",
            ),
            models.CheckConstraint(
                condition=models.Q(restored_at__isnull=True, restored_by__isnull=True)
                | models.Q(restored_at__isnull=False, restored_by__isnull=False),
                name="dismissal_restored_by_someone",
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="dismissal_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} of {self.one_on_one} since {self.since} dismissed"

    @property
    def evidence_lines(self) -> list[str]:
        return [line for line in self.evidence.splitlines() if line]

    @property
    def is_restored(self) -> bool:
        return self.restored_at is not None
