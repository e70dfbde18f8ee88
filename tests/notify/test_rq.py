"""The scale-out backend: the same task, enqueued to Redis through django-tasks-rq and run by an
RQ worker with django_tasks_rq.Job. Runs wherever Redis answers on 127.0.0.1:6379 (CI starts one;
RAPPORT_REQUIRE_REDIS=1 turns a missing Redis or rq extra into a failure there); skipped
otherwise."""

from __future__ import annotations

import importlib.util
import os
import socket
import uuid

import pytest
from django.test import Client
from pytest_django import Settings

from rapport.notify import emails, services
from rapport.notify.models import Outbox
from rapport.notify.tasks import send_due_emails
from tests.cast import Cast
from tests.notify.conftest import Mailbox, free_port


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def rq_installed() -> bool:
    return importlib.util.find_spec("django_tasks_rq") is not None


REQUIRED = bool(os.environ.get("RAPPORT_REQUIRE_REDIS"))
pytestmark = [
    pytest.mark.skipif(not REQUIRED and not redis_answers(), reason="no Redis on 127.0.0.1:6379"),
    # `make test` installs the extra; a bare `pip install -e .[dev]` does not.
    pytest.mark.skipif(
        not REQUIRED and not rq_installed(), reason="the rq extra is not installed (.[rq])"
    ),
]


def test_the_same_task_sends_through_redis_and_an_rq_worker(
    db: None, smtp: Mailbox, settings: Settings
) -> None:
    import django_rq
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    # A queue of its own, so engineers and CI runs sharing one Redis never take each other's jobs.
    queue_name = f"rapport-test-{uuid.uuid4().hex[:12]}"
    # django_rq reads results through its "default" connection: the same Redis database.
    redis = {"URL": "redis://127.0.0.1:6379/15"}
    settings.RQ_QUEUES = {"default": redis, queue_name: redis}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [queue_name]}}
    services.outbox_add(emails.sample_email(to="rq@example.com", by=None, nonce="rq"))
    result = send_due_emails.using(queue_name=queue_name).enqueue()
    queue = django_rq.get_queue(queue_name, job_class=Job)
    try:
        assert queue.count == 1
        # SimpleWorker runs the job in this process, inside the test's database transaction.
        worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
        assert worker.work(burst=True)
        assert [m.subject for m in smtp.to("rq@example.com")] == ["Rapport test email"]
        assert Outbox.objects.get().sent_at is not None
        result.refresh()
        assert result.status == "SUCCESSFUL"
        assert result.return_value == 1
    finally:
        queue.empty()
        queue.delete(delete_jobs=True)


@pytest.mark.django_db(transaction=True)
def test_a_redis_that_refuses_does_not_fail_the_request_whose_email_is_committed(
    cast: Cast, settings: Settings
) -> None:
    # A Redis address where nothing listens: the broker error of a Redis restart.
    broken = {"URL": f"redis://127.0.0.1:{free_port()}/14", "SOCKET_CONNECT_TIMEOUT": 1}
    queue_name = f"rapport-test-{uuid.uuid4().hex[:12]}"
    settings.RQ_QUEUES = {"default": broken, queue_name: broken}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [queue_name]}}
    client = Client()
    client.force_login(cast.admin)
    answer = client.post("/notifications/outbox/", {"to": "ops@example.com"})
    assert answer.status_code == 302
    # The row is there for the worker's tick to send; one row, so a resubmission is not needed.
    assert Outbox.objects.filter(to_address="ops@example.com").count() == 1
