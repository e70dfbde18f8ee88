"""Background tasks. They only call services, so they run the same on every task backend
(the database worker, RQ, or the immediate backend of the tests)."""

from __future__ import annotations

from django.tasks import task

from rapport.notify import services


@task
def send_due_emails() -> int:
    return services.outbox_send_due()


@task
def send_password_reset(email: str, key: str) -> bool:
    return services.password_reset_email_queue(email=email, key=key)
