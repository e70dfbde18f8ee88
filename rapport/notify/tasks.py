"""Background tasks. They only call services, so they run the same on every task backend
(the database worker, RQ, or the immediate backend of the tests)."""

from __future__ import annotations

import logging
from typing import Any

from django.tasks import Task, task

from rapport.notify import services

logger = logging.getLogger(__name__)


@task
def send_due_emails() -> int:
    return services.outbox_send_due()


@task
def send_due_chat() -> int:
    return services.chat_send_due()


@task
def send_password_reset(email: str, key: str) -> bool:
    return services.password_reset_email_queue(email=email, key=key)


@task
def queue_invitations() -> int:
    """Send the invitations an import or a re-send asked for now, not at the next tick."""
    added = services.invitations_queue_due()
    if added:
        services.enqueue_sending()
    return added


def enqueue_or_log(job: Task[Any, Any], *args: Any, **kwargs: Any) -> bool:
    """Enqueue, and on a broker or database error log it instead of raising: the work that
    asked is committed, and failing its request would make the person submit it twice. Sending
    due emails is enqueued again by the worker's tick within a minute. True when enqueued."""
    try:
        job.enqueue(*args, **kwargs)
    except Exception:
        logger.exception("could not enqueue %s; the worker's tick will catch up", job.name)
        return False
    return True
