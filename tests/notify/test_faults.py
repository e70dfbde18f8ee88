"""Fault drills of the email path: a slow mail server, a database blip after the mail server
accepted, a worker killed mid-send, a day-long mail outage, a broken task broker. Each email
still arrives once (or, in the one window no outbox closes, twice under one Message-ID)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.core.mail.backends.smtp import EmailBackend
from django.db import OperationalError, connection, transaction
from django.tasks.backends.dummy import DummyBackend
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django import Settings

from rapport.notify import emails, selectors, services, tasks
from rapport.notify.models import Outbox
from tests.cast import Cast
from tests.notify.conftest import Mailbox

# What the test SMTP backend runs before each message goes out (time moving on, a second
# worker stepping in); reset by the `hooked_smtp` fixture.
BEFORE_SEND: list[Callable[[], None]] = []


class HookedSMTP(EmailBackend):
    """The real SMTP backend, after running the test's hook: a send that "takes" minutes."""

    def send_messages(self, email_messages: Any) -> int:
        for hook in list(BEFORE_SEND):
            hook()
        return super().send_messages(email_messages)


class BrokenBroker(DummyBackend):
    def enqueue(self, *args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


@pytest.fixture
def hooked_smtp(smtp: Mailbox, settings: Settings) -> Iterator[Mailbox]:
    options = settings.MAILERS["default"]["OPTIONS"]
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.HookedSMTP", "OPTIONS": options}}
    BEFORE_SEND.clear()
    try:
        yield smtp
    finally:
        BEFORE_SEND.clear()


def add_test_emails(count: int) -> None:
    for index in range(count):
        services.outbox_add(
            emails.sample_email(to=f"p{index}@example.com", by=None, nonce=str(index))
        )


def subjects_by_address(mailbox: Mailbox) -> list[str]:
    return [address for item in mailbox.arrived for address in item.to]


# --- 1. A slow mail server ------------------------------------------------------------------


def test_a_slow_batch_keeps_its_claims_alive_and_a_second_worker_sends_nothing_twice(
    db: None, hooked_smtp: Mailbox, dummy_tasks: list[Any]
) -> None:
    add_test_emails(5)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sends = 0

        def slow_then_second_worker() -> None:
            nonlocal sends
            sends += 1
            clock.shift(timedelta(minutes=3))  # each send takes 3 minutes
            if sends == 4:
                # 12 minutes into the first worker's batch, longer than a claim lives: the
                # second worker must still see the row in hand as claimed.
                BEFORE_SEND.clear()
                services.outbox_send_due()

        BEFORE_SEND.append(slow_then_second_worker)
        services.outbox_send_due()
    addresses = subjects_by_address(hooked_smtp)
    assert sorted(addresses) == sorted(f"p{index}@example.com" for index in range(5))
    assert Outbox.objects.filter(sent_at__isnull=True).count() == 0


def test_the_backoff_counts_from_the_failure_not_from_the_start_of_the_batch(
    db: None, hooked_smtp: Mailbox, dummy_tasks: list[Any]
) -> None:
    add_test_emails(1)
    hooked_smtp.refuse = 1
    with time_machine.travel(timezone.now(), tick=False) as clock:
        start = timezone.now()
        BEFORE_SEND.append(lambda: clock.shift(timedelta(minutes=11)))
        assert services.outbox_send_due() == 0
    row = Outbox.objects.get()
    assert row.attempts == 1
    assert row.send_after == start + timedelta(minutes=11) + services.backoff(1)


def test_a_claim_outlives_the_slowest_send_the_smtp_timeout_allows(settings: Settings) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "mail", "timeout": 120},
        }
    }
    assert services.claim_lifetime() >= services.SMTP_STEPS * timedelta(seconds=120)
    settings.MAILERS["default"]["OPTIONS"]["timeout"] = 20
    assert services.claim_lifetime() == services.CLAIM_EXPIRES == timedelta(minutes=10)


def test_production_smtp_always_has_a_timeout() -> None:
    from pathlib import Path

    from rapport import settings as project_settings

    source = Path(project_settings.__file__).read_text()
    assert '"timeout": env.env_int("EMAIL_TIMEOUT", 20' in source


# --- 2. A database blip after the mail server accepted --------------------------------------


def test_recording_sent_survives_a_lost_database_connection(
    db: None, smtp: Mailbox, dummy_tasks: list[Any]
) -> None:
    add_test_emails(1)
    real = services._mark_sent
    calls = 0

    def blip(row_id: int, moment: Any) -> int:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(row_id, moment)

    with (
        mock.patch.object(services, "_mark_sent", side_effect=blip),
        mock.patch.object(services.time_module, "sleep") as sleep,
    ):
        assert services.outbox_send_due() == 1
    assert calls == 2 and sleep.call_count == 1
    assert len(smtp.arrived) == 1
    row = Outbox.objects.get()
    assert row.sent_at is not None and row.attempts == 1 and row.claimed_at is None
    # Later batches find nothing to send.
    assert services.outbox_send_due(now=timezone.now() + timedelta(hours=1)) == 0
    assert len(smtp.arrived) == 1


