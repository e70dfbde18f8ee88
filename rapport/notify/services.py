"""Reminders and emails: the tick that decides what is due, and the sender that delivers it.

Exactly once, in two halves. Deciding: every email is an Outbox row whose unique key names the
message, so a tick run twice (or by two workers at once) makes one row. Sending: a worker owns a
row only after a conditional UPDATE that succeeds for one claimant alone (`claimed_at` empty or
stale, `sent_at` empty), so two workers never send the same row. A claim is taken one row at a
time, just before that row is sent, and stamped with the time it is taken; it lives longer than
the slowest possible send (claim_lifetime), so only a worker that died leaves a claim to expire,
and the next worker sends that row. Recording "sent" survives a database reconnect
(record_sent). The one gap no outbox can close: a crash after the SMTP server accepted a
message and before `sent_at` was committed sends that message again once its claim expires; it
carries the same Message-ID, so mail programs show it once (docs/operations.md).
"""

from __future__ import annotations

import email.policy
import hashlib
import logging
import time as time_module
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from email.message import Message
from email.policy import Policy
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from rapport import access
from rapport.audit import services as audit
from rapport.audit.models import Action as AuditAction
from rapport.meetings import ical
from rapport.meetings.models import Meeting, OneOnOne
from rapport.meetings.services import departures_apply_due, schedules_extend_due
from rapport.notify import chat, emails
from rapport.notify.emails import Email
from rapport.notify.models import (
    CHAT_KINDS,
    CHAT_MAX_ATTEMPTS,
    CHOOSABLE_KINDS,
    MAX_ATTEMPTS,
    ChatDelivery,
    ChatWebhook,
    Kind,
    NotificationPreference,
    Outbox,
    SeriesInvite,
)
from rapport.notify.selectors import blank_addresses, managers_with_active_pairs
from rapport.people.models import Invitation, Person, normalise_email

logger = logging.getLogger(__name__)

# Retries wait 1, 2, 4, 8, 16, 32, 64 minutes and then every 2 hours: 19 waits, 26 h 7 min in
# all, so a mail server that is down for a whole day loses nothing. Rows that still gave up are
# tried again when a later send succeeds (REVIVE_WINDOW) or from the outbox page.
# MAX_ATTEMPTS (20) is in notify/models.py.
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=2)
# A claim older than this belongs to a worker that died; the row is free to send again. It must
# outlive the slowest send (claim_lifetime checks it against the SMTP timeout).
CLAIM_EXPIRES = timedelta(minutes=10)
# The SMTP backend's timeout bounds each network step; one send is at most this many steps
# (connect, EHLO, STARTTLS, EHLO, AUTH, MAIL, RCPT, DATA, the message, QUIT).
SMTP_STEPS = 10
CLAIM_MARGIN = timedelta(minutes=1)
# A batch stops taking new rows after this long; the next tick enqueues the rest. It bounds how
# long a sending task runs (TASK_STALE_AFTER in rapport/notify/tasks.py builds on it).
BATCH_SECONDS = 15 * 60
# Rows that gave up and were made this recently are tried again when the mail server is back.
REVIVE_WINDOW = timedelta(days=3)
# Recording "sent" after the mail server accepted: waits between tries across a reconnect
# (about 30 s in all, longer than a PostgreSQL restart).
RECORD_WAITS = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)
# A meeting marked held later than this after its time gets no recap (no surprise floods).
RECAP_WINDOW = timedelta(days=3)
DIGEST_WEEKDAY = 0  # Monday
# Pairs invited per tick: the first tick after invites arrive on a big organisation invites
# every pair, a batch a minute, so no tick runs for minutes.
INVITE_BATCH = 200


# --- Preferences ----------------------------------------------------------------------------


def preference_of(person: Person) -> NotificationPreference:
    """The person's choices; an unsaved all-on row when they never changed any."""
    found = NotificationPreference.objects.filter(person=person).first()
    return found or NotificationPreference(person=person)


