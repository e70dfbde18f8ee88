"""Reminders and emails: the tick that decides what is due, and the sender that delivers it.

Exactly once, in two halves. Deciding: every email is an Outbox row whose unique key names the
message, so a tick run twice (or by two workers at once) makes one row. Sending: a worker owns a
row only after a conditional UPDATE that succeeds for one claimant alone (`claimed_at` empty or
stale, `sent_at` empty), so two workers never send the same row; a worker that dies mid-batch
leaves its claims to expire, and the rows are sent by the next one. The one gap no outbox can
close: a crash after the SMTP server accepted a message and before `sent_at` was written sends
that message again once its claim expires.
"""

from __future__ import annotations

import email.policy
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from email.message import Message
from email.policy import Policy
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from rapport import access
from rapport.meetings.models import Meeting, OneOnOne
from rapport.meetings.services import schedules_extend_due
from rapport.notify import emails
from rapport.notify.emails import Email
from rapport.notify.models import CHOOSABLE_KINDS, Kind, NotificationPreference, Outbox
from rapport.notify.selectors import managers_with_active_pairs
from rapport.people.models import Person, normalise_email

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# Retries wait 1, 2, 4, 8, 16 minutes: a mail server that is down for half an hour loses nothing.
BACKOFF_BASE = timedelta(minutes=1)
# A claim older than this belongs to a worker that died; the row is free to send again.
CLAIM_EXPIRES = timedelta(minutes=10)
# A meeting marked held later than this after its time gets no recap (no surprise floods).
RECAP_WINDOW = timedelta(days=3)
DIGEST_WEEKDAY = 0  # Monday


# --- Preferences ----------------------------------------------------------------------------


def preference_of(person: Person) -> NotificationPreference:
    """The person's choices; an unsaved all-on row when they never changed any."""
    found = NotificationPreference.objects.filter(person=person).first()
    return found or NotificationPreference(person=person)


def preference_set(*, person: Person, kinds: Iterable[str]) -> NotificationPreference:
    chosen = set(kinds)
    values: dict[str, object] = {kind.value: kind in chosen for kind in CHOOSABLE_KINDS}
    values["updated_at"] = timezone.now()
    preference, _ = NotificationPreference.objects.update_or_create(person=person, defaults=values)
    return preference


def unsubscribe(*, person: Person, kind: str) -> NotificationPreference:
    kept = [k for k in CHOOSABLE_KINDS if k != kind and preference_of(person).wants(k)]
    return preference_set(person=person, kinds=kept)


# --- Deciding what is due -------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """A message that is due: its key, and how to render it if it does not exist yet."""

    key: str
    kind: str
    person: Person
    meeting: Meeting | None = None
    week_start: datetime | None = None


def local_moment(day: date, person: Person) -> datetime:
    """The reminder hour of `day` on the person's own clock (daylight saving included)."""
    return datetime.combine(
        day, time(settings.RAPPORT_REMINDER_HOUR), tzinfo=ZoneInfo(person.timezone)
    )


def local_date(moment: datetime, person: Person) -> date:
    return moment.astimezone(ZoneInfo(person.timezone)).date()


def message_key(kind: str, person: Person, ref: str) -> str:
    return f"{kind}:{person.uuid}:{ref}"


def _upcoming(now: datetime) -> QuerySet[Meeting]:
    horizon = now + timedelta(days=settings.RAPPORT_REMINDER_DAYS_BEFORE + 2)
    return Meeting.objects.filter(
        status=Meeting.Status.UPCOMING,
        one_on_one__status=OneOnOne.Status.ACTIVE,
        scheduled_for__gt=now,
        scheduled_for__lte=horizon,
    ).select_related("one_on_one__manager", "one_on_one__report")


def due_reminders(now: datetime) -> list[Due]:
    """The report's reminder N days before (by their calendar) and the manager's agenda the
    day before (by theirs), each at the reminder hour of the recipient's own day."""
    days_before = settings.RAPPORT_REMINDER_DAYS_BEFORE
    due = []
    for meeting in _upcoming(now):
        report, manager = meeting.one_on_one.report, meeting.one_on_one.manager
        report_day = local_date(meeting.scheduled_for, report) - timedelta(days=days_before)
        if local_moment(report_day, report) <= now:
            key = message_key(Kind.REPORT_REMINDER, report, str(meeting.uuid))
            due.append(Due(key, Kind.REPORT_REMINDER, report, meeting))
        manager_day = local_date(meeting.scheduled_for, manager) - timedelta(days=1)
        if local_moment(manager_day, manager) <= now:
            key = message_key(Kind.MANAGER_AGENDA, manager, str(meeting.uuid))
            due.append(Due(key, Kind.MANAGER_AGENDA, manager, meeting))
    return due


