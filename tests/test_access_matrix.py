"""Every URL of the product, and the status each role of the cast must get from it.

A new route without a row in tests/access_rows/ fails `test_every_route_has_a_row`: decide
who may see it before shipping it. Outsiders get 404, never 403; signed-out visitors go to
sign-in (302).

Every route that accepts a write (POST) also has a Write row with a valid payload: each role
gets its status, a permitted write changes the database, and a refused one leaves every table
exactly as it was. Write answers (htmx fragments included) go through the canary check too.

API rows (tests/access_rows/api.py) are sent with a token of their scope instead of a session.
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import transaction
from django.test import Client

from rapport.api.models import Scope
from rapport.people.models import Person
from tests.access_rows import (
    api,
    audit,
    balance,
    calendar,
    checkins,
    coaching,
    export,
    goal_progress,
    goals,
    insights,
    meetings,
    mode,
    notes,
    notify,
    org,
    people,
    privacy,
    questions,
    second_factor,
    sso,
    week,
)
from tests.access_rows.base import Row, Write
from tests.api.helpers import bearer, token_for
from tests.canaries import plant_canaries
from tests.cast import ROLES, Cast
from tests.helpers.caching import may_be_stored
from tests.helpers.digest import database_digest
from tests.helpers.urls import route_methods, route_names, unnamed_routes, write_routes

# Each feature keeps its rows in tests/access_rows/<feature>.py.
MATRIX: dict[str, Row] = {
    **people.ROWS,
    **meetings.ROWS,
    **notes.ROWS,
    **calendar.ROWS,
    **mode.ROWS,
    **balance.ROWS,
    **questions.ROWS,
    **goals.ROWS,
    **goal_progress.ROWS,
    **coaching.ROWS,
    **checkins.ROWS,
    **insights.ROWS,
    **org.ROWS,
    **notify.ROWS,
    **privacy.ROWS,
    **week.ROWS,
    **sso.ROWS,
    **export.ROWS,
    **api.ROWS,
    **audit.ROWS,
    **second_factor.ROWS,
}


def test_every_route_has_a_row() -> None:
    missing = sorted(route_names() - MATRIX.keys())
    assert not missing, f"routes without an access-matrix row: {missing}"


def test_no_row_names_a_route_that_is_gone() -> None:
    assert not sorted(MATRIX.keys() - route_names())


def test_every_route_has_a_name() -> None:
    assert not unnamed_routes(), "name every route so the access matrix can hold it"


def test_every_row_covers_every_role() -> None:
    for name, row in MATRIX.items():
        assert set(row.expected) == set(ROLES), (
            f"{name} lacks roles {set(ROLES) - set(row.expected)}"
        )


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_from_every_route(cast: Cast, role: str) -> None:
    # The same answers must not be cacheable: every page a signed-in person gets says
    # `Cache-Control: private, no-store` (tests/test_private_responses.py has the other cases).
    client = Client()
    viewer = cast.person(role)
    if viewer is not None:
        client.force_login(viewer)
    wrong = {}
    stored = {}
    tokens = api_tokens(viewer)
    for name, row in MATRIX.items():
        url = row.url(cast)
        headers = tokens[row.token] if row.token else {}
        response = (Client() if row.token else client).get(url, headers=headers)
        if response.status_code != row.expected[role]:
            wrong[name] = f"got {response.status_code}, expected {row.expected[role]}"
        if viewer is not None:
            # A token row was sent without the session above: the signed-in answer is asked for.
            signed_in = client.get(url) if row.token else response
            if may_be_stored(name, signed_in):
                stored[name] = signed_in.get("Cache-Control")
    assert not wrong, f"as {role}: {wrong}"
    assert not stored, f"as {role}, 200s that may be cached: {stored}"


def api_tokens(viewer: Person | None) -> dict[str, dict[str, str]]:
    """An Authorization header per token scope for the viewer (none when signed out)."""
    if viewer is None:
        return {scope: {} for scope in Scope.values}
    return {scope: bearer(token_for(viewer, scope)) for scope in Scope.values}


WRITES: dict[str, Write] = {
    **people.WRITES,
    **meetings.WRITES,
    **notes.WRITES,
    **calendar.WRITES,
    **mode.WRITES,
    **balance.WRITES,
    **questions.WRITES,
    **goals.WRITES,
    **goal_progress.WRITES,
    **coaching.WRITES,
    **checkins.WRITES,
    **insights.WRITES,
    **notify.WRITES,
    **export.WRITES,
    **privacy.WRITES,
    **api.WRITES,
    **second_factor.WRITES,
}


def test_every_write_route_has_a_write_row() -> None:
    missing = sorted(write_routes() - WRITES.keys())
    assert not missing, f"routes that accept writes but have no Write row: {missing}"
    assert not sorted(WRITES.keys() - write_routes()), "Write rows for read-only routes"


def test_the_matrix_counts_its_rows_by_method() -> None:
    # Printed with -s and kept in the docs; the assertion holds the shape, not a number.
    methods = route_methods()
    counts: Counter[str] = Counter(
        method for name in MATRIX for method in ("GET", "POST") if method in methods[name]
    )
    counts["POST rows"] = len(WRITES)
    print(f"access matrix: {dict(counts)}")
    assert counts["POST rows"] == counts["POST"]
    assert counts["GET"] + counts["POST"] > len(MATRIX)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_from_every_write(cast: Cast, role: str) -> None:
    markers = plant_canaries(cast)
    viewer = cast.person(role)
    wrong: dict[str, str] = {}
    for name, write in WRITES.items():
        client = Client()
        if viewer is not None and write.token is None:
            client.force_login(viewer)
        headers = {"HX-Request": "true"} if write.htmx else {}
        # Each write runs in a savepoint that is rolled back, so every row starts from the cast.
        with transaction.atomic():
            if write.arrange is not None:
                write.arrange(cast)
            if write.prime is not None:
                write.prime(client, cast)
            if write.token is not None:
                headers |= api_tokens(viewer)[write.token]
            before = database_digest()
            if write.token is not None:
                response = client.post(
                    write.url(cast), write.payload(cast), "application/json", headers=headers
                )
            else:
                response = client.post(write.url(cast), write.payload(cast), headers=headers)
            changed = database_digest() != before
            transaction.set_rollback(True)
        expected = write.expected(role)
        body = response.content.decode(errors="replace")
        leaked = [m for m, allowed in markers.items() if m in body and role not in allowed]
        if response.status_code != expected:
            wrong[name] = f"got {response.status_code}, expected {expected}"
        elif role not in write.allowed and changed:
            wrong[name] = "refused, yet the database changed"
        elif role in write.allowed and write.changes and not changed:
            wrong[name] = "permitted, yet nothing changed (is the payload valid?)"
        elif leaked:
            wrong[name] = f"the answer shows {leaked}"
    assert not wrong, f"as {role}: {wrong}"
