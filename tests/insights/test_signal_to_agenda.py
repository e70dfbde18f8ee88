"""Signals where the manager prepares: on the meeting page (the manager's only) and, with one
click, on the agenda as the manager's private point."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.meetings.models import TalkingPoint
from tests.access_rows.insights import overdue_actions
from tests.cast import Cast

pytestmark = pytest.mark.django_db


def _meeting_page(client: Client, cast: Cast) -> str:
    return client.get(reverse("meetings:meeting", args=[cast.meeting.uuid])).content.decode()


def _to_agenda(client: Client, cast: Cast, since: str) -> None:
    client.post(
        reverse("insights:signal_to_agenda", args=[cast.one_on_one.uuid]),
        {"rule": "overdue_actions", "since": since, "meeting": str(cast.meeting.uuid)},
    )


def test_the_managers_meeting_page_shows_the_pairs_signals(cast: Cast, client: Client) -> None:
    overdue_actions(cast)
    client.force_login(cast.manager)
    page = _meeting_page(client, cast)
    assert 'id="signals-heading-' in page and "4 actions overdue" in page
    client.force_login(cast.report)
    page = _meeting_page(client, cast)
    assert 'id="signals-heading-' not in page and "4 actions overdue" not in page


def test_a_signal_goes_on_the_agenda_as_the_managers_private_point(
    cast: Cast, client: Client
) -> None:
    overdue_actions(cast)
    client.force_login(cast.manager)
    since = (timezone.localdate() - timedelta(days=6)).isoformat()
    _to_agenda(client, cast, since)
    [point] = [p for p in TalkingPoint.objects.all() if p.text.startswith("4 actions overdue")]
    assert point.is_private and point.author == cast.manager
    assert "Overdue 10" in point.text  # the evidence comes along
    assert "4 actions overdue: Overdue 10" in _meeting_page(client, cast)
    client.force_login(cast.report)
    assert "4 actions overdue" not in _meeting_page(client, cast)


def test_a_signal_that_is_not_open_adds_nothing(cast: Cast, client: Client) -> None:
    client.force_login(cast.manager)
    before = TalkingPoint.objects.count()
    _to_agenda(client, cast, timezone.localdate().isoformat())
    assert TalkingPoint.objects.count() == before
    page = _meeting_page(client, cast)
    assert "no longer open" in page
