"""Calendar invites by email (iMIP): sent by the worker over a real SMTP server on loopback, the
attachment read back with icalendar. A set-up sends one REQUEST to each person, a change one
update with a higher SEQUENCE, the end of the pair one CANCEL, and never a second copy."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from rapport.meetings.models import OneOnOne
from rapport.meetings.services import (
    meeting_reschedule,
    meeting_set_status,
    one_on_one_change_rule,
    one_on_one_set_up,
    person_change_manager,
    rule_from,
)
from rapport.notify import services
from rapport.notify.models import Kind, Outbox, SeriesInvite
from tests.cast import Cast
from tests.helpers.ical import master_of, prop
from tests.notify.conftest import Arrived, Mailbox
from tests.notify.helpers import world_pair


def tick_and_send() -> None:
    now = timezone.now()
    services.notify_tick(now=now)
    services.outbox_send_due(now=now)


def invites(mailbox: Mailbox, address: str) -> list[Arrived]:
    return [item for item in mailbox.to(address) if _calendar_part(item) is not None]


def _calendar_part(item: Arrived) -> Any:
    for part in item.message.walk():
        if part.get_content_type() == "text/calendar":
            return part
    return None


def attached(item: Arrived) -> Calendar:
    """The invite as a calendar program reads it: the text/calendar part, checked against the
    .ics file that travels with it."""
    part = _calendar_part(item)
    assert part is not None
    files = [p for p in item.message.walk() if p.get_filename() == "invite.ics"]
    assert len(files) == 1
    assert files[0].get_content_type() == "application/ics"
    assert files[0].get_content() == str(part.get_content()).encode()
    calendar = Calendar.from_ical(part.get_content())
    assert part.get_param("method") == str(calendar["METHOD"])
    return calendar


def uid(pair: OneOnOne) -> str:
    return f"{pair.uuid}@rapport"


def only_invite(mailbox: Mailbox, address: str) -> Calendar:
    (item,) = invites(mailbox, address)
    return attached(item)


def test_a_new_pair_sends_one_request_to_each_person(
    cast: Cast, smtp: Mailbox, dummy_tasks: list[Any]
) -> None:
    tick_and_send()
    for person in (cast.manager, cast.report):
        (item,) = invites(smtp, person.email)
        calendar = attached(item)
        assert str(calendar["METHOD"]) == "REQUEST"
        # The rule's zone with its VTIMEZONE (a UTC rule needs none: its times end in Z).
        zone = cast.one_on_one.timezone
        assert [tz.tz_name for tz in calendar.timezones] == ([] if zone == "UTC" else [zone])
        master = master_of(list(calendar.events))
        assert str(master["UID"]) == uid(cast.one_on_one)
        assert prop(master, "SEQUENCE") == 0
        assert str(master["ORGANIZER"]) == f"mailto:{cast.manager.email}"
        assert prop(master, "ORGANIZER").params["CN"] == "Mia Manager"
        assert {str(a) for a in prop(master, "ATTENDEE")} == {
            f"mailto:{cast.manager.email}",
            f"mailto:{cast.report.email}",
        }
        assert "RRULE" in master
        assert (
            item.subject
            == f"Invitation: your 1:1s with {cast.one_on_one.other_person(person).name}"
        )
        assert "/notifications/unsubscribe/" in item.message["List-Unsubscribe"]
    tick_and_send()
    assert len(invites(smtp, cast.report.email)) == 1  # nothing new, nothing sent


def test_several_changes_between_ticks_send_one_update_with_a_higher_sequence(
    cast: Cast, smtp: Mailbox, dummy_tasks: list[Any]
) -> None:
    tick_and_send()
    _first, second, third, *_ = cast.one_on_one.meetings.order_by("scheduled_for")
    meeting_reschedule(
        meeting=second,
        to=second.scheduled_for + timedelta(hours=2),
        by=cast.manager,
        confirmed_out_of_hours=True,
    )
    meeting_set_status(meeting=third, status="skipped", reason="Offsite", by=cast.report)
    pair = OneOnOne.objects.get(pk=cast.one_on_one.pk)
    assert pair.calendar_sequence == 2
    tick_and_send()
    for person in (cast.manager, cast.report):
        before, after = (attached(item) for item in invites(smtp, person.email))
        old, new = (master_of(list(c.events)) for c in (before, after))
        assert prop(new, "SEQUENCE") == 2 > prop(old, "SEQUENCE")
        assert str(after["METHOD"]) == "REQUEST"
        events = list(after.events)
        (override,) = [e for e in events if "RECURRENCE-ID" in e]
        assert prop(override, "RECURRENCE-ID").dt == second.slot
        assert prop(override, "SEQUENCE") == 2
        assert third.slot in {d.dt for d in prop(new, "EXDATE").dts}
    assert SeriesInvite.objects.get(one_on_one=pair).sequence == 2
    assert invites(smtp, cast.report.email)[1].subject.startswith("Updated: ")


def test_a_rhythm_change_sends_the_new_rule(
    cast: Cast, smtp: Mailbox, dummy_tasks: list[Any]
) -> None:
    tick_and_send()
    pair = cast.one_on_one
    rule = rule_from(
        {
            "cadence": "biweekly",
            "weekday": 3,
            "start_time": pair.start_time,
            "duration_minutes": 45,
            "starts_on": timezone.now().date(),
        }
    )
    one_on_one_change_rule(one_on_one=pair, rule=rule, by=cast.manager, confirmed_out_of_hours=True)
    tick_and_send()
    latest = attached(invites(smtp, cast.report.email)[-1])
    master = master_of(list(latest.events))
    assert prop(master, "RRULE").to_ical() == b"FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"
    assert master.end - master.start == timedelta(minutes=45)


def test_the_end_of_a_pair_sends_one_cancel(
    cast: Cast, smtp: Mailbox, dummy_tasks: list[Any]
) -> None:
    tick_and_send()
    person_change_manager(person=cast.report, new_manager=cast.peer_manager, by=cast.admin)
    tick_and_send()
    tick_and_send()
    for person in (cast.manager, cast.report):
        request, cancel = invites(smtp, person.email)
        calendar = attached(cancel)
        assert str(calendar["METHOD"]) == "CANCEL"
        (event,) = calendar.events
        assert str(event["UID"]) == uid(cast.one_on_one)
        assert str(event["STATUS"]) == "CANCELLED"
        assert prop(event, "SEQUENCE") > prop(master_of(list(attached(request).events)), "SEQUENCE")
        assert "RECURRENCE-ID" not in event  # the whole series, not one meeting
        assert cancel.subject.startswith("Cancelled: ")


def test_a_pair_that_closed_before_any_invite_is_never_cancelled(
    cast: Cast, smtp: Mailbox, dummy_tasks: list[Any]
) -> None:
    person_change_manager(person=cast.report, new_manager=cast.peer_manager, by=cast.admin)
    tick_and_send()
    assert invites(smtp, cast.manager.email) == []


def test_someone_who_switched_invites_off_gets_none_and_the_other_still_does(
    cast: Cast, smtp: Mailbox, dummy_tasks: list[Any]
) -> None:
    kinds = [k for k in services.CHOOSABLE_KINDS if k != Kind.CALENDAR_INVITE]
    services.preference_set(person=cast.report, kinds=kinds)
    tick_and_send()
    assert invites(smtp, cast.report.email) == []
    assert len(invites(smtp, cast.manager.email)) == 1


def test_the_unsubscribe_link_of_an_invite_switches_invites_off(
    cast: Cast, smtp: Mailbox, dummy_tasks: list[Any]
) -> None:
    tick_and_send()
    (item,) = invites(smtp, cast.report.email)
    link = item.message["List-Unsubscribe"].strip("<>")
    assert Client().post(link.removeprefix("http://127.0.0.1:8000")).status_code in (200, 302)
    assert not services.preference_of(cast.report).wants(Kind.CALENDAR_INVITE)
    assert services.preference_of(cast.report).wants(Kind.REPORT_REMINDER)


def test_the_text_says_when_on_the_recipients_own_clock(
    db: None, smtp: Mailbox, dummy_tasks: list[Any]
) -> None:
    pair = world_pair()  # Nora in New York, Kenji in Tokyo; Tuesdays 10:00 New York time
    now = pair.before_change.scheduled_for - timedelta(days=1)
    services.notify_tick(now=now)
    services.outbox_send_due(now=now)
    (kenji,) = invites(smtp, "kenji@example.com")
    (nora,) = invites(smtp, "nora@example.com")
    # The rule on the manager's clock; the next meeting on each person's own.
    assert "Every week on Tuesday at 10:00 (America/New_York)" in kenji.text
    assert "Next: Tuesday 27 October 2026, 23:00 (Asia/Tokyo)" in kenji.text
    assert "Every week on Tuesday at 10:00, your time (America/New_York)" in nora.text
    assert "Next: Tuesday 27 October 2026, 10:00 (America/New_York)" in nora.html


def test_an_invite_carries_the_pairs_video_room(
    cast: Cast, smtp: Mailbox, dummy_tasks: list[Any]
) -> None:
    OneOnOne.objects.filter(pk=cast.one_on_one.pk).update(video_link="https://meet.example/mia-rui")
    tick_and_send()
    calendar = only_invite(smtp, cast.report.email)
    master = master_of(list(calendar.events))
    assert str(master["LOCATION"]) == "https://meet.example/mia-rui"
    (item,) = invites(smtp, cast.report.email)
    assert "Video: https://meet.example/mia-rui" in item.text


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_invite_exactly_once(
    smtp: Mailbox, dummy_tasks: list[Any]
) -> None:
    pair = world_pair()
    now = pair.before_change.scheduled_for - timedelta(days=1)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            services.notify_tick(now=now)
            services.outbox_send_due(now=now)
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
    assert len(invites(smtp, "kenji@example.com")) == 1
    assert len(invites(smtp, "nora@example.com")) == 1
    assert Outbox.objects.filter(kind=Kind.CALENDAR_INVITE).count() == 2
    assert SeriesInvite.objects.get(one_on_one=pair.one_on_one).sequence == 0


def test_invites_are_on_by_default_and_switch_off_on_the_email_choices_page(cast: Cast) -> None:
    assert services.preference_of(cast.report).wants(Kind.CALENDAR_INVITE)
    client = Client()
    client.force_login(cast.report)
    page = client.get(reverse("notify:preferences")).content.decode()
    assert "Calendar invites for your 1:1s" in page
    assert 'value="calendar_invite"' in page
    response = client.post(reverse("notify:preferences"), {"kinds": ["meeting_recap"]})
    assert response.status_code == 302
    assert not services.preference_of(cast.report).wants(Kind.CALENDAR_INVITE)
    client.post(reverse("notify:preferences"), {"kinds": ["calendar_invite"]})
    assert services.preference_of(cast.report).wants(Kind.CALENDAR_INVITE)


def test_a_tick_invites_a_batch_of_pairs_and_the_next_tick_the_rest(
    cast: Cast, dummy_tasks: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "INVITE_BATCH", 1)
    rule = rule_from(
        {
            "cadence": "weekly",
            "weekday": 4,
            "start_time": cast.one_on_one.start_time,
            "duration_minutes": 30,
            "starts_on": timezone.now().date(),
        }
    )
    one_on_one_set_up(
        manager=cast.manager,
        report=cast.report_two,
        rule=rule,
        by=cast.manager,
        confirmed_out_of_hours=True,
    )
    pairs = OneOnOne.objects.filter(status=OneOnOne.Status.ACTIVE).count()
    assert pairs >= 2
    for tick in range(1, pairs + 1):
        services.notify_tick(now=timezone.now())
        assert SeriesInvite.objects.count() == tick
    assert not services.pairs_to_invite().exists()
