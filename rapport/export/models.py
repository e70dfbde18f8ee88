"""A person's request for a copy of their data (GDPR articles 15 and 20), and the zip the
worker builds for it. The zip lives under the var dir (settings.RAPPORT_EXPORT_DIR), never
where static or media files are served: only the export's own view hands it out."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.people.models import Person

# How long a built export is offered; the worker deletes the file afterwards.
OFFERED_FOR = timedelta(days=7)


class DataExport(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        BUILDING = "building", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="data_exports")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(default=timezone.now)
    built_at = models.DateTimeField(null=True, blank=True)
    # The file's name inside RAPPORT_EXPORT_DIR (never a path given by anyone).
    file_name = models.CharField(max_length=80, blank=True)
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("-requested_at", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="ready") | models.Q(built_at__isnull=False),
                name="export_ready_has_built_at",
            ),
        ]

    def __str__(self) -> str:
        return f"export {self.uuid} of {self.person_id} ({self.status})"

    @property
    def expires_at(self) -> datetime | None:
        return self.built_at + OFFERED_FOR if self.built_at else None

    def is_expired(self, now: datetime) -> bool:
        """Offered for 7 days after it was built; afterwards the link says expired."""
        if self.status == self.Status.EXPIRED:
            return True
        return self.built_at is not None and now >= self.built_at + OFFERED_FOR

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.BUILDING)
