"""What one store in the database cache costs, Django's own store against Rapport's
(rapport/crypto/cache.py), on a cache table that holds many entries, in-process, alternating.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rapport_x RAPPORT_VAR_DIR=/tmp/x-var \\
        python -m bench.cache_store [--entries 45000] [--stores 300]

Run it on a migrated database of its own: it fills the cache table with `--entries` filler
entries (of 3 KB, expiring in a day) and empties the table when it is done. Django's store
counts the whole table on every store (to cull it past MAX_ENTRIES), then reads and writes the
key; Rapport's is one upsert, and counts the table on one store in 100. Figures are medians of
wall time (the database's work) and of this process's CPU time, per store of a 2 KB value.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=45_000, help="filler entries in the table")
    parser.add_argument("--stores", type=int, default=300, help="stores measured, each way")
    options = parser.parse_args()
    os.environ.setdefault("RAPPORT_PRODUCTION", "false")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    django.setup()

    from django.core.cache.backends.db import DatabaseCache
    from django.db import connection
    from django.utils import timezone

    from rapport import env
    from rapport.crypto.cache import SealedDatabaseCache, _Sealed, seal_value

    class DjangosStore(SealedDatabaseCache):
        """Sealed values as Rapport's, stored by Django's own `_base_set`."""

        def _base_set(self, mode: str, key: Any, value: Any, timeout: Any = 300) -> bool:
            sealed = _Sealed(seal_value(value))
            return bool(DatabaseCache._base_set(self, mode, key, sealed, timeout))  # type: ignore[attr-defined]

    table = env.CACHE_TABLE
    options_ = {"OPTIONS": {"MAX_ENTRIES": 50_000}}
    theirs, ours = DjangosStore(table, options_), SealedDatabaseCache(table, options_)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
        filler = "x" * 3000
        expires = connection.ops.adapt_datetimefield_value(timezone.now() + timedelta(days=1))
        cursor.executemany(
            f"INSERT INTO {table} (cache_key, value, expires) VALUES (%s, %s, %s)",
            [(f"filler-{n}", filler, expires) for n in range(options.entries)],
        )
    value = {"page": "y" * 2000}
    figures: dict[str, list[tuple[float, float]]] = {"Django's store": [], "Rapport's store": []}
    try:
        for number in range(options.stores):
            key = f"bench-{number % 50}"
            for name, backend in (("Django's store", theirs), ("Rapport's store", ours)):
                figures[name].append(_timed(backend.set, key, value))
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table}")
    print(f"{connection.vendor}, {options.entries} entries, {options.stores} stores each way:")
    for name, timings in figures.items():
        wall = statistics.median(t[0] for t in timings)
        cpu = statistics.median(t[1] for t in timings)
        print(f"  {name:<16} wall {wall:6.2f} ms   CPU {cpu:5.2f} ms")


def _timed(
    store: Callable[[str, object, int], object], key: str, value: object
) -> tuple[float, float]:
    began_wall, began_cpu = time.perf_counter(), time.process_time()
    store(key, value, 300)
    return (time.perf_counter() - began_wall) * 1000, (time.process_time() - began_cpu) * 1000


if __name__ == "__main__":
    main()
