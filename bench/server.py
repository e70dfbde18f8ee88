"""Rapport under gunicorn with production settings on loopback, for as long as a block runs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.load import PROXY_HEADER

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
CORES = os.cpu_count() or 1
WORKERS = int(os.environ.get("BENCH_WORKERS", str(CORES * 2)))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(env: dict[str, str], *, log: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Yields the base URL and the master process once the server answers; stops it afterwards
    (the fault drills kill its workers, found through the master)."""
    port = free_port()
    command = [
        GUNICORN, "rapport.wsgi", f"--bind=127.0.0.1:{port}", f"--workers={WORKERS}",
        "--worker-class=gthread", f"--threads={THREADS}", "--log-level=warning",
    ]  # fmt: skip
    with log.open("a") as out:
        server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server)
        yield base, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


@contextmanager
def serving(env: dict[str, str], *, log: Path) -> Iterator[tuple[str, int]]:
    """Yields the base URL and the gunicorn master's pid once the server answers; stops it
    afterwards."""
    with gunicorn(env, log=log) as (base, server):
        yield base, server.pid


TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def workers_cpu_seconds(master: int) -> float:
    """User plus system CPU time so far of the master's worker processes, from /proc (Linux):
    what the server spent, whatever the load generator on the same machine spent."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended meanwhile
            continue
        # The command name (field 2) is in parentheses and may hold spaces: split after it.
        fields = text[text.rindex(")") + 2 :].split()
        if int(fields[1]) == master:  # field 4, the parent
            total += int(fields[11]) + int(fields[12])  # fields 14 and 15: utime, stime
    return total / TICKS_PER_SECOND


def _wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped (exit {server.returncode}); see the bench log")
        try:
            # As from the TLS proxy: otherwise production settings redirect to https.
            request = urllib.request.Request(f"{base}/health/alive/", headers=dict([PROXY_HEADER]))
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 60 s")