def preference_set(
    *, person: Person, kinds: Iterable[str], offered: Iterable[str] | None = None
) -> NotificationPreference:
    """`kinds` on, every other kind of `offered` (default: every choosable kind) off; kinds
    not offered keep their value (a report's hidden manager kinds stay as they were)."""
    chosen = set(kinds)
    choosable = set(CHOOSABLE_KINDS if offered is None else offered) & set(CHOOSABLE_KINDS)
    current = preference_of(person)
    values: dict[str, object] = {
        kind.value: kind in chosen if kind in choosable else current.wants(kind)
        for kind in CHOOSABLE_KINDS
    }
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
            "calendar": email.calendar,
            "calendar_method": email.calendar_method,
            "send_after": send_after or timezone.now(),
        },
    )
    return created


# --- Calendar invites -------------------------------------------------------------------------


def pairs_to_invite() -> QuerySet[OneOnOne]:
    """Pairs whose calendar SEQUENCE is newer than the last one invited (a new pair: never
    invited). One query."""
    invited = SeriesInvite.objects.filter(one_on_one=OuterRef("pk")).values("sequence")[:1]
    return (
        OneOnOne.objects.annotate(invited=Subquery(invited))
        .filter(Q(invited__isnull=True) | Q(invited__lt=F("calendar_sequence")))
        .select_related("manager", "report")
        .order_by("pk")
    )


def invites_queue_due(*, now: datetime) -> int:
    """Queue one invite email per person for the newest SEQUENCE of every pair that changed:
    the whole series as a REQUEST, or a CANCEL once the pair closed. Exactly once: the outbox
    key names the person, the pair and the sequence, so two workers make one row; then the
    sequence is recorded, never lowered. Returns how many emails were added."""
    added = 0
    for pair in pairs_to_invite()[:INVITE_BATCH]:
        # A pair that closed before any invite went out is in no calendar: nothing to cancel.
        if pair.is_active or pair.invited is not None:  # type: ignore[attr-defined]
            added += _invite_pair(pair, now=now)
        with transaction.atomic():
            record, _ = SeriesInvite.objects.get_or_create(
                one_on_one=pair, defaults={"sequence": pair.calendar_sequence}
            )
            SeriesInvite.objects.filter(pk=record.pk, sequence__lt=pair.calendar_sequence).update(
                sequence=pair.calendar_sequence, updated_at=now
            )
    return added


def _invite_pair(pair: OneOnOne, *, now: datetime) -> int:
    method = ical.REQUEST if pair.is_active else ical.CANCEL
    people = [person for person in (pair.manager, pair.report) if person.is_active]
    wanted = [person for person in people if preference_of(person).wants(Kind.CALENDAR_INVITE)]
    keys = {
        person.pk: message_key(
            Kind.CALENDAR_INVITE, person, f"{pair.uuid}:{pair.calendar_sequence}"
        )
        for person in wanted
    }
    fresh = [p for p in wanted if not Outbox.objects.filter(key=keys[p.pk]).exists()]
    if not fresh:
        return 0
    calendar = ical.series_ics(pair, now=now, method=method)
    return sum(
        outbox_add(
            emails.calendar_invite(
                one_on_one=pair, person=person, method=method, calendar=calendar, now=now
            ),
            send_after=now,
        )
        for person in fresh
    )


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
    departures_apply_due(now=now)
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
    webhooks = chat_webhooks_of([d.person for d in fresh])
    added = 0
    # Row by row, each in its own short transaction: on SQLite a tick never holds the write
    # lock while it renders a batch of emails, so pages do not wait for it. A reminder's chat
    # message is decided with its email, in the same transaction: both or neither, once.
    for due in fresh:
        preference = choices.get(due.person.pk)
        if preference is not None and not preference.wants(due.kind):
            continue
        email = render(due)
        webhook = webhooks.get(due.person.pk)
        message = render_chat(due) if webhook is not None and due.kind in CHAT_KINDS else None
        with transaction.atomic():
            created = outbox_add(email, send_after=now)
            if created and webhook is not None and message is not None:
                chat_add(message, webhook=webhook, send_after=now)
        added += created
    added += invites_queue_due(now=now)
    added += invitations_queue_due(now=now)
    enqueued = sending_due_exists(now)
    if enqueued:
        enqueue_sending()
    # Chat goes out in its own task: a slow or dead webhook never holds an email back.
    if chat_due_exists(now):
        enqueue_chat_sending()
    if _runs_database_tasks():
        tasks_reclaim_stale(now=now)
    return TickResult(meetings_added=meetings_added, emails_added=added, enqueued=enqueued)


