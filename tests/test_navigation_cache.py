"""The navigation's management depth, kept per viewer in Django's cache under a version that
every change of managers moves (rapport/access.py, management_depth_cached)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from rapport.meetings.services import person_change_manager
from tests.cast import Cast
from tests.helpers.queries import count_queries

pytestmark = pytest.mark.django_db

# The signed-in floor (a page with the full layout and nothing else), the depth cached: the
# person (the session comes from the shared cache, in tests the process's memory). Asked
# afresh, the depth adds one.
FLOOR_QUERIES_CACHED = 1


@pytest.fixture
def nav_cache(settings: Settings) -> None:
    settings.RAPPORT_NAV_CACHE_SECONDS = 60
    cache.clear()


def floor(client: Client) -> str:
    return client.get(reverse("password_change_done")).content.decode()


def team_link() -> str:
    return f'href="{reverse("insights:team")}"'


def test_the_second_page_asks_nothing_for_the_navigation(cast: Cast, nav_cache: None) -> None:
    client = Client()
    client.force_login(cast.manager)
    first = count_queries(lambda: floor(client))
    second = count_queries(lambda: floor(client))
    assert (first, second) == (FLOOR_QUERIES_CACHED + 1, FLOOR_QUERIES_CACHED)
    assert team_link() in floor(client)


def test_each_viewer_gets_their_own_depth(cast: Cast, nav_cache: None) -> None:
    manager, report = Client(), Client()
    manager.force_login(cast.manager)
    report.force_login(cast.report)
    assert team_link() in floor(manager)
    assert team_link() not in floor(report)
    assert team_link() in floor(manager)


def test_a_change_of_manager_shows_in_the_navigation_on_the_next_page(
    cast: Cast, nav_cache: None, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    client.force_login(cast.outsider)
    assert team_link() not in floor(client)  # cached: leads nobody
    with django_capture_on_commit_callbacks(execute=True):
        person_change_manager(person=cast.report_two, new_manager=cast.outsider, by=cast.admin)
    assert team_link() in floor(client)
    with django_capture_on_commit_callbacks(execute=True):
        person_change_manager(person=cast.report_two, new_manager=cast.manager, by=cast.admin)
    assert team_link() not in floor(client)


def test_with_the_cache_off_the_depth_is_asked_on_every_page(
    cast: Cast, settings: Settings
) -> None:
    settings.RAPPORT_NAV_CACHE_SECONDS = 0
    client = Client()
    client.force_login(cast.manager)
    floor(client)
    assert count_queries(lambda: floor(client)) == FLOOR_QUERIES_CACHED + 1
