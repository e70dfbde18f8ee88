"""A small synthetic organisation, written by the bulk writer, keeps the same rules as the demo
and has the reference team of 30 the benchmarks sign in as."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.fakedata.plan import HR_EMAIL, REFERENCE_MANAGER_EMAIL
from rapport.meetings.models import Meeting, OneOnOne
from rapport.people.models import Person
from tests.fakedata import invariants

pytestmark = pytest.mark.xdist_group("synth")


def test_the_synthetic_organisation_keeps_every_rule(synth_today: date, db: None) -> None:
    assert Person.objects.count() == 300
    assert invariants.problems(timezone.now()) == []
    assert invariants.leavers_without_active_pairs() == []


def test_the_reference_manager_has_a_whole_team_of_30(synth_today: date, db: None) -> None:
    manager = Person.objects.get(email=REFERENCE_MANAGER_EMAIL)
    pairs = OneOnOne.objects.filter(manager=manager, status=OneOnOne.Status.ACTIVE)
    assert pairs.count() == 30
    assert Meeting.objects.filter(one_on_one__in=pairs, status=Meeting.Status.HELD).exists()


@pytest.mark.parametrize(
    ("email", "page"),
    [(REFERENCE_MANAGER_EMAIL, "home"), (REFERENCE_MANAGER_EMAIL, "insights:team"),
     (HR_EMAIL, "insights:org")],
)  # fmt: skip
def test_the_main_pages_open(synth_today: date, db: None, email: str, page: str) -> None:
    client = Client()
    client.force_login(Person.objects.get(email=email))
    assert client.get(reverse(page)).status_code == 200
