"""No private page may sit in a shared or browser cache: every answer to a signed-in request,
and every answer reached through a credential in its address, says `Cache-Control: private,
no-store` (rapport.middleware.PrivateResponseMiddleware), unless its view chose its own.

Every route of the access matrix, as every signed-in role, is checked by the access matrix
itself (`test_each_role_gets_the_expected_status_from_every_route` in
tests/test_access_matrix.py), on the same answers whose status it checks, so that each page is
rendered once for both checks; the rules are in tests/helpers/caching.py.
"""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from rapport.meetings.services import feed_for
from tests.cast import Cast
from tests.helpers.caching import PRIVATE_NO_STORE, directives


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
