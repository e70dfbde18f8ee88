"""The organisation view's figures are computed by the worker (after a change, on a new day,
when they grow old) into the cache; a request reads its viewer's view and computes nothing.
Who gets which view is still decided at the request, and the figures equal those computed for
the request itself (the random organisations of test_org_random_organisations.py check that
for every viewer)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.core.management import call_command
from django.utils import timezone
from pytest_django import Settings

from rapport import access
from rapport.checkins.models import CheckIn
from rapport.insights import selectors, services
from rapport.insights.views import org_figures_draw
from rapport.meetings.models import Meeting
from rapport.meetings.services import person_change_manager
from rapport.people.models import Person, Role
from tests.cast import Cast
from tests.helpers.queries import count_queries
from tests.insights.test_org_page import URL, client_of, leader, page_of, row_of, team

MAX_AGE = 3600


@pytest.fixture(autouse=True)
def _figures_cached(settings: Settings) -> None:
    settings.RAPPORT_ORG_VIEW_CACHE_SECONDS = MAX_AGE
    settings.RAPPORT_NAV_CACHE_SECONDS = 60
    cache.clear()


def refresh(**kwargs: bool) -> bool:
    """The worker's tick: recompute when something changed, then draw. True when it did."""
    figures = services.org_figures_refresh(now=timezone.now(), today=timezone.localdate(), **kwargs)
    if figures is not None:
        org_figures_draw(figures)
    return figures is not None


def organisation(cast: Cast) -> None:
    """Two teams of 6 below the skip-level (and so in HR's view too)."""
    team(cast.manager, 6, prefix="Mia")
    team(leader("Second Lead", cast.skip_level), 6, prefix="Sam")


def get(viewer: Person) -> str:
    response = client_of(viewer).get(URL)
    assert response.status_code == 200
    return response.content.decode()


def checkins_of(page: str, label: str) -> str:
    return row_of(page.split('id="checkins-heading"')[1], label)


def held_of(page: str, label: str) -> tuple[int, int]:
    match = re.search(r"(\d+) of (\d+)</span>", row_of(page, label))
    assert match
    return int(match.group(1)), int(match.group(2))


# --- A request reads; the worker computes ----------------------------------------------------


@pytest.mark.parametrize("viewer", ["hr", "skip_level"])
def test_a_request_after_the_worker_ran_computes_nothing(cast: Cast, viewer: str) -> None:
    organisation(cast)
    assert refresh()
    person = getattr(cast, viewer)
    client = client_of(person)
    client.get("/")  # the navigation's depth is cached by any page
    # The person, and nothing else: no org chart, no aggregate, no depth. (The session comes
    # from the shared cache, in tests the process's memory.)
    assert count_queries(lambda: client.get(URL)) == 1
    page = client.get(URL).content.decode()
    assert "Figures as of" in page
    assert "Team of Mia Manager" in page


@pytest.mark.parametrize("viewer", ["hr", "skip_level"])
def test_the_figures_the_worker_draws_are_those_a_request_draws(cast: Cast, viewer: str) -> None:
    organisation(cast)
    services.org_figures_refresh(now=timezone.now(), today=timezone.localdate())
    person = getattr(cast, viewer)
    drawn_by_the_request = get(person)
    cache.clear()
    figures = services.org_figures_refresh(now=timezone.now(), today=timezone.localdate())
    assert figures is not None
    assert org_figures_draw(figures) == len(figures.views) == 2  # HR's and the skip-level's
    client = client_of(person)
    client.get("/")
    assert count_queries(lambda: client.get(URL)) == 1
    view = figures.view_for(person)
    assert view is not None
    drawn = cache.get(
        make_template_fragment_key("org-figures", [f"{view.stored_as}:{settings.LANGUAGE_CODE}"])
    )
    assert drawn and figures_of(drawn + "</main>") == figures_of(drawn_by_the_request)
    assert figures_of(get(person)) == figures_of(drawn_by_the_request)


def figures_of(page: str) -> str:
    """The figures' part of the page (the layout holds a per-request nonce)."""
    start = page.index('<section class="card section-gap" aria-labelledby="cadence-heading">')
    return page[start : page.index("</main>")].strip()


def test_a_request_with_no_figures_yet_computes_them_once_for_everyone(cast: Cast) -> None:
    organisation(cast)
    assert selectors.latest_org_figures() is None
    hr, skip = client_of(cast.hr), client_of(cast.skip_level)
    skip.get("/")
    computing = count_queries(lambda: hr.get(URL))
    # The person, the depth, then the fingerprint (3 queries), the org chart and the five
    # aggregates: once.
    assert computing == 1 + 1 + 3 + 1 + 5, computing
    assert selectors.latest_org_figures() is not None
    assert count_queries(lambda: skip.get(URL)) == 1  # the skip-level's view came with HR's
    assert not refresh()  # and the worker finds nothing changed


def test_the_worker_recomputes_only_when_something_changed(cast: Cast) -> None:
    organisation(cast)
    assert refresh()
    assert not refresh()
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert not refresh()


def test_the_worker_recomputes_after_a_check_in_changes(cast: Cast) -> None:
    organisation(cast)
    assert refresh()
    before = checkins_of(get(cast.hr), "Team of Mia Manager")
    assert ">4.0<" in before
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        CheckIn.objects.filter(report__name__startswith="Mia").update(
            mood=1, updated_at=timezone.now()
        )
        # Until the worker's tick the page shows the figures it has, with their time.
        assert checkins_of(get(cast.hr), "Team of Mia Manager") == before
        assert refresh()
        assert ">1.0<" in checkins_of(get(cast.hr), "Team of Mia Manager")


