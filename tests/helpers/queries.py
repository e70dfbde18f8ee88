"""Pinning how many SQL queries a page makes, so pages cannot slowly grow N+1 problems."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(action: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as context:
        action()
    return len(context.captured_queries)


def assert_queries_do_not_grow(
    measure: Callable[[], int], grow: Callable[[], None], *, pinned: int | None = None
) -> None:
    """Measures, grows the data (more reports, more history), measures again: the counts must
    be equal, and equal to `pinned` when given."""
    before = measure()
    grow()
    after = measure()
    assert before == after, f"queries grew with the data: {before} before, {after} after"
    if pinned is not None:
        assert after == pinned, f"expected {pinned} queries, the page made {after}"
