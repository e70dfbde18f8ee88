"""Every URL of the product, and the status each role of the cast must get from it.

A new route without a row in tests/access_rows/ fails `test_every_route_has_a_row`: decide
who may see it before shipping it. Outsiders get 404, never 403; signed-out visitors go to
sign-in (302).
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.access_rows import (
    balance,
    calendar,
    checkins,
    goal_progress,
    goals,
    insights,
    meetings,
    mode,
    notes,
    notify,
    org,
    people,
    questions,
)
from tests.access_rows.base import Row
from tests.cast import ROLES, Cast
from tests.helpers.urls import route_names, unnamed_routes

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
    **checkins.ROWS,
    **insights.ROWS,
    **org.ROWS,
    **notify.ROWS,
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
    client = Client()
    viewer = cast.person(role)
    if viewer is not None:
        client.force_login(viewer)
    wrong = {}
    for name, row in MATRIX.items():
        status = client.get(row.url(cast)).status_code
        if status != row.expected[role]:
            wrong[name] = f"got {status}, expected {row.expected[role]}"
    assert not wrong, f"as {role}: {wrong}"
