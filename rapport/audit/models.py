"""The audit trail: who did what to people data, when. Append-only.

A row says that something happened (a sign-in, a change of role, an import) and to whom; its
`details` hold small facts about the act (the roles before and after, an import's counts, the
client address of a sign-in), never the content of a 1:1, a note or a profile. Rows are never
changed: `save()` refuses an update, `delete()` refuses, and the queryset's `update()` and
`delete()` refuse too. On PostgreSQL a trigger (migration 0001) refuses UPDATE and DELETE from
any client; only the retention purge (services.purge_expired) may delete rows older than the
retention, and only inside its own transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """An attempt to change or delete an audit event through the app."""


class Action(models.TextChoices):
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    SIGN_IN_CODE_FAILED = "sign_in_code_failed", _("Sign-in code refused")
    RECOVERY_CODE_USED = "recovery_code_used", _("Recovery code used")
    SECOND_FACTOR_ENROLLED = "second_factor_enrolled", _("Authenticator app set up")
    RECOVERY_CODES_RENEWED = "recovery_codes_renewed", _("Recovery codes renewed")
    SSO_SIGN_IN = "sso_sign_in", _("Signed in with SSO")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    PASSWORD_RESET = "password_reset", _("Password reset by email link")
    PERSON_EDITED = "person_edited", _("Person edited")
    ROLE_CHANGED = "role_changed", _("Role changed")
    MANAGER_CHANGED = "manager_changed", _("Manager changed")
    PEOPLE_IMPORTED = "people_imported", _("People imported")
    DEPARTURE_RECORDED = "departure_recorded", _("Departure recorded")
    DEPARTURE_SCHEDULED = "departure_scheduled", _("Departure scheduled")
    DEPARTURE_CANCELLED = "departure_cancelled", _("Scheduled departure cancelled")
    DEPARTURE_UNDONE = "departure_undone", _("Departure undone")
    INVITATION_SENT = "invitation_sent", _("Invitation sent")
    EXPORT_REQUESTED = "export_requested", _("Export requested")
    EXPORT_DOWNLOADED = "export_downloaded", _("Export downloaded")
    ERASURE = "erasure", _("Person erased")
    RETENTION_APPLIED = "retention_applied", _("Retention applied")
    OUTBOX_RETRIED = "outbox_retried", _("Failed emails retried")
    TEST_EMAIL_SENT = "test_email_sent", _("Test email sent")
    API_TOKEN_CREATED = "api_token_created", _("API token created")
    API_TOKEN_REVOKED = "api_token_revoked", _("API token revoked")
    AUDIT_PURGED = "audit_purged", _("Old audit events purged")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Audit events are never changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(
            "Audit events are never deleted; the retention purge removes old ones."
        )

    def purge_before(self, cutoff: datetime) -> int:
        """Only for services.purge_expired, which opens the database's gate first."""
        count, _ = models.QuerySet.delete(self.filter(at__lt=cutoff))
        return count


class AuditEvent(models.Model):
    at = models.DateTimeField(default=timezone.now, editable=False)
    # None: the installation itself (a command, the worker) or nobody known (a failed sign-in).
    # No database constraint and nothing done on delete: a person may be deleted (the demo's
    # people, say) and the event keeps their number unchanged, since it is never updated.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="audit_events_as_actor",
    )
    action = models.CharField(max_length=32, choices=Action.choices)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="audit_events_as_subject",
    )
    details = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ("-at", "-pk")
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["at"], name="auditevent_at"),
            models.Index(fields=["action", "at"], name="auditevent_action_at"),
            models.Index(fields=["actor", "at"], name="auditevent_actor_at"),
            models.Index(fields=["subject", "at"], name="auditevent_subject_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit events are never changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(
            "Audit events are never deleted; the retention purge removes old ones."
        )