# --- Sending --------------------------------------------------------------------------------


def _runs_database_tasks() -> bool:
    from django.tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(task_backends["default"], DatabaseBackend)


def enqueue_sending() -> None:
    """Ask the task backend to send what is due, once the current transaction commits (a
    rolled-back change enqueues nothing)."""
    from rapport.notify.tasks import enqueue_or_log, send_due_emails

    # A broker error must not fail a request whose work is committed: the tick sends due rows
    # anyway, within a minute.
    transaction.on_commit(lambda: enqueue_or_log(send_due_emails))


def _sendable(now: datetime, *, current: datetime | None = None) -> QuerySet[Outbox]:
    """Unsent rows due by `now` and not claimed by a live worker as of `current` (the moment
    of asking; `now` unless a caller looks ahead)."""
    current = current or now
    return Outbox.objects.filter(
        sent_at__isnull=True, send_after__lte=now, attempts__lt=MAX_ATTEMPTS
    ).filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=current - claim_lifetime()))


def sending_due_exists(now: datetime) -> bool:
    return _sendable(now).exists()


def smtp_timeout() -> float | None:
    """The mail backend's timeout in seconds (EMAIL_TIMEOUT), None for a backend without
    network (console, memory) or an SMTP backend left to wait forever."""
    mailer: dict[str, Any] = settings.MAILERS.get("default", {})
    if "smtp" not in str(mailer.get("BACKEND", "")):
        return None
    options: dict[str, Any] = mailer.get("OPTIONS", {})
    timeout = options.get("timeout")
    return float(timeout) if timeout else None


def claim_lifetime() -> timedelta:
    """How long a claim protects its row: longer than the slowest send, which the SMTP timeout
    bounds step by step (20 s by default: at most 3 min 20 s, well inside 10 minutes)."""
    timeout = smtp_timeout()
    if timeout is None:
        return CLAIM_EXPIRES
    return max(CLAIM_EXPIRES, SMTP_STEPS * timedelta(seconds=timeout) + CLAIM_MARGIN)


def outbox_claim(row_id: int, *, now: datetime, current: datetime | None = None) -> bool:
    """One worker wins: the UPDATE re-checks its WHERE clause under the row lock (PostgreSQL)
    or the write lock (SQLite), so a second claimant finds the row taken and updates nothing.
    The claim is stamped with `current`, the moment it is taken (the clock, by default)."""
    current = current or timezone.now()
    return _sendable(now, current=current).filter(pk=row_id).update(claimed_at=current) == 1


def backoff(attempts: int) -> timedelta:
    return min(BACKOFF_BASE * 2 ** min(max(attempts - 1, 0), 20), BACKOFF_CAP)


def retry_schedule_total() -> timedelta:
    """How long a row keeps being tried before it gives up: the sum of its waits."""
    return sum((backoff(n) for n in range(1, MAX_ATTEMPTS)), timedelta())


class OutboxMessage(EmailMultiAlternatives):
    # iMIP (RFC 6047): the text/calendar part names the iTIP method, REQUEST or CANCEL.
    calendar_method = ""

    def message(self, *, policy: Policy[Message[str, str]] | None = None) -> Any:
        # A List-Unsubscribe address is longer than 78 characters and has no space to fold at;
        # at the default length Python would turn it into an encoded word that mail programs
        # cannot read. 998 is RFC 5322's hard limit, so every header still stays legal.
        built = super().message(policy=(policy or email.policy.default).clone(max_line_length=998))
        if self.calendar_method:
            for part in built.walk():
                if part.get_content_type() == "text/calendar":
                    part.set_param("method", self.calendar_method)
        return built


