"""The canary sweep for chat: every private marker of tests/canaries.py is planted, with shared
points, notes and actions beside them; every chat message, in every payload shape, sent for
both people of the pair (and the manager's digest), carries none of them. Chat is stricter than
email: not even shared text goes to a channel, only facts and a link."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from rapport.meetings.models import Note, TalkingPoint
from rapport.meetings.services import action_add, meeting_set_status, point_add
from rapport.notify import chat, services
from rapport.notify.models import ChatFlavour
from rapport.people.models import Person
from tests.canaries import plant_canaries
from tests.cast import PRIVATE_POINT_MARKER, Cast
from tests.notify.chat_receiver import Receiver, receiver
from tests.notify.helpers import utc

__all__ = ["receiver"]  # the fixture

SHARED_POINT = "SHARED-POINT-NOT-IN-CHAT-51aa"
SHARED_NOTE = "SHARED-NOTE-NOT-IN-CHAT-0c9e"
SHARED_ACTION = "SHARED-ACTION-NOT-IN-CHAT-77d2"


def plant(cast: Cast) -> list[str]:
    markers = [*plant_canaries(cast), PRIVATE_POINT_MARKER]
    point_add(
        one_on_one=cast.one_on_one, author=cast.report, text=SHARED_POINT, section="connection"
    )
    Note.objects.create(
        meeting=cast.meeting, author=cast.report, kind="shared", body=SHARED_NOTE, version=1
    )
    action_add(
        one_on_one=cast.one_on_one,
        meeting=cast.meeting,
        owner=cast.manager,
        text=SHARED_ACTION,
        due_on=utc(2026, 1, 1).date(),
        by=cast.manager,
        already_late=True,
    )
    return [*markers, SHARED_POINT, SHARED_NOTE, SHARED_ACTION]


def every_message(cast: Cast) -> list[chat.ChatMessage]:
    meeting = cast.meeting
    before = [
        chat.report_reminder(meeting=meeting, report=cast.report),
        chat.manager_agenda(meeting=meeting, manager=cast.manager),
        chat.weekly_digest(manager=cast.manager, week_start=utc(2026, 11, 2)),
    ]
    meeting_set_status(meeting=meeting, status="held", reason="", by=cast.manager)
    TalkingPoint.objects.filter(one_on_one=cast.one_on_one).update(discussed_in=meeting)
    after = [chat.meeting_recap(meeting=meeting, person=p) for p in (cast.manager, cast.report)]
    return [*before, *after]


def test_no_chat_message_carries_private_or_written_content(
    cast: Cast, dummy_tasks: list[Any]
) -> None:
    markers = plant(cast)
    messages = every_message(cast)
    assert len(messages) == 5
    for message in messages:
        for flavour in ChatFlavour.values:
            body = chat.payload_for(flavour, message)
            leaked = [marker for marker in markers if marker in body]
            assert not leaked, f"{message.kind} as {flavour} carries {leaked}"
            # Guards the sweep: the message does say something about the 1:1.
            assert message.recipient.name in body or flavour != ChatFlavour.JSON
            assert message.url in body


def test_what_reaches_the_webhooks_carries_no_marker(
    cast: Cast, receiver: Receiver, dummy_tasks: list[Any]
) -> None:
    markers = plant(cast)
    people: list[Person] = [cast.manager, cast.report]
    for person, flavour in zip(people, ("teams", "slack"), strict=True):
        services.chat_webhook_set(
            by=person, person=person, flavour=flavour, url=receiver.url(f"/{person.pk}")
        )
    services.chat_webhook_set(by=cast.admin, person=None, flavour="json", url=receiver.url("/org"))
    now = cast.meeting.scheduled_for - timedelta(hours=1)
    services.notify_tick(now=now)
    services.chat_send_due(now=now)
    meeting_set_status(meeting=cast.meeting, status="held", reason="", by=cast.manager)
    TalkingPoint.objects.filter(one_on_one=cast.one_on_one).update(discussed_in=cast.meeting)
    later = cast.meeting.ends_at + timedelta(minutes=5)
    services.notify_tick(now=later)
    services.chat_send_due(now=later)
    assert len(receiver.at(f"/{cast.manager.pk}")) == 2  # the agenda and the recap
    assert len(receiver.at(f"/{cast.report.pk}")) == 2  # the reminder and the recap
    assert receiver.received
    for item in receiver.received:
        raw = item.body.decode()
        leaked = [marker for marker in markers if marker in raw]
        assert not leaked, f"{item.path} received {leaked}"
