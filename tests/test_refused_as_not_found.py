"""A write service's refusal (access.Refused) reaches people as 404, like any outsider's."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from rapport.meetings.models import TalkingPoint
from tests.cast import Cast
from tests.helpers.sealed import with_text


def test_a_refused_write_answers_404_and_changes_nothing(cast: Cast, client: Client) -> None:
    # Mia sees Rui's point, so the view finds it; only its author may remove it, and the
    # service says no. (The page shows the remove button to the author alone.)
    [point] = with_text(TalkingPoint.objects.all(), "How the move went")
    client.force_login(cast.manager)
    url = reverse("meetings:point_delete", args=[cast.meeting.uuid, point.uuid])
    assert client.post(url).status_code == 404
    assert TalkingPoint.objects.filter(pk=point.pk).exists()


def test_the_author_still_removes_their_point(cast: Cast, client: Client) -> None:
    [point] = with_text(TalkingPoint.objects.all(), "How the move went")
    client.force_login(cast.report)
    url = reverse("meetings:point_delete", args=[cast.meeting.uuid, point.uuid])
    assert client.post(url).status_code == 302
    assert not TalkingPoint.objects.filter(pk=point.pk).exists()
