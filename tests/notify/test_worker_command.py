from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from rapport.notify import emails, services
from rapport.notify.models import Outbox
from tests.notify.conftest import Mailbox


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_queued_task_on_the_database_backend(
    smtp: Mailbox, capsys: Any
) -> None:
    # The installation's default backend: django-tasks-db, whose queue is a database table.
    with transaction.atomic():
        services.outbox_add(emails.sample_email(to="db@example.com", by=None, nonce="db"))
        services.enqueue_sending()
    call_command("worker", "--once")
    assert [m.subject for m in smtp.to("db@example.com")] == ["Rapport test email"]
    assert Outbox.objects.get().sent_at is not None
    assert "Worker stopped." in capsys.readouterr().out
    statuses = set(DBTaskResult.objects.values_list("status", flat=True))
    assert statuses == {"SUCCESSFUL"}
