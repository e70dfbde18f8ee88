"""Email drills: outbox rows made by the drill, sent by real `rapport worker` processes (or, for
the hours-long outage, by the worker's sending function under a shifted clock) to the sink."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.drills.counting import count_emails
from bench.drills.services import Sink
from bench.environments import RAPPORT, ROOT

TICK_SECONDS = "2"  # the worker's tick (it enqueues the sending task when rows are due)


def db(env: dict[str, str], *arguments: str) -> Any:
    result = subprocess.run(
        [sys.executable, "-m", "bench.drills.db", *arguments],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    if result.returncode:
        raise RuntimeError(f"bench.drills.db {arguments[0]} failed:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout)


class Workers:
    """`rapport worker` processes (tick + database task worker) sending through the sink."""

    def __init__(self, env: dict[str, str], log: Path, command: list[str] | None = None) -> None:
        self.env = env
        self.log = log
        self.command = command or [RAPPORT, "worker", f"--tick-seconds={TICK_SECONDS}",
                                   "--poll-seconds=0.5"]  # fmt: skip
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, count: int = 1) -> None:
        for _ in range(count):
            with self.log.open("a") as out:
                self.processes.append(
                    subprocess.Popen(
                        self.command, env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
                    )
                )

    def alive(self) -> list[subprocess.Popen[bytes]]:
        return [p for p in self.processes if p.poll() is None]

    def stop(self) -> None:
        for process in self.alive():
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        self.processes = []


def wait_sent(env: dict[str, str], prefix: str, *, seconds: float, settle: float = 0) -> float:
    """Waits until every row is sent, or until nothing changed for `settle` seconds, or the
    time is up. Returns the seconds waited."""
    start = time.monotonic()
    last, changed = -1, time.monotonic()
    while time.monotonic() - start < seconds:
        rows = db(env, "state", prefix)["rows"]
        sent = sum(r["sent"] for r in rows)
        if sent == len(rows):
            break
        if sent != last:
            last, changed = sent, time.monotonic()
        elif settle and time.monotonic() - changed > settle:
            break
        time.sleep(1)
    return time.monotonic() - start


def outcome(env: dict[str, str], prefix: str, sink: Sink) -> dict[str, Any]:
    state = db(env, "state", prefix)
    rows = state["rows"]
    received = [m for m in sink.received() if f"{prefix}.drill.example" in ",".join(m["to"])]
    counts = count_emails(rows, received)
    counts.update(
        rows_marked_sent=sum(r["sent"] for r in rows),
        rows_unsent=sum(not r["sent"] for r in rows),
        rows_gave_up=sum(not r["sent"] and r["attempts"] >= 6 for r in rows),
        rows_claimed_unsent=sum(r["claimed"] for r in rows),
        tasks_running=state["tasks_running"],
        message_ids_from_outbox=sum(m["message_id"].startswith("<outbox-") for m in received),
        errors_sample=sorted({r["error"] for r in rows if r["error"]})[:3],
    )
    return counts


class ShiftedSender:
    """The worker's sending function (outbox_send_due) in one process whose clock time-machine
    moves to each instant asked for; the database and the sink keep real time."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.errors = log.open("a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.drills.db", "shifted"], env=env, cwd=ROOT,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.errors, text=True,
        )  # fmt: skip

    def send(self, instant: datetime) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(f"send {instant.isoformat()}\n")
        self.process.stdin.flush()
        return dict(json.loads(self.process.stdout.readline()))

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("quit\n")
        self.process.stdin.close()
        self.process.wait(timeout=30)
        self.errors.close()


def shifted_outage(
    env: dict[str, str], prefix: str, sink: Sink, log: Path, *, down_minutes: int,
    until_minutes: int, step_minutes: int = 1,
    during: Callable[[int], None] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """The mail server is down from minute 0 to `down_minutes`; the sender runs every
    `step_minutes` of shifted time until `until_minutes`. Real time: a few seconds."""
    base = datetime.now(UTC)
    sender = ShiftedSender(env, log)
    sink.stop()
    sends: list[dict[str, Any]] = []
    try:
        for minute in range(0, until_minutes + 1, step_minutes):
            if minute >= down_minutes and sink.process is None:
                sink.start()
            if during is not None:
                during(minute)
            sends.append(sender.send(base + timedelta(minutes=minute, seconds=5)))
    finally:
        sender.close()
        if sink.process is None:
            sink.start()
    return {"shifted_steps": len(sends), "shifted_sent": sum(s["sent"] for s in sends),
            "shifted_errors": sorted({s.get("error", "") for s in sends} - {""})[:3]}  # fmt: skip
