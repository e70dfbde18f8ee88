"""The planner's statistics: SQLite has none until ANALYZE, and picks poor indexes without."""

from __future__ import annotations

import pytest
from django.db import connection

from rapport.upkeep import query_statistics_refresh
from tests.cast import Cast


def stat_rows(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
        return int(cursor.fetchone()[0])


@pytest.mark.parametrize("thorough", [False, True])
def test_sqlite_gets_statistics_for_the_meeting_indexes(cast: Cast, thorough: bool) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's autovacuum keeps its own statistics")
    from rapport.people.models import Person

    assert Person.objects.exists()
    assert stat_rows("people_person") == 0
    query_statistics_refresh(thorough=thorough)
    assert stat_rows("people_person") > 0  # one row per index of the table
