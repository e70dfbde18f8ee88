"""The goal pages. A goal is seen by the two people of its 1:1 (Mia and Rui in the cast),
whatever its kind; skip-levels, other managers, HR, admins and outsiders get a 404."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time, timedelta

from django.urls import reverse
from django.utils import timezone

from rapport.goals.models import Goal
from rapport.goals.services import goal_agree, goal_propose
from rapport.meetings.services import Rule, one_on_one_set_up, person_change_manager
from tests.access_rows.base import SIGNED_IN, Payload, Row, Write, data, everyone, fixed, only
from tests.cast import Cast

PAIR = ("manager", "report")
# POST-only routes answer 405 to any GET, before looking anything up: no hint either way.
POST_ONLY = everyone(405)


def pair_goal(cast: Cast) -> Goal:
    """The pair's first goal, or a personal draft made for the purpose (personal goals are the
    most private kind, so they are the ones the rows prove unreachable)."""
    existing = cast.one_on_one.goals.order_by("pk").first()
    if existing is not None:
        return existing
    return goal_propose(
        one_on_one=cast.one_on_one,
        by=cast.report,
        kind="personal",
        title="Run a half marathon",
        why="Training gives my week a rhythm and clears my head.",
        due_on=timezone.localdate() + timedelta(days=120),
    )


def goal(route: str, expected: dict[str, int]) -> Row:
    return Row(lambda cast: reverse(route, args=[pair_goal(cast).uuid]), expected)


ROWS: dict[str, Row] = {
    # Everyone has a goals page of their own and a team page (empty when they lead nobody).
    "goals:mine": Row(fixed("goals:mine"), everyone(200)),
    "goals:team": Row(fixed("goals:team"), everyone(200)),
    "goals:new": Row(
        lambda cast: reverse("goals:new") + f"?one_on_one={cast.one_on_one.uuid}", only(PAIR)
    ),
    # The live check reads only the text it is sent and saves nothing.
    "goals:check": Row(fixed("goals:check"), everyone(200)),
    "goals:detail": goal("goals:detail", only(PAIR)),
    "goals:edit": goal("goals:edit", only(PAIR)),
    "goals:agree": goal("goals:agree", POST_ONLY),
    "goals:close": goal("goals:close", POST_ONLY),
    "goals:move": goal("goals:move", POST_ONLY),
}


def smart_goal(cast: Cast) -> Payload:
    return {
        "title": "Ship the billing migration",
        "kind": "work",
        "specific": "Move every invoice to the new billing service.",
        "metric": "Invoices migrated",
        "unit": "%",
        "baseline": "0",
        "target": "100",
        "confidence": "7",
        "realistic_because": "Two sprints are set aside and the vendor is on board.",
        "why": "I want to own a system end to end before my next review.",
        "due_on": (timezone.localdate() + timedelta(days=60)).isoformat(),
    }


def an_active_goal(cast: Cast) -> None:
    fields = smart_goal(cast)
    fields["due_on"] = timezone.localdate() + timedelta(days=60)
    goal = goal_propose(one_on_one=cast.one_on_one, by=cast.report, **fields)
    goal_agree(goal=goal, by=cast.manager)


def a_smart_draft(cast: Cast) -> None:
    fields = smart_goal(cast)
    fields["due_on"] = timezone.localdate() + timedelta(days=60)
    goal_propose(one_on_one=cast.one_on_one, by=cast.report, **fields)


def draft_url(route: str) -> Callable[[Cast], str]:
    def url(cast: Cast) -> str:
        goal = cast.one_on_one.goals.get(title="Ship the billing migration")
        return reverse(route, args=[goal.uuid])

    return url


def a_new_manager(cast: Cast) -> None:
    """Rui moves to Pete's team: the 1:1 with Mia closes and a new one with Pete starts."""
    person_change_manager(person=cast.report, new_manager=cast.peer_manager, by=cast.admin)
    one_on_one_set_up(
        manager=cast.peer_manager,
        report=cast.report,
        rule=Rule("weekly", 2, time(9, 0), 30, timezone.localdate()),
        by=cast.peer_manager,
        confirmed_out_of_hours=True,
    )


def active_goal_url(route: str) -> Callable[[Cast], str]:
    def url(cast: Cast) -> str:
        goal = cast.one_on_one.goals.filter(status="active").get()
        return reverse(route, args=[goal.uuid])

    return url


WRITES: dict[str, Write] = {
    "goals:new": Write(
        lambda cast: reverse("goals:new") + f"?one_on_one={cast.one_on_one.uuid}",
        smart_goal,
        allowed=PAIR,
    ),
    # The live check answers everyone and saves nothing.
    "goals:check": Write(
        fixed("goals:check"), smart_goal, allowed=SIGNED_IN, ok=200, changes=False
    ),
    "goals:edit": Write(
        lambda cast: reverse("goals:edit", args=[pair_goal(cast).uuid]), smart_goal, PAIR
    ),
    # The report proposed the draft (agreeing by proposing): the manager's agreement starts it;
    # the report agreeing again renews their agreement.
    "goals:agree": Write(draft_url("goals:agree"), data(), allowed=PAIR, arrange=a_smart_draft),
    # Only the report brings an earlier goal to their new manager's 1:1; the old manager lost it.
    "goals:move": Write(
        lambda cast: reverse("goals:move", args=[pair_goal(cast).uuid]),
        data(),
        allowed=("report",),
        arrange=a_new_manager,
    ),
    "goals:close": Write(
        active_goal_url("goals:close"),
        data(outcome="dropped", reflection="Priorities moved to the new product."),
        allowed=PAIR,
        arrange=an_active_goal,
    ),
}
