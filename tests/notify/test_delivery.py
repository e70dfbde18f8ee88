"""Delivery against a real SMTP server on loopback: what arrives, to whom, when, and only once."""

from __future__ import annotations

import logging
import re
import threading
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from rapport.meetings.services import point_add
from rapport.notify import services
from rapport.notify.models import Kind, Outbox
from tests.cast import Cast
from tests.notify.conftest import Mailbox
from tests.notify.helpers import utc, world_pair

LINK = re.compile(r'href="([^"]+)"')


def test_due_emails_arrive_with_local_times_across_a_dst_change(
    db: None, smtp: Mailbox, dummy_tasks: list[Any]
) -> None:
    pair = world_pair()
    for moment in (utc(2026, 11, 2, 0), utc(2026, 11, 2, 14)):
        services.notify_tick(now=moment)
        services.outbox_send_due(now=moment)
    kenji = [m for m in smtp.to("kenji@example.com") if "prepare" in m.subject]
    nora = [m for m in smtp.to("nora@example.com") if m.subject.startswith("Tomorrow")]
    assert len(kenji) == 1
    assert len(nora) == 1
    # One meeting, two wall clocks: 10:00 EST on Tuesday is 00:00 on Wednesday in Tokyo.
    assert "Wednesday 4 November 2026, 00:00 (Asia/Tokyo)" in kenji[0].subject
    assert "Wednesday 4 November 2026, 00:00 (Asia/Tokyo)" in kenji[0].text
    assert "Tuesday 3 November 2026, 10:00 (America/New_York)" in nora[0].subject
    assert "Tuesday 3 November 2026, 10:00 (America/New_York)" in nora[0].html
    assert kenji[0].message["From"] == "Rapport <rapport@localhost>"
    assert str(pair.after_change.uuid) in kenji[0].html


def test_links_in_the_emails_work(cast: Cast, smtp: Mailbox, dummy_tasks: list[Any]) -> None:
    point_add(
        one_on_one=cast.one_on_one,
        author=cast.report,
        text="Conference talk",
        section="performance",
    )
    now = cast.meeting.scheduled_for - timedelta(hours=1)
    services.notify_tick(now=now)
    services.outbox_send_due(now=now)
    (reminder,) = [m for m in smtp.to(cast.report.email) if "prepare" in m.subject]
    assert "Conference talk" in reminder.text
    client = Client()
    client.force_login(cast.report)
    links = LINK.findall(reminder.html)
    assert links
    for link in links:
        path = urlsplit(link.replace("&amp;", "&")).path
        assert client.get(path).status_code == 200, path
    header = reminder.message["List-Unsubscribe"]
    assert header.startswith("<http") and "/notifications/unsubscribe/" in header
    assert reminder.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # As the mail program reads it: the address itself on one line, not an encoded word.
    assert f"List-Unsubscribe: {header}".encode() in reminder.raw


def test_a_failed_send_is_retried_with_backoff(
    cast: Cast, smtp: Mailbox, dummy_tasks: list[Any]
) -> None:
    now = cast.meeting.scheduled_for - timedelta(hours=1)
    services.notify_tick(now=now)
    rows = Outbox.objects.filter(kind__in=[Kind.REPORT_REMINDER, Kind.MANAGER_AGENDA])
    Outbox.objects.exclude(pk__in=rows).delete()
    smtp.refuse = 2
    assert services.outbox_send_due(now=now) == 0
    for row in rows:
        assert row.attempts == 1 and row.sent_at is None
        assert "451" in row.last_error
        # From the moment of the failure: a moment after `now` on the ticking test clock.
        assert now + services.BACKOFF_BASE <= row.send_after
        assert row.send_after < now + services.BACKOFF_BASE + timedelta(seconds=5)
    # Not due again until the backoff has passed.
    assert services.outbox_send_due(now=now + timedelta(seconds=30)) == 0
    assert services.outbox_send_due(now=now + timedelta(minutes=1, seconds=5)) == 2
    assert len(smtp.arrived) == 2
    assert all(row.sent_at and row.attempts == 2 and not row.last_error for row in rows.all())


