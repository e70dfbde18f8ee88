"""The email choices page offers each person only the kinds they can receive (issue 16)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from rapport.notify import selectors, services
from rapport.notify.models import MANAGER_KINDS, Kind
from rapport.people.models import Person
from tests.cast import Cast

URL = reverse("notify:preferences")


def _page(person: Person) -> str:
    client = Client()
    client.force_login(person)
    return client.get(URL).content.decode()


def test_a_report_is_not_offered_the_manager_only_emails(cast: Cast) -> None:
    page = _page(cast.report)

    assert str(Kind.REPORT_REMINDER.label) in page and str(Kind.MEETING_RECAP.label) in page
    for kind in MANAGER_KINDS:
        assert str(kind.label) not in page
        assert f'value="{kind.value}"' not in page


def test_a_manager_is_offered_every_kind(cast: Cast) -> None:
    page = _page(cast.manager)

    for kind in (Kind.MANAGER_AGENDA, Kind.WEEKLY_DIGEST, Kind.REPORT_REMINDER):
        assert f'value="{kind.value}"' in page


def test_someone_with_reports_but_no_1_1_yet_is_offered_the_manager_kinds(cast: Cast) -> None:
    # Pete manages Priya, with no 1:1 set up between them.
    assert Kind.WEEKLY_DIGEST in selectors.kinds_offered_to(cast.peer_manager)
    Person.objects.filter(manager=cast.peer_manager).update(is_active=False)
    assert Kind.WEEKLY_DIGEST not in selectors.kinds_offered_to(cast.peer_manager)


def test_a_report_cannot_switch_on_a_manager_kind_by_posting_it(cast: Cast) -> None:
    services.preference_set(person=cast.report, kinds=[Kind.MEETING_RECAP])
    client = Client()
    client.force_login(cast.report)

    response = client.post(URL, {"kinds": ["meeting_recap", "weekly_digest"]})

    assert response.status_code == 200
    assert "not one of the available choices" in response.content.decode()
    assert not services.preference_of(cast.report).weekly_digest


def test_saving_the_offered_kinds_leaves_the_hidden_ones_as_they_were(cast: Cast) -> None:
    services.preference_set(person=cast.report, kinds=[Kind.MANAGER_AGENDA])
    client = Client()
    client.force_login(cast.report)

    client.post(URL, {"kinds": ["report_reminder"]})

    choices = services.preference_of(cast.report)
    assert choices.report_reminder and not choices.meeting_recap
    assert choices.manager_agenda and not choices.weekly_digest
