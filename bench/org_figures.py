"""The organisation view at scale: what the worker spends on its figures, what the first request
after a change costs, and what a cached request costs, in-process, one request at a time.

Run it on a database holding a synthetic organisation (`rapport synth`), e.g. PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rapport_x RAPPORT_VAR_DIR=/tmp/x-var \\
        python -m bench.org_figures [--requests 30]

It switches production settings on itself (as bench/profile.py does) unless RAPPORT_PRODUCTION
is set. With no shared cache configured it uses a cache of its own process, with room for
every viewer's figures (what matters here is the work, not the transport).
Figures are medians of wall time and of this process's CPU time (the database's own work is in
the wall time only).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import django

from bench.profile import PRODUCTION_ENV


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=30, help="cached requests measured")
    parser.add_argument("--rounds", type=int, default=3, help="changes and recomputes measured")
    parser.add_argument(
        "--cache",
        default="",
        help="'db' (Django's database cache, in a table of its own) or a redis:// URL; "
        "default: the configured cache",
    )
    options = parser.parse_args()
    for name, value in PRODUCTION_ENV.items():
        os.environ.setdefault(name, value)
    # HR must enrol a second factor in production; it costs the page nothing, so it is off here.
    os.environ.setdefault("RAPPORT_TOTP_REQUIRED_FOR", "nobody")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    django.setup()
    from django.conf import settings

    from rapport import env

    if options.cache == "db":
        from django.core.management import call_command

        settings.CACHES["default"] = {
            "BACKEND": "rapport.crypto.cache.SealedDatabaseCache",
            "LOCATION": "bench_org_figures_cache",
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
        call_command("createcachetable", "bench_org_figures_cache")
    elif options.cache:
        settings.CACHES["default"] = env.cache_from(options.cache)
    default = settings.CACHES["default"]
    if default["BACKEND"].endswith("LocMemCache"):
        # Each process's own cache culls beyond 300 entries; the figures of 10,000 people are
        # about 300 (a view and its drawn page per viewer) and two generations are kept.
        default.setdefault("OPTIONS", {})["MAX_ENTRIES"] = 50_000
    measure(options.requests, options.rounds)


def timed(action: Callable[[], Any]) -> tuple[float, float, int, Any]:
    """Wall ms, CPU ms, queries, result."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        began_cpu, began_wall = time.process_time(), time.perf_counter()
        result = action()
        cpu = (time.process_time() - began_cpu) * 1000
        wall = (time.perf_counter() - began_wall) * 1000
    return wall, cpu, len(queries.captured_queries), result


def line(label: str, samples: list[tuple[float, float, int, Any]]) -> None:
    walls = [s[0] for s in samples]
    cpus = [s[1] for s in samples]
    print(
        f"{label:<52}{statistics.median(walls):>9.1f}{statistics.median(cpus):>9.1f}"
        f"{min(cpus):>9.1f}{samples[-1][2]:>5}   (n={len(samples)})"
    )


def measure(requests: int, rounds: int) -> None:
    from django.core.cache import cache, caches
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from bench.sessions import session_cookie
    from rapport.checkins.models import CheckIn
    from rapport.insights import selectors, services
    from rapport.insights.views import org_figures_draw
    from rapport.people.models import Person, Role

    hr = Person.objects.filter(role=Role.HR, is_active=True).order_by("pk").first()
    if hr is None:
        raise SystemExit("no active HR person here: run `rapport synth` first")
    people = Person.objects.count()
    client = Client(HTTP_HOST="127.0.0.1", HTTP_COOKIE=session_cookie(hr))
    url = "/insights/organisation/"

    def get() -> int:
        response = client.get(url, secure=True)
        assert response.status_code == 200, response.status_code
        return len(response.content)

    def refresh(force: bool = False) -> bool:
        """What the worker's tick does: recompute if anything changed, then draw the pages."""
        figures = services.org_figures_refresh(
            now=timezone.now(), today=timezone.localdate(), force=force
        )
        if figures is not None:
            org_figures_draw(figures)
        return figures is not None

    cache.clear()
    client.get("/", secure=True)  # the navigation's depth, cached as on any page
    backend = type(caches["default"]).__name__
    print(f"{people} people, {connection.vendor}, {backend}; HR viewer {hr.email}")
    print(f"{'':<52}{'wall ms':>9}{'CPU ms':>9}{'CPU min':>9}{'SQL':>5}")
    line("request with no figures at all (computes them)", [timed(get)])
    recompute = [timed(lambda: refresh(force=True)) for _ in range(rounds)]
    line("worker: recompute and draw every viewer's figures", recompute)
    stamp = selectors.latest_org_figures()
    assert stamp is not None
    print(f"{'':<52}({len(stamp.viewers)} views: HR's and every skip-level's)")
    line("worker: tick with nothing changed", [timed(refresh) for _ in range(max(rounds, 5))])

    after_change, after_recompute = [], []
    checkin = CheckIn.objects.order_by("-submitted_at").first()
    assert checkin is not None
    for _ in range(rounds):
        CheckIn.objects.filter(pk=checkin.pk).update(updated_at=timezone.now())
        after_change.append(timed(get))  # before the worker's tick
        assert refresh()
        after_recompute.append(timed(get))  # the first request on the new figures
    line("first request after a change (worker not yet run)", after_change)
    line("first request after the worker's recompute", after_recompute)
    for _ in range(5):
        get()
    cached = [timed(get) for _ in range(requests)]
    line("cached request (HR, nothing changed)", cached)
    print(f"{'':<52}(page {cached[-1][3] / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
