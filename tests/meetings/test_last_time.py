"""The meeting page shows last time: the previous held meeting's shared notes, the actions
agreed in it and how many points raised by then are still open; never a private note."""

from __future__ import annotations

import pytest
from django.db.models import Q
from django.test import Client
from django.urls import reverse

from rapport.meetings.models import Meeting, Note, Section, TalkingPoint
from rapport.meetings.services import action_add, point_add
from tests.cast import Cast

pytestmark = pytest.mark.django_db


def _held_then_next(cast: Cast) -> tuple[Meeting, Meeting]:
    first, second = list(cast.one_on_one.meetings.order_by("scheduled_for")[:2])
    Meeting.objects.filter(pk=first.pk).update(status=Meeting.Status.HELD)
    first.refresh_from_db()
    return first, second


def test_the_next_meeting_shows_what_last_time_left(cast: Cast, client: Client) -> None:
    held, upcoming = _held_then_next(cast)
    Note.objects.create(
        meeting=held, author=cast.report, kind="shared", body="**Agreed** to try pairing"
    )
    Note.objects.create(
        meeting=held, author=cast.manager, kind="private", body="Mia's own worry", version=1
    )
    Note.objects.create(
        meeting=held, author=cast.report, kind="private", body="Rui's own worry", version=1
    )
    action_add(
        one_on_one=cast.one_on_one,
        meeting=held,
        owner=cast.report,
        text="Pair with Ana on Friday",
        due_on=None,
        by=cast.report,
    )
    open_point = point_add(
        one_on_one=cast.one_on_one,
        author=cast.report,
        text="Travel budget",
        section=Section.CONNECTION,
    )
    for point in (open_point,):
        type(point).objects.filter(pk=point.pk).update(created_at=held.scheduled_for)
    url = reverse("meetings:meeting", args=[upcoming.uuid])
    client.force_login(cast.manager)
    page = client.get(url).content.decode()
    panel = page[page.index('id="last-time-heading"') : page.index('id="agenda-heading"')]
    assert "<strong>Agreed</strong> to try pairing" in panel  # rendered Markdown
    assert "Pair with Ana on Friday" in panel
    open_then = (
        TalkingPoint.objects.filter(
            one_on_one=cast.one_on_one,
            discussed_in__isnull=True,
            is_recurring=False,
            created_at__lt=held.ends_at,
        )
        .filter(Q(is_private=False) | Q(author=cast.manager))
        .count()
    )
    assert open_then >= 1
    said = (
        "1 point raised by then is" if open_then == 1 else f"{open_then} points raised by then are"
    )
    assert f"{said} still open" in panel
    assert "Mia's own worry" not in panel  # private notes stay on their own meeting
    assert "Rui's own worry" not in page
    client.force_login(cast.report)
    assert "Mia's own worry" not in client.get(url).content.decode()


def test_no_panel_without_a_held_meeting_before(cast: Cast, client: Client) -> None:
    first = cast.one_on_one.meetings.order_by("scheduled_for").first()
    assert first is not None
    client.force_login(cast.manager)
    page = client.get(reverse("meetings:meeting", args=[first.uuid])).content.decode()
    assert 'id="last-time-heading"' not in page
