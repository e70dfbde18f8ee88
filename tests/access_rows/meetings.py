"""The 1:1 pages. The cast's 1:1 is Mia (manager) with Rui (report): only they see it."""

from __future__ import annotations

from django.urls import reverse

from tests.access_rows.base import Row, everyone, fixed, only
from tests.cast import Cast

PAIR = ("manager", "report")
# POST-only routes answer 405 to any GET, before looking anything up: no hint either way.
POST_ONLY = everyone(405)


def meeting(route: str, **extra: str) -> Row:
    def url(cast: Cast) -> str:
        return reverse(route, kwargs={"meeting_uuid": cast.meeting.uuid, **extra})

    return Row(url, only(PAIR))


def point(route: str) -> Row:
    def url(cast: Cast) -> str:
        first = cast.one_on_one.points.first()
        return reverse(route, kwargs={"meeting_uuid": cast.meeting.uuid, "point_uuid": first.uuid})  # type: ignore[union-attr]

    return Row(url, POST_ONLY)


ROWS: dict[str, Row] = {
    # Everyone may open the set-up page for their own team (it lists nobody when they lead nobody).
    "meetings:team_setup": Row(fixed("meetings:team_setup"), everyone(200)),
    "meetings:one_on_one": Row(
        lambda cast: reverse("meetings:one_on_one", args=[cast.one_on_one.uuid]), only(PAIR)
    ),
    # The manager runs the rhythm; the report reads it. Admins may not see the pair's page.
    "meetings:one_on_one_edit": Row(
        lambda cast: reverse("meetings:one_on_one_edit", args=[cast.one_on_one.uuid]),
        only(("manager",)),
    ),
    "meetings:my_actions": Row(fixed("meetings:my_actions"), everyone(200)),
    "meetings:action_done": Row(
        lambda cast: reverse("meetings:action_done", args=[cast.one_on_one.actions.first().uuid]),  # type: ignore[union-attr]
        POST_ONLY,
    ),
    "meetings:meeting": meeting("meetings:meeting"),
    "meetings:agenda": meeting("meetings:agenda"),
    "meetings:meeting_status": Row(meeting("meetings:meeting_status").url, POST_ONLY),
    "meetings:meeting_reschedule": Row(
        meeting("meetings:meeting_reschedule").url,
        # The report may move a meeting too; outsiders learn nothing.
        only(PAIR),
    ),
    "meetings:point_add": Row(meeting("meetings:point_add").url, POST_ONLY),
    "meetings:point_discuss": point("meetings:point_discuss"),
    "meetings:point_move": point("meetings:point_move"),
    "meetings:point_delete": point("meetings:point_delete"),
    "meetings:action_add": Row(meeting("meetings:action_add").url, POST_ONLY),
}