def message_domain() -> str:
    """The domain of RAPPORT_BASE_URL, else of the From address."""
    host = urlsplit(settings.BASE_URL).hostname or ""
    if host:
        return host
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "localhost"


def message_id(key: str) -> str:
    """The same for every try of one outbox row, so mail programs show a duplicate once."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<outbox-{digest}@{message_domain()}>"


def message_for(row: Outbox) -> EmailMultiAlternatives:
    headers = {"Auto-Submitted": "auto-generated", "Message-ID": message_id(row.key)}
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
    if row.calendar:
        # Inline for the mail programs that show Accept buttons, and as a file for the rest.
        message.attach_alternative(row.calendar, "text/calendar")
        message.attach("invite.ics", row.calendar.encode(), "application/ics")
        message.calendar_method = row.calendar_method
    return message


def _mark_sent(row_id: int, moment: datetime) -> int:
    return Outbox.objects.filter(pk=row_id, sent_at__isnull=True).update(
        sent_at=moment, attempts=F("attempts") + 1, last_error="", claimed_at=None
    )


def record_sent(row_id: int, moment: datetime) -> None:
    """Write "sent" after the mail server accepted the message, across a database restart:
    on a lost connection, drop it, wait a little, reconnect and write again (RECORD_WAITS).
    Only when every try fails does the row stay claimed, to go out again after its claim
    expires (with the same Message-ID)."""
    for wait in (*RECORD_WAITS, None):
        try:
            _mark_sent(row_id, moment)
            return
        except (OperationalError, InterfaceError) as error:
            if wait is None:
                logger.exception("could not record outbox row %s as sent", row_id)
                raise
            logger.warning("recording outbox row %s as sent failed, retrying: %s", row_id, error)
            if not connection.in_atomic_block:
                connection.close()  # the next query opens a fresh connection
            time_module.sleep(wait)


def outbox_deliver(row: Outbox, *, now: datetime | None = None) -> bool:
    """Send one claimed row. On failure the row waits (exponential backoff from the moment of
    the failure) and is retried until MAX_ATTEMPTS, its error kept for the outbox page. `now`
    is the caller's clock at the moment of sending (the real clock by default)."""
    start = timezone.now()
    try:
        message_for(row).send()
    except Exception as error:
        attempts = row.attempts + 1
        moment = (now or start) + (timezone.now() - start)
        Outbox.objects.filter(pk=row.pk).update(
            attempts=attempts,
            last_error=f"{type(error).__name__}: {error}"[:1000],
            claimed_at=None,
            send_after=moment + backoff(attempts),
        )
        # The row's id and kind only: its key names the people and the meeting, and a mail
        # server's error often quotes the recipient (1:1 metadata has no place in logs).
        logger.warning(
            "email %s (%s) failed (attempt %s): %s",
            row.pk,
            row.kind,
            attempts,
            blank_addresses(f"{type(error).__name__}: {error}"),
        )
        return False
    record_sent(row.pk, (now or start) + (timezone.now() - start))
    return True


def _revive_gave_up(now: datetime) -> list[int]:
    """The mail server is back: rows that gave up lately get a full set of tries again."""
    rows = Outbox.objects.filter(
        sent_at__isnull=True, attempts__gte=MAX_ATTEMPTS, created_at__gte=now - REVIVE_WINDOW
    )
    ids = list(rows.order_by("send_after", "pk").values_list("pk", flat=True))
    if ids:
        Outbox.objects.filter(pk__in=ids, attempts__gte=MAX_ATTEMPTS).update(
            attempts=0, send_after=now, claimed_at=None
        )
        logger.info("the mail server answers again: %s emails that gave up are due", len(ids))
    return ids