def test_the_wait_doubles_and_gives_up_after_the_last_try() -> None:
    assert [services.backoff(n) for n in (1, 2, 3)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
    ]


@pytest.mark.django_db
def test_a_row_that_failed_every_try_is_left_for_the_admins(dummy_tasks: list[Any]) -> None:
    email = services.emails.sample_email(to="x@example.com", by=None, nonce="n")
    services.outbox_add(email)
    Outbox.objects.update(attempts=services.MAX_ATTEMPTS, last_error="gave up")
    assert not services.sending_due_exists(timezone.now() + timedelta(days=1))


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_email_exactly_once(
    smtp: Mailbox, dummy_tasks: list[Any]
) -> None:
    now = utc(2026, 11, 2, 14)
    for index in range(12):
        services.outbox_add(
            services.emails.sample_email(to=f"p{index}@example.com", by=None, nonce=str(index)),
            send_after=now,
        )
    pair = world_pair()
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            # Each worker ticks and then sends, over the same due rows, on its own connection.
            services.notify_tick(now=now)
            services.outbox_send_due(now=now)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    messages = [(address, item.subject) for item in smtp.arrived for address in item.to]
    assert len(messages) == len(set(messages)), "a message arrived twice"
    assert len(smtp.to(pair.report.email)) == 2  # the reminder and the calendar invite
    assert len(smtp.to(pair.manager.email)) == 3  # the agenda, the Monday digest, the invite
    assert len(messages) == 12 + 5
    assert Outbox.objects.filter(sent_at__isnull=True).count() == 0


def test_a_stale_claim_expires_and_the_row_is_sent(
    db: None, smtp: Mailbox, dummy_tasks: list[Any]
) -> None:
    services.outbox_add(services.emails.sample_email(to="a@example.com", by=None, nonce="1"))
    now = timezone.now()
    # A worker claimed the row and died before sending it.
    Outbox.objects.update(claimed_at=now - timedelta(minutes=1))
    assert services.outbox_send_due(now=now) == 0
    assert services.outbox_send_due(now=now + services.CLAIM_EXPIRES) == 1
    assert len(smtp.arrived) == 1


def test_a_rolled_back_transaction_enqueues_nothing(
    cast: Cast, dummy_tasks: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                services.sample_email_queue(to="a@example.com", by=cast.admin)
                raise RuntimeError("the change fails")
        except RuntimeError:
            pass
    assert not callbacks
    assert not dummy_tasks
    assert not Outbox.objects.exists()


def test_a_committed_test_email_is_sent_by_the_task(
    cast: Cast, smtp: Mailbox, immediate_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.sample_email_queue(to="a@example.com", by=cast.admin)
    assert [m.subject for m in smtp.to("a@example.com")] == ["Rapport test email"]


def test_send_test_email_command_delivers(db: None, smtp: Mailbox, capsys: Any) -> None:
    call_command("send-test-email", "ops@example.com")
    assert "Sent a test email to ops@example.com" in capsys.readouterr().out
    assert smtp.to("ops@example.com")[0].subject == "Rapport test email"
    assert Outbox.objects.get().sent_at is not None


def test_send_test_email_command_reports_a_failure(db: None, smtp: Mailbox) -> None:
    smtp.refuse = 1
    with pytest.raises(Exception, match="451"):
        call_command("send-test-email", "ops@example.com")


def test_a_failed_send_logs_neither_the_key_nor_an_address(
    cast: Cast, smtp: Mailbox, dummy_tasks: list[Any], caplog: pytest.LogCaptureFixture
) -> None:
    # The key names the people and the meeting; logs are read by whoever runs the servers.
    now = cast.meeting.scheduled_for - timedelta(hours=1)
    services.notify_tick(now=now)
    smtp.refuse = 10
    with caplog.at_level(logging.WARNING, logger="rapport.notify.services"):
        services.outbox_send_due(now=now)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "failed (attempt 1)" in logged
    for row in Outbox.objects.all():
        assert row.key not in logged
    for person in (cast.manager, cast.report):
        assert person.email not in logged and person.name not in logged
    assert str(cast.meeting.uuid) not in logged
