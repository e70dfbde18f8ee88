"""CPU per request of the main pages, in-process, warm, one request at a time: what the server
spends on a page when nothing else runs, without the load generator or the network.

Run it with Rapport's settings on a database that holds the demo (or a synthetic organisation):

    RAPPORT_VAR_DIR=/tmp/x-var rapport migrate && RAPPORT_VAR_DIR=/tmp/x-var rapport demo
    RAPPORT_VAR_DIR=/tmp/x-var python -m bench.profile [--requests 40] [--cprofile home]

It switches production settings on itself (as `make bench` does) unless RAPPORT_PRODUCTION is
set. `--cprofile PAGE` prints where that page's time goes (the 40 costliest functions;
PROFILE_SORT=cumulative and PROFILE_FILTER=rapport/ change the order and the selection).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import django
import time_machine

PRODUCTION_ENV = {
    "RAPPORT_PRODUCTION": "true",
    "SECRET_KEY": "bench-only-" + "x" * 50,
    "RAPPORT_MASTER_KEY": "YmVuY2gtb25seS1tYXN0ZXIta2V5LTMyLWJ5dGVzISE=",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "RAPPORT_BEHIND_PROXY": "true",
    "EMAIL_BACKEND": "console",
}
DEMO_MANAGER = "maya.okafor@demo.rapport.example"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=40, help="measured, after 5 warm-ups")
    parser.add_argument("--manager", default="", help="e-mail of the manager (demo's or synth's)")
    parser.add_argument("--cprofile", default="", help="a page name: print its profile")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args()
    for name, value in PRODUCTION_ENV.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    django.setup()
    rows = measure(options.requests, options.manager, options.cprofile)
    if options.json:
        json.dump(rows, sys.stdout, indent=2)
        return
    floor = next((r["cpu_ms"] for r in rows if r["page"] == "signed-in floor"), 0.0)
    print(f"{'page':<21}{'CPU ms':>8}{'min':>8}{'x floor':>9}{'wall ms':>9}{'SQL':>5}{'KB':>7}")
    for r in rows:
        ratio = r["cpu_ms"] / floor if floor else 0.0
        print(
            f"{r['page']:<21}{r['cpu_ms']:>8.2f}{r['cpu_min_ms']:>8.2f}{ratio:>9.1f}{r['wall_ms']:>9.2f}"
            f"{r['queries']:>5}{r['bytes'] / 1024:>7.1f}"
        )
    print(
        f"(CPU per request: median and least of {options.requests} requests, one at a time, "
        "in-process, warm; x floor: the median against the signed-in floor's)"
    )


def measure(requests: int, manager_email: str, profile_page: str) -> list[dict[str, Any]]:
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from bench.sessions import session_cookie
    from rapport.fakedata.plan import REFERENCE_MANAGER_EMAIL
    from rapport.people.models import Person

    emails = [manager_email] if manager_email else [DEMO_MANAGER, REFERENCE_MANAGER_EMAIL]
    manager = Person.objects.filter(email__in=emails).first()
    if manager is None:
        sys.exit(f"none of {emails} is in this database: run `rapport demo` or `rapport synth`")
    client = Client(HTTP_HOST="127.0.0.1", HTTP_COOKIE=session_cookie(manager))
    pages = [
        ("floor", reverse("alive")),
        ("signed-in floor", reverse("password_change_done")),
        ("home", reverse("home")),
        ("team view", reverse("insights:team")),
    ]
    rows = []
    for name, url in pages:
        row, _ = measure_page(client, url, requests)
        rows.append({"page": name, "path": url, **row})
        if name == profile_page:
            print_profile(client, url, requests)
    if settings.RAPPORT_PAGE_CACHE:
        rows += _after_writes(client, manager, requests, profile_page)
    return rows


def _after_writes(
    client: Any, manager: Any, requests: int, profile_page: str
) -> list[dict[str, Any]]:
    """The first visit after a write in one of the manager's 1:1s (it concerns the manager and
    that report: the page cache builds the page anew, from the other reports' pieces as kept):
    home, the team view, and the team view right after home in the same minute (which reads the
    team's facts that home kept); then each page a minute later, nothing written."""
    from django.urls import reverse
    from django.utils import timezone

    from rapport import versions
    from rapport.meetings.models import OneOnOne
    from rapport.meetings.services import schedules_extend_due

    home, team = reverse("home"), reverse("insights:team")
    report = manager.reports.filter(is_active=True).order_by("name").first()
    concerned = [manager.pk, report.pk if report else None]
    elsewhere = (
        OneOnOne.objects.filter(status=OneOnOne.Status.ACTIVE)
        .exclude(manager=manager)
        .exclude(report=manager)
        .first()
    )

    def write() -> None:
        versions.bump_people(concerned)

    def tick_elsewhere() -> None:
        # The worker keeps another team's 1:1 ten weeks ahead: its meetings, as if they ran
        # out in five weeks, are extended again (the rows exist: nothing is added twice).
        assert elsewhere is not None, "a 1:1 of another team"
        now = timezone.now()
        OneOnOne.objects.filter(pk=elsewhere.pk).update(scheduled_until=now + timedelta(weeks=5))
        assert schedules_extend_due(now=now) > 0

    def write_then_home() -> None:
        write()
        client.get(home, secure=True)

    rows = []
    for name, url, before in (
        ("home, after write", home, write),
        ("team, after write", team, write),
        ("team, after home", team, write_then_home),
        # The worker's most frequent write: another team's schedule extended (it moved every
        # page until session 28; now that pair's two people's alone).
        ("home, tick elsewhere", home, tick_elsewhere),
        ("team, tick elsewhere", team, tick_elsewhere),
        # A write that may touch anyone's page (a departure, an import, retention) moves every
        # version: every piece of the page (each member and card, each row) is built again.
        ("home, all moved", home, versions.bump_everyone),
        ("team, all moved", team, versions.bump_everyone),
    ):
        row, _ = measure_page(client, url, requests, before=before)
        rows.append({"page": name, "path": url, **row})
        if name == profile_page:
            print_profile(client, url, requests, before=before)
    # A minute later with nothing written: home's own entries are the minute's, the team view's
    # last until its horizon (pagecache.Horizon). The clock moves a minute before each request.
    with time_machine.travel(datetime.now(UTC), tick=True) as clock:

        def next_minute() -> None:
            clock.shift(timedelta(minutes=1))

        for name, url in (("home, next minute", home), ("team, next minute", team)):
            row, _ = measure_page(client, url, requests, before=next_minute)
            rows.append({"page": name, "path": url, **row})
    return rows


def measure_page(
    client: Any,
    url: str,
    requests: int,
    headers: dict[str, str] | None = None,
    *,
    status: int = 200,
    before: Callable[[], None] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """Warms a page up (it must answer `status`), counts its queries once, then times
    `requests` requests of it: its figures and its SQL. `before` runs ahead of each request,
    outside the figures (a write that makes the page cache build the page anew)."""
    before = before or (lambda: None)
    from django.db import connection

    headers = headers or {}
    for _ in range(5):
        response = client.get(url, secure=True, headers=headers)
        if response.status_code != status:
            sys.exit(f"{url} answered {response.status_code}, not {status}")
    queries: list[str] = []
    before()
    with connection.execute_wrapper(_counting(queries)):
        client.get(url, secure=True, headers=headers)
    cpu, wall = [], []
    for _ in range(requests):
        before()
        began_cpu, began_wall = time.process_time(), time.perf_counter()
        response = client.get(url, secure=True, headers=headers)
        cpu.append((time.process_time() - began_cpu) * 1000)
        wall.append((time.perf_counter() - began_wall) * 1000)
    row = {
        "cpu_ms": round(statistics.median(cpu), 2),
        # On a busy machine the least is the steadiest figure: other processes only add.
        "cpu_min_ms": round(min(cpu), 2),
        "wall_ms": round(statistics.median(wall), 2),
        "queries": len(queries),
        "bytes": len(response.content),
    }
    return row, queries


def print_profile(
    client: Any,
    url: str,
    requests: int,
    headers: dict[str, str] | None = None,
    *,
    before: Callable[[], None] | None = None,
) -> None:
    """cProfile of `requests` requests of a page, printed on standard error (PROFILE_SORT and
    PROFILE_FILTER choose the order and the lines; PROFILE_CALLERS names functions whose callers
    to print). `before` runs ahead of each request, outside the profile."""
    profiler = cProfile.Profile()
    for _ in range(requests):
        if before is not None:
            before()
        profiler.enable()
        client.get(url, secure=True, headers=headers or {})
        profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stderr)
    stats.sort_stats(os.environ.get("PROFILE_SORT", "tottime"))
    stats.print_stats(os.environ.get("PROFILE_FILTER", ""), 40)
    if callers := os.environ.get("PROFILE_CALLERS"):
        stats.print_callers(callers)


def _counting(queries: list[str]) -> Any:
    def wrapper(run: Any, sql: str, *rest: Any) -> Any:
        queries.append(sql)
        return run(sql, *rest)

    return wrapper


if __name__ == "__main__":
    main()
