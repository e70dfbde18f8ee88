from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone as django_timezone

from rapport.people.models import Person


class Kind(models.TextChoices):
    REPORT_REMINDER = "report_reminder", "Prepare for your 1:1 (to the report)"
    MANAGER_AGENDA = "manager_agenda", "The agenda the day before (to the manager)"
    MEETING_RECAP = "meeting_recap", "Recap after a 1:1 is held"
    WEEKLY_DIGEST = "weekly_digest", "Monday digest of your team (to managers)"
    TEST = "test", "Test email"
    PASSWORD_RESET = "password_reset", "Password reset link"
    CALENDAR_INVITE = "calendar_invite", "Calendar invites for your 1:1s (set-up and every change)"
    INVITATION = "invitation", "Invitation to Rapport (a new person's first email)"


# Every kind a person may turn off; a test email is asked for by an admin, never a subscription.
CHOOSABLE_KINDS = (
    Kind.REPORT_REMINDER,
    Kind.MANAGER_AGENDA,
    Kind.MEETING_RECAP,
    Kind.WEEKLY_DIGEST,
    Kind.CALENDAR_INVITE,
)
# Kinds only the manager of a 1:1 receives: the preferences page offers them to managers only.
MANAGER_KINDS = (Kind.MANAGER_AGENDA, Kind.WEEKLY_DIGEST)


# An email is tried this many times before it counts as given up (notify/services.py spaces the
# tries out; the outbox page and the health view count the rows that gave up).
MAX_ATTEMPTS = 20


class Outbox(models.Model):
    """One email, from the moment it is decided until it is sent. The unique `key` names the
    message (`report_reminder:<person>:<meeting>`), so deciding twice still makes one row; a
    worker owns a row while `claimed_at` is recent, so two workers never send it both."""

    kind = models.CharField(max_length=32, choices=Kind.choices)
    key = models.CharField(max_length=200, unique=True)
    recipient = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    to_address = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField()
    # The signed one-click unsubscribe address (empty for test emails).
    unsubscribe_url = models.CharField(max_length=500, blank=True)
    # An iCalendar invite (iMIP, RFC 6047) sent with the email, and its METHOD (REQUEST or
    # CANCEL); empty for every other kind.
    calendar = models.TextField(blank=True, default="", db_default="")
    calendar_method = models.CharField(max_length=8, blank=True, default="", db_default="")
    created_at = models.DateTimeField(default=django_timezone.now)
    send_after = models.DateTimeField(default=django_timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=1000, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes: ClassVar[list[Any]] = [
            # The sender's question: what is unsent and due?
            models.Index(
                fields=["send_after"], condition=Q(sent_at__isnull=True), name="outbox_unsent_due"
            ),
        ]

    def __str__(self) -> str:
        return self.key


class NotificationPreference(models.Model):
    """Which emails one person gets. No row means every kind is on."""

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="notification_preference"
    )
    report_reminder = models.BooleanField(default=True)
    manager_agenda = models.BooleanField(default=True)
    meeting_recap = models.BooleanField(default=True)
    weekly_digest = models.BooleanField(default=True)
    calendar_invite = models.BooleanField(default=True, db_default=True)
    updated_at = models.DateTimeField(default=django_timezone.now)

    def __str__(self) -> str:
        return f"email choices of {self.person}"

    def wants(self, kind: str) -> bool:
        return kind not in CHOOSABLE_KINDS or bool(getattr(self, kind))


class SeriesInvite(models.Model):
    """The newest calendar SEQUENCE of a pair whose invites were queued. The worker queues
    invites for a pair whose `calendar_sequence` is higher: only the newest, so five changes
    between two ticks make one update, not five."""

    one_on_one = models.OneToOneField(
        "meetings.OneOnOne", on_delete=models.CASCADE, related_name="+"
    )
    sequence = models.PositiveIntegerField()
    updated_at = models.DateTimeField(default=django_timezone.now)

    def __str__(self) -> str:
        return f"invites of {self.one_on_one_id} up to sequence {self.sequence}"
