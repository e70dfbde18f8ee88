"""Drives load at one URL: wrk (Debian's package) when it is installed, otherwise a small
Python load generator with the same shape (keep-alive connections, each sending its next
request as soon as the last is answered)."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

LUA = Path(__file__).with_name("wrk_report.lua")
# Requests arrive as from a TLS-terminating proxy, as in production.
PROXY_HEADER = ("X-Forwarded-Proto", "https")


@dataclass(frozen=True)
class LoadResult:
    tool: str
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "per_second": round(self.per_second, 1)}


def drive(url: str, *, cookie: str, connections: int, seconds: float) -> LoadResult:
    if shutil.which("wrk") and not os.environ.get("BENCH_PYTHON_LOAD"):
        return _wrk(url, cookie=cookie, connections=connections, seconds=seconds)
    return _python(url, cookie=cookie, connections=connections, seconds=seconds)


def _wrk(url: str, *, cookie: str, connections: int, seconds: float) -> LoadResult:
    threads = min(connections, os.cpu_count() or 1)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        # A slow answer is measured, not dropped: wrk's 2-second default counts it an error.
        "--timeout=30s",
        "-s",
        str(LUA),
    ]
    command += ["-H", f"{PROXY_HEADER[0]}: {PROXY_HEADER[1]}"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH_JSON "))
    figures = json.loads(line.removeprefix("BENCH_JSON "))
    return LoadResult(tool="wrk", **figures)


def _python(url: str, *, cookie: str, connections: int, seconds: float) -> LoadResult:
    parts = urlsplit(url)
    headers = {PROXY_HEADER[0]: PROXY_HEADER[1], **({"Cookie": cookie} if cookie else {})}
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection(parts.netloc, timeout=30)
        mine: list[float] = []
        failed = 0
        while time.monotonic() < deadline:
            began = time.perf_counter()
            try:
                connection.request("GET", parts.path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status >= 400:
                    failed += 1
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
                connection = http.client.HTTPConnection(parts.netloc, timeout=30)
            mine.append(time.perf_counter() - began)
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    started = time.monotonic()
    workers = [threading.Thread(target=client) for _ in range(connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    ordered = sorted(latencies) or [0.0]

    def percentile(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000, 2)

    return LoadResult(
        tool="python", requests=len(latencies), seconds=round(elapsed, 3), errors=errors[0],
        p50_ms=percentile(0.50), p95_ms=percentile(0.95), p99_ms=percentile(0.99),
    )  # fmt: skip
