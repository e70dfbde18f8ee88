"""Where signing in leads: only a path of this site, whatever `next` says."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.cast import PASSWORD, Cast


@pytest.mark.parametrize("target", ["x", "home", "meetings:my_actions", "https://evil.example/"])
def test_a_next_that_is_not_a_path_of_this_site_leads_home(
    cast: Cast, client: Client, target: str
) -> None:
    # A bare word used to be taken for a view name by redirect(): NoReverseMatch, a 500.
    response = client.post(
        reverse("login"), {"email": cast.report.email, "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_a_signed_in_person_opening_sign_in_with_a_bare_word_goes_home(
    cast: Cast, client: Client
) -> None:
    client.force_login(cast.report)
    response = client.get(reverse("login") + "?next=x")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_a_path_of_this_site_is_followed(cast: Cast, client: Client) -> None:
    target = reverse("meetings:my_actions")
    response = client.post(
        reverse("login"), {"email": cast.report.email, "password": PASSWORD, "next": target}
    )
    assert response["Location"] == target
