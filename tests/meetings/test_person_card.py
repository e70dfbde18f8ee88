"""The person card: the manager's private card about a report, in one 1:1. The cast's 1:1 is
Mia (manager) with Rui (report)."""

from __future__ import annotations

from datetime import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.access import Refused
from rapport.meetings.models import OneOnOne, PersonCard
from rapport.meetings.selectors import person_card_for
from rapport.meetings.services import (
    Rule,
    one_on_one_set_up,
    person_card_save,
    person_change_manager,
)
from rapport.people.models import Person
from tests.cast import Cast

EVERY_FIELD = {
    "motivators": "Hard problems nobody else has cracked",
    "struggles": "Saying no to side requests",
    "outside_work": "Caring for a parent on Thursdays",
    "working_style": "Long quiet mornings, written briefs",
    "recognition": "A quiet thank-you, never on stage",
}


def client_of(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def card_url(one_on_one: OneOnOne) -> str:
    return reverse("meetings:person_card", args=[one_on_one.uuid])


def meeting_url(cast: Cast) -> str:
    return reverse("meetings:meeting", args=[cast.meeting.uuid])


def test_the_manager_fills_in_the_card_and_sees_it_beside_the_meeting(cast: Cast) -> None:
    manager = client_of(cast.manager)
    response = manager.post(card_url(cast.one_on_one), {**EVERY_FIELD, "next": meeting_url(cast)})
    assert response.status_code == 302 and response["Location"] == meeting_url(cast)
    card = PersonCard.objects.get(one_on_one=cast.one_on_one)
    assert card.motivators == EVERY_FIELD["motivators"]
    page = manager.get(meeting_url(cast)).content.decode()
    assert all(text in page for text in EVERY_FIELD.values())
    assert "About Rui" in page and "only you" in page


def test_a_manager_without_a_card_is_invited_to_start_one(cast: Cast) -> None:
    page = client_of(cast.manager).get(meeting_url(cast)).content.decode()
    assert "Start the card" in page
    assert not PersonCard.objects.exists()
    card = person_card_for(cast.manager, cast.one_on_one)
    assert card is not None and card.pk is None and card.one_on_one == cast.one_on_one


def test_the_report_sees_neither_the_card_nor_a_hint_of_it(cast: Cast) -> None:
    person_card_save(one_on_one=cast.one_on_one, by=cast.manager, **EVERY_FIELD)
    report = client_of(cast.report)
    page = report.get(meeting_url(cast)).content.decode()
    assert "About Rui" not in page and "person-card" not in page
    assert not any(text in page for text in EVERY_FIELD.values())
    assert report.get(card_url(cast.one_on_one)).status_code == 404
    assert person_card_for(cast.report, cast.one_on_one) is None


@pytest.mark.parametrize("role", ["report", "peer_manager", "skip_level", "hr", "admin"])
def test_nobody_but_the_manager_can_write_the_card(cast: Cast, role: str) -> None:
    viewer = getattr(cast, role)
    response = client_of(viewer).post(card_url(cast.one_on_one), EVERY_FIELD)
    assert response.status_code == 404
    assert not PersonCard.objects.exists()
    with pytest.raises(Refused):
        person_card_save(one_on_one=cast.one_on_one, by=viewer, motivators="mine now")


def test_saving_part_of_the_card_keeps_the_rest(cast: Cast) -> None:
    person_card_save(one_on_one=cast.one_on_one, by=cast.manager, **EVERY_FIELD)
    card = person_card_save(
        one_on_one=cast.one_on_one, by=cast.manager, struggles="  Long meetings \n"
    )
    assert card.struggles == "Long meetings"
    assert card.motivators == EVERY_FIELD["motivators"]
    assert PersonCard.objects.count() == 1


def test_the_service_refuses_fields_a_card_does_not_have(cast: Cast) -> None:
    with pytest.raises(TypeError, match="salary"):
        person_card_save(one_on_one=cast.one_on_one, by=cast.manager, salary="a lot")


def test_the_card_page_shows_the_saved_text_and_says_who_sees_it(cast: Cast) -> None:
    person_card_save(one_on_one=cast.one_on_one, by=cast.manager, **EVERY_FIELD)
    page = client_of(cast.manager).get(card_url(cast.one_on_one)).content.decode()
    assert EVERY_FIELD["outside_work"] in page
    assert "Only you" in page and "blank one" in page


def test_text_in_the_card_is_escaped(cast: Cast) -> None:
    person_card_save(
        one_on_one=cast.one_on_one, by=cast.manager, motivators="<script>alert(1)</script>"
    )
    page = client_of(cast.manager).get(meeting_url(cast)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_an_overlong_field_is_refused_with_the_text_kept(cast: Cast) -> None:
    response = client_of(cast.manager).post(card_url(cast.one_on_one), {"motivators": "x" * 5001})
    assert response.status_code == 200
    assert "x" * 5001 in response.content.decode()
    assert not PersonCard.objects.exists()


def test_the_card_page_returns_only_to_pages_of_this_site(cast: Cast) -> None:
    manager = client_of(cast.manager)
    response = manager.post(
        card_url(cast.one_on_one), {**EVERY_FIELD, "next": "https://evil.example/steal"}
    )
    assert response["Location"] == reverse("meetings:one_on_one", args=[cast.one_on_one.uuid])
    response = manager.post(card_url(cast.one_on_one), {**EVERY_FIELD, "next": "//evil.example"})
    assert response["Location"] == reverse("meetings:one_on_one", args=[cast.one_on_one.uuid])


def test_when_the_manager_changes_the_card_closes_and_the_new_manager_starts_blank(
    cast: Cast,
) -> None:
    person_card_save(one_on_one=cast.one_on_one, by=cast.manager, **EVERY_FIELD)
    person_change_manager(person=cast.report, new_manager=cast.peer_manager, by=cast.admin)
    new_pair = one_on_one_set_up(
        manager=cast.peer_manager,
        report=cast.report,
        rule=Rule("weekly", 2, time(11), 30, timezone.localdate()),
        by=cast.peer_manager,
        confirmed_out_of_hours=True,
    )
    old_manager, new_manager = client_of(cast.manager), client_of(cast.peer_manager)
    assert old_manager.get(card_url(cast.one_on_one)).status_code == 404
    assert old_manager.post(card_url(cast.one_on_one), EVERY_FIELD).status_code == 404
    # The new manager cannot reach the old 1:1, and their own starts with no card.
    assert new_manager.get(card_url(cast.one_on_one)).status_code == 404
    page = new_manager.get(card_url(new_pair))
    assert page.status_code == 200
    assert not any(text in page.content.decode() for text in EVERY_FIELD.values())
    assert not PersonCard.objects.filter(one_on_one=new_pair).exists()
    new_meeting = new_pair.meetings.order_by("scheduled_for").first()
    assert new_meeting is not None
    meeting_page = new_manager.get(reverse("meetings:meeting", args=[new_meeting.uuid]))
    assert "Start the card" in meeting_page.content.decode()
    # The report keeps the closed 1:1 to read, and still never sees the card.
    closed = client_of(cast.report).get(meeting_url(cast)).content.decode()
    assert not any(text in closed for text in EVERY_FIELD.values())
    # The old card is kept with its closed 1:1, for no one to see.
    assert PersonCard.objects.get(one_on_one=cast.one_on_one).motivators
