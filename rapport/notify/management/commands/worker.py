"""`rapport worker`: the reminder tick and the database task worker, in one process.

Django has no periodic scheduler, so the tick is ours: once a minute it decides what is due and
stores it as outbox rows. Between ticks the same loop runs the queued tasks of the database
backend (django-tasks-db's own worker, in batch mode). One thread and one database connection:
nothing to coordinate, SQLite-friendly, and a stop signal waits for the task in hand. Run as many
workers as you like: the outbox keys and claims keep every email single (docs/notifications.md).
With the RQ backend this command only ticks; `rapport rqworker` runs the tasks.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.tasks import task_backends
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker

from rapport.access import SYSTEM
from rapport.audit.services import purge_expired as audit_purge_expired
from rapport.export.services import exports_build_waiting, exports_purge_expired
from rapport.insights.services import org_figures_refresh
from rapport.insights.views import org_figures_draw
from rapport.notify.services import notify_tick, tasks_reclaim_stale
from rapport.privacy.services import retention_apply
from rapport.upkeep import query_statistics_refresh

# The planner's statistics and the retention policy: at start and then daily.
UPKEEP_SECONDS = 24 * 60 * 60

logger = logging.getLogger("rapport.notify.worker")


class Command(BaseCommand):
    help = "Send reminders and emails: the once-a-minute tick plus the database task worker."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--tick-seconds", type=float, default=60.0)
        parser.add_argument("--poll-seconds", type=float, default=1.0)
        parser.add_argument(
            "--once", action="store_true", help="One tick, run the queued tasks, then exit."
        )
        parser.add_argument(
            "--no-tasks", action="store_true", help="Only tick; another process runs the tasks."
        )
        parser.add_argument(
            "--exit-with-parent",
            action="store_true",
            help="Stop when the process that started this one is gone (used by make run).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.running = True
        self.verbosity = options["verbosity"]
        if options["verbosity"] < 2:
            # The batch worker announces every start and stop, once a second here.
            logging.getLogger("django_tasks_db").setLevel(logging.WARNING)
        previous = {sig: signal.signal(sig, self.stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            self.loop(options)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write("Worker stopped.")

    def loop(self, options: dict[str, Any]) -> None:
        runs_tasks = not options["no_tasks"] and isinstance(
            task_backends["default"], DatabaseBackend
        )
        worker_id = get_random_string(32)
        parent = os.getppid()
        self.stdout.write(
            f"Worker {worker_id[:8]}: tick every {options['tick_seconds']:g}s, "
            + ("running database tasks" if runs_tasks else "tasks run elsewhere")
        )
        if runs_tasks:
            self.reclaim()
        next_tick = next_upkeep = 0.0
        while self.running:
            if time.monotonic() >= next_upkeep:
                next_upkeep = time.monotonic() + UPKEEP_SECONDS
                query_statistics_refresh()
                self.apply_retention()
                audit_purge_expired()
            if time.monotonic() >= next_tick:
                next_tick = time.monotonic() + options["tick_seconds"]
                self.tick()
                self.exports_tick()
                self.org_figures_tick()
            if runs_tasks and self.running:
                self.run_tasks(worker_id)
            if options["once"]:
                break
            if options["exit_with_parent"] and os.getppid() != parent:
                self.stdout.write("The parent process is gone; stopping.")
                break
            self.sleep(options["poll_seconds"])

    def stop(self, signum: int, frame: FrameType | None) -> None:
        self.running = False

    def sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while self.running and time.monotonic() < end:
            time.sleep(min(0.2, seconds))

    def reclaim(self) -> None:
        """Tasks a dead worker left RUNNING run again (the tick does it too, for long-lived
        workers beside one that died)."""
        try:
            count = tasks_reclaim_stale()
        except Exception:
            logger.exception("Reclaiming tasks left running failed; the tick tries again.")
        else:
            if count:
                self.stdout.write(f"Reclaimed {count} tasks left running by a dead worker.")
        finally:
            close_old_connections()

    def apply_retention(self) -> None:
        """The retention policy (off unless configured): a failure waits for the next day."""
        try:
            counts = retention_apply(now=timezone.now(), by=SYSTEM)
        except Exception:
            logger.exception("Applying the retention policy failed; trying again tomorrow.")
        else:
            if removed := sum(counts.values()):
                self.stdout.write(f"Retention: {removed} old items removed or emptied.")
        finally:
            close_old_connections()

    def tick(self) -> None:
        # One bad tick (a database restart, a locked SQLite file) must not end the worker.
        try:
            result = notify_tick()
        except Exception:
            logger.exception("The reminder tick failed; trying again at the next one.")
        else:
            if result.emails_added or result.meetings_added:
                self.stdout.write(
                    f"Tick: {result.emails_added} emails decided, "
                    f"{result.meetings_added} meetings scheduled ahead."
                )
        finally:
            close_old_connections()

    def exports_tick(self) -> None:
        """Data exports: build the requests whose task never ran, delete the files offered
        for 7 days (docs/privacy.md#export)."""
        try:
            built = exports_build_waiting()
            purged = exports_purge_expired()
        except Exception:
            logger.exception("The exports' tick failed; trying again at the next one.")
        else:
            if built or purged:
                self.stdout.write(f"Exports: {built} built, {purged} expired and deleted.")
        finally:
            close_old_connections()

    def org_figures_tick(self) -> None:
        """The organisation view's figures: recomputed into the cache when the facts changed,
        when the day did, or when they grew old (docs/organisation-view.md#speed)."""
        try:
            figures = org_figures_refresh(now=timezone.now(), today=timezone.localdate())
            if figures is not None:
                drawn = org_figures_draw(figures)
                if self.verbosity >= 2:
                    self.stdout.write(f"Organisation figures recomputed: {drawn} views drawn.")
        except Exception:
            logger.exception("Refreshing the organisation figures failed; trying again next tick.")
        finally:
            close_old_connections()

    def run_tasks(self, worker_id: str) -> None:
        worker = Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        try:
            worker.run()
        except Exception:
            logger.exception("Running queued tasks failed; trying again shortly.")
        finally:
            close_old_connections()