def test_every_try_of_a_row_carries_the_same_message_id(
    db: None, smtp: Mailbox, dummy_tasks: list[Any], settings: Settings
) -> None:
    settings.BASE_URL = "https://rapport.example.org"
    add_test_emails(1)
    row = Outbox.objects.get()
    expected = services.message_id(row.key)
    assert re.fullmatch(r"<outbox-[0-9a-f]{32}@rapport\.example\.org>", expected)
    # The database stays away longer than every retry: the row stays claimed...
    with (
        mock.patch.object(services, "_mark_sent", side_effect=OperationalError("down")),
        mock.patch.object(services.time_module, "sleep"),
        pytest.raises(OperationalError),
    ):
        services.outbox_send_due()
    assert Outbox.objects.get().claimed_at is not None
    assert services.outbox_send_due() == 0
    # ...and goes out again once the claim expires, under the same Message-ID.
    later = timezone.now() + services.claim_lifetime() + timedelta(seconds=1)
    assert services.outbox_send_due(now=later) == 1
    ids = [item.message["Message-ID"] for item in smtp.arrived]
    assert ids == [expected, expected]


@pytest.mark.django_db(transaction=True)
def test_a_real_reconnect_after_the_connection_is_killed(
    hooked_smtp: Mailbox, dummy_tasks: list[Any]
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("kills a PostgreSQL backend")
    add_test_emails(1)
    connection.ensure_connection()

    def kill_my_connection() -> None:
        import psycopg

        pid = connection.connection.info.backend_pid
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        with psycopg.connect(**params, autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])

    BEFORE_SEND.append(kill_my_connection)
    with mock.patch.object(services.time_module, "sleep"):
        assert services.outbox_send_due() == 1
    assert len(hooked_smtp.arrived) == 1
    assert Outbox.objects.get().sent_at is not None
    connection.close()


# --- 3. A worker killed mid-send -------------------------------------------------------------


