"""The database cache's store (rapport/crypto/cache.py, SealedDatabaseCache): one upsert per
set or add, Django's add semantics kept (a lock relies on them), the table culled past
MAX_ENTRIES on one store in CULL_CHECK_EVERY, and rows in Django's own stored form."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from rapport import env
from rapport.crypto import cache as cache_backends
from rapport.crypto.cache import SealedDatabaseCache


@pytest.fixture
def shared(transactional_db: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The database cache, emptied, its store counter at 1 (no count on the next store). Not
    inside a test transaction: a store outside one (a page's) is a single statement."""
    monkeypatch.setattr(SealedDatabaseCache, "_stores", itertools.count(1))
    with override_settings(CACHES={"default": env.cache_from("")}):
        cache = caches["default"]
        cache.clear()
        yield cache
        cache.clear()


def _rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {env.CACHE_TABLE}")
        return int(cursor.fetchone()[0])


def test_a_set_or_an_add_is_one_statement(shared: Any, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        shared.set("one", {"kept": 1}, 30)
    with django_assert_num_queries(1):
        shared.set("one", {"kept": 2}, 30)
    with django_assert_num_queries(1):
        assert shared.add("two", "first", 30) is True
    assert shared.get_many(["one", "two"]) == {"one": {"kept": 2}, "two": "first"}
    assert _rows() == 2
    # Inside a write's transaction: the savepoint, the store, its release.
    with transaction.atomic(), django_assert_num_queries(3):
        shared.set("three", "in a write", 30)


def test_set_many_is_one_statement_and_replaces_what_is_there(
    shared: Any, django_assert_num_queries: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared.set("b", "before", 30)
    values = {"a": {"kept": 1}, "b": "after", "c": [3]}
    with django_assert_num_queries(1):
        assert shared.set_many(values, 30) == []
    assert shared.get_many(["a", "b", "c"]) == values
    assert _rows() == 3
    # More rows than one statement holds: one statement per slice of them.
    monkeypatch.setattr(cache_backends, "SET_MANY_ROWS", 2)
    many = {f"k{n}": n for n in range(5)}
    with django_assert_num_queries(3):
        assert shared.set_many(many, 30) == []
    assert shared.get_many(list(many)) == many
    # Each row in Django's stored form, with the timeout's expiry: Django's own reader reads it.
    django_reader = DatabaseCache(env.CACHE_TABLE, {})
    assert isinstance(django_reader.get("k4"), cache_backends._Sealed)
    with time_machine.travel(timezone.now() + timedelta(seconds=31), tick=False):
        assert shared.get_many(["a", "k4"]) == {}
    assert shared.set_many({}, 30) == []


def test_an_add_keeps_a_live_entry_and_replaces_an_expired_one(shared: Any) -> None:
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        assert shared.add("lock", "mine", 60) is True
        assert shared.add("lock", "theirs", 60) is False
        assert shared.get("lock") == "mine"
        assert shared.add("forever", "kept", None) is True
        assert shared.add("forever", "other", None) is False
    with time_machine.travel(now + timedelta(seconds=61), tick=False):
        assert shared.get("lock") is None
        assert shared.add("lock", "theirs", 60) is True
        assert shared.get("lock") == "theirs"
        assert shared.get("forever") == "kept"
        # A set replaces whatever is there, live or not; touch still moves the expiry.
        shared.set("forever", "replaced", 5)
        assert shared.touch("forever", 120) is True
        assert shared.touch("absent", 120) is False
    with time_machine.travel(now + timedelta(seconds=61 + 100), tick=False):
        assert shared.get("forever") == "replaced"
        assert shared.get("lock") is None


def test_the_table_is_culled_past_max_entries_now_and_then(
    shared: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_backends, "CULL_CHECK_EVERY", 10)
    monkeypatch.setattr(shared, "_max_entries", 20)
    most = 0
    for number in range(120):
        shared.set(f"entry-{number}", number, 300)
        most = max(most, _rows())
    # Counted on every tenth store: past 20 rows a third goes, and it grows at most ten more.
    assert 20 < most <= 30
    assert _rows() <= 30
    assert shared.get("entry-119") == 119


def test_a_row_is_in_djangos_own_stored_form(shared: Any) -> None:
    shared.set("probe", {"points": ["private"]}, 30)
    # Django's own database cache reads the row: the sealed value, which this backend opens.
    plain = DatabaseCache(env.CACHE_TABLE, {})
    sealed = plain.get("probe")
    assert isinstance(sealed, cache_backends._Sealed)
    assert cache_backends.open_value(sealed.sealed) == {"points": ["private"]}
    # And a row Django's store wrote is read here.
    plain.set("from-django", cache_backends._Sealed(cache_backends.seal_value("kept")), 30)
    assert shared.get("from-django") == "kept"


def test_a_store_that_fails_inside_a_transaction_leaves_it_usable(shared: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite does not refuse a key longer than the column")
    with transaction.atomic():
        # Past the key column's 255 characters (Django's key check is bypassed here).
        assert shared._base_set("set", "k" * 300, "kept", 30) is False
        shared.set("after", "still written", 30)
        assert shared.get("after") == "still written"
    assert shared.get("after") == "still written"


def test_a_cull_that_fails_is_raised_not_taken_for_a_miss(
    shared: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A failed cull inside a write's transaction would leave it aborted on PostgreSQL: it must
    # surface, as in Django's store, not be answered as a store that missed.
    def cull(*args: Any) -> None:
        raise DatabaseError("the cull failed")

    monkeypatch.setattr(SealedDatabaseCache, "_stores", itertools.count(0))
    monkeypatch.setattr(shared, "_max_entries", -1)
    monkeypatch.setattr(shared, "_cull", cull)
    with pytest.raises(DatabaseError, match="the cull failed"), transaction.atomic():
        shared.set("probe", "kept", 30)
