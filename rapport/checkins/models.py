"""The report's check-in before a 1:1: how they are, what went well and badly, and topics."""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from rapport.crypto.fields import EncryptedTextField
from rapport.meetings.models import Meeting, OneOnOne
from rapport.people.models import Person

SCALE = [MinValueValidator(1), MaxValueValidator(5)]


class CheckIn(models.Model):
    """One per meeting, by the pair's report. Scores are seen by both people of the pair (and
    by the organisation only in aggregates of five or more); the outside-work note reaches the
    manager only when the report switches `outside_work_shared` on."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="checkin")
    # Denormalised from the meeting so trends and team views read one table.
    one_on_one = models.ForeignKey(OneOnOne, on_delete=models.CASCADE, related_name="checkins")
    report = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="checkins")
    mood = models.PositiveSmallIntegerField(validators=SCALE)
    energy = models.PositiveSmallIntegerField(validators=SCALE)
    workload = models.PositiveSmallIntegerField(validators=SCALE)
    wins = models.TextField(blank=True, max_length=2000)
    challenges = models.TextField(blank=True, max_length=2000)
    # Encrypted at rest (rapport/crypto), shared with the manager or not.
    outside_work = EncryptedTextField(blank=True, max_length=2000)
    outside_work_shared = models.BooleanField(default=False)
    # One topic per line; each becomes a talking point of the report when submitted.
    topics = models.TextField(blank=True, max_length=2000)
    submitted_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["one_on_one", "submitted_at"]),
            # The organisation view's window of check-ins: for a subtree (a skip-level) per
            # person, for everyone (HR) by time alone. Without them every check-in of years
            # is read to keep twelve weeks.
            models.Index(fields=["report", "submitted_at"]),
            models.Index(fields=["submitted_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mood__gte=1, mood__lte=5)
                & models.Q(energy__gte=1, energy__lte=5)
                & models.Q(workload__gte=1, workload__lte=5),
                name="checkin_scores_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"Check-in of {self.report} for {self.meeting}"
