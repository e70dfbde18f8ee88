"""Chat reminders against a real HTTP receiver on loopback: the payload shapes of Slack, Teams
and the generic JSON webhook, exactly once with two workers, retries with backoff on the pinned
clock, and email that goes out whatever the webhook does."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from rapport.meetings.services import meeting_set_status
from rapport.notify import chat, services
from rapport.notify.models import CHAT_MAX_ATTEMPTS, ChatDelivery, ChatWebhook, Kind, Outbox
from rapport.people.models import Person
from tests.cast import Cast
from tests.notify.chat_receiver import Receiver, receiver
from tests.notify.conftest import Mailbox
from tests.notify.helpers import utc, world_pair

__all__ = ["receiver"]  # the fixture


def before(cast: Cast) -> Any:
    return cast.meeting.scheduled_for - timedelta(hours=1)


def connect(person: Person, url: str, flavour: str = "slack") -> ChatWebhook:
    return services.chat_webhook_set(by=person, person=person, flavour=flavour, url=url)


def test_a_reminder_reaches_slack_as_an_incoming_webhook_message(
    cast: Cast, receiver: Receiver, dummy_tasks: list[Any]
) -> None:
    connect(cast.report, receiver.url("/slack"))
    now = before(cast)
    services.notify_tick(now=now)
    assert services.chat_send_due(now=now) == 1
    (posted,) = receiver.at("/slack")
    assert posted.headers["Content-Type"] == "application/json; charset=utf-8"
    body = posted.json
    # https://api.slack.com/messaging/webhooks: `text` is the notification and fallback, `blocks`
    # the message as shown.
    assert set(body) == {"text", "blocks"}
    assert cast.manager.name in body["text"]
    section, actions = body["blocks"]
    assert section["type"] == "section" and section["text"]["type"] == "mrkdwn"
    assert section["text"]["text"].startswith("*Prepare for your 1:1*\n")
    (button,) = actions["elements"]
    assert button["type"] == "button"
    assert button["url"].endswith(reverse("meetings:meeting", args=[cast.meeting.uuid]))
    row = ChatDelivery.objects.get()
    assert row.kind == Kind.REPORT_REMINDER and row.sent_at is not None and row.attempts == 1
    assert posted.headers["Idempotency-Key"] == chat.message_id(row.key)


def test_the_agenda_reaches_teams_as_an_adaptive_card(
    cast: Cast, receiver: Receiver, dummy_tasks: list[Any]
) -> None:
    connect(cast.manager, receiver.url("/teams"), flavour="teams")
    now = before(cast)
    services.notify_tick(now=now)
    services.chat_send_due(now=now)
    (posted,) = receiver.at("/teams")
    body = posted.json
    assert body["type"] == "message"
    (attachment,) = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    assert card["version"] == "1.4"
    title, text = card["body"]
    assert title == {
        "type": "TextBlock",
        "text": "Your 1:1 tomorrow",
        "weight": "Bolder",
        "size": "Medium",
        "wrap": True,
    }
    assert text["type"] == "TextBlock" and cast.report.name in text["text"]
    (action,) = card["actions"]
    assert action["type"] == "Action.OpenUrl" and str(cast.meeting.uuid) in action["url"]


def test_the_generic_json_webhook_gets_rapports_documented_shape(
    cast: Cast, receiver: Receiver, dummy_tasks: list[Any]
) -> None:
    connect(cast.report, receiver.url("/json"), flavour="json")
    meeting_set_status(meeting=cast.meeting, status="held", reason="", by=cast.manager)
    now = cast.meeting.ends_at + timedelta(minutes=5)
    services.notify_tick(now=now)
    services.chat_send_due(now=now)
    (posted,) = receiver.at("/json")
    row = ChatDelivery.objects.get(kind=Kind.MEETING_RECAP)
    assert posted.json == {
        "version": 1,
        "id": chat.message_id(row.key),
        "kind": "meeting_recap",
        "recipient": {"email": cast.report.email, "name": cast.report.name},
        "title": "Recap of your 1:1",
        "text": posted.json["text"],
        "url": posted.json["url"],
    }
    assert posted.json["text"].startswith(f"The recap of your 1:1 with {cast.manager.name} on ")


def test_the_monday_digest_reaches_chat_with_counts(
    db: None, receiver: Receiver, dummy_tasks: list[Any]
) -> None:
    pair = world_pair()
    connect(pair.manager, receiver.url("/nora"))
    # Monday 2 November 2026, 09:00 in New York.
    services.notify_tick(now=utc(2026, 11, 2, 14))
    services.chat_send_due(now=utc(2026, 11, 2, 14))
    digests = [r for r in receiver.at("/nora") if "This week" in r.json["text"]]
    assert len(digests) == 1
    assert "This week: 1 1:1 with your team, 0 overdue actions." in digests[0].json["text"]


def test_a_person_who_turned_a_kind_off_gets_it_in_no_chat_either(
    cast: Cast, receiver: Receiver, dummy_tasks: list[Any]
) -> None:
    connect(cast.report, receiver.url("/slack"))
    services.preference_set(person=cast.report, kinds=[Kind.MEETING_RECAP])
    services.notify_tick(now=before(cast))
    assert not ChatDelivery.objects.filter(recipient=cast.report).exists()
    assert not Outbox.objects.filter(recipient=cast.report, kind=Kind.REPORT_REMINDER).exists()


def test_the_organisations_webhook_serves_people_without_their_own(
    cast: Cast, receiver: Receiver, dummy_tasks: list[Any]
) -> None:
    services.chat_webhook_set(
        by=cast.admin, person=None, flavour="json", url=receiver.url("/router")
    )
    connect(cast.manager, receiver.url("/own"))
    now = before(cast)
    services.notify_tick(now=now)
    services.chat_send_due(now=now)
    (routed,) = receiver.at("/router")
    assert routed.json["recipient"]["email"] == cast.report.email
    (own,) = receiver.at("/own")
    assert "Your 1:1 tomorrow" in own.json["text"]


def test_a_webhook_connected_later_gets_only_what_is_decided_later(
    cast: Cast, receiver: Receiver, dummy_tasks: list[Any]
) -> None:
    now = before(cast)
    services.notify_tick(now=now)
    connect(cast.report, receiver.url("/late"))
    services.notify_tick(now=now)
    assert not ChatDelivery.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_post_each_chat_message_exactly_once(
    receiver: Receiver, dummy_tasks: list[Any]
) -> None:
    now = utc(2026, 11, 2, 14)
    pair = world_pair()
    connect(pair.manager, receiver.url("/nora"), flavour="teams")
    connect(pair.report, receiver.url("/kenji"), flavour="json")
    people = [
        Person.objects.create_user(f"p{index}@example.com", "pw-pw-pw-pw", name=f"P {index}")
        for index in range(12)
    ]
    for person in people:
        hook = connect(person, receiver.url(f"/p/{person.pk}"), flavour="json")
        message = chat.report_reminder(meeting=pair.after_change, report=person)
        services.chat_add(message, webhook=hook, send_after=now)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            # Each worker ticks and then posts, over the same due rows, on its own connection.
            services.notify_tick(now=now)
            services.chat_send_due(now=now)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    ids = [item.headers["Idempotency-Key"] for item in receiver.received]
    assert len(ids) == len(set(ids)), "a chat message arrived twice"
    assert len(receiver.at("/kenji")) == 1  # the reminder
    assert len(receiver.at("/nora")) == 2  # the agenda and the Monday digest
    assert len(ids) == 12 + 3
    assert ChatDelivery.objects.filter(sent_at__isnull=True).count() == 0
    assert ChatDelivery.objects.count() == 15


def test_a_failed_post_is_retried_with_growing_waits_and_then_given_up(
    cast: Cast, receiver: Receiver, dummy_tasks: list[Any]
) -> None:
    hook = connect(cast.report, receiver.url("/down"))
    receiver.always = 500
    now = before(cast)
    services.notify_tick(now=now)
    row = ChatDelivery.objects.get()
    moment = now
    waits = []
    for attempt in range(1, CHAT_MAX_ATTEMPTS + 1):
        assert services.chat_send_due(now=moment) == 0
        row.refresh_from_db()
        assert row.attempts == attempt and row.sent_at is None
        assert row.last_error == "HTTP 500: no_service"
        waits.append(row.send_after - moment)
        # Not due a moment before its wait is over.
        assert services.chat_send_due(now=row.send_after - timedelta(seconds=1)) == 0
        moment = row.send_after + timedelta(seconds=1)
    assert len(receiver.at("/down")) == CHAT_MAX_ATTEMPTS
    # 1, 2, 4, 8, 16 minutes from each failure (the test clock ticks on a little meanwhile).
    for wait, minutes in zip(waits, (1, 2, 4, 8, 16), strict=False):
        assert timedelta(minutes=minutes) <= wait < timedelta(minutes=minutes, seconds=5)
    assert row.gave_up
    assert not services.chat_due_exists(moment + timedelta(days=1))
    hook.refresh_from_db()
    assert hook.is_failing and hook.last_error == "HTTP 500: no_service"


def test_a_webhook_that_answers_again_delivers_and_is_mended(
    cast: Cast, receiver: Receiver, dummy_tasks: list[Any]
) -> None:
    hook = connect(cast.report, receiver.url("/flaky"))
    receiver.answers = [503, 429]
    now = before(cast)
    services.notify_tick(now=now)
    services.chat_send_due(now=now)
    services.chat_send_due(now=now + timedelta(minutes=1, seconds=5))
    assert services.chat_send_due(now=now + timedelta(minutes=4)) == 1
    row = ChatDelivery.objects.get()
    assert row.sent_at is not None and row.attempts == 3 and row.last_error == ""
    hook.refresh_from_db()
    assert not hook.is_failing and hook.last_ok_at is not None


def test_a_redirect_is_not_followed(cast: Cast, receiver: Receiver, dummy_tasks: list[Any]) -> None:
    connect(cast.report, receiver.url("/moved"))
    receiver.answers = [302]
    now = before(cast)
    services.notify_tick(now=now)
    assert services.chat_send_due(now=now) == 0
    assert [item.path for item in receiver.received] == ["/moved"]
    assert ChatDelivery.objects.get().last_error.startswith("HTTP 302")


def test_the_tick_sends_chat_in_its_own_task(
    cast: Cast,
    receiver: Receiver,
    dummy_tasks: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    connect(cast.report, receiver.url("/slack"))
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_tick(now=before(cast))
    assert [result.task.name for result in dummy_tasks] == ["send_due_emails", "send_due_chat"]


def test_a_failing_webhook_is_reported_and_email_still_goes_out(
    cast: Cast, smtp: Mailbox, receiver: Receiver, dummy_tasks: list[Any]
) -> None:
    connect(cast.report, receiver.url("/broken"))
    receiver.always = 404
    now = before(cast)
    services.notify_tick(now=now)
    moment = now
    for _ in range(CHAT_MAX_ATTEMPTS):
        services.chat_send_due(now=moment)
        moment += timedelta(minutes=20)
    assert services.outbox_send_due(now=now) >= 2
    assert [m for m in smtp.to(cast.report.email) if "prepare" in m.subject.lower()]
    client = Client()
    client.force_login(cast.report)
    page = client.get(reverse("notify:preferences")).content.decode()
    assert "The last message could not be delivered" in page
    assert "HTTP 404: no_service" in page
    assert "1 reminder gave up after every try; the email went out as usual." in page
    # The admin sees the same on the person's chat page, linked from their page.
    admin = Client()
    admin.force_login(cast.admin)
    person_page = admin.get(reverse("people:detail", args=[cast.report.uuid])).content.decode()
    chat_url = reverse("notify:person_chat", args=[cast.report.uuid])
    assert chat_url in person_page
    seen = admin.get(chat_url).content.decode()
    assert "The last message could not be delivered" in seen and "HTTP 404" in seen
    # When it failed tells when the 1:1 is: the person sees it, an admin does not.
    assert "could not be delivered</strong> (" in page
    assert "could not be delivered</strong>:" in seen
