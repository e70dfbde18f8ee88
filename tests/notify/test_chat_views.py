"""Connecting a chat webhook: on the person's own email choices page, by an admin on their
behalf, and the organisation's; the address is a secret and never shown back."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.notify.models import CHAT_MAX_ATTEMPTS, ChatDelivery, ChatWebhook
from rapport.people.models import Person
from tests.canaries import CHAT_WEBHOOK_SECRET, plant_canaries
from tests.cast import Cast

SECRET = "T0AAAA/B0BBBB/Xs3cr3tT0k3n"
SLACK = f"https://hooks.slack.com/services/{SECRET}"


def signed_in(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_a_person_connects_their_webhook_and_sees_its_host_only(
    cast: Cast, dummy_tasks: list[Any]
) -> None:
    client = signed_in(cast.report)
    answer = client.post(reverse("notify:chat"), {"flavour": "slack", "url": SLACK})
    assert answer.status_code == 302
    hook = ChatWebhook.objects.get(person=cast.report)
    assert (hook.flavour, hook.url, hook.set_by) == ("slack", SLACK, cast.report)
    page = client.get(reverse("notify:preferences")).content.decode()
    assert "hooks.slack.com" in page and "Slack incoming webhook" in page
    assert SECRET not in page
    assert "Nothing sent yet" in page


def test_a_refused_address_says_why_and_saves_nothing(cast: Cast, dummy_tasks: list[Any]) -> None:
    client = signed_in(cast.report)
    answer = client.post(
        reverse("notify:chat"), {"flavour": "slack", "url": "http://hooks.example.com/x"}
    )
    assert answer.status_code == 200
    assert "Use an https:// address" in answer.content.decode()
    answer = client.post(reverse("notify:chat"), {"flavour": "slack", "url": ""})
    assert "Paste the webhook address the chat app gave you." in answer.content.decode()
    assert not ChatWebhook.objects.exists()


def test_a_person_disconnects_their_webhook(cast: Cast, dummy_tasks: list[Any]) -> None:
    client = signed_in(cast.report)
    client.post(reverse("notify:chat"), {"flavour": "slack", "url": SLACK})
    assert client.post(reverse("notify:chat"), {"remove": "1"}).status_code == 302
    assert not ChatWebhook.objects.exists()


def test_an_admin_sets_a_persons_webhook_and_the_person_sees_who_did(
    cast: Cast, dummy_tasks: list[Any]
) -> None:
    admin = signed_in(cast.admin)
    url = reverse("notify:person_chat", args=[cast.report.uuid])
    teams = "https://example.webhook.office.com/workflows/abc/triggers/manual/paths/invoke"
    assert admin.post(url, {"flavour": "teams", "url": teams}).status_code == 302
    hook = ChatWebhook.objects.get(person=cast.report)
    assert hook.set_by == cast.admin and hook.flavour == "teams"
    assert "example.webhook.office.com" in admin.get(url).content.decode()
    page = signed_in(cast.report).get(reverse("notify:preferences")).content.decode()
    assert "(set up by an admin)" in page and "/triggers/manual" not in page


def test_the_organisations_webhook_is_generic_json_only(cast: Cast, dummy_tasks: list[Any]) -> None:
    admin = signed_in(cast.admin)
    url = reverse("notify:organisation_chat")
    answer = admin.post(url, {"flavour": "slack", "url": SLACK})
    assert answer.status_code == 200 and "Select a valid choice" in answer.content.decode()
    assert not ChatWebhook.objects.exists()
    router = "https://router.example.com/rapport"
    assert admin.post(url, {"flavour": "json", "url": router}).status_code == 302
    assert ChatWebhook.objects.get(person=None).url == router
    page = signed_in(cast.report).get(reverse("notify:preferences")).content.decode()
    assert "reminders also go to the organisation's chat webhook" in page


def test_replacing_a_webhook_clears_its_failures(cast: Cast, dummy_tasks: list[Any]) -> None:
    client = signed_in(cast.report)
    client.post(reverse("notify:chat"), {"flavour": "slack", "url": SLACK})
    hook = ChatWebhook.objects.get()
    ChatWebhook.objects.update(last_error="HTTP 404: no_service", last_failed_at=timezone.now())
    for name, attempts in (("gave-up", CHAT_MAX_ATTEMPTS), ("retrying", 2)):
        ChatDelivery.objects.create(
            key=name,
            kind="report_reminder",
            webhook=hook,
            recipient=cast.report,
            payload="{}",
            attempts=attempts,
            send_after=timezone.now() + timedelta(minutes=5),
        )
    assert ChatWebhook.objects.get().is_failing
    client.post(reverse("notify:chat"), {"flavour": "json", "url": "https://example.com/h"})
    hook = ChatWebhook.objects.get()
    assert not hook.is_failing and hook.flavour == "json" and hook.last_error == ""
    # What was still being retried goes to the new address now; what gave up is dropped.
    (left,) = ChatDelivery.objects.all()
    assert left.key == "retrying" and left.attempts == 0 and left.send_after <= timezone.now()
    page = client.get(reverse("notify:preferences")).content.decode()
    assert "could not be delivered" not in page and "gave up" not in page


def test_the_planted_webhooks_show_their_host_and_never_their_secret(
    cast: Cast, dummy_tasks: list[Any]
) -> None:
    # Guards the canary sweep's chat marker: the pages it fetches do show the webhooks.
    plant_canaries(cast)
    report = signed_in(cast.report).get(reverse("notify:preferences")).content.decode()
    admin = signed_in(cast.admin)
    person = admin.get(reverse("notify:person_chat", args=[cast.report.uuid])).content.decode()
    organisation = admin.get(reverse("notify:organisation_chat")).content.decode()
    for page, host in ((report, "hooks.slack.com"), (person, "hooks.slack.com")):
        assert host in page and CHAT_WEBHOOK_SECRET not in page
    assert "router.example.com" in organisation and CHAT_WEBHOOK_SECRET not in organisation
