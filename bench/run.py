"""`make bench`: Rapport under gunicorn with production settings, load on its main pages, for a
small organisation and a 10,000-person one, on SQLite and on PostgreSQL.

Prints one table and writes it as JSON under bench/results/. The targets of issue 8 are
printed beside the figures as met or missed; nothing here asserts them.

    python -m bench.run [--seconds 10] [--connections 16] [--only sqlite-small,...] [--quick]

Per page it reports the server's CPU per request (the gunicorn workers' user and system time
from /proc, before and after, divided by the requests answered), alone and under load; the
headline is each page's CPU per request as a multiple of the signed-in floor's (a signed-in
page with the full layout and nothing else).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.environments import (
    BENCH_VAR,
    PG_SERVER,
    ROOT,
    Environment,
    postgres_reachable,
    prepared,
)
from bench.load import PROXY_HEADER, drive
from bench.server import THREADS, WORKERS, serving, workers_cpu_seconds

RESULTS = ROOT / "bench" / "results"
ORDER = [
    Environment(database, size)
    for database in ("sqlite", "postgresql")
    for size in ("small", "large")
]
ALONE_REQUESTS = 7


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="of load per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--only", default="", help="e.g. sqlite-small,postgresql-large")
    parser.add_argument(
        "--prepare-only", action="store_true", help="build the organisations, measure nothing"
    )
    parser.add_argument(
        "--quick", action="store_true", help="sqlite-small only, 3 s of load per page"
    )
    options = parser.parse_args()
    if options.quick:
        options.only = options.only or "sqlite-small"
        options.seconds = min(options.seconds, 3.0)
    chosen = [e for e in ORDER if not options.only or e.name in options.only.split(",")]
    if any(e.database == "postgresql" for e in chosen) and not postgres_reachable():
        print(f"PostgreSQL is not reachable at {PG_SERVER}: its rows are left out (set "
              "BENCH_PG_SERVER, e.g. postgres://user@host:5432).", flush=True)  # fmt: skip
        chosen = [e for e in chosen if e.database != "postgresql"]
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    log = BENCH_VAR / "bench.log"
    print(f"Benchmark log: {log}", flush=True)
    rows: list[dict[str, Any]] = []
    assets: dict[str, int] = {}
    for environment in chosen:
        print(f"{environment.name}: preparing", flush=True)
        prepared(environment, log=log)
        if options.prepare_only:
            continue
        probe = _probe(environment)
        with serving(environment.env(), log=log) as (base, master):
            assets = assets or _asset_sizes(base, probe["assets"])
            rows += _measure(environment, base, master, probe["pages"], options)
    if options.prepare_only:
        return
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": _machine(),
        "settings": {
            "connections": options.connections,
            "seconds_per_page": options.seconds,
            "gunicorn": f"{WORKERS} workers x {THREADS} threads (gthread)",
        },
        "first_load_assets_gzip_bytes": assets,
        "rows": rows,
        "targets": _targets(rows, assets),
    }
    _print(report)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{datetime.now(UTC):%Y-%m-%dT%H%M}-{platform.node() or 'machine'}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nWritten to {path.relative_to(ROOT)}")


def _probe(environment: Environment) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "bench.probe"],
        env=environment.env(), cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    if result.returncode:
        raise SystemExit(f"probe failed on {environment.name}:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout)


def _measure(
    environment: Environment,
    base: str,
    master: int,
    pages: list[dict[str, Any]],
    options: argparse.Namespace,
) -> list[dict[str, Any]]:
    rows = []
    floor = 0.0
    signed_in: dict[str, float] = {}
    _wait_for_idle_workers(master)
    for page in pages:
        url = base + page["path"]
        first, alone = _alone_ms(url, page["cookie"])
        # The warm-up also has every worker load the page's templates: not a cost per request.
        drive(url, cookie=page["cookie"], connections=options.connections, seconds=2)
        _wait_for_idle_workers(master)
        cpu_alone = _alone_cpu_ms(url, page["cookie"], master)
        cpu_before = workers_cpu_seconds(master)
        result = drive(
            url, cookie=page["cookie"], connections=options.connections, seconds=options.seconds
        )
        cpu_loaded = (
            1000 * (workers_cpu_seconds(master) - cpu_before) / result.requests
            if result.requests
            else 0.0
        )
        floor = floor or result.per_second
        if page["name"] == "signed-in floor":
            signed_in = {"cpu": cpu_loaded, "per_second": result.per_second}
        row = {
            "environment": environment.name,
            "database": environment.database,
            "people": environment.people,
            "page": page["name"],
            "path": page["path"],
            "queries": page["queries"],
            "html_bytes": page["bytes"],
            "first_ms": first,
            "alone_ms": alone,
            **result.as_dict(),
            "floor_ratio": round(result.per_second / floor, 3) if floor else None,
            "cpu_ms_alone": round(cpu_alone, 2),
            "cpu_ms_loaded": round(cpu_loaded, 2),
            # The headline: CPU per request, and throughput, against the signed-in floor's.
            "signed_in_cpu_ratio": (
                round(cpu_loaded / signed_in["cpu"], 2) if signed_in.get("cpu") else None
            ),
            "signed_in_throughput_ratio": (
                round(result.per_second / signed_in["per_second"], 3)
                if signed_in.get("per_second")
                else None
            ),
        }
        print(
            f"  {page['name']:<16} {result.per_second:8.1f} req/s  p99 {result.p99_ms:7.1f} ms"
            f"  CPU {cpu_alone:6.2f} ms alone, {cpu_loaded:6.2f} loaded"
            f"  {page['queries']:3d} queries  errors {result.errors}",
            flush=True,
        )
        rows.append(row)
    return rows


def _alone_ms(url: str, cookie: str) -> tuple[float, float]:
    """The first request's time (before anything is cached) and the median of the following
    ones, each with nothing else running: what one person waits."""
    timings = []
    for _ in range(ALONE_REQUESTS):
        request = urllib.request.Request(url, headers={PROXY_HEADER[0]: PROXY_HEADER[1]})
        if cookie:
            request.add_header("Cookie", cookie)
        began = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
        timings.append((time.perf_counter() - began) * 1000)
    return round(timings[0], 2), round(statistics.median(timings[1:]), 2)


def _wait_for_idle_workers(master: int, *, limit: float = 20.0) -> None:
    """The server answers as soon as one worker has loaded Rapport; the others may still be
    importing it. Their start-up is not any page's cost: wait until no worker uses CPU."""
    deadline = time.monotonic() + limit
    last = workers_cpu_seconds(master)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = workers_cpu_seconds(master)
        if now == last:
            return
        last = now


