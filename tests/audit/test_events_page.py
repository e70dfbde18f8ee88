"""The admins' audit page: filters by kind, by who and to whom, by days on the admin's own
clock; 50 events a page; a fixed number of queries however long the trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.audit import services as audit
from rapport.audit.models import Action, AuditEvent
from tests.cast import Cast
from tests.helpers.queries import assert_queries_do_not_grow, count_queries

pytestmark = pytest.mark.django_db


def as_admin(cast: Cast) -> Client:
    client = Client()
    client.force_login(cast.admin)
    return client


def shown(client: Client, **query: str) -> list[str]:
    response = client.get(reverse("audit:events"), query)
    assert response.status_code == 200
    return [f"{row.action} {row.actor} {row.subject}" for row in response.context["rows"]]


def test_it_lists_events_newest_first_with_readable_details(cast: Cast) -> None:
    audit.record(
        action=Action.ROLE_CHANGED,
        actor=cast.admin,
        subject=cast.report,
        details={"from_role": "member", "to_role": "hr"},
    )
    audit.record(action=Action.SIGN_IN_FAILED, actor=None, details={"address": "192.0.2.1"})
    client = as_admin(cast)
    assert shown(client) == ["Sign-in failed Nobody known ", "Role changed Ada Admin Rui Report"]
    page = client.get(reverse("audit:events")).content.decode()
    assert "role before: member; role after: hr" in page


def test_it_filters_by_kind_by_who_and_to_whom(cast: Cast) -> None:
    audit.record(action=Action.ROLE_CHANGED, actor=cast.admin, subject=cast.report)
    audit.record(action=Action.DEPARTURE_RECORDED, actor=cast.hr, subject=cast.report_two)
    audit.record(action=Action.SIGN_IN, actor=cast.manager, subject=cast.manager)
    client = as_admin(cast)
    assert shown(client, action="sign_in") == ["Signed in Mia Manager Mia Manager"]
    assert shown(client, actor="HANA") == ["Departure recorded Hana HR Rosa Report"]
    assert shown(client, subject=cast.report.email) == ["Role changed Ada Admin Rui Report"]
    # A kind that does not exist is an error on the form, and filters nothing.
    response = client.get(reverse("audit:events"), {"action": "tea"})
    assert "Choose a kind of event from the list." in response.content.decode()
    assert len(response.context["rows"]) == 3


def test_days_are_the_admins_own_and_both_ends_count(cast: Cast) -> None:
    cast.admin.timezone = "Pacific/Tongatapu"
    cast.admin.save()
    now = timezone.now()
    for days in (0, 2, 5):
        AuditEvent.objects.create(
            action=Action.SIGN_IN, actor=cast.report, at=now - timedelta(days=days)
        )
    today = now.astimezone(cast.admin.zone).date()
    client = as_admin(cast)
    since = (today - timedelta(days=2)).isoformat()
    assert len(shown(client, since=since)) == 2
    assert len(shown(client, until=since)) == 2
    assert len(shown(client, since=since, until=since)) == 1
    response = client.get(reverse("audit:events"), {"since": today.isoformat(), "until": since})
    assert "The last day cannot be before the first." in response.content.decode()


def test_it_shows_fifty_a_page_and_pages_on(cast: Cast) -> None:
    AuditEvent.objects.bulk_create(
        AuditEvent(action=Action.SIGN_IN, actor=cast.report) for _ in range(60)
    )
    client = as_admin(cast)
    first = client.get(reverse("audit:events"), {"action": "sign_in"})
    assert len(first.context["rows"]) == 50
    assert "60 events" in first.content.decode()
    assert "action=sign_in&amp;page=2" in first.content.decode()
    second = client.get(reverse("audit:events"), {"action": "sign_in", "page": "2"})
    assert len(second.context["rows"]) == 10
    # Junk page numbers land on a page rather than an error.
    assert client.get(reverse("audit:events"), {"page": "zz"}).status_code == 200


def test_the_page_makes_the_same_queries_however_long_the_trail(cast: Cast) -> None:
    client = as_admin(cast)
    people = [cast.report, cast.manager, cast.hr, cast.peer_report, cast.outsider]

    def grow() -> None:
        AuditEvent.objects.bulk_create(
            AuditEvent(action=Action.ROLE_CHANGED, actor=cast.admin, subject=person)
            for person in people * 20
        )

    grow()
    assert_queries_do_not_grow(lambda: count_queries(lambda: client.get("/audit/")), grow)


def test_a_person_deleted_since_shows_as_such_and_the_event_stays(cast: Cast) -> None:
    event = audit.record(action=Action.SIGN_IN, actor=cast.outsider, subject=cast.outsider)
    cast.outsider.delete()
    assert AuditEvent.objects.get().pk == event.pk
    assert shown(as_admin(cast)) == ["Signed in A deleted person A deleted person"]
