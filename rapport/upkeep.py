"""Database upkeep that no request should wait for."""

from __future__ import annotations

from django.db import connection


def query_statistics_refresh(*, thorough: bool = False) -> None:
    """Gathers the statistics the query planner chooses indexes by.

    SQLite has none until ANALYZE runs, and without them, after years of 1:1s, it read a whole
    status index (every pair's held meetings) for a team view instead of the pair's own index:
    2 s instead of 2 ms. `analysis_limit` samples each index so the daily run takes
    milliseconds; `thorough` reads everything (after a bulk load). PostgreSQL's autovacuum
    keeps its own statistics; after a bulk load one ANALYZE saves waiting for it.
    """
    sqlite = connection.vendor == "sqlite"
    if not sqlite and not thorough:
        return  # the daily refresh is SQLite's; autovacuum already does it on PostgreSQL
    with connection.cursor() as cursor:
        if sqlite and not thorough:
            cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("ANALYZE")