def _alone_cpu_ms(url: str, cookie: str, master: int, *, seconds: float = 1.5) -> float:
    """The workers' CPU per request with one request at a time, over enough requests for the
    clock ticks of /proc (10 ms) to be small against the total."""
    request = urllib.request.Request(url, headers={PROXY_HEADER[0]: PROXY_HEADER[1]})
    if cookie:
        request.add_header("Cookie", cookie)
    count = 0
    before = workers_cpu_seconds(master)
    began = time.perf_counter()
    while count < 20 or time.perf_counter() - began < seconds:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
        count += 1
    return 1000 * (workers_cpu_seconds(master) - before) / count


def _asset_sizes(base: str, paths: list[str]) -> dict[str, int]:
    """Bytes on the wire of the home page's CSS and JavaScript, gzip-compressed as served."""
    sizes = {}
    for path in paths:
        request = urllib.request.Request(base + path, headers={"Accept-Encoding": "gzip"})
        request.add_header(*PROXY_HEADER)
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
            if response.headers.get("Content-Encoding") != "gzip":
                body = gzip.compress(body)
        sizes[path] = len(body)
    return sizes


def _targets(rows: list[dict[str, Any]], assets: dict[str, int]) -> list[dict[str, Any]]:
    def row(environment: str, page: str) -> dict[str, Any] | None:
        return next(
            (r for r in rows if r["environment"] == environment and r["page"] == page), None
        )

    found: list[dict[str, Any]] = []

    def target(name: str, value: float | None, limit: float, *, at_least: bool = False) -> None:
        if value is None:
            return
        met = value >= limit if at_least else value <= limit
        found.append({"target": name, "value": round(value, 3), "limit": limit, "met": met})

    environments = sorted(
        {r["environment"] for r in rows}, key=lambda n: [e.name for e in ORDER].index(n)
    )
    for environment in environments:
        team = row(environment, "team view (30)")
        target(
            f"{environment}: team view / floor throughput",
            team["floor_ratio"] if team else None,
            0.4,
            at_least=True,
        )
        worst = max((r for r in rows if r["environment"] == environment), key=lambda r: r["p99_ms"])
        target(f"{environment}: worst p99 ms ({worst['page']})", worst["p99_ms"], 50)
    for database in ("sqlite", "postgresql"):
        for page in ("team view (30)", "meeting page"):
            small, large = row(f"{database}-small", page), row(f"{database}-large", page)
            if small and large and large["per_second"]:
                target(
                    f"{database}: {page} slowdown, 10,000 vs small",
                    small["per_second"] / large["per_second"],
                    1.2,
                )
    hr = row("postgresql-large", "org view (HR)")
    target("postgresql-large: HR org view alone, ms", hr["alone_ms"] if hr else None, 500)
    target(
        "postgresql-large: HR org view first (uncached), ms", hr["first_ms"] if hr else None, 500
    )
    if assets:
        target("first load CSS+JS gzip KB", sum(assets.values()) / 1024, 60)
    return found


