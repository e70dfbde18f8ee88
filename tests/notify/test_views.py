from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from rapport.notify import services
from rapport.notify.models import Kind, Outbox
from rapport.notify.unsubscribe import unsubscribe_token, unsubscribe_url
from tests.cast import Cast


def test_the_unsubscribe_link_works_without_signing_in(cast: Cast) -> None:
    path = reverse("notify:unsubscribe", args=[unsubscribe_token(cast.report, Kind.MEETING_RECAP)])
    client = Client(enforce_csrf_checks=True)
    page = client.get(path)
    assert page.status_code == 200
    assert "Unsubscribe" in page.content.decode()
    assert services.preference_of(cast.report).meeting_recap  # a GET changes nothing
    assert client.post(path).status_code == 200
    choices = services.preference_of(cast.report)
    assert not choices.meeting_recap and choices.report_reminder


def test_mail_programs_can_unsubscribe_in_one_click(cast: Cast) -> None:
    # RFC 8058: a POST of "List-Unsubscribe=One-Click" to the header's address, no cookies.
    path = unsubscribe_url(cast.manager, Kind.WEEKLY_DIGEST).split("testserver", 1)[-1]
    path = path[path.index("/notifications/") :]
    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert not services.preference_of(cast.manager).weekly_digest


def test_a_tampered_unsubscribe_link_is_refused(cast: Cast) -> None:
    token = unsubscribe_token(cast.report, Kind.MEETING_RECAP)
    other = unsubscribe_token(cast.manager, Kind.MEETING_RECAP)
    forged = other.split(":")[0] + ":" + token.split(":", 1)[1]
    for bad in (forged, token[:-2] + "xx", "nonsense"):
        path = reverse("notify:unsubscribe", args=[bad])
        assert Client().get(path).status_code == 404
        assert Client().post(path).status_code == 404
    assert services.preference_of(cast.manager).meeting_recap


def test_a_person_chooses_their_emails(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.report)
    page = client.get(reverse("notify:preferences"))
    assert "Recap after a 1:1 is held" in page.content.decode()
    response = client.post(reverse("notify:preferences"), {"kinds": ["meeting_recap"]})
    assert response.status_code == 302
    choices = services.preference_of(cast.report)
    assert choices.meeting_recap and not choices.report_reminder
    # The Monday digest is not offered to someone without reports: their choice stays as it was.
    assert choices.weekly_digest


def test_the_account_page_links_to_the_email_choices(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.report)
    assert reverse("notify:preferences") in client.get(reverse("account")).content.decode()


def test_an_admin_sends_a_test_email_from_the_outbox_page(
    cast: Cast, dummy_tasks: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    client.force_login(cast.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notify:outbox"), {"to": "ops@example.com"})
    assert response.status_code == 302
    row = Outbox.objects.get()
    assert row.kind == Kind.TEST and row.to_address == "ops@example.com"
    assert len(dummy_tasks) == 1
    Outbox.objects.update(attempts=2, last_error="SMTPDataError: 451 Try again later")
    page = client.get(reverse("notify:outbox")).content.decode()
    assert "ops@example.com" in page and "451 Try again later" in page


def test_the_outbox_is_for_admins_only(cast: Cast) -> None:
    for person in (cast.manager, cast.hr, cast.report):
        client = Client()
        client.force_login(person)
        assert client.get(reverse("notify:outbox")).status_code == 404
        assert client.post(reverse("notify:outbox"), {"to": "a@example.com"}).status_code == 404
    assert not Outbox.objects.exists()
