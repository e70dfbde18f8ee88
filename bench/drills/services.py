"""The drills' own servers, on loopback and free ports, started and stopped by the drill:
a throwaway PostgreSQL cluster (initdb into a temporary folder), a Redis without persistence
and the SMTP sink. Never the machine's shared PostgreSQL (5432) or Redis (6379)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.environments import ROOT
from bench.server import free_port

PG_BIN = Path(os.environ.get("DRILLS_PG_BIN", "/usr/lib/postgresql/15/bin"))


def _as_postgres(command: list[str]) -> list[str]:
    """As root, PostgreSQL refuses to run: its commands run as the `postgres` OS user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class Postgres:
    """A cluster of its own in a temporary folder, trusting loopback connections."""

    def __init__(self, log: Path) -> None:
        self.port = free_port()
        assert self.port not in (5432,), "never the shared server"
        self.log = log
        self.folder = Path(tempfile.mkdtemp(prefix="rapport-drill-pg-"))
        self.data = self.folder / "data"
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run([str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres",
                   "--auth=trust", "-E", "UTF8", "--no-sync"])  # fmt: skip
        self.start()

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}"

    def _run(self, command: list[str]) -> None:
        with self.log.open("a") as out:
            subprocess.run(_as_postgres(command), check=True, stdout=out, stderr=out, timeout=120)

    def _ctl(self, *arguments: str) -> None:
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories="
                   f"{self.folder} -c fsync=off -c max_connections=200")  # fmt: skip
        self._run([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-w",
                   "-t", "60", "-l", str(self.folder / "server.log"), *arguments])  # fmt: skip

    def start(self) -> None:
        self._ctl("start")

    def restart(self) -> None:
        """A fast restart: open connections are cut, as when a managed database fails over."""
        self._ctl("restart", "-m", "fast")

    def stop(self) -> None:
        self._ctl("stop", "-m", "fast")

    def close(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


class Redis:
    def __init__(self, log: Path) -> None:
        self.port = free_port()
        assert self.port != 6379, "never the shared server"
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        with self.log.open("a") as out:
            self.process = subprocess.Popen(
                ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
                 "--appendonly", "no", "--protected-mode", "yes"],
                stdout=out, stderr=out,
            )  # fmt: skip
        _wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None

    def close(self) -> None:
        self.stop()


class Sink:
    """The SMTP sink (bench.drills.sink): `stop()` makes the mail server down, `start()` up."""

    def __init__(
        self, folder: Path, log: Path, *, delay: float = 0.0, record_first: bool = False
    ) -> None:
        self.record_first = record_first
        self.port = free_port()
        self.received_log = folder / f"sink-{self.port}.jsonl"
        self.received_log.unlink(missing_ok=True)
        self.log = log
        self.delay = delay
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("a") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bench.drills.sink", f"--port={self.port}",
                 f"--log={self.received_log}", f"--delay={self.delay}", "--max-seconds=3600",
                 *(["--record-first"] if self.record_first else [])],
                cwd=ROOT, stdout=out, stderr=out,
            )  # fmt: skip
        _wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)
            self.process = None

    def received(self) -> list[dict[str, Any]]:
        if not self.received_log.exists():
            return []
        return [json.loads(line) for line in self.received_log.read_text().splitlines() if line]

    def env(self) -> dict[str, str]:
        return {"EMAIL_BACKEND": "smtp", "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(self.port),
                "EMAIL_TIMEOUT": "10"}  # fmt: skip


def _wait_for_port(port: int, seconds: float = 30) -> None:
    import socket

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            probe.settimeout(1)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing answered on 127.0.0.1:{port} within {seconds:.0f} s")