def outbox_send_due(*, now: datetime | None = None, limit: int = 200) -> int:
    """Claim and send due rows one at a time; returns how many were sent.

    `now` picks which rows are due (the clock by default); time then moves on with the clock:
    each claim is stamped, and each failure's backoff measured, at the moment it happens, so a
    slow batch never makes its own claims look expired to another worker. The batch stops
    taking rows after BATCH_SECONDS; the next tick enqueues what is left."""
    start = timezone.now()
    offset = (now - start) if now is not None else timedelta()

    def current() -> datetime:
        return timezone.now() + offset

    sent = 0
    candidates = list(
        _sendable(current()).order_by("send_after", "pk").values_list("pk", flat=True)[:limit]
    )
    revived = False
    index = 0
    while index < len(candidates):
        row_id = candidates[index]
        index += 1
        if timezone.now() - start > timedelta(seconds=BATCH_SECONDS):
            logger.info("sending batch ends after %s s; the next tick goes on", BATCH_SECONDS)
            break
        claimed_at = current()
        if not outbox_claim(row_id, now=claimed_at, current=claimed_at):
            continue  # another worker has it, or it was sent meanwhile
        delivered = outbox_deliver(Outbox.objects.get(pk=row_id), now=claimed_at)
        sent += delivered
        if delivered and not revived:
            revived = True
            candidates += [pk for pk in _revive_gave_up(current()) if pk not in candidates]
    return sent


# A task of the database backend still RUNNING after this long lost its worker (killed, or the
# machine died): a sending task runs at most BATCH_SECONDS (15 min) plus one send (under the
# claim lifetime, 10 min by default), a password reset task a second.
TASK_STALE_AFTER = timedelta(hours=1)
# A task that was running when its worker died this many times is failed, not run again.
TASK_MAX_RUNS = 3


def tasks_reclaim_stale(*, now: datetime | None = None) -> int:
    """Tasks of the database backend left RUNNING by a dead worker: run them again (ours are
    safe to repeat: the outbox keys keep every email single), or mark them failed once they
    were tried TASK_MAX_RUNS times. Run by `rapport worker` at start and by every tick.
    Returns how many were reclaimed."""
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    stale = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=now - TASK_STALE_AFTER
    )
    reclaimed = 0
    for row in stale.only("pk", "worker_ids", "task_path"):
        still = DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING)
        if len(row.worker_ids) >= TASK_MAX_RUNS:
            changed = still.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path="rapport.notify.services.WorkerLost",
                traceback=f"The worker running this task died {len(row.worker_ids)} times.",
            )
        else:
            changed = still.update(status=TaskResultStatus.READY, started_at=None, run_after=now)
        if changed:
            logger.warning("task %s %s was left running by a dead worker", row.task_path, row.pk)
        reclaimed += changed
    return reclaimed


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
    audit.record(action=AuditAction.OUTBOX_RETRIED, actor=by, details={"emails": retried})
    return retried


def sample_email_queue(*, to: str, by: Person) -> Outbox:
    """An admin's test message: stored like every other email, sent by the worker."""
    access.require(access.can_run_outbox(by))
    email = emails.sample_email(to=to, by=by, nonce=uuid.uuid4().hex)
    outbox_add(email)
    enqueue_sending()
    audit.record(action=AuditAction.TEST_EMAIL_SENT, actor=by)
    return Outbox.objects.get(key=email.key)


def invitations_queue_due(*, now: datetime | None = None) -> int:
    """Turn every invitation not yet queued into its outbox email (key `invitation:<uuid>`: a
    second tick, or two workers, still make one). Run by the tick and by the task an import or
    a re-send enqueues. Only people who can sign in are invited, and demo accounts are not in
    production (as for password resets). Returns how many emails were added."""
    now = now or timezone.now()
    added = 0
    pending = Invitation.objects.filter(queued_at__isnull=True).select_related(
        "person", "person__manager"
    )
    for invitation in pending:
        person = invitation.person
        with transaction.atomic():
            claimed = Invitation.objects.filter(pk=invitation.pk, queued_at__isnull=True).update(
                queued_at=now
            )
            if not claimed or not person.is_active or (settings.PRODUCTION and person.is_demo):
                continue
            added += outbox_add(
                emails.invitation(person=person, key=f"{Kind.INVITATION}:{invitation.uuid}"),
                send_after=now,
            )
    return added


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


