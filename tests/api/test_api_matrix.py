"""The API's other token scopes, next to the access matrix (tests/access_rows/api.py): every
read route with a read-write token answers as with a read token; every write with a read token
gets 403 and changes nothing; no token at all gets 401 everywhere."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client

from rapport.api.models import Scope
from tests.access_rows.api import ROWS, WRITES
from tests.api.helpers import bearer, token_for
from tests.cast import ROLES, Cast
from tests.helpers.digest import database_digest

API_READS = {name: row for name, row in ROWS.items() if row.token}
API_WRITES = {name: write for name, write in WRITES.items() if write.token}


@pytest.fixture(autouse=True)
def _fresh_rate_counts() -> None:
    cache.clear()


def test_every_api_route_is_in_the_matrix_with_a_scope() -> None:
    assert len(API_READS) >= 10 and len(API_WRITES) >= 5
    assert {row.token for row in API_READS.values()} == {Scope.READ}
    assert {write.token for write in API_WRITES.values()} == {Scope.READ_WRITE}


@pytest.mark.parametrize("role", [role for role in ROLES if role != "anonymous"])
def test_a_read_write_token_reads_what_a_read_token_reads(cast: Cast, role: str) -> None:
    headers = bearer(token_for(cast.person(role), Scope.READ_WRITE))  # type: ignore[arg-type]
    wrong = {}
    for name, row in API_READS.items():
        status = Client().get(row.url(cast), headers=headers).status_code
        if status != row.expected[role]:
            wrong[name] = f"got {status}, expected {row.expected[role]}"
    assert not wrong, f"as {role}: {wrong}"


@pytest.mark.parametrize("role", ROLES)
def test_a_read_token_or_none_is_refused_every_write_and_nothing_changes(
    cast: Cast, role: str
) -> None:
    viewer = cast.person(role)
    wrong = {}
    for name, write in API_WRITES.items():
        with transaction.atomic():
            if write.arrange is not None:
                write.arrange(cast)
            headers = bearer(token_for(viewer, Scope.READ)) if viewer else {}
            before = database_digest()
            response = Client().post(
                write.url(cast), write.payload(cast), "application/json", headers=headers
            )
            changed = database_digest() != before
            transaction.set_rollback(True)
        expected = 401 if viewer is None else 403
        if response.status_code != expected or changed:
            wrong[name] = f"got {response.status_code} (expected {expected}), changed={changed}"
    assert not wrong, f"as {role}: {wrong}"


def test_no_token_gets_401_from_every_api_read(cast: Cast) -> None:
    for name, row in API_READS.items():
        assert Client().get(row.url(cast)).status_code == 401, name


def test_a_session_is_no_token(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.report)
    for name, row in API_READS.items():
        assert client.get(row.url(cast)).status_code == 401, name
