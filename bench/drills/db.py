"""The drills' looks into Rapport's database, run inside its settings (one process per call,
or a line protocol on stdin for the shifted-clock sender):

    python -m bench.drills.db create PREFIX COUNT     COUNT outbox rows named drill:PREFIX:*
    python -m bench.drills.db state PREFIX            those rows, and task rows left RUNNING
    python -m bench.drills.db slow-batch ISO SECONDS  one batch of the sending function from
        ISO, each message taking SECONDS of clock (time-machine; the sink is real)
    python -m bench.drills.db undemo                  the synthetic people may sign in
    python -m bench.drills.db shifted                 reads "send ISO-INSTANT" lines: runs the
        worker's sending function (outbox_send_due) in this process with the clock moved there
        by time-machine, answers {"sent": n} per line; "quit" ends it.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from typing import Any

import django


def create(prefix: str, count: int) -> dict[str, Any]:
    from rapport.notify.models import Kind, Outbox

    # Test emails (no recipient account, no unsubscribe link) with a subject and address unique
    # to the row, so a received message names its row even without an outbox Message-ID.
    Outbox.objects.bulk_create(
        Outbox(
            kind=Kind.TEST,
            key=f"drill:{prefix}:{index:04d}",
            to_address=f"drill{index:04d}@{prefix}.drill.example",
            subject=f"Rapport drill {prefix} #{index:04d}",
            body_text=f"Drill message {index} of {count}.",
            body_html=f"<p>Drill message {index} of {count}.</p>",
        )
        for index in range(count)
    )
    return {"created": count}


def state(prefix: str) -> dict[str, Any]:
    from django_tasks_db.models import DBTaskResult

    from rapport.notify.models import Outbox

    rows = [
        {"key": r.key, "subject": r.subject, "to": r.to_address, "sent": r.sent_at is not None,
         "attempts": r.attempts, "claimed": r.claimed_at is not None and r.sent_at is None,
         "error": r.last_error[:200]}
        for r in Outbox.objects.filter(key__startswith=f"drill:{prefix}:").order_by("key")
    ]  # fmt: skip
    try:
        running = DBTaskResult.objects.filter(status="RUNNING").count()
    except Exception:  # the RQ backend has no task table in use
        running = -1
    return {"rows": rows, "tasks_running": running}


def undemo() -> dict[str, Any]:
    """The synthetic people share a published password, so they are demo accounts, and
    production refuses demo accounts (sessions included): in the drill's own throwaway
    database they become ordinary accounts, so the soak's sessions are signed in."""
    from rapport.people.models import Person

    return {"people": Person.objects.filter(is_demo=True).update(is_demo=False)}


def shifted() -> None:
    import time_machine
    from django.db import close_old_connections

    from rapport.notify.services import outbox_send_due

    for line in sys.stdin:
        command, _, argument = line.strip().partition(" ")
        if command == "quit":
            break
        if command == "send":
            close_old_connections()
            # tick=True: the clock runs on from the given instant, so timeouts still work.
            with time_machine.travel(datetime.fromisoformat(argument), tick=True):
                try:
                    answer: dict[str, Any] = {"sent": outbox_send_due()}
                except Exception as error:
                    answer = {"sent": 0, "error": f"{type(error).__name__}: {error}"[:300]}
            print(json.dumps(answer), flush=True)


def slow_batch(instant: str, seconds_per_message: float) -> dict[str, Any]:
    """One run of the sending function (one batch, as one task of a worker) from `instant`,
    each message taking `seconds_per_message` of shifted time: Django's SMTP backend sends it
    to the sink for real, then time-machine moves this process's clock on."""
    import time_machine
    from django.core.mail.backends.smtp import EmailBackend

    from rapport.notify.services import outbox_send_due

    original = EmailBackend.send_messages
    with time_machine.travel(datetime.fromisoformat(instant), tick=True) as traveller:

        def slow(self: EmailBackend, messages: Any) -> int:
            sent = original(self, messages)
            traveller.shift(seconds_per_message)
            return sent

        EmailBackend.send_messages = slow  # type: ignore[method-assign,assignment]
        try:
            return {"sent": outbox_send_due()}
        finally:
            EmailBackend.send_messages = original  # type: ignore[method-assign]


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    django.setup()
    if sys.argv[1] == "create":
        json.dump(create(sys.argv[2], int(sys.argv[3])), sys.stdout)
    elif sys.argv[1] == "state":
        json.dump(state(sys.argv[2]), sys.stdout)
    elif sys.argv[1] == "slow-batch":
        json.dump(slow_batch(sys.argv[2], float(sys.argv[3])), sys.stdout)
    elif sys.argv[1] == "undemo":
        json.dump(undemo(), sys.stdout)
    elif sys.argv[1] == "shifted":
        shifted()


if __name__ == "__main__":
    main()