# --- Chat reminders -----------------------------------------------------------------------------
# The same reminders as the emails, posted to a Slack, Teams or generic JSON webhook (chat.py
# builds and posts them). Exactly once as for email: a delivery row per reminder under a unique
# key, decided with the email, and a conditional UPDATE claim before each post. A failed post
# waits 1, 2, 4, 8, 16 minutes (chat.retry_wait), gives up after CHAT_MAX_ATTEMPTS, and marks
# the webhook failing for its page. Its own task and its own rows: email never waits for it.

CHAT_CLAIM_EXPIRES = timedelta(minutes=5)  # far beyond chat.TIMEOUT_SECONDS per post
CHAT_BATCH_SECONDS = 5 * 60


def chat_webhook_set(*, by: Person, person: Person | None, flavour: str, url: str) -> ChatWebhook:
    """Connect (or replace) the webhook of `person`, or the organisation's when None. The URL
    must pass chat.webhook_url_problem (the form shows the reason first)."""
    access.require(access.can_set_chat_webhook_for(by, person))
    problem = chat.webhook_url_problem(url)
    if problem is not None:
        raise ValueError(problem)
    if person is None and flavour != "json":
        raise ValueError("The organisation's webhook is a generic JSON one.")
    values = {
        "flavour": flavour,
        "url": url,
        "set_by": by,
        "created_at": timezone.now(),
        "last_ok_at": None,
        "last_failed_at": None,
        "last_error": "",
    }
    with transaction.atomic():
        existing = ChatWebhook.objects.select_for_update().filter(person=person).first()
        if existing is None:
            return ChatWebhook.objects.create(person=person, **values)
        for field, value in values.items():
            setattr(existing, field, value)
        existing.save()
        # Messages still being retried go to the new address at once; those that gave up are
        # dropped (a reminder hours late is noise), which also clears the page's warning.
        unsent = existing.deliveries.filter(sent_at__isnull=True)
        unsent.filter(attempts__gte=CHAT_MAX_ATTEMPTS).delete()
        unsent.update(attempts=0, last_error="", send_after=timezone.now(), claimed_at=None)
        return existing


def chat_webhook_remove(*, by: Person, person: Person | None) -> bool:
    """Disconnect; messages not yet sent go with it. True when there was one."""
    access.require(access.can_set_chat_webhook_for(by, person))
    removed, _ = ChatWebhook.objects.filter(person=person).delete()
    return removed > 0


def chat_webhooks_of(people: Iterable[Person]) -> dict[int, ChatWebhook]:
    """person id -> where their chat reminders go: their own webhook, else the organisation's."""
    ids = {person.pk for person in people}
    own = {hook.person_id: hook for hook in ChatWebhook.objects.filter(person_id__in=ids)}
    shared = ChatWebhook.objects.filter(person__isnull=True).first()
    found = {pk: own.get(pk, shared) for pk in ids}
    return {pk: hook for pk, hook in found.items() if hook is not None}


def render_chat(due: Due) -> chat.ChatMessage:
    if due.kind == Kind.REPORT_REMINDER and due.meeting is not None:
        return chat.report_reminder(meeting=due.meeting, report=due.person)
    if due.kind == Kind.MANAGER_AGENDA and due.meeting is not None:
        return chat.manager_agenda(meeting=due.meeting, manager=due.person)
    if due.kind == Kind.MEETING_RECAP and due.meeting is not None:
        return chat.meeting_recap(meeting=due.meeting, person=due.person)
    if due.kind == Kind.WEEKLY_DIGEST and due.week_start is not None:
        return chat.weekly_digest(manager=due.person, week_start=due.week_start)
    raise ValueError(f"cannot render {due.key} for chat")


