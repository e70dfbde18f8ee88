from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone as django_timezone
from django.utils.translation import gettext_lazy as _

from rapport.crypto.fields import EncryptedCharField
from rapport.people.models import Person


class Kind(models.TextChoices):
    REPORT_REMINDER = "report_reminder", _("Prepare for your 1:1 (to the report)")
    MANAGER_AGENDA = "manager_agenda", _("The agenda the day before (to the manager)")
    MEETING_RECAP = "meeting_recap", _("Recap after a 1:1 is held")
    WEEKLY_DIGEST = "weekly_digest", _("Monday digest of your team (to managers)")
    TEST = "test", _("Test email")
    PASSWORD_RESET = "password_reset", _("Password reset link")
    CALENDAR_INVITE = (
        "calendar_invite",
        _("Calendar invites for your 1:1s (set-up and every change)"),
    )
    INVITATION = "invitation", _("Invitation to Rapport (a new person's first email)")


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


# Chat reminders (notify/chat.py builds them, notify/services.py decides and sends them).
# Fewer tries than email and closer together: a chat reminder is worth little an hour late, and
# a webhook that answers 4xx/5xx five times running is usually revoked, not busy. The waits are
# 1, 2, 4, 8 and 16 minutes (31 min in all); then the delivery gives up and the webhook's page
# says so.
CHAT_MAX_ATTEMPTS = 6
# The kinds a chat webhook receives: the reminders, never a password reset, an invite or a test.
CHAT_KINDS = (
    Kind.REPORT_REMINDER,
    Kind.MANAGER_AGENDA,
    Kind.MEETING_RECAP,
    Kind.WEEKLY_DIGEST,
)


class ChatFlavour(models.TextChoices):
    SLACK = "slack", _("Slack incoming webhook")
    TEAMS = "teams", _("Microsoft Teams workflow webhook (Adaptive Card)")
    JSON = "json", _("Generic JSON webhook")


class ChatWebhook(models.Model):
    """Where a person's chat reminders go. `person` empty: the organisation's webhook, set by an
    admin, which receives the reminders of everyone without one of their own (a generic JSON
    router that delivers each message to its recipient, docs/notifications.md). The URL is a
    secret (a Slack or Teams webhook URL is the credential to post): pages show its host only."""

    person = models.OneToOneField(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="chat_webhook"
    )
    flavour = models.CharField(max_length=8, choices=ChatFlavour.choices)
    # A webhook address is a credential (whoever has it can post): encrypted at rest.
    url = EncryptedCharField(max_length=1000)
    set_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=django_timezone.now)
    last_ok_at = models.DateTimeField(null=True, blank=True)
    last_failed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["flavour"],
                condition=Q(person__isnull=True),
                name="chat_webhook_one_for_the_organisation",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(flavour="json"),
                name="chat_webhook_organisation_is_json",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_flavour_display()} of {self.person or 'the organisation'}"

    @property
    def is_failing(self) -> bool:
        """The newest delivery failed (one success since mends it)."""
        if self.last_failed_at is None:
            return False
        return self.last_ok_at is None or self.last_failed_at > self.last_ok_at


class ChatDelivery(models.Model):
    """One chat message, decided with its email (same transaction, same due reminder) and sent by
    the worker. Exactly once as for the outbox: the unique `key` (`chat:<email key>`) and a
    conditional UPDATE claim (notify/services.py)."""

    key = models.CharField(max_length=220, unique=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    webhook = models.ForeignKey(ChatWebhook, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    # The JSON body, built when decided (notify/chat.py): facts and a link, never any text
    # written in a 1:1.
    payload = models.TextField()
    created_at = models.DateTimeField(default=django_timezone.now)
    send_after = models.DateTimeField(default=django_timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes: ClassVar[list[Any]] = [
            models.Index(
                fields=["send_after"], condition=Q(sent_at__isnull=True), name="chat_unsent_due"
            ),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def gave_up(self) -> bool:
        return self.sent_at is None and self.attempts >= CHAT_MAX_ATTEMPTS
