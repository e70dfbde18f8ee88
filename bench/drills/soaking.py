"""The autosave soak of bench/soak.py (its clients, claims and check) with a fault injected
while it runs, then a short second phase that shows whether the app recovered by itself."""

from __future__ import annotations

import http.client
import os
import signal
import threading
import time
import urllib.request
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import soak
from bench.environments import Environment
from bench.load import PROXY_HEADER
from bench.server import gunicorn

AFTER_SECONDS = 6.0  # the second phase, once the fault is over


@dataclass(frozen=True)
class Place(Environment):
    """An Environment whose database and var folder belong to the drill."""

    folder: str = ""
    database_url: str = ""

    @property
    def var_dir(self) -> Path:
        return Path(self.folder)

    def env(self, **extra: str) -> dict[str, str]:
        variables = super().env()
        variables["RAPPORT_VAR_DIR"] = self.folder
        if self.database_url:
            variables["DATABASE_URL"] = self.database_url
        variables.update(extra)
        return variables


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (gunicorn's workers), read from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return sorted(found)


def kill9(pid: int) -> None:
    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def healthy(base: str) -> int:
    request = urllib.request.Request(f"{base}/health/", headers=dict([PROXY_HEADER]))
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (OSError, http.client.HTTPException):
        return 0


def run(
    place: Place,
    *,
    log: Path,
    clients: int,
    seconds: float,
    fault: Callable[[float, dict[str, Any]], dict[str, Any]],
    server_env: dict[str, str] | None = None,
    side: Callable[[str, float], dict[str, Any]] | None = None,
    before: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Soaks for `seconds` while `fault(start, context)` runs in a thread (it must return by
    itself before the soak ends and undo its fault), then soaks AFTER_SECONDS more. `side`, if
    given, runs beside the clients (another kind of request) and returns its own counts;
    `before`, if given, runs once the clients are signed in and before the server starts."""
    specs = soak._django(place, "clients", str(clients))
    if before is not None:  # a fault that must be in place before the server starts
        before()
    with gunicorn(server_env or place.env(), log=log) as (base, server):
        context: dict[str, Any] = {"base": base, "server": server}
        outcome: dict[str, Any] = {}
        start = time.monotonic()

        def inject() -> None:
            try:
                outcome.update(fault(start, context))
            except Exception as error:  # the fault was not injected: nothing was measured
                outcome["fault_error"] = f"{type(error).__name__}: {error}"[:300]

        injector = threading.Thread(target=inject)
        injector.start()
        side_counts: dict[str, Any] = {}
        side_thread = None
        if side is not None:
            side_thread = threading.Thread(target=lambda: side_counts.update(side(base, seconds)))
            side_thread.start()
        during = soak._run(base, specs, seconds)
        injector.join(timeout=120)
        if side_thread is not None:
            side_thread.join(timeout=120)
        # After the fault: the same people go on typing, from what the database holds now.
        after_specs = soak._django(place, "clients", str(clients))
        after = soak._run(base, after_specs, AFTER_SECONDS)
        health = healthy(base)
        server_alive = server.poll() is None
    claims = soak._claims(during) + soak._claims(after)
    found = soak._django(place, "check", stdin=__import__("json").dumps(claims))["found"]
    acknowledged = sum(len(c.acknowledged) for c in during + after)
    errors = [e for c in during for e in c.errors]
    after_errors = [e for c in after for e in c.errors]
    statuses = [e.split(" ", 1)[0] for e in errors]
    return {
        "saves_attempted": sum(c.attempted for c in during + after),
        "saves_acknowledged": acknowledged,
        "saves_found": found,
        "saves_lost": acknowledged - found,
        "http_5xx": sum(s.isdigit() and s.startswith("5") for s in statuses),
        "http_503": statuses.count("503"),
        "http_409": statuses.count("409"),
        "connection_errors": sum(not s.isdigit() for s in statuses),
        "error_samples": sorted(set(errors))[:5],
        "after_acknowledged": sum(len(c.acknowledged) for c in after),
        "after_errors": len(after_errors),
        "after_error_samples": sorted(set(after_errors))[:3],
        "health_after": health,
        "recovered_without_restart": bool(
            server_alive
            and health == 200
            and not after_errors
            and sum(len(c.acknowledged) for c in after) > 0
        ),
        "fault": outcome,
        **({"side": side_counts} if side else {}),
    }
