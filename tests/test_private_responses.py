"""No private page may sit in a shared or browser cache: every answer to a signed-in request,
and every answer reached through a credential in its address, says `Cache-Control: private,
no-store` (rapport.middleware.PrivateResponseMiddleware), unless its view chose its own."""

from __future__ import annotations

import pytest
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import reverse

from rapport.meetings.services import feed_for
from tests.cast import ROLES, Cast
from tests.test_access_matrix import MATRIX

# Views that set their own private Cache-Control on purpose: calendar programs poll the feed,
# and five minutes in the subscriber's own cache spares the server.
OWN_CACHE_CONTROL = {"meetings:calendar_feed": {"private", "max-age=300"}}
PRIVATE_NO_STORE = {"private", "no-store"}


def directives(response: HttpResponseBase) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize("role", [role for role in ROLES if role != "anonymous"])
def test_every_page_a_signed_in_person_gets_is_private_and_not_stored(
    cast: Cast, role: str
) -> None:
    client = Client()
    client.force_login(cast.person(role))  # type: ignore[arg-type]
    wrong = {}
    for name, row in MATRIX.items():
        response = client.get(row.url(cast))
        # never_cache views (sign-in, meeting mode's clock) say more, and no less.
        if response.status_code == 200 and not OWN_CACHE_CONTROL.get(
            name, PRIVATE_NO_STORE
        ) <= directives(response):
            wrong[name] = response.get("Cache-Control")
    assert not wrong, f"as {role}, 200s that may be cached: {wrong}"


def test_a_page_that_varies_with_the_cookie_is_private_even_when_signed_out(cast: Cast) -> None:
    response = Client().get(reverse("password_reset"))
    assert response.status_code == 200
    # The view's own never_cache may add more directives; these two must be there.
    assert directives(response) >= PRIVATE_NO_STORE


def test_the_calendar_feed_is_private_for_whoever_holds_its_address(cast: Cast) -> None:
    path = reverse("meetings:calendar_feed", kwargs={"token": feed_for(cast.report).token})
    assert Client().get(path)["Cache-Control"] == "private, max-age=300"
    wrong = reverse("meetings:calendar_feed", kwargs={"token": "not-a-feed"})
    assert Client().get(wrong)["Cache-Control"] == "private, no-store"


def test_a_signed_in_persons_redirects_and_not_founds_are_private_too(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.outsider)
    for path in (
        reverse("meetings:meeting", kwargs={"meeting_uuid": cast.meeting.uuid}),  # 404
        reverse("login"),  # 302 home
    ):
        assert directives(client.get(path)) >= PRIVATE_NO_STORE


def test_static_files_keep_their_own_cache_headers(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.manager)
    response = client.get("/static/rapport/rapport.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
