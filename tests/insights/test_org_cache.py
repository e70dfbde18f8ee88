"""The organisation view keeps its aggregates for a few minutes, and never hands them to a
viewer of another scope or role."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from pytest_django import Settings

from tests.cast import Cast
from tests.helpers.queries import count_queries
from tests.insights.test_org_page import URL, client_of, leader, page_of, team


@pytest.fixture(autouse=True)
def _cache_on(settings: Settings) -> None:
    settings.RAPPORT_ORG_VIEW_CACHE_SECONDS = 300
    cache.clear()


def test_a_second_look_within_the_minutes_reads_no_aggregates(cast: Cast) -> None:
    team(cast.manager, 5, prefix="Mia")
    client = client_of(cast.hr)
    first = count_queries(lambda: client.get(URL))
    again = count_queries(lambda: client.get(URL))
    # Session, person, the navigation's question and the org chart (part of the key: a view
    # built on another partition is never served) stay; the five aggregate reads do not.
    assert first - again == 5, (first, again)


@pytest.mark.parametrize("hr_first", [True, False])
def test_hr_and_a_skip_level_never_share_a_view(cast: Cast, hr_first: bool) -> None:
    team(cast.manager, 6, prefix="Mia")
    team(leader("Second Lead", cast.skip_level), 6, prefix="Sam")
    viewers = [cast.hr, cast.skip_level] if hr_first else [cast.skip_level, cast.hr]
    pages = {viewer.pk: page_of(viewer) for viewer in viewers}
    hr_page, skip_page = pages[cast.hr.pk], pages[cast.skip_level.pk]
    assert "HR records a departure" in hr_page  # HR alone is told where reasons are kept
    assert "HR records a departure" not in skip_page
    assert "Everyone in the organisation" in hr_page
    assert "Everyone below you" in skip_page


def test_a_skip_level_over_a_different_subtree_gets_their_own_figures(cast: Cast) -> None:
    team(cast.manager, 6, prefix="Mia")
    other_top = leader("Other Top")
    team(leader("Other Lead", other_top), 7, prefix="Otto")
    mine, theirs = page_of(cast.skip_level), page_of(other_top)
    assert "Team of" in mine and "Team of" in theirs
    assert "Otto" not in mine and "Other Lead" not in mine
    assert "Other Lead" in theirs
