"""The home page: a triage board for a manager, a short page for a report (rapport/home.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.meetings.models import OneOnOne
from rapport.meetings.services import action_add
from tests.cast import Cast
from tests.helpers.queries import assert_queries_do_not_grow, count_queries
from tests.meetings.test_one_on_ones import add_history, grow_team

pytestmark = pytest.mark.django_db


def owe(cast: Cast, owner_role: str, count: int) -> None:
    owner = getattr(cast, owner_role)
    for number in range(count):
        action_add(
            one_on_one=cast.one_on_one,
            meeting=None,
            owner=owner,
            text=f"Late {owner_role} {number}",
            due_on=timezone.localdate() - timedelta(days=10 + number),
            by=cast.manager,
            already_late=True,
        )


def home(client: Client, who: object) -> str:
    client.force_login(who)  # type: ignore[arg-type]
    return client.get(reverse("home")).content.decode()


def test_each_1_on_1_of_the_manager_says_what_needs_attention_before_it(
    cast: Cast, client: Client
) -> None:
    owe(cast, "report", 4)
    owe(cast, "manager", 1)
    page = home(client, cast.manager)
    assert "They owe 4 overdue" in page and "You owe 1 overdue" in page
    # The shared point and the manager's own private one.
    assert "2 points" in page
    # Four overdue actions are a signal to keep an eye on, never "act now" on their own.
    assert "1 to keep an eye on" in page
    assert "Needs a 1:1 soon" not in page


def test_someone_long_without_a_1_on_1_comes_first(cast: Cast, client: Client) -> None:
    OneOnOne.objects.filter(pk=cast.one_on_one.pk).update(
        starts_on=timezone.localdate() - timedelta(days=60)
    )
    page = home(client, cast.manager)
    assert "Needs a 1:1 soon" in page
    attention = page[page.index("Needs a 1:1 soon") : page.index('id="today-heading"')]
    assert "Rui Report" in attention and "Act now" in attention


def test_the_report_sees_their_next_1_on_1_and_their_own_points_only(
    cast: Cast, client: Client
) -> None:
    owe(cast, "report", 4)
    page = home(client, cast.report)
    assert "Your next 1:1" in page and "How the move went" in page
    assert "to keep an eye on" not in page and "They owe" not in page
    assert "Needs a 1:1 soon" not in page and "Act now" not in page


def test_the_managers_home_makes_the_same_queries_for_a_team_of_3_or_30(
    cast: Cast, client: Client
) -> None:
    client.force_login(cast.manager)
    assert_queries_do_not_grow(
        lambda: count_queries(lambda: client.get(reverse("home"))),
        lambda: grow_team(cast, 27),
        pinned=MANAGER_QUERIES,
    )


def test_the_managers_home_makes_the_same_queries_for_1_or_50_past_meetings(
    cast: Cast, client: Client
) -> None:
    add_history(cast, 1)
    client.force_login(cast.manager)
    assert_queries_do_not_grow(
        lambda: count_queries(lambda: client.get(reverse("home"))),
        lambda: add_history(cast, 49),
        # The history holds active goals: the stall rule's second query runs (only then).
        pinned=MANAGER_QUERIES + 1,
    )


def test_the_reports_home_makes_the_same_queries_for_1_or_50_past_meetings(
    cast: Cast, client: Client
) -> None:
    add_history(cast, 1)
    client.force_login(cast.report)
    assert_queries_do_not_grow(
        lambda: count_queries(lambda: client.get(reverse("home"))),
        lambda: add_history(cast, 49),
        pinned=REPORT_QUERIES,
    )


# The manager: person, team, the window's meetings, the team view's bulk reads (pairs, reports,
# held meetings, check-ins, open actions, open goals (which the stall rule reads too),
# dismissals), the rows' check-ins, points and overdue actions, her actions counted, her
# manager, an open check-in of her own, nav. (No schedule query: the worker extends them. No
# session query: the session comes from the shared cache, in tests the process's memory.)
MANAGER_QUERIES = 17
# The report: no team view; their own next 1:1's points instead.
REPORT_QUERIES = 11
