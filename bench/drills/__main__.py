"""`make drills`: Rapport's fault drills, on loopback, against servers the drill starts itself
(a throwaway PostgreSQL cluster, a Redis without persistence, an SMTP sink) and stops again.

    python -m bench.drills [--short] [--only NAME,NAME] [--list]

Each drill prints one row: saves acknowledged / found / lost, emails per outbox row (lost,
duplicated), user-visible errors (5xx, of which 503), and whether the app recovered without a
restart. The run exits 1 on any lost save or lost or duplicated email, except the copies the
kill -9 drill may make inside the documented crash window (at most one per kill: the mail server
accepted a message and the worker died before recording it), which it reports. It exits 3 when
a drill could not run to its end (say its PostgreSQL did not start) and nothing was found lost;
5xx answers and slow recovery are reported, never failed. Results go to
bench/results/drills-<date>.json; docs/operations.md#fault-drills explains the drills.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import environments
from bench.drills import mailing, soaking
from bench.drills.services import Postgres, Redis, Sink
from bench.environments import ROOT, prepared

RESULTS = ROOT / "bench" / "results"
DRILLS_VAR = ROOT / "var" / "drills"
BROKEN = "the drill itself failed"
SHORT = ("slow-smtp", "kill-worker", "pg-restart-soak")


class Drills:
    def __init__(self, options: argparse.Namespace) -> None:
        self.options = options
        self.short = options.short
        DRILLS_VAR.mkdir(parents=True, exist_ok=True)
        self.log = DRILLS_VAR / "drills.log"
        self.folder = Path(tempfile.mkdtemp(prefix="rapport-drills-"))
        self.pg: Postgres | None = None
        self.soak_place: soaking.Place | None = None
        self.sqlite_place: soaking.Place | None = None
        self.mail_env: dict[str, str] | None = None

    # --- places -------------------------------------------------------------------------

    def postgres(self) -> Postgres:
        if self.pg is None:
            self.pg = Postgres(self.log)
            # bench.environments builds databases on the server it names: ours, from here on.
            environments.PG_SERVER = self.pg.url
        return self.pg

    def soak_pg(self) -> soaking.Place:
        if self.soak_place is None:
            pg = self.postgres()
            place = soaking.Place("postgresql", "soak", folder=str(self.folder / "pg-soak"),
                                  database_url=f"{pg.url}/rapport_bench_soak")  # fmt: skip
            prepared(place, log=self.log)
            mailing.db(place.env(), "undemo")
            self.soak_place = place
        return self.soak_place

    def soak_sqlite(self) -> soaking.Place:
        if self.sqlite_place is None:
            place = soaking.Place("sqlite", "soak", folder=str(self.folder / "sqlite-soak"))
            prepared(place, log=self.log)
            mailing.db(place.env(), "undemo")
            self.sqlite_place = place
        return self.sqlite_place

    def mail(self, sink: Sink) -> dict[str, str]:
        """An empty Rapport (migrated, no people: the tick decides nothing of its own)."""
        if self.mail_env is None:
            pg = self.postgres()
            place = soaking.Place("postgresql", "soak", folder=str(self.folder / "mail"),
                                  database_url=f"{pg.url}/rapport_drill_mail")  # fmt: skip
            place.var_dir.mkdir(parents=True, exist_ok=True)
            environments._create_pg_database("rapport_drill_mail")
            with self.log.open("a") as out:
                subprocess.run([environments.RAPPORT, "migrate", "--no-input"], env=place.env(),
                               check=True, stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
            self.mail_env = place.env()
        return {**self.mail_env, **sink.env()}

    def close(self) -> None:
        if self.pg is not None:
            self.pg.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- email drills -------------------------------------------------------------------

    def _mail_drill(
        self, name: str, *, rows: int, delay: float, workers: int, seconds: float,
        fault: Callable[[mailing.Workers, Sink, dict[str, str]], dict[str, Any]] | None = None,
        settle: float = 0,
    ) -> dict[str, Any]:  # fmt: skip
        sink = Sink(self.folder, self.log, delay=delay)
        sink.start()
        try:
            env = self.mail(sink)
            prefix = f"{name}-{int(time.time())}"
            mailing.db(env, "create", prefix, str(rows))
            pool = mailing.Workers(env, self.log)
            pool.start(workers)
            started = time.monotonic()
            try:
                fault_outcome = fault(pool, sink, env) if fault else {}
                mailing.wait_sent(env, prefix, seconds=seconds, settle=settle)
            finally:
                pool.stop()
            result = {**self._after_claims_expire(env, prefix, sink), "fault": fault_outcome,
                      "seconds": round(time.monotonic() - started, 1)}  # fmt: skip
        finally:
            sink.stop()
        return result

    def _after_claims_expire(self, env: dict[str, str], prefix: str, sink: Sink) -> dict[str, Any]:
        """A row whose sender died, or could not record the send, stays claimed for 10 minutes
        and then goes out again: the drill counts before, runs the sending function once with
        the clock 11 minutes on (time-machine), and counts again."""
        before = mailing.outcome(env, prefix, sink)
        shifted = mailing.shifted_outage(
            env, prefix, sink, self.log, down_minutes=0, until_minutes=11, step_minutes=11
        )
        keys = ("lost", "extra_copies", "rows_unsent", "rows_claimed_unsent", "tasks_running")
        return {**mailing.outcome(env, prefix, sink),
                "before_claims_expire": {k: before[k] for k in keys},
                "after_claims_expire": shifted}  # fmt: skip

    def slow_smtp(self) -> dict[str, Any]:
        """Two workers, a mail server that takes 0.2 s per message, 100 emails."""
        return self._mail_drill("slow-smtp", rows=100, delay=0.2, workers=2, seconds=120)

    def slow_smtp_long_batch(self) -> dict[str, Any]:
        """A batch that outlasts the 10-minute claim: sender A starts a batch of 40 emails
        at T, each taking 70 s (shifted clock, time-machine, in its own process); sender B,
        another worker's next task, starts its batch at T + 11 min; a last tick at T + 60 min
        sends what the two left. Real time: seconds."""
        sink = Sink(self.folder, self.log, delay=0.1)
        sink.start()
        try:
            env = self.mail(sink)
            prefix = f"slow-smtp-long-batch-{int(time.time())}"
            mailing.db(env, "create", prefix, "40")
            base = datetime.now(UTC)
            started = time.monotonic()
            senders = []
            for offset_minutes in (0, 11):
                instant = (base + timedelta(minutes=offset_minutes)).isoformat()
                senders.append(subprocess.Popen(
                    [sys.executable, "-m", "bench.drills.db", "slow-batch", instant, "70"],
                    env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True,
                ))  # fmt: skip
                time.sleep(1.5)
            sent = [json.loads(p.communicate(timeout=300)[0] or "{}") for p in senders]
            # A batch stops taking rows after 15 minutes and leaves the rest to the next tick:
            # one more tick an hour on (a quick mail server by then) sends what is left.
            later = (base + timedelta(minutes=60)).isoformat()
            mailing.db(env, "slow-batch", later, "0")
            result = {**mailing.outcome(env, prefix, sink),
                      "fault": {"seconds_per_message_shifted": 70,
                                "second_batch_after_minutes": 11,
                                "sent_by_each": [s.get("sent") for s in sent]},
                      "seconds": round(time.monotonic() - started, 1)}  # fmt: skip
        finally:
            sink.stop()
        return result

    def kill_worker(self) -> dict[str, Any]:
        """kill -9 of a worker while it sends (the sink holds each message 0.5 s, so a worker
        is almost always inside a send), a new worker started in its place; 5 times (1 short).
        Claims of the dead worker expire after 10 minutes: after the real-time part the drill
        runs the sending function with the clock 11 minutes on, to show what then goes out."""
        kills = 1 if self.short else 5
        rng = random.Random(7)

        def fault(pool: mailing.Workers, sink: Sink, env: dict[str, str]) -> dict[str, Any]:
            time.sleep(4)
            done = 0
            for _ in range(kills):
                victim = rng.choice(pool.alive())
                soaking.kill9(victim.pid)
                victim.wait(timeout=10)
                done += 1
                pool.start(1)
                time.sleep(3 + rng.uniform(0, 2))
            return {"kills": done}

        # The sink records each message when its last byte arrives, then takes 0.5 s to answer:
        # a kill in that half second is the crash window (sent, not yet recorded as sent).
        sink = Sink(self.folder, self.log, delay=0.5, record_first=True)
        sink.start()
        try:
            env = self.mail(sink)
            prefix = f"kill-worker-{int(time.time())}"
            rows = 40 if self.short else 100
            mailing.db(env, "create", prefix, str(rows))
            pool = mailing.Workers(env, self.log)
            pool.start(2)
            started = time.monotonic()
            try:
                fault_outcome = fault(pool, sink, env)
                mailing.wait_sent(env, prefix, seconds=90, settle=12)
            finally:
                pool.stop()
            result = {**self._after_claims_expire(env, prefix, sink), "fault": fault_outcome,
                      "seconds": round(time.monotonic() - started, 1)}  # fmt: skip
        finally:
            sink.stop()
        # The crash window: a kill between the server's 250 and the row's sent_at makes at
        # most one copy per kill. More than that, or any lost email, is a failure.
        result["crash_window_copies"] = min(result["extra_copies"], kills)
        result["crash_window_rate"] = round(result["crash_window_copies"] / kills, 2)
        return result

    def smtp_down_60s(self) -> dict[str, Any]:
        """The mail server refuses connections for 60 s of real time while two workers send."""

        def fault(pool: mailing.Workers, sink: Sink, env: dict[str, str]) -> dict[str, Any]:
            sink.stop()
            time.sleep(60)
            sink.start()
            return {"down_seconds": 60}

        return self._mail_drill(
            "smtp-down-60s", rows=30, delay=0, workers=2, seconds=180, fault=fault
        )

    def smtp_down_long(self) -> dict[str, Any]:
        """The mail server is down for 45 minutes (longer than the 1+2+4+8+16 = 31 minutes
        after which the sender gave up), then up; the sending function runs once a minute of
        shifted clock for 6 hours (time-machine in one process; see mailing.ShiftedSender)."""
        sink = Sink(self.folder, self.log)
        sink.start()
        try:
            env = self.mail(sink)
            prefix = f"smtp-down-long-{int(time.time())}"
            mailing.db(env, "create", prefix, "20")
            started = time.monotonic()
            shifted = mailing.shifted_outage(
                env, prefix, sink, self.log, down_minutes=45, until_minutes=6 * 60
            )
            result = {**mailing.outcome(env, prefix, sink), "fault": {
                "down_minutes_shifted": 45, "watched_minutes_shifted": 360, **shifted},
                "seconds": round(time.monotonic() - started, 1)}  # fmt: skip
        finally:
            sink.stop()
        return result

    def pg_restart_mail(self) -> dict[str, Any]:
        """PostgreSQL restarted (fast shutdown) twice while two workers send 100 emails."""
        pg = self.postgres()

        def fault(pool: mailing.Workers, sink: Sink, env: dict[str, str]) -> dict[str, Any]:
            for _ in range(2):
                time.sleep(5)
                pg.restart()
            return {"restarts": 2, "workers_alive_after": len(pool.alive())}

        return self._mail_drill("pg-restart-mail", rows=100, delay=0.1, workers=2,
                                seconds=120, fault=fault, settle=20)  # fmt: skip

    # --- save drills --------------------------------------------------------------------

    def _soak_seconds(self) -> float:
        return 20.0 if self.short else 30.0

    def pg_restart_soak(self) -> dict[str, Any]:
        """PostgreSQL restarted twice (once in --short) during the 50-client autosave soak."""
        pg = self.postgres()
        place = self.soak_pg()
        seconds = self._soak_seconds()
        restarts = 1 if self.short else 2

        def fault(start: float, context: dict[str, Any]) -> dict[str, Any]:
            for index in range(restarts):
                time.sleep(
                    max(0.0, start + seconds * (index + 1) / (restarts + 1) - time.monotonic())
                )
                pg.restart()
            return {"restarts": restarts}

        return soaking.run(place, log=self.log, clients=50, seconds=seconds, fault=fault)

    def gunicorn_kill(self) -> dict[str, Any]:
        """kill -9 of two gunicorn worker processes, three times, during the soak."""
        place = self.soak_pg()
        seconds = self._soak_seconds()

        def fault(start: float, context: dict[str, Any]) -> dict[str, Any]:
            killed = 0
            for index in range(3):
                time.sleep(max(0.0, start + seconds * (index + 1) / 4 - time.monotonic()))
                for pid in soaking.children(context["server"].pid)[:2]:
                    soaking.kill9(pid)
                    killed += 1
            return {"workers_killed": killed}

        return soaking.run(place, log=self.log, clients=50, seconds=seconds, fault=fault)

    def _sqlite_on_tmpfs(self, size: str) -> tuple[soaking.Place, Path]:
        source = self.soak_sqlite()
        mount = self.folder / f"disk-{int(time.time() * 1000)}"
        mount.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)],
                       check=True)  # fmt: skip
        database = source.var_dir / "rapport.sqlite3"
        subprocess.run([sys.executable, "-c", (
            "import sqlite3,sys; s=sqlite3.connect(sys.argv[1]); d=sqlite3.connect(sys.argv[2]);"
            "s.backup(d); d.close()"), str(database), str(mount / "rapport.sqlite3")],
            check=True)  # fmt: skip
        place = soaking.Place("sqlite", "soak", folder=source.folder,
                              database_url=f"sqlite:///{mount}/rapport.sqlite3")  # fmt: skip
        return place, mount

    def disk_full(self) -> dict[str, Any]:
        """SQLite on a 64 MB tmpfs, filled to the last byte a third into the soak (a filler
        file), freed again at two thirds."""
        place, mount = self._sqlite_on_tmpfs("64m")
        seconds = self._soak_seconds()
        filler = mount / "filler"

        def fault(start: float, context: dict[str, Any]) -> dict[str, Any]:
            time.sleep(max(0.0, start + seconds / 3 - time.monotonic()))
            with filler.open("wb") as out:
                try:
                    while True:
                        out.write(b"\0" * 65536)
                except OSError:
                    pass
            free = shutil.disk_usage(mount).free
            time.sleep(max(0.0, start + 2 * seconds / 3 - time.monotonic()))
            filler.unlink()
            return {"free_bytes_while_full": free, "full_seconds": round(seconds / 3, 1)}

        try:
            return soaking.run(place, log=self.log, clients=50, seconds=seconds, fault=fault)
        finally:
            subprocess.run(["umount", "-l", str(mount)], check=False)

    def sqlite_readonly(self) -> dict[str, Any]:
        """The filesystem holding the SQLite database is read-only (`mount -o remount,ro`: even
        root cannot write) when gunicorn starts and for the first third of the soak, then
        read-write again. A remount to read-only while the app holds the database open is
        refused (EBUSY), so the fault is in place before the server starts."""
        place, mount = self._sqlite_on_tmpfs("256m")
        seconds = self._soak_seconds()

        def read_only() -> None:
            subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)

        def fault(start: float, context: dict[str, Any]) -> dict[str, Any]:
            time.sleep(max(0.0, start + seconds / 3 - time.monotonic()))
            subprocess.run(["mount", "-o", "remount,rw", str(mount)], check=True)
            return {"read_only_seconds": round(seconds / 3, 1)}

        try:
            return soaking.run(place, log=self.log, clients=50, seconds=seconds, fault=fault,
                               before=read_only)  # fmt: skip
        finally:
            subprocess.run(["mount", "-o", "remount,rw", str(mount)], check=False)
            subprocess.run(["umount", "-l", str(mount)], check=False)

    def redis_down(self) -> dict[str, Any]:
        """The RQ backend: gunicorn and the workers use a Redis of the drill's own, stopped for
        a third of the soak while people save, ask for password resets (each enqueues a task
        in the request) and 30 outbox emails wait to be queued by the tick."""
        place = self.soak_pg()
        redis = Redis(self.log)
        sink = Sink(self.folder, self.log)
        sink.start()
        seconds = self._soak_seconds()
        rq = {"RAPPORT_TASKS_BACKEND": "rq", "REDIS_URL": redis.url, **sink.env()}
        env = place.env(**rq)
        prefix = f"redis-down-{int(time.time())}"
        ticker = mailing.Workers(env, self.log)
        rq_command = [environments.RAPPORT, "rqworker", "default", "--job-class",
                      "django_tasks_rq.Job"]  # fmt: skip
        rqworker = mailing.Workers(env, self.log, rq_command)

        def fault(start: float, context: dict[str, Any]) -> dict[str, Any]:
            time.sleep(max(0.0, start + seconds / 3 - time.monotonic()))
            redis.stop()
            mailing.db(env, "create", prefix, "30")  # queued while Redis is away
            time.sleep(max(0.0, start + 2 * seconds / 3 - time.monotonic()))
            redis.start()
            return {"redis_down_seconds": round(seconds / 3, 1)}

        def resets(base: str, seconds: float) -> dict[str, Any]:
            return password_resets(base, seconds)

        try:
            ticker.start(1)
            rqworker.start(1)
            soaked = soaking.run(place, log=self.log, clients=50, seconds=seconds, fault=fault,
                                 server_env=env, side=resets)  # fmt: skip
            mailing.wait_sent(env, prefix, seconds=60, settle=20)
            soaked["rqworker_alive_after"] = len(rqworker.alive())
            soaked["ticker_alive_after"] = len(ticker.alive())
        finally:
            ticker.stop()
            rqworker.stop()
            redis.close()
        emails = mailing.outcome(env, prefix, sink)
        sink.stop()
        # The pages came back by themselves; the emails only if the RQ worker did too.
        recovered = soaked["recovered_without_restart"] and soaked["rqworker_alive_after"] > 0
        return {**soaked, **emails, "recovered_without_restart": recovered}


def password_resets(base: str, seconds: float) -> dict[str, Any]:
    """One request a second to /password-reset/ for an unknown address, each from its own
    client address (the throttle counts per address): the request enqueues a task."""
    import http.client
    import secrets
    from urllib.parse import urlencode, urlsplit

    netloc = urlsplit(base).netloc
    statuses: list[str] = []
    deadline = time.monotonic() + seconds
    index = 0
    while time.monotonic() < deadline and index < 200:
        index += 1
        csrf = secrets.token_hex(16)
        headers = {"Cookie": f"csrftoken={csrf}", "X-CSRFToken": csrf,
                   "Origin": f"https://{netloc}", "X-Forwarded-Proto": "https",
                   "X-Forwarded-For": f"10.9.{index // 250}.{index % 250 + 1}",
                   "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
        connection = http.client.HTTPConnection(netloc, timeout=30)
        try:
            form = urlencode({"email": f"nobody{index}@drill.example"})
            connection.request("POST", "/password-reset/", form, headers)
            statuses.append(str(connection.getresponse().status))
        except (OSError, http.client.HTTPException) as error:
            statuses.append(type(error).__name__)
        finally:
            connection.close()
        time.sleep(1)
    return {"requests": len(statuses), "answered_302": statuses.count("302"),
            "http_5xx": sum(s.startswith("5") for s in statuses),
            "http_503": statuses.count("503"),
            "other": sorted(set(statuses) - {"302"})}  # fmt: skip


DRILLS: dict[str, Callable[[Drills], dict[str, Any]]] = {
    "slow-smtp": Drills.slow_smtp,
    "slow-smtp-long-batch": Drills.slow_smtp_long_batch,
    "kill-worker": Drills.kill_worker,
    "smtp-down-60s": Drills.smtp_down_60s,
    "smtp-down-long": Drills.smtp_down_long,
    "pg-restart-soak": Drills.pg_restart_soak,
    "pg-restart-mail": Drills.pg_restart_mail,
    "gunicorn-kill": Drills.gunicorn_kill,
    "disk-full": Drills.disk_full,
    "sqlite-readonly": Drills.sqlite_readonly,
    "redis-down": Drills.redis_down,
}


def verdict(name: str, result: dict[str, Any]) -> list[str]:
    """What fails the drill: lost saves, lost or duplicated emails beyond the crash window."""
    problems = []
    if result.get("saves_lost"):
        problems.append(f"{result['saves_lost']} saves lost")
    if result.get("lost"):
        problems.append(f"{result['lost']} emails lost")
    allowed = result.get("crash_window_copies", 0)
    if result.get("extra_copies", 0) > allowed:
        problems.append(f"{result['extra_copies'] - allowed} duplicated emails")
    if "error" in result or "fault_error" in result.get("fault", {}):
        problems.append(BROKEN)
    return problems


def row(name: str, result: dict[str, Any]) -> str:
    saves = (f"{result['saves_acknowledged']}/{result['saves_found']}/{result['saves_lost']}"
             if "saves_acknowledged" in result else "-")  # fmt: skip
    emails = (f"{result['rows']} rows: {result['delivered_once']} once, {result['lost']} lost, "
              f"{result['extra_copies']} extra" if "rows" in result else "-")  # fmt: skip
    errors = (f"{result.get('http_5xx', '-')} ({result.get('http_503', '-')})"
              if "http_5xx" in result else "-")  # fmt: skip
    recovered = {True: "yes", False: "no", None: "-"}[result.get("recovered_without_restart")]
    status = "FAIL: " + "; ".join(result["problems"]) if result["problems"] else "ok"
    return (f"{name:20} saves {saves:16} emails {emails:40} 5xx(503) {errors:9} "
            f"recovered {recovered:3} {status}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--short", action="store_true", help="the CI subset: " + ", ".join(SHORT))
    parser.add_argument("--only", default="", help="comma-separated drill names")
    parser.add_argument("--list", action="store_true")
    options = parser.parse_args()
    if options.list:
        for name, method in DRILLS.items():
            print(f"{name:20} {(method.__doc__ or '').split(chr(10))[0]}")
        return
    names = options.only.split(",") if options.only else list(SHORT if options.short else DRILLS)
    unknown = set(names) - set(DRILLS)
    if unknown:
        raise SystemExit(f"unknown drills: {', '.join(sorted(unknown))} (see --list)")
    drills = Drills(options)
    print(f"Drills log: {drills.log}", flush=True)
    results: list[dict[str, Any]] = []
    started = time.monotonic()
    try:
        for name in names:
            begun = time.monotonic()
            try:
                result = DRILLS[name](drills)
            except Exception as error:
                traceback.print_exc()
                result = {"error": f"{type(error).__name__}: {error}"[:500]}
            if "rows" in result and "recovered_without_restart" not in result:
                # Emails: every row went out by the end with no process restarted by hand.
                result["recovered_without_restart"] = result["rows_unsent"] == 0
            result["problems"] = verdict(name, result)
            result = {"drill": name, "wall_seconds": round(time.monotonic() - begun, 1), **result}
            results.append(result)
            print(row(name, result), flush=True)
    finally:
        drills.close()
    RESULTS.mkdir(exist_ok=True)
    path = (
        RESULTS
        / f"drills-{'short-' if options.short else ''}{datetime.now(UTC):%Y-%m-%dT%H%M}.json"
    )
    path.write_text(json.dumps({"short": options.short, "cores": os.cpu_count(),
                                "total_seconds": round(time.monotonic() - started, 1),
                                "drills": results}, indent=2) + "\n")  # fmt: skip
    print(
        f"\n{len(results)} drills in {time.monotonic() - started:.0f} s; written to "
        f"{path.relative_to(ROOT)}"
    )
    if any(p != BROKEN for r in results for p in r["problems"]):
        sys.exit(1)  # lost or duplicated data
    if any(r["problems"] for r in results):
        sys.exit(3)  # a drill could not run to the end: nothing measured, nothing lost


if __name__ == "__main__":
    main()
