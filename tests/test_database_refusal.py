"""A database that refuses writes (read-only, disk full, restarting): scripts are answered 503
with the reason and a Retry-After, pages and bugs still get the ordinary 500, /health/ says so.
See rapport/database.py and rapport/middleware.py (RefusedWriteMiddleware)."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import OperationalError, ProgrammingError
from django.test import Client
from django.urls import reverse

from rapport.meetings.models import Note
from tests.cast import Cast
from tests.helpers.refusing import database_refusing_writes

READ_ONLY = OperationalError("attempt to write a readonly database")


def save_url(cast: Cast) -> str:
    return reverse(
        "meetings:note_save", kwargs={"meeting_uuid": cast.meeting.uuid, "kind": "shared"}
    )


def signed_in(cast: Cast) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(cast.report)
    return client


def save_as_script(client: Client, cast: Cast) -> tuple[int, str, dict[str, object], str]:
    response = client.post(
        save_url(cast), {"body": "kept on the device", "version": 0}, HTTP_ACCEPT="application/json"
    )
    is_json = response.headers.get("Content-Type") == "application/json"
    data = json.loads(response.content) if is_json else {}
    return (
        response.status_code,
        response.headers.get("Retry-After", ""),
        data,
        response.content.decode(),
    )


def test_a_save_the_database_refuses_is_answered_503_with_the_reason_and_when_to_retry(
    cast: Cast,
) -> None:
    client = signed_in(cast)
    with mock.patch("rapport.meetings.services.Note.objects.create", side_effect=READ_ONLY):
        status, retry_after, data, _ = save_as_script(client, cast)
    assert (status, retry_after) == (503, "5")
    assert data["retry_after"] == 5
    assert "database refuses writes" in str(data["error"])
    assert "sent again in 5 s" in str(data["error"])


def test_a_save_on_a_database_that_really_is_read_only_is_answered_503(cast: Cast) -> None:
    client = signed_in(cast)
    with database_refusing_writes():
        status, retry_after, data, _ = save_as_script(client, cast)
    assert (status, retry_after) == (503, "5")
    assert "database refuses writes" in str(data["error"])
    assert not Note.objects.exists()


def test_the_notes_endpoint_answers_503_json_whatever_the_accept_header(cast: Cast) -> None:
    client = signed_in(cast)
    with mock.patch("rapport.meetings.services.Note.objects.create", side_effect=READ_ONLY):
        response = client.post(save_url(cast), {"body": "x", "version": 0}, HTTP_ACCEPT="*/*")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "database refuses writes" in response.json()["error"]


def test_a_page_the_database_refuses_still_gets_the_ordinary_500(cast: Cast) -> None:
    client = signed_in(cast)
    with mock.patch("rapport.views.home_page", side_effect=READ_ONLY):
        response = client.get(reverse("home"), HTTP_ACCEPT="text/html,*/*;q=0.8")
    assert response.status_code == 500
    assert response.headers["Content-Type"].startswith("text/html")
    assert not response.has_header("Retry-After")


def test_a_bug_is_still_a_500_even_for_a_script(cast: Cast) -> None:
    client = signed_in(cast)
    bug = ProgrammingError("no such column: meetings_note.last_save_key")
    with mock.patch("rapport.meetings.services.Note.objects.create", side_effect=bug):
        status, retry_after, _, _ = save_as_script(client, cast)
    assert (status, retry_after) == (500, "")


@pytest.mark.django_db
def test_health_is_ok_while_the_database_accepts_writes() -> None:
    response = Client().get(reverse("health"))
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


@pytest.mark.django_db
def test_health_answers_503_while_the_database_refuses_writes() -> None:
    with database_refusing_writes():
        response = Client().get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert "refuses writes" in response.json()["reason"]


@pytest.mark.django_db
def test_health_answers_503_while_the_database_cannot_be_reached() -> None:
    lost = OperationalError("server closed the connection unexpectedly")
    with mock.patch("rapport.database.connection.cursor", side_effect=lost):
        response = Client().get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


GONE = OperationalError("server closed the connection unexpectedly")
# The session's row, read when the shared cache does not have the session (settings
# SESSION_ENGINE). With the default database cache, the cache's read fails too and is taken
# for a miss.
SESSION_ROW = "rapport.people.sessions.SessionStore._get_session_from_db"


def test_a_refusal_before_the_view_runs_is_still_answered_503_to_the_notes_script(
    cast: Cast,
) -> None:
    # A PostgreSQL restart or an unreadable SQLite file fails the session lookup, in a middleware,
    # before any view: the 500 handler gives the same 503 (the drills saw HTML 500s here).
    client = signed_in(cast)
    cache.clear()
    with mock.patch(SESSION_ROW, side_effect=GONE):
        response = client.post(save_url(cast), {"body": "kept on the device", "version": 0})
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert json.loads(response.content)["retry_after"] == 5


def test_a_page_whose_session_lookup_fails_still_gets_the_ordinary_500(cast: Cast) -> None:
    client = signed_in(cast)
    cache.clear()
    with mock.patch(SESSION_ROW, side_effect=GONE):
        response = client.get(reverse("home"))
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_a_refusal_drops_the_connection_so_the_next_request_opens_a_fresh_one(
    transactional_db: None,
) -> None:
    # An SQLite file opened while its filesystem was read-only stays read-only for that
    # connection: kept open (CONN_MAX_AGE), it failed every save after the filesystem came back
    # (the sqlite-readonly drill). Outside any transaction, the refusal closes it.
    from django.db import connection

    from tests.cast import build_cast

    cast = build_cast()
    client = signed_in(cast)
    connection.ensure_connection()
    with mock.patch("rapport.meetings.services.Note.objects.create", side_effect=READ_ONLY):
        status, *_ = save_as_script(client, cast)
    assert status == 503
    assert connection.connection is None
    status, *_ = save_as_script(client, cast)
    assert status == 200
