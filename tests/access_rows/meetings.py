"""The 1:1 pages. The cast's 1:1 is Mia (manager) with Rui (report): only they see it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time, timedelta

from django.urls import reverse
from django.utils import timezone

from rapport.meetings import slots
from tests.access_rows.base import Payload, Row, Write, data, everyone, fixed, only
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
    # Everyone searches their own 1:1s; what they find is pinned by tests/meetings/test_search.py
    # and the canary sweep.
    "meetings:search": Row(lambda cast: reverse("meetings:search") + "?q=plan", everyone(200)),
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
    "meetings:meeting_growth": Row(meeting("meetings:meeting_growth").url, POST_ONLY),
}


def shared_point_url(route: str) -> Callable[[Cast], str]:
    def url(cast: Cast) -> str:
        point = cast.one_on_one.points.filter(is_private=False).order_by("pk").first()
        return reverse(route, kwargs={"meeting_uuid": cast.meeting.uuid, "point_uuid": point.uuid})  # type: ignore[union-attr]

    return url


def action_url(cast: Cast) -> str:
    return reverse("meetings:action_done", args=[cast.one_on_one.actions.first().uuid])  # type: ignore[union-attr]


def rhythm(cast: Cast) -> Payload:
    starts_on = cast.meeting.scheduled_for.date()
    start, _ = slots.first_meeting(
        weekday=3,
        at=time(11, 0),
        duration_minutes=45,
        starts_on=max(starts_on, timezone.now().date()),
        zone=cast.manager.timezone,
    )
    return {
        "cadence": "biweekly",
        "weekday": "3",
        "start_time": "11:00",
        "duration_minutes": "45",
        "starts_on": starts_on.isoformat(),
        "target_connection_share": "40",
        "growth_every_weeks": "8",
        # Confirmed in case the cast's manager zone puts 11:00 in Rui's night (CI runs one).
        "confirm_out_of_hours": "on",
        "confirmed_slot": slots.confirmation_key(start),
    }


def team_rhythm(cast: Cast) -> Payload:
    """Step 2 of the whole-team set-up: Thursday 11:00 for Rosa, confirmed in case the cast's
    manager zone makes it night for her."""
    starts_on = cast.meeting.scheduled_for.date()
    start = slots.moment_of(
        slots.Slot(3, time(11, 0)), starts_on=starts_on, zone=cast.manager.timezone
    )
    pk = cast.report_two.pk
    return {
        "step": "save",
        "reports": [str(pk)],
        "cadence": "biweekly",
        "duration_minutes": "30",
        "max_per_day": "6",
        "starts_on": starts_on.isoformat(),
        f"weekday_{pk}": "3",
        f"start_{pk}": "11:00",
        f"confirm_{pk}": "on",
        f"shown_{pk}": slots.confirmation_key(start),
    }


def reschedule(cast: Cast) -> Payload:
    later = cast.meeting.scheduled_for + timedelta(days=1)
    day = later.date().isoformat()
    return {
        "day": day,
        "at": "15:30",
        "confirm_out_of_hours": "on",
        "confirmed_slot": f"{day}T15:30",
    }


# The agenda is edited through htmx: the pair gets the fresh fragment back.
WRITES: dict[str, Write] = {
    "meetings:team_setup": Write(
        fixed("meetings:team_setup"),
        team_rhythm,
        allowed=("manager",),
        # Anyone may send the form; it offers only their own reports, so a stranger's choice of
        # someone else's report is an invalid form (the page again, nothing saved).
        refused=200,
    ),
    "meetings:one_on_one_edit": Write(
        lambda cast: reverse("meetings:one_on_one_edit", args=[cast.one_on_one.uuid]),
        rhythm,
        allowed=("manager",),
    ),
    "meetings:meeting_status": Write(
        meeting("meetings:meeting_status").url,
        data(status="skipped", reason="Off sick"),
        allowed=PAIR,
    ),
    "meetings:meeting_reschedule": Write(
        meeting("meetings:meeting_reschedule").url, reschedule, allowed=PAIR
    ),
    "meetings:point_add": Write(
        meeting("meetings:point_add").url,
        data(text="Conference budget", section="performance"),
        allowed=PAIR,
        ok=200,
        htmx=True,
    ),
    "meetings:point_discuss": Write(
        shared_point_url("meetings:point_discuss"), data(discussed="1"), PAIR, ok=200, htmx=True
    ),
    "meetings:point_move": Write(
        shared_point_url("meetings:point_move"), data(direction="down"), PAIR, ok=200, htmx=True
    ),
    # Only its author removes a point (the cast's shared point is the report's).
    "meetings:point_delete": Write(
        shared_point_url("meetings:point_delete"), data(), ("report",), ok=200, htmx=True
    ),
    "meetings:action_add": Write(
        meeting("meetings:action_add").url,
        data(text="Book the venue", owner="me"),
        allowed=PAIR,
        ok=200,
        htmx=True,
    ),
    # Either of the pair makes the coming meeting their growth conversation.
    "meetings:meeting_growth": Write(
        meeting("meetings:meeting_growth").url, data(growth="1"), allowed=PAIR
    ),
    "meetings:action_done": Write(action_url, data(done="1"), allowed=PAIR),
}
