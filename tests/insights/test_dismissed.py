"""The history of dismissed signals, with restore: the pair's manager only."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rapport.insights.models import SignalDismissal
from rapport.insights.rules import Rule
from rapport.insights.selectors import team_view
from tests.cast import Cast
from tests.insights.test_team_view import dismiss, overdue_actions

pytestmark = pytest.mark.django_db


def history(client: Client, cast: Cast) -> str:
    return client.get(reverse("insights:dismissed", args=[cast.one_on_one.uuid])).content.decode()


def open_rules(cast: Cast) -> set[Rule]:
    member = team_view(cast.manager, one_on_one=cast.one_on_one).members[0]
    return {signal.rule for signal in member.signals}


def test_a_dismissal_keeps_who_when_why_and_the_evidence_at_the_time(cast: Cast) -> None:
    overdue_actions(cast.one_on_one)
    client = Client()
    client.force_login(cast.manager)
    dismiss(client, cast, "We agreed new dates")
    record = SignalDismissal.objects.get()
    assert record.title == "4 actions overdue" and "Overdue thing 3" in record.evidence
    page = history(client, cast)
    assert "We agreed new dates" in page and "Mia" in page and "Overdue thing 3" in page
    assert "Restore" in page


def test_restoring_shows_the_signal_again_and_keeps_the_history(cast: Cast) -> None:
    overdue_actions(cast.one_on_one)
    client = Client()
    client.force_login(cast.manager)
    dismiss(client, cast, "We agreed new dates")
    assert Rule.OVERDUE_ACTIONS not in open_rules(cast)
    record = SignalDismissal.objects.get()
    response = client.post(
        reverse("insights:signal_restore", args=[cast.one_on_one.uuid, record.pk])
    )
    assert response.status_code == 302
    assert Rule.OVERDUE_ACTIONS in open_rules(cast)
    record.refresh_from_db()
    assert record.restored_by == cast.manager and record.restored_at is not None
    assert "Restored by" in history(client, cast)
    # It can be dismissed again: the restored row stays as history beside the new one.
    dismiss(client, cast, "Second look: still fine")
    assert SignalDismissal.objects.count() == 2
    assert Rule.OVERDUE_ACTIONS not in open_rules(cast)


@pytest.mark.parametrize("role", ["report", "peer_manager", "skip_level", "hr", "admin"])
def test_nobody_but_the_manager_sees_or_restores_a_dismissal(cast: Cast, role: str) -> None:
    overdue_actions(cast.one_on_one)
    manager = Client()
    manager.force_login(cast.manager)
    dismiss(manager, cast, "Private reason")
    record = SignalDismissal.objects.get()
    client = Client()
    client.force_login(getattr(cast, role))
    assert client.get(reverse("insights:dismissed", args=[cast.one_on_one.uuid])).status_code == 404
    url = reverse("insights:signal_restore", args=[cast.one_on_one.uuid, record.pk])
    assert client.post(url).status_code == 404
    record.refresh_from_db()
    assert record.restored_at is None