def _machine() -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo")
    lines = cpuinfo.read_text().splitlines() if cpuinfo.exists() else []
    cpu = next((line.split(":", 1)[1].strip() for line in lines if "model name" in line), "")
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def _print(report: dict[str, Any]) -> None:
    header = (
        f"{'environment':<18}{'page':<17}{'CPU ms':>8}{'x s-in':>7}{'CPU1 ms':>8}{'req/s':>8}"
        f"{'x floor':>8}{'p50':>8}{'p99':>8}{'first':>8}{'alone':>8}{'SQL':>5}{'err':>5}"
    )
    print("\n" + header + "\n" + "-" * len(header))
    for r in report["rows"]:
        ratio = r.get("signed_in_cpu_ratio")
        print(
            f"{r['environment']:<18}{r['page']:<17}{r['cpu_ms_loaded']:>8.2f}"
            f"{(f'{ratio:.1f}' if ratio is not None else '-'):>7}{r['cpu_ms_alone']:>8.2f}"
            f"{r['per_second']:>8.1f}{r['floor_ratio']:>8.2f}{r['p50_ms']:>8.1f}"
            f"{r['p99_ms']:>8.1f}{r['first_ms']:>8.1f}{r['alone_ms']:>8.1f}{r['queries']:>5}"
            f"{r['errors']:>5}"
        )
    print(
        "(CPU ms: the server's CPU per request under load, from the workers' /proc times; x s-in: "
        "that as a multiple of the signed-in floor's; CPU1 ms: the same one request at a time. "
        "Latencies in ms at the given connections; 'first' is the first request and 'alone' "
        "the median of the next six, one at a time)"
    )
    assets = report["first_load_assets_gzip_bytes"]
    print(f"\nFirst page load, CSS and JavaScript gzipped: {sum(assets.values()) / 1024:.1f} KB")
    print("\nTargets:")
    for t in report["targets"]:
        mark = "met   " if t["met"] else "MISSED"
        print(f"  {mark} {t['target']}: {t['value']} (limit {t['limit']})")


if __name__ == "__main__":
    main()
