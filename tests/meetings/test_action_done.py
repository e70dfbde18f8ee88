"""POST /actions/<uuid>/done/: ticking an action, from the meeting page or from "My actions"."""

from __future__ import annotations

from datetime import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.meetings.models import ActionItem, Meeting
from rapport.meetings.services import Rule, one_on_one_set_up
from tests.cast import Cast


def done_url(action: ActionItem) -> str:
    return reverse("meetings:action_done", args=[action.uuid])


def client_of(cast: Cast) -> Client:
    client = Client()
    client.force_login(cast.manager)
    return client


def other_pairs_meeting(cast: Cast, *, of_the_manager: bool) -> Meeting:
    rule = Rule("weekly", 2, time(9), 30, timezone.localdate())
    manager, report = (
        (cast.manager, cast.report_two) if of_the_manager else (cast.peer_manager, cast.peer_report)
    )
    pair = one_on_one_set_up(
        manager=manager, report=report, rule=rule, by=manager, confirmed_out_of_hours=True
    )
    return pair.meetings.order_by("scheduled_for")[0]


def test_ticking_from_the_meeting_page_marks_the_action_done(cast: Cast) -> None:
    action = cast.one_on_one.actions.get()
    response = client_of(cast).post(
        done_url(action), {"done": "1", "meeting": str(cast.meeting.uuid)}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.done_at is not None


# Finding 8: the action was marked done first, and only then did the meeting answer 404.
@pytest.mark.parametrize("of_the_manager", [True, False], ids=["own-other-pair", "not-visible"])
def test_a_meeting_of_another_pair_answers_404_and_leaves_the_action_open(
    cast: Cast, of_the_manager: bool
) -> None:
    action = cast.one_on_one.actions.get()
    meeting = other_pairs_meeting(cast, of_the_manager=of_the_manager)
    response = client_of(cast).post(done_url(action), {"done": "1", "meeting": str(meeting.uuid)})
    assert response.status_code == 404
    action.refresh_from_db()
    assert action.done_at is None


def test_a_meeting_that_does_not_exist_answers_404_and_leaves_the_action_open(
    cast: Cast,
) -> None:
    action = cast.one_on_one.actions.get()
    response = client_of(cast).post(
        done_url(action), {"done": "1", "meeting": "00000000-0000-0000-0000-000000000000"}
    )
    assert response.status_code == 404
    action.refresh_from_db()
    assert action.done_at is None