def test_the_worker_recomputes_after_a_1_1_is_marked(cast: Cast) -> None:
    organisation(cast)
    assert refresh()
    held, due = held_of(get(cast.hr), "Team of Mia Manager")
    meeting = Meeting.objects.filter(
        one_on_one__manager=cast.manager, status=Meeting.Status.HELD
    ).latest("scheduled_for")
    meeting.status = Meeting.Status.SKIPPED
    meeting.save(update_fields=["status"])
    assert held_of(get(cast.hr), "Team of Mia Manager") == (held, due)  # until the worker runs
    assert refresh()
    assert held_of(get(cast.hr), "Team of Mia Manager") == (held - 1, due)


def test_the_worker_recomputes_after_a_change_of_managers(
    cast: Cast, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    organisation(cast)
    assert refresh()
    with django_capture_on_commit_callbacks(execute=True):
        person_change_manager(person=cast.peer_manager, new_manager=cast.manager, by=cast.admin)
    assert refresh()


def test_the_worker_recomputes_on_a_new_day_and_when_the_figures_grow_old(cast: Cast) -> None:
    organisation(cast)
    assert refresh()
    first = selectors.latest_org_figures()
    assert first is not None
    with time_machine.travel(timezone.now() + timedelta(seconds=MAX_AGE + 1)):
        assert refresh()  # nothing changed, but the windows moved
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert refresh()
        latest = selectors.latest_org_figures()
        assert latest is not None and latest.today == timezone.localdate() != first.today


def test_one_worker_recomputes_at_a_time(cast: Cast) -> None:
    organisation(cast)
    cache.add(services.REFRESHING_KEY, "another worker", 60)
    assert not refresh()
    cache.delete(services.REFRESHING_KEY)
    assert refresh()
    assert cache.get(services.REFRESHING_KEY) is None


def test_older_generations_are_deleted_from_the_cache(cast: Cast) -> None:
    organisation(cast)
    generations = []
    for _ in range(3):
        assert refresh(force=True)
        stamp = selectors.latest_org_figures()
        assert stamp is not None
        generations.append(stamp.generation)
    first, second, third = generations
    assert cache.get(f"org-figures:{first}:hr") is None
    assert cache.get(f"org-figures:{second}:hr") is not None  # a request may still read it
    assert cache.get(f"org-figures:{third}:hr") is not None


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_computes_the_figures(cast: Cast) -> None:
    organisation(cast)
    call_command("worker", "--once", "--no-tasks")
    assert selectors.latest_org_figures() is not None


def test_figures_off_computes_every_request(cast: Cast, settings: Settings) -> None:
    settings.RAPPORT_ORG_VIEW_CACHE_SECONDS = 0
    organisation(cast)
    assert not refresh()
    assert selectors.latest_org_figures() is None
    assert "Figures as of" not in page_of(cast.hr)


# --- Who gets which view: decided at the request ---------------------------------------------


@pytest.mark.parametrize("hr_first", [True, False])
def test_hr_and_a_skip_level_never_share_a_view(cast: Cast, hr_first: bool) -> None:
    organisation(cast)
    assert refresh()
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
    assert refresh()
    mine, theirs = page_of(cast.skip_level), page_of(other_top)
    assert "Team of" in mine and "Team of" in theirs
    assert "Otto" not in mine and "Other Lead" not in mine
    assert "Other Lead" in theirs


def test_someone_no_longer_hr_gets_no_hr_view_from_the_stored_figures(cast: Cast) -> None:
    organisation(cast)
    assert refresh()
    assert "Everyone in the organisation" in page_of(cast.hr)
    Person.objects.filter(pk=cast.hr.pk).update(role=Role.MEMBER)
    assert client_of(Person.objects.get(pk=cast.hr.pk)).get(URL).status_code == 404


def test_a_skip_level_no_longer_one_gets_a_404_though_the_figures_hold_their_view(
    cast: Cast, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    organisation(cast)
    assert refresh()
    assert "Everyone below you" in page_of(cast.skip_level)
    with django_capture_on_commit_callbacks(execute=True):  # the chart's version moves
        for lead in Person.objects.filter(manager=cast.skip_level):
            person_change_manager(person=lead, new_manager=cast.hr, by=cast.admin)
    assert client_of(cast.skip_level).get(URL).status_code == 404


def test_a_skip_levels_view_is_not_read_from_figures_of_an_older_chart(
    cast: Cast, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    organisation(cast)
    other_top = leader("Other Top")
    moved = leader("Moved Lead", other_top)
    team(moved, 6, prefix="Moe")
    assert refresh()
    assert "Moved Lead" in page_of(other_top)
    assert "Moved Lead" not in page_of(cast.skip_level)
    # Moved under the skip-level: their scope changes before the worker runs again.
    with django_capture_on_commit_callbacks(execute=True):
        person_change_manager(person=moved, new_manager=cast.skip_level, by=cast.admin)
    assert "Moved Lead" in page_of(cast.skip_level)
    assert client_of(other_top).get(URL).status_code == 404  # leads nobody who leads now
    # That request stored figures of the new chart for everyone: the worker finds them current.
    latest = selectors.latest_org_figures()
    assert latest is not None and latest.chart_version == access.org_chart_version()
    assert not refresh()