def due_recaps(now: datetime) -> list[Due]:
    held = Meeting.objects.filter(
        status=Meeting.Status.HELD,
        one_on_one__status=OneOnOne.Status.ACTIVE,
        scheduled_for__gte=now - RECAP_WINDOW,
        scheduled_for__lte=now,
    ).select_related("one_on_one__manager", "one_on_one__report")
    # After the meeting's planned end, so that notes written in it make the recap.
    return [
        Due(
            message_key(Kind.MEETING_RECAP, person, str(meeting.uuid)),
            Kind.MEETING_RECAP,
            person,
            meeting,
        )
        for meeting in held
        if meeting.ends_at <= now
        for person in (meeting.one_on_one.manager, meeting.one_on_one.report)
    ]


def due_digests(now: datetime) -> list[Due]:
    """Monday from the reminder hour on, in each manager's own zone."""
    due = []
    for manager in managers_with_active_pairs():
        local = now.astimezone(ZoneInfo(manager.timezone))
        if local.weekday() != DIGEST_WEEKDAY or local.hour < settings.RAPPORT_REMINDER_HOUR:
            continue
        week_start = datetime.combine(local.date(), time(0), tzinfo=local.tzinfo)
        year, week, _ = local.date().isocalendar()
        key = message_key(Kind.WEEKLY_DIGEST, manager, f"{year}-W{week:02d}")
        due.append(Due(key, Kind.WEEKLY_DIGEST, manager, week_start=week_start))
    return due


def render(due: Due) -> Email:
    if due.kind == Kind.REPORT_REMINDER and due.meeting is not None:
        return emails.report_reminder(meeting=due.meeting, report=due.person)
    if due.kind == Kind.MANAGER_AGENDA and due.meeting is not None:
        return emails.manager_agenda(meeting=due.meeting, manager=due.person)
    if due.kind == Kind.MEETING_RECAP and due.meeting is not None:
        return emails.meeting_recap(meeting=due.meeting, person=due.person)
    if due.kind == Kind.WEEKLY_DIGEST and due.week_start is not None:
        return emails.weekly_digest(manager=due.person, week_start=due.week_start)
    raise ValueError(f"cannot render {due.key}")


def outbox_add(email: Email, *, send_after: datetime | None = None) -> bool:
    """Store the email unless a row with its key exists. True when this call created it."""
    _, created = Outbox.objects.get_or_create(
        key=email.key,
        defaults={
            "kind": email.kind,
            "recipient": email.recipient,
            "to_address": email.to,
            "subject": email.subject[:300],
            "body_text": email.text,
            "body_html": email.html,
            "unsubscribe_url": email.unsubscribe_url,
            "send_after": send_after or timezone.now(),
        },
    )
    return created


@dataclass(frozen=True)
class TickResult:
    meetings_added: int
    emails_added: int
    enqueued: bool


def notify_tick(*, now: datetime | None = None) -> TickResult:
    """Run once a minute (by `rapport worker`): keep meeting rows ahead, turn what is due into
    outbox rows, and enqueue sending once the rows are committed. Safe to run twice, or in two
    workers at once: existing keys are skipped and the unique key refuses a second row."""
    now = now or timezone.now()
    meetings_added = schedules_extend_due(now=now)
    candidates = due_reminders(now) + due_recaps(now) + due_digests(now)
    existing = set(
        Outbox.objects.filter(key__in=[d.key for d in candidates]).values_list("key", flat=True)
    )
    fresh = [d for d in candidates if d.key not in existing and d.person.is_active]
    choices = {
        p.person_id: p
        for p in NotificationPreference.objects.filter(person__in=[d.person for d in fresh])
    }
    added = 0
    # Row by row, each in its own short transaction: on SQLite a tick never holds the write
    # lock while it renders a batch of emails, so pages do not wait for it.
    for due in fresh:
        preference = choices.get(due.person.pk)
        if preference is not None and not preference.wants(due.kind):
            continue
        added += outbox_add(render(due), send_after=now)
    enqueued = sending_due_exists(now)
    if enqueued:
        enqueue_sending()
    return TickResult(meetings_added=meetings_added, emails_added=added, enqueued=enqueued)


# --- Sending --------------------------------------------------------------------------------


def enqueue_sending() -> None:
    """Ask the task backend to send what is due, once the current transaction commits (a
    rolled-back change enqueues nothing)."""
    from rapport.notify.tasks import send_due_emails

    transaction.on_commit(send_due_emails.enqueue)


def _sendable(now: datetime) -> QuerySet[Outbox]:
    return Outbox.objects.filter(
        sent_at__isnull=True, send_after__lte=now, attempts__lt=MAX_ATTEMPTS
    ).filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_EXPIRES))


