"""The canary sweep through the API: with every role's token (both scopes), every API read and
every list's pages, no planted marker may reach anyone but the people allowed to see it
(tests/canaries.py plants them)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from rapport.api.models import Scope
from tests.access_rows.api import ROWS
from tests.api.helpers import bearer, token_for
from tests.canaries import (
    CHECKIN_OUTSIDE,
    CHECKIN_SHARED,
    MANAGER_NOTE,
    PERSONAL_GOAL,
    REPORT_NOTE,
    REPORT_POINT,
    plant_canaries,
    second_meeting,
)
from tests.cast import PRIVATE_POINT_MARKER, ROLES, Cast


@pytest.fixture(autouse=True)
def _fresh_rate_counts() -> None:
    cache.clear()


def api_urls(cast: Cast) -> list[str]:
    urls = [row.url(cast) + "?limit=100" for row in ROWS.values() if row.token]
    goal = cast.one_on_one.goals.order_by("pk").first()
    assert goal is not None
    urls.append(reverse("api:goal", args=[goal.uuid]))
    urls.append(reverse("api:notes", args=[second_meeting(cast).uuid]))
    urls.append(reverse("api:openapi"))
    return urls


@pytest.mark.parametrize("role", ROLES)
def test_no_marker_reaches_anyone_but_its_people_through_the_api(cast: Cast, role: str) -> None:
    allowed = plant_canaries(cast)
    viewer = cast.person(role)
    scopes = [{}] if viewer is None else [bearer(token_for(viewer, s)) for s in Scope.values]
    fetched = 0
    for headers in scopes:
        for url in api_urls(cast):
            body = Client().get(url, headers=headers).content.decode(errors="replace")
            fetched += 1
            leaked = [m for m, roles in allowed.items() if m in body and role not in roles]
            assert not leaked, f"{role} saw {leaked} at {url}"
    assert fetched >= 15


@pytest.mark.parametrize(
    ("role", "markers"),
    [
        ("manager", (PRIVATE_POINT_MARKER, MANAGER_NOTE, PERSONAL_GOAL, CHECKIN_SHARED)),
        ("report", (REPORT_POINT, REPORT_NOTE, PERSONAL_GOAL, CHECKIN_OUTSIDE, CHECKIN_SHARED)),
    ],
)
def test_the_authors_do_see_their_own_markers_through_the_api(
    cast: Cast, role: str, markers: tuple[str, ...]
) -> None:
    # Guards the sweep: if the markers never came out of the API it would prove nothing.
    plant_canaries(cast)
    headers = bearer(token_for(cast.person(role), Scope.READ))  # type: ignore[arg-type]
    bodies = " ".join(Client().get(url, headers=headers).content.decode() for url in api_urls(cast))
    assert all(marker in bodies for marker in markers), role
