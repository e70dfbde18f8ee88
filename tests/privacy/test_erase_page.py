"""The erasure page: the dry run an admin reads, the confirmation it needs, the refusal for
someone still here."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rapport.people.models import Person
from rapport.privacy.models import Erasure
from rapport.privacy.services import PLACEHOLDER_NAME, erasure_apply
from tests import canaries
from tests.cast import Cast
from tests.helpers.digest import database_digest
from tests.privacy.helpers import has_left

pytestmark = pytest.mark.django_db


def admin(cast: Cast) -> Client:
    client = Client()
    client.force_login(cast.admin)
    return client


def test_the_dry_run_lists_counts_and_what_each_pair_keeps(cast: Cast) -> None:
    canaries.plant_canaries(cast)
    has_left(cast.manager, by=cast.hr)

    page = admin(cast).get(reverse("privacy:erase", args=[cast.manager.uuid]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "Their private notes" in html
    assert "With Rui Report" in html and "shared history kept" in html
    # Counts and names only: never the content that would go.
    assert canaries.MANAGER_NOTE not in html and canaries.PERSON_CARD not in html


def test_erasing_needs_the_box_ticked(cast: Cast) -> None:
    has_left(cast.manager, by=cast.hr)
    client = admin(cast)
    before = database_digest()

    page = client.post(reverse("privacy:erase", args=[cast.manager.uuid]), {})

    assert page.status_code == 200
    assert "Tick the box to confirm" in page.content.decode()
    assert database_digest() == before


def test_confirming_erases_and_shows_the_placeholder(cast: Cast) -> None:
    has_left(cast.manager, by=cast.hr)
    client = admin(cast)

    page = client.post(
        reverse("privacy:erase", args=[cast.manager.uuid]), {"confirm": "on"}, follow=True
    )

    assert page.status_code == 200
    assert "Erased Mia Manager" in page.content.decode()
    assert Person.objects.get(pk=cast.manager.pk).name == PLACEHOLDER_NAME
    assert Erasure.objects.filter(person=cast.manager).exists()
    again = client.get(reverse("privacy:erase", args=[cast.manager.uuid]))
    assert "already been erased" in again.content.decode()


def test_someone_still_here_is_refused_clearly_and_nothing_changes(cast: Cast) -> None:
    client = admin(cast)
    page = client.get(reverse("privacy:erase", args=[cast.report.uuid]))
    assert "Rui Report has not left" in page.content.decode()
    assert "Confirm" not in page.content.decode()
    before = database_digest()

    posted = client.post(reverse("privacy:erase", args=[cast.report.uuid]), {"confirm": "on"})

    assert posted.status_code == 409
    assert database_digest() == before


def test_the_person_page_offers_erasure_to_admins_once_the_person_has_left(cast: Cast) -> None:
    url = reverse("people:detail", args=[cast.manager.uuid])
    erase = reverse("privacy:erase", args=[cast.manager.uuid])
    assert erase not in admin(cast).get(url).content.decode()
    has_left(cast.manager, by=cast.hr)
    assert erase in admin(cast).get(url).content.decode()
    hr = Client()
    hr.force_login(cast.hr)
    assert erase not in hr.get(url).content.decode()
    erasure_apply(person=cast.manager, by=cast.admin)
    assert erase not in admin(cast).get(url).content.decode()
