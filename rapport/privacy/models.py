"""The fact that a person was erased: when, and how many rows of each kind went. Never what
they said: the counts are numbers, the person row itself now holds a placeholder."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from rapport.people.models import Person


class Erasure(models.Model):
    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="erasure")
    erased_at = models.DateTimeField(default=timezone.now)
    # {"kind label": rows removed or emptied}: what the dry run promised and the apply did.
    counts = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"erasure of person {self.person_id} at {self.erased_at:%Y-%m-%d %H:%M}"