@pytest.mark.django_db
def test_tasks_left_running_by_a_dead_worker_are_run_again(settings: Settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    for _ in range(3):
        tasks.send_due_emails.enqueue()
    dead, fresh, cursed = DBTaskResult.objects.order_by("pk")
    now = timezone.now()
    stale = now - services.TASK_STALE_AFTER - timedelta(seconds=1)
    DBTaskResult.objects.filter(pk=dead.pk).update(
        status="RUNNING", started_at=stale, worker_ids=["killed"]
    )
    DBTaskResult.objects.filter(pk=fresh.pk).update(
        status="RUNNING", started_at=now - timedelta(minutes=1), worker_ids=["alive"]
    )
    DBTaskResult.objects.filter(pk=cursed.pk).update(
        status="RUNNING", started_at=stale, worker_ids=["a", "b", "c"]
    )
    assert services.tasks_reclaim_stale() == 2
    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses == {dead.pk: "READY", fresh.pk: "RUNNING", cursed.pk: "FAILED"}
    assert services.tasks_reclaim_stale() == 0


@pytest.mark.django_db(transaction=True)
def test_the_worker_reclaims_at_start_and_runs_the_task(smtp: Mailbox, capsys: Any) -> None:
    from django.core.management import call_command

    with transaction.atomic():
        add_test_emails(1)
        tasks.send_due_emails.enqueue()
    # The worker that took the task was killed: the row stays RUNNING, the email unsent.
    DBTaskResult.objects.update(
        status="RUNNING",
        started_at=timezone.now() - services.TASK_STALE_AFTER - timedelta(minutes=1),
        worker_ids=["killed"],
    )
    call_command("worker", "--once")
    assert "Reclaimed 1 tasks" in capsys.readouterr().out
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert len(smtp.arrived) == 1


@pytest.mark.django_db(transaction=True)
def test_a_row_claimed_by_a_killed_worker_goes_out_once_after_the_claim_lifetime(
    smtp: Mailbox, dummy_tasks: list[Any]
) -> None:
    add_test_emails(1)
    now = timezone.now()
    row = Outbox.objects.get()
    # Killed after claiming, before the mail server saw anything.
    assert services.outbox_claim(row.pk, now=now)
    assert services.outbox_send_due(now=now + services.claim_lifetime() / 2) == 0
    assert services.outbox_send_due(now=now + services.claim_lifetime() + timedelta(seconds=5)) == 1
    assert len(smtp.arrived) == 1


# --- 4. A day-long mail outage ---------------------------------------------------------------


def test_the_retry_schedule_covers_a_day() -> None:
    assert services.retry_schedule_total() >= timedelta(hours=24)
    assert max(services.backoff(n) for n in range(1, 60)) == services.BACKOFF_CAP


def test_a_day_long_outage_loses_nothing_and_health_says_degraded(
    db: None, smtp: Mailbox, dummy_tasks: list[Any]
) -> None:
    add_test_emails(1)
    smtp.refuse = 10**6
    client = Client()
    seen: set[str] = set()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        start = timezone.now()
        while timezone.now() < start + timedelta(hours=24):
            services.outbox_send_due()
            answer = client.get("/health/")
            assert answer.status_code == 200
            seen.add(answer.json()["status"])
            clock.shift(timedelta(minutes=5))
        assert Outbox.objects.get().sent_at is None
        assert Outbox.objects.get().attempts < services.MAX_ATTEMPTS  # still trying
        assert client.get("/health/").json()["status"] == "degraded"
        smtp.refuse = 0
        clock.shift(services.BACKOFF_CAP)
        assert services.outbox_send_due() == 1
        assert client.get("/health/").json() == {"status": "ok"}
    assert seen == {"ok", "degraded"}
    assert len(smtp.arrived) == 1


def test_emails_that_gave_up_go_out_when_the_mail_server_is_back(
    db: None, smtp: Mailbox, dummy_tasks: list[Any]
) -> None:
    add_test_emails(2)
    gave_up = Outbox.objects.get(to_address="p0@example.com")
    Outbox.objects.filter(pk=gave_up.pk).update(
        attempts=services.MAX_ATTEMPTS, last_error="451 Try again later"
    )
    now = timezone.now()
    health = selectors.email_health(now, max_attempts=services.MAX_ATTEMPTS)
    assert health.degraded and "1 email gave up" in health.reasons[0]
    assert Client().get("/health/").json()["status"] == "degraded"
    # The other email goes out: the server answers again, so the one that gave up follows.
    assert services.outbox_send_due() == 2
    assert sorted(subjects_by_address(smtp)) == ["p0@example.com", "p1@example.com"]
    assert not selectors.email_health(now, max_attempts=services.MAX_ATTEMPTS).degraded


def test_old_emails_that_gave_up_stay_given_up(
    db: None, smtp: Mailbox, dummy_tasks: list[Any]
) -> None:
    add_test_emails(2)
    Outbox.objects.filter(to_address="p0@example.com").update(
        attempts=services.MAX_ATTEMPTS,
        created_at=timezone.now() - services.REVIVE_WINDOW - timedelta(hours=1),
    )
    assert services.outbox_send_due() == 1
    assert subjects_by_address(smtp) == ["p1@example.com"]


def test_health_notices_an_email_waiting_too_long(db: None, dummy_tasks: list[Any]) -> None:
    add_test_emails(1)
    later = timezone.now() + selectors.HEALTH_WAIT_LIMIT + timedelta(minutes=1)
    health = selectors.email_health(later, max_attempts=services.MAX_ATTEMPTS)
    assert health.reasons == ["the oldest due email has waited 16 minutes"]
    assert health.as_json() == {"status": "degraded", "email": health.reasons}


def test_the_outbox_page_shows_degraded_email(cast: Cast, dummy_tasks: list[Any]) -> None:
    add_test_emails(1)
    Outbox.objects.update(attempts=services.MAX_ATTEMPTS)
    client = Client()
    client.force_login(cast.admin)
    page = client.get("/notifications/outbox/").content.decode()
    assert "Email is degraded:" in page and "1 email gave up" in page


# --- 5. A broken task broker -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_broker_error_does_not_fail_a_committed_request(cast: Cast, settings: Settings) -> None:
    settings.TASKS = {"default": {"BACKEND": f"{__name__}.BrokenBroker"}}
    client = Client()
    client.force_login(cast.admin)
    answer = client.post("/notifications/outbox/", {"to": "ops@example.com"})
    assert answer.status_code == 302
    assert Outbox.objects.filter(to_address="ops@example.com").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_broker_error_does_not_fail_a_password_reset_request(
    cast: Cast, settings: Settings
) -> None:
    settings.TASKS = {"default": {"BACKEND": f"{__name__}.BrokenBroker"}}
    answer = Client().post("/password-reset/", {"email": cast.report.email})
    assert answer.status_code == 302


def test_the_tick_enqueues_despite_a_broken_broker(
    db: None, settings: Settings, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": f"{__name__}.BrokenBroker"}}
    add_test_emails(1)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.notify_tick()
    assert result.enqueued
