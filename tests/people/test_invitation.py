"""A new person's first email is an invitation: what Rapport is, and a link to choose a
password that works once and expires; sent once through the outbox; re-sent by admins."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from pytest_django import Settings

from rapport.meetings.services import departure_record, import_people
from rapport.notify.models import Kind, Outbox
from rapport.notify.services import notify_tick, outbox_send_due
from rapport.people.models import Invitation, LeftReason, Person
from rapport.people.tokens import invitation_token_generator
from tests.cast import PRIVATE_POINT_MARKER, Cast
from tests.helpers.digest import database_digest
from tests.people.importing_helpers import csv_bytes, person_row

NEW_PASSWORD = "a much longer passphrase 2027"


def import_newcomer(cast: Cast) -> Person:
    data = csv_bytes(
        [
            person_row("nia@example.com", "Nia Newcomer", manager=cast.manager.email),
            person_row(cast.report.email, cast.report.name, manager=cast.manager.email),
        ]
    )
    import_people(data=data, by=cast.admin)
    return Person.objects.get(email="nia@example.com")


def sent_invitations() -> list[mail.EmailMessage]:
    outbox_send_due()
    return [m for m in mail.outbox if "invited to Rapport" in m.subject]


def link_path(message: mail.EmailMessage) -> str:
    link = next(line for line in message.body.splitlines() if "/people/welcome/" in line)
    return "/" + link.strip().split("://", 1)[1].split("/", 1)[1]


def test_an_imported_person_gets_one_invitation_that_explains_rapport(cast: Cast) -> None:
    newcomer = import_newcomer(cast)
    notify_tick()
    notify_tick()  # a second tick (or worker) adds nothing
    [message] = sent_invitations()
    assert message.to == [newcomer.email]
    assert message.subject == "You are invited to Rapport: choose your password"
    body = message.body
    assert body.startswith("Hello Nia,")
    assert "where you and Mia Manager prepare and keep" in body
    assert "Private notes stay private" in body
    assert "works for 14 days and only once" in body
    assert "reset" not in body.lower()
    assert PRIVATE_POINT_MARKER not in body
    # Only the new person: people already in Rapport are not invited again.
    assert Outbox.objects.filter(kind=Kind.INVITATION).count() == 1


def test_the_link_sets_a_password_once(cast: Cast, client: Client) -> None:
    newcomer = import_newcomer(cast)
    notify_tick()
    [message] = sent_invitations()
    path = link_path(message)
    page = client.get(path, follow=True)
    assert "Welcome to Rapport" in page.content.decode()
    response = client.post(
        page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == reverse("login")
    newcomer.refresh_from_db()
    assert newcomer.check_password(NEW_PASSWORD)
    assert client.login(email=newcomer.email, password=NEW_PASSWORD)
    client.logout()
    again = client.get(path, follow=True).content.decode()
    assert "This invitation link no longer works" in again


def test_the_link_expires(cast: Cast, client: Client, settings: Settings) -> None:
    newcomer = import_newcomer(cast)
    notify_tick()
    [message] = sent_invitations()
    with time_machine.travel(timezone.now() + timedelta(days=14, minutes=1), tick=False):
        page = client.get(link_path(message), follow=True).content.decode()
    assert "This invitation link no longer works" in page
    with time_machine.travel(timezone.now() + timedelta(days=13, hours=23), tick=False):
        page = client.get(link_path(message), follow=True).content.decode()
    assert "Welcome to Rapport" in page
    assert not newcomer.has_usable_password()


def test_a_reset_token_is_not_an_invitation_token(cast: Cast, client: Client) -> None:
    uid = urlsafe_base64_encode(force_bytes(cast.report.pk))
    reset_token = default_token_generator.make_token(cast.report)
    page = client.get(reverse("people:invitation", args=[uid, reset_token]), follow=True)
    assert "This invitation link no longer works" in page.content.decode()
    assert not invitation_token_generator.check_token(cast.report, reset_token)


def test_someone_who_has_left_cannot_use_their_invitation(cast: Cast, client: Client) -> None:
    uid = urlsafe_base64_encode(force_bytes(cast.report.pk))
    token = invitation_token_generator.make_token(cast.report)
    departure_record(
        person=cast.report, leaves_on=timezone.localdate(), reason=LeftReason.VOLUNTARY, by=cast.hr
    )
    page = client.get(reverse("people:invitation", args=[uid, token]), follow=True)
    assert "This invitation link no longer works" in page.content.decode()


def test_an_import_through_the_page_invites_the_new_people(cast: Cast, client: Client) -> None:
    client.force_login(cast.admin)
    rows = f"email,name,manager_email\nnia@example.com,Nia Newcomer,{cast.manager.email}\n"
    client.post(
        reverse("people:import"),
        {"file": SimpleUploadedFile("people.csv", rows.encode(), "text/csv")},
    )
    assert Invitation.objects.filter(person__email="nia@example.com").count() == 1
    notify_tick()
    assert [m.to for m in sent_invitations()] == [["nia@example.com"]]


def test_a_dry_run_invites_nobody(cast: Cast) -> None:
    data = csv_bytes([person_row("nia@example.com", "Nia Newcomer")])
    import_people(data=data, by=cast.admin, dry_run=True)
    notify_tick()
    assert not Invitation.objects.exists() and sent_invitations() == []


def test_an_admin_re_sends_an_invitation_from_the_person_page(cast: Cast, client: Client) -> None:
    client.force_login(cast.admin)
    page = client.get(reverse("people:detail", args=[cast.report.uuid])).content.decode()
    assert "Re-send invitation" in page
    response = client.post(reverse("people:invitation_resend", args=[cast.report.uuid]))
    assert response.status_code == 302
    notify_tick()
    [message] = sent_invitations()
    assert message.to == [cast.report.email]
    # A second re-send is a second email with its own link.
    client.post(reverse("people:invitation_resend", args=[cast.report.uuid]))
    notify_tick()
    assert len(sent_invitations()) == 2


def test_nobody_but_an_admin_can_re_send(cast: Cast, client: Client) -> None:
    for role in ("hr", "manager", "report", "outsider"):
        client.force_login(getattr(cast, role))
        page = client.get(reverse("people:detail", args=[cast.report.uuid])).content.decode()
        assert "Re-send invitation" not in page
        before = database_digest()
        response = client.post(reverse("people:invitation_resend", args=[cast.report.uuid]))
        assert response.status_code == 404, role
        assert database_digest() == before


def test_demo_accounts_get_no_invitation_in_production(cast: Cast, settings: Settings) -> None:
    settings.PRODUCTION = True
    Person.objects.filter(pk=cast.report.pk).update(is_demo=True)
    Invitation.objects.create(person=cast.report)
    notify_tick()
    assert not Outbox.objects.filter(kind=Kind.INVITATION).exists()
    assert Invitation.objects.get().queued_at is not None  # decided once, not retried forever


def test_the_import_page_queues_the_invitations_at_once(
    cast: Cast, client: Client, django_capture_on_commit_callbacks: Any, settings: Settings
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    client.force_login(cast.admin)
    rows = f"email,name,manager_email\nnia@example.com,Nia Newcomer,{cast.manager.email}\n"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("people:import"),
            {"file": SimpleUploadedFile("people.csv", rows.encode(), "text/csv")},
        )
    # No tick: the task the page queued stored the email.
    assert Outbox.objects.filter(kind=Kind.INVITATION, to_address="nia@example.com").count() == 1
