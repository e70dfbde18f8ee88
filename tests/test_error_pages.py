"""Branded error pages: the navigation (or the sign-in link) and a way back, and the same words
whether or not the thing asked for exists."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.urls import reverse

from tests.cast import Cast

pytestmark = pytest.mark.django_db


def test_a_signed_in_person_gets_the_navigation_and_a_way_home(cast: Cast, client: Client) -> None:
    client.force_login(cast.outsider)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'aria-label="Main"' in page
    assert f'href="{reverse("home")}"' in page
    assert "There is nothing for you here" in page


def test_someone_elses_meeting_and_a_missing_one_read_the_same(cast: Cast, client: Client) -> None:
    client.force_login(cast.outsider)
    meeting = cast.one_on_one.meetings.first()
    assert meeting is not None
    theirs = client.get(reverse("meetings:meeting", kwargs={"meeting_uuid": meeting.uuid}))
    missing = client.get(
        reverse("meetings:meeting", kwargs={"meeting_uuid": "00000000-0000-4000-8000-000000000000"})
    )
    assert theirs.status_code == missing.status_code == 404
    body = theirs.content.decode()
    assert str(meeting.uuid) not in body
    assert _without_per_response_secrets(body) == _without_per_response_secrets(
        missing.content.decode()
    )


def _without_per_response_secrets(page: str) -> str:
    """CSP nonces and CSRF tokens differ on every response."""
    page = re.sub(r'nonce="[^"]*"', "", page)
    page = re.sub(r'"X-CSRFToken": "[^"]*"', "", page)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def test_a_signed_out_visitor_gets_the_sign_in_link(client: Client) -> None:
    response = client.get("/static-does-not-exist/", follow=False)
    if response.status_code == 302:  # every page but sign-in asks to sign in first
        assert reverse("login") in response["Location"]
        return
    assert response.status_code == 404
    assert reverse("login") in response.content.decode()


def test_the_500_page_needs_no_request_and_runs_no_script() -> None:
    page = render_to_string("500.html")
    assert "Something went wrong" in page
    assert "<script" not in page
    assert 'href="/"' in page


@override_settings(DEBUG=False)
def test_a_form_sent_without_its_token_gets_the_expired_form_page(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.manager)
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