def chat_add(
    message: chat.ChatMessage, *, webhook: ChatWebhook, send_after: datetime | None = None
) -> bool:
    """Store the chat message unless its key exists. True when this call created it."""
    _, created = ChatDelivery.objects.get_or_create(
        key=chat.delivery_key(message),
        defaults={
            "kind": message.kind,
            "webhook": webhook,
            "recipient": message.recipient,
            "payload": chat.payload_for(webhook.flavour, message),
            "send_after": send_after or timezone.now(),
        },
    )
    return created


def _chat_sendable(now: datetime, *, current: datetime | None = None) -> QuerySet[ChatDelivery]:
    current = current or now
    return ChatDelivery.objects.filter(
        sent_at__isnull=True, send_after__lte=now, attempts__lt=CHAT_MAX_ATTEMPTS
    ).filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=current - CHAT_CLAIM_EXPIRES))


def chat_due_exists(now: datetime) -> bool:
    return _chat_sendable(now).exists()


def enqueue_chat_sending() -> None:
    from rapport.notify.tasks import enqueue_or_log, send_due_chat

    transaction.on_commit(lambda: enqueue_or_log(send_due_chat))


def chat_claim(row_id: int, *, now: datetime) -> bool:
    """One worker wins, as outbox_claim."""
    return _chat_sendable(now).filter(pk=row_id).update(claimed_at=now) == 1


def chat_deliver(row: ChatDelivery, *, now: datetime | None = None) -> bool:
    """Post one claimed row. A failure waits chat.retry_wait and counts towards
    CHAT_MAX_ATTEMPTS; success or failure is recorded on the webhook for its page."""
    start = timezone.now()
    webhook = row.webhook
    try:
        chat.post(webhook.url, row.payload, key=row.key)
    except chat.WebhookFailed as error:
        attempts = row.attempts + 1
        moment = (now or start) + (timezone.now() - start)
        reason = str(error)[:300]
        ChatDelivery.objects.filter(pk=row.pk).update(
            attempts=attempts,
            last_error=reason,
            claimed_at=None,
            send_after=moment + chat.retry_wait(attempts),
        )
        ChatWebhook.objects.filter(pk=webhook.pk).update(last_failed_at=moment, last_error=reason)
        # Ids and kind only: the key names people and a meeting, the URL is a secret.
        logger.warning(
            "chat message %s (%s) to webhook %s failed (attempt %s of %s): %s",
            row.pk,
            row.kind,
            webhook.pk,
            attempts,
            CHAT_MAX_ATTEMPTS,
            reason,
        )
        return False
    moment = (now or start) + (timezone.now() - start)
    ChatDelivery.objects.filter(pk=row.pk, sent_at__isnull=True).update(
        sent_at=moment, attempts=F("attempts") + 1, last_error="", claimed_at=None
    )
    ChatWebhook.objects.filter(pk=webhook.pk).update(last_ok_at=moment)
    return True


def chat_send_due(*, now: datetime | None = None, limit: int = 200) -> int:
    """Claim and post due chat messages one at a time; returns how many were delivered. `now`
    as in outbox_send_due: it picks what is due, then moves on with the clock."""
    start = timezone.now()
    offset = (now - start) if now is not None else timedelta()
    sent = 0
    candidates = list(
        _chat_sendable(start + offset)
        .order_by("send_after", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for row_id in candidates:
        if timezone.now() - start > timedelta(seconds=CHAT_BATCH_SECONDS):
            break
        claimed_at = timezone.now() + offset
        if not chat_claim(row_id, now=claimed_at):
            continue
        row = ChatDelivery.objects.select_related("webhook").get(pk=row_id)
        sent += chat_deliver(row, now=claimed_at)
    return sent
