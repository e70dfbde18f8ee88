"""The JSON API (rapport/api) and its token pages.

API rows carry the token scope they are sent with (`token`): the matrix makes a token of that
scope for the role and sends `Authorization: Bearer ...` instead of signing in; signed-out
callers have no token and get 401. MATRIX holds each route with a read token and WRITES each
write with a read-write one; tests/api/test_api_matrix.py sends every route with the other
scope too (a read token's writes get 403 and change nothing) and without any token.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

from rapport.api.models import Scope
from rapport.api.services import token_create
from rapport.meetings.models import ActionItem
from tests.access_rows.base import PUBLIC, SIGNED_IN, Payload, Row, Write, everyone, fixed
from tests.access_rows.checkins import tomorrow
from tests.access_rows.goals import active_goal_url, an_active_goal, pair_goal
from tests.cast import ROLES, Cast

PAIR = ("manager", "report")
READ = Scope.READ
WRITE = Scope.READ_WRITE


def api_only(allowed: tuple[str, ...], status: int = 200) -> dict[str, int]:
    """With a token: `status` for the allowed roles, 404 for every other; 401 without one."""
    return {**dict.fromkeys(ROLES, 404), **dict.fromkeys(allowed, status), "anonymous": 401}


EVERY_TOKEN = tuple(role for role in ROLES if role != "anonymous")


def pair_url(route: str) -> Callable[[Cast], str]:
    return lambda cast: reverse(route, args=[cast.one_on_one.uuid])


def meeting_url(route: str, *extra: str) -> Callable[[Cast], str]:
    return lambda cast: reverse(route, args=[cast.meeting.uuid, *extra])


def first_action(cast: Cast) -> ActionItem:
    action = cast.one_on_one.actions.order_by("pk").first()
    assert action is not None
    return action


ROWS: dict[str, Row] = {
    # The document and the page that shows it are public, like any API's documentation.
    "api:openapi": Row(fixed("api:openapi"), PUBLIC),
    "api:docs": Row(fixed("api:docs"), PUBLIC),
    "api:tokens": Row(fixed("api:tokens"), everyone(200)),
    "api:token_revoke": Row(
        lambda cast: reverse("api:token_revoke", args=["7d6c1b0e-0000-4000-8000-000000000000"]),
        everyone(405),
    ),
    "api:me": Row(fixed("api:me"), api_only(EVERY_TOKEN), token=READ),
    "api:one_on_ones": Row(fixed("api:one_on_ones"), api_only(EVERY_TOKEN), token=READ),
    "api:one_on_one": Row(pair_url("api:one_on_one"), api_only(PAIR), token=READ),
    "api:meetings": Row(pair_url("api:meetings"), api_only(PAIR), token=READ),
    "api:meeting": Row(meeting_url("api:meeting"), api_only(PAIR), token=READ),
    "api:points": Row(pair_url("api:points"), api_only(PAIR), token=READ),
    "api:notes": Row(meeting_url("api:notes"), api_only(PAIR), token=READ),
    # POST-only: 405 to a GET whoever asks, before the token or the meeting is looked at.
    "api:note_save": Row(meeting_url("api:note_save", "shared"), everyone(405, anonymous=405)),
    "api:actions": Row(pair_url("api:actions"), api_only(PAIR), token=READ),
    "api:action_done": Row(
        lambda cast: reverse("api:action_done", args=[first_action(cast).uuid]),
        everyone(405, anonymous=405),
    ),
    "api:goals": Row(pair_url("api:goals"), api_only(PAIR), token=READ),
    "api:goal": Row(
        lambda cast: reverse("api:goal", args=[pair_goal(cast).uuid]), api_only(PAIR), token=READ
    ),
    "api:goal_progress": Row(
        lambda cast: reverse("api:goal_progress", args=[pair_goal(cast).uuid]),
        everyone(405, anonymous=405),
    ),
    "api:checkins": Row(pair_url("api:checkins"), api_only(PAIR), token=READ),
    "api:checkin_submit": Row(meeting_url("api:checkin_submit"), everyone(405, anonymous=405)),
    "api:people": Row(fixed("api:people"), api_only(("admin",)), token=READ),
}


def api_write(
    url: Callable[[Cast], str],
    payload: Callable[[Cast], Payload],
    allowed: tuple[str, ...],
    ok: int,
) -> Write:
    return Write(url, payload, allowed, ok=ok, overrides={"anonymous": 401}, token=WRITE)


def new_action(cast: Cast) -> Payload:
    return {"text": "Send the draft to Legal", "owner": str(cast.report.uuid)}


def a_token_of_the_report(cast: Cast) -> None:
    token_create(person=cast.report, by=cast.report, name="Old script", scope=READ, days=30)


def report_token_url(cast: Cast) -> str:
    token = cast.report.api_tokens.order_by("pk").first()
    assert token is not None
    return reverse("api:token_revoke", args=[token.uuid])


WRITES: dict[str, Write] = {
    "api:points": api_write(
        pair_url("api:points"), lambda cast: {"text": "From the HR script"}, PAIR, 201
    ),
    "api:note_save": api_write(
        meeting_url("api:note_save", "shared"),
        lambda cast: {"body": "Agreed in the API", "version": 0},
        PAIR,
        200,
    ),
    "api:actions": api_write(pair_url("api:actions"), new_action, PAIR, 201),
    "api:action_done": api_write(
        lambda cast: reverse("api:action_done", args=[first_action(cast).uuid]),
        lambda cast: {"done": True},
        PAIR,
        200,
    ),
    "api:goal_progress": Write(
        active_goal_url("api:goal_progress"),
        lambda cast: {"value": "40", "confidence": 6, "note": "Half the invoices moved"},
        PAIR,
        ok=201,
        overrides={"anonymous": 401},
        token=WRITE,
        arrange=an_active_goal,
    ),
    # Only the report checks in; the manager, who sees the meeting, gets 404 like any outsider
    # (the API answers every refusal of a service with 404).
    "api:checkin_submit": Write(
        meeting_url("api:checkin_submit"),
        lambda cast: {"mood": 4, "energy": 3, "workload": 3, "topics": "The rota"},
        ("report",),
        ok=200,
        overrides={"anonymous": 401},
        token=WRITE,
        arrange=tomorrow,
    ),
    "api:people": api_write(
        fixed("api:people"),
        lambda cast: {"people": [{"email": "matrix.new@example.com", "name": "Matrix New"}]},
        ("admin",),
        200,
    ),
    # The token pages are ordinary signed-in forms.
    "api:tokens": Write(
        fixed("api:tokens"),
        lambda cast: {"name": "Matrix", "scope": "read", "days": "30"},
        SIGNED_IN,
        ok=201,
    ),
    "api:token_revoke": Write(
        report_token_url, lambda cast: {}, ("report",), arrange=a_token_of_the_report
    ),
}