def sending_due_exists(now: datetime) -> bool:
    return _sendable(now).exists()


def outbox_claim(row_id: int, *, now: datetime) -> bool:
    """One worker wins: the UPDATE re-checks its WHERE clause under the row lock (PostgreSQL)
    or the write lock (SQLite), so a second claimant finds the row taken and updates nothing."""
    return _sendable(now).filter(pk=row_id).update(claimed_at=now) == 1


def backoff(attempts: int) -> timedelta:
    return BACKOFF_BASE * 2 ** max(attempts - 1, 0)


class OutboxMessage(EmailMultiAlternatives):
    def message(self, *, policy: Policy[Message[str, str]] | None = None) -> Any:
        # A List-Unsubscribe address is longer than 78 characters and has no space to fold at;
        # at the default length Python would turn it into an encoded word that mail programs
        # cannot read. 998 is RFC 5322's hard limit, so every header still stays legal.
        return super().message(policy=(policy or email.policy.default).clone(max_line_length=998))


def message_for(row: Outbox) -> EmailMultiAlternatives:
    headers = {"Auto-Submitted": "auto-generated"}
    if row.unsubscribe_url:
        # RFC 2369 and RFC 8058: mail programs show an unsubscribe button that POSTs here.
        headers["List-Unsubscribe"] = f"<{row.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = OutboxMessage(
        subject=row.subject,
        body=row.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.to_address],
        headers=headers,
    )
    message.attach_alternative(row.body_html, "text/html")
    return message


def outbox_deliver(row: Outbox, *, now: datetime | None = None) -> bool:
    """Send one claimed row. On failure the row waits (exponential backoff) and is retried
    until MAX_ATTEMPTS, its error kept for the admins' outbox page."""
    try:
        message_for(row).send()
    except Exception as error:
        attempts = row.attempts + 1
        moment = now or timezone.now()
        Outbox.objects.filter(pk=row.pk).update(
            attempts=attempts,
            last_error=f"{type(error).__name__}: {error}"[:1000],
            claimed_at=None,
            send_after=moment + backoff(attempts),
        )
        logger.warning("email %s failed (attempt %s): %s", row.key, attempts, error)
        return False
    Outbox.objects.filter(pk=row.pk).update(
        sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
    )
    return True


def outbox_send_due(*, now: datetime | None = None, limit: int = 200) -> int:
    """Claim and send due rows one at a time; returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    candidates = list(
        _sendable(now).order_by("send_after", "pk").values_list("pk", flat=True)[:limit]
    )
    for row_id in candidates:
        if not outbox_claim(row_id, now=now):
            continue  # another worker has it
        sent += outbox_deliver(Outbox.objects.get(pk=row_id), now=now)
    return sent


def outbox_retry_failed(*, by: Person, now: datetime | None = None) -> int:
    """An admin, once the mail server is mended, sends every failed email again now: those
    waiting between tries, and those that ran out of tries (they get a full set of tries
    again). Returns how many."""
    access.require(access.can_run_outbox(by))
    retried = Outbox.objects.filter(sent_at__isnull=True, attempts__gt=0).update(
        attempts=0, send_after=now or timezone.now(), claimed_at=None
    )
    if retried:
        enqueue_sending()
    return retried


def test_email_queue(*, to: str, by: Person) -> Outbox:
    """An admin's test message: stored like every other email, sent by the worker."""
    access.require(access.can_run_outbox(by))
    email = emails.test_email(to=to, by=by, nonce=uuid.uuid4().hex)
    outbox_add(email)
    enqueue_sending()
    return Outbox.objects.get(key=email.key)


def password_reset_email_queue(*, email: str, key: str) -> bool:
    """Run by a task, outside the request that asked: look the address up and, for an active
    account, store its reset email under `key` (the request's own, so running the task twice
    still sends one) for the worker to send. True when a row was added.

    Imported people have no usable password yet and set their first one through this same
    link, so every active account may receive it; demo accounts do not in production."""
    person = Person.objects.filter(email=normalise_email(email), is_active=True).first()
    if person is None or (settings.PRODUCTION and person.is_demo):
        return False
    # The request already counted this account's resets; this keeps the mailbox safe even if
    # those counts were lost (the limit is about emails, so it is checked where they are made).
    since = timezone.now() - timedelta(seconds=settings.PASSWORD_RESET_LIMIT_WINDOW_SECONDS)
    sent = Outbox.objects.filter(kind=Kind.PASSWORD_RESET, recipient=person, created_at__gte=since)
    if sent.exclude(key=key).count() >= settings.PASSWORD_RESET_ACCOUNT_LIMIT:
        return False
    created = outbox_add(emails.password_reset(person=person, key=key))
    if created:
        enqueue_sending()
    return created
