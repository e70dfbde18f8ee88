"""Departures: a future leaving date is scheduled and applied by the worker on its day, a
confirmation step says what will happen before anything changes, an undo within the grace
period puts back what the departure changed, and a scheduled departure can be called off."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.meetings.models import Meeting, OneOnOne
from rapport.meetings.services import departure_record, departure_undo, departures_apply_due
from rapport.notify.services import notify_tick
from rapport.people.models import Departure, LeftReason, Person
from tests.cast import Cast
from tests.helpers.digest import database_digest


def upcoming(one_on_one: OneOnOne) -> int:
    return Meeting.objects.filter(
        one_on_one=one_on_one, status=Meeting.Status.UPCOMING, scheduled_for__gt=timezone.now()
    ).count()


def start_of(day: date) -> datetime:
    """Midnight at the start of `day` on the organisation's calendar."""
    return timezone.make_aware(datetime.combine(day, time(0, 0)))


def refreshed(*people: Person) -> None:
    for person in people:
        person.refresh_from_db()


def test_a_future_leaving_date_is_scheduled_and_the_person_keeps_access(cast: Cast) -> None:
    leaves_on = timezone.localdate() + timedelta(days=10)
    departure = departure_record(
        person=cast.manager, leaves_on=leaves_on, reason=LeftReason.VOLUNTARY, by=cast.hr
    )
    refreshed(cast.manager, cast.report)
    assert departure.is_scheduled
    assert cast.manager.is_active and cast.manager.left_on is None
    assert cast.report.manager == cast.manager
    cast.one_on_one.refresh_from_db()
    assert cast.one_on_one.is_active


def test_the_worker_applies_a_scheduled_departure_on_its_day_and_not_before(cast: Cast) -> None:
    leaves_on = timezone.localdate() + timedelta(days=3)
    departure_record(
        person=cast.manager, leaves_on=leaves_on, reason=LeftReason.INVOLUNTARY, by=cast.hr
    )
    the_day = start_of(leaves_on)
    with time_machine.travel(the_day - timedelta(seconds=1), tick=False):
        notify_tick(now=timezone.now())
    refreshed(cast.manager)
    assert cast.manager.is_active, "applied a day early"

    with time_machine.travel(the_day, tick=False):
        notify_tick(now=timezone.now())
    refreshed(cast.manager, cast.report, cast.report_two)
    assert not cast.manager.is_active
    assert (cast.manager.left_on, cast.manager.left_reason) == (leaves_on, "involuntary")
    assert cast.report.manager == cast.skip_level == cast.report_two.manager
    cast.one_on_one.refresh_from_db()
    assert not cast.one_on_one.is_active
    departure = Departure.objects.get(person=cast.manager)
    assert departure.is_applied and departure.applied_at == the_day
    # A second tick the same day changes nothing more.
    assert departures_apply_due(now=the_day + timedelta(hours=1)) == 0


def test_a_leaving_date_of_today_or_earlier_applies_at_once(cast: Cast) -> None:
    departure_record(
        person=cast.report,
        leaves_on=timezone.localdate() - timedelta(days=2),
        reason=LeftReason.VOLUNTARY,
        by=cast.admin,
    )
    refreshed(cast.report)
    assert not cast.report.is_active
    cast.one_on_one.refresh_from_db()
    assert not cast.one_on_one.is_active
    assert upcoming(cast.one_on_one) == 0
    reasons = set(
        Meeting.objects.filter(
            one_on_one=cast.one_on_one, status=Meeting.Status.CANCELLED
        ).values_list("status_reason", flat=True)
    )
    assert reasons == {"The 1:1 ended: Rui Report has left."}


def confirm_page(client: Client, person: Person, leaves_on: str) -> str:
    response = client.post(
        reverse("people:departure", args=[person.uuid]),
        {"leaves_on": leaves_on, "reason": "voluntary"},
    )
    assert response.status_code == 200
    return response.content.decode()


def test_the_confirmation_says_what_happens_to_the_1_1s_and_changes_nothing(
    cast: Cast, client: Client
) -> None:
    client.force_login(cast.hr)
    before = database_digest()
    page = confirm_page(client, cast.manager, timezone.localdate().isoformat())
    assert database_digest() == before
    meetings = upcoming(cast.one_on_one)
    assert meetings > 0
    # As a manager: who moves where, which pairs end, how many meetings are cancelled.
    assert "Their reports move to <strong>Sam Skiplevel</strong>" in page
    assert (
        f"<strong>Rui Report</strong> — the 1:1 ends; {meetings} upcoming meetings cancelled"
        in page
    )
    assert "<strong>Rosa Report</strong> — moves too" in page
    # As a report: Mia has no 1:1 with her own manager.
    assert "has no active 1:1 with a manager" in page
    # Who keeps what, and that it takes effect at once.
    assert "readable by the other person of the pair" in page
    assert "as soon as you confirm" in page
    assert "Ask gently about the family news" not in page  # facts only, never content

    response = client.post(
        reverse("people:departure", args=[cast.manager.uuid]),
        {"leaves_on": timezone.localdate().isoformat(), "reason": "voluntary", "confirm": "on"},
    )
    assert response.status_code == 302
    refreshed(cast.manager)
    assert not cast.manager.is_active


def test_the_confirmation_of_a_future_date_says_it_is_scheduled(cast: Cast, client: Client) -> None:
    client.force_login(cast.admin)
    leaves_on = timezone.localdate() + timedelta(days=30)
    page = confirm_page(client, cast.report, leaves_on.isoformat())
    assert "This is <strong>scheduled</strong>" in page
    assert "The 1:1 with <strong>Mia Manager</strong> ends" in page
    client.post(
        reverse("people:departure", args=[cast.report.uuid]),
        {"leaves_on": leaves_on.isoformat(), "reason": "voluntary", "confirm": "on"},
    )
    refreshed(cast.report)
    assert cast.report.is_active
    detail = client.get(reverse("people:detail", args=[cast.report.uuid])).content.decode()
    assert f"Leaving on {leaves_on.day} " in detail and "Cancel this departure" in detail


def test_the_form_explains_a_missing_date(cast: Cast, client: Client) -> None:
    client.force_login(cast.hr)
    response = client.post(reverse("people:departure", args=[cast.report.uuid]), {})
    assert "Enter the leaving date." in response.content.decode()
    assert "Choose whether the departure was voluntary or not." in response.content.decode()


def test_undo_within_the_grace_period_restores_access_reports_and_1_1s(cast: Cast) -> None:
    meetings = upcoming(cast.one_on_one)
    departure = departure_record(
        person=cast.manager,
        leaves_on=timezone.localdate(),
        reason=LeftReason.VOLUNTARY,
        by=cast.hr,
    )
    assert upcoming(cast.one_on_one) == 0
    departure_undo(departure=departure, by=cast.hr, now=timezone.now() + timedelta(days=6))
    refreshed(cast.manager, cast.report, cast.report_two)
    assert cast.manager.is_active and cast.manager.left_on is None
    assert cast.manager.left_reason == ""
    assert cast.report.manager == cast.manager == cast.report_two.manager
    cast.one_on_one.refresh_from_db()
    assert cast.one_on_one.is_active and cast.one_on_one.closed_at is None
    # The meetings still ahead six days on are back (the earlier ones have passed meanwhile).
    later = timezone.now() + timedelta(days=6)
    assert (
        Meeting.objects.filter(
            one_on_one=cast.one_on_one, status=Meeting.Status.UPCOMING, scheduled_for__gt=later
        ).count()
        == Meeting.objects.filter(one_on_one=cast.one_on_one, scheduled_for__gt=later)
        .exclude(status=Meeting.Status.SKIPPED)
        .count()
    )
    assert meetings > 0
    assert Departure.objects.get().state == Departure.State.UNDONE


def test_undo_leaves_alone_a_report_someone_has_moved_since(cast: Cast) -> None:
    departure = departure_record(
        person=cast.manager, leaves_on=timezone.localdate(), reason=LeftReason.VOLUNTARY, by=cast.hr
    )
    Person.objects.filter(pk=cast.report.pk).update(manager=cast.peer_manager)
    departure_undo(departure=departure, by=cast.admin)
    refreshed(cast.report, cast.report_two)
    assert cast.report.manager == cast.peer_manager
    assert cast.report_two.manager == cast.manager
    cast.one_on_one.refresh_from_db()
    assert not cast.one_on_one.is_active  # Rui has another manager now: the old pair stays closed


def test_undo_after_the_grace_period_is_refused_with_a_clear_message(
    cast: Cast, client: Client
) -> None:
    departure_record(
        person=cast.report, leaves_on=timezone.localdate(), reason=LeftReason.VOLUNTARY, by=cast.hr
    )
    client.force_login(cast.hr)
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1), tick=False):
        detail = client.get(reverse("people:detail", args=[cast.report.uuid])).content.decode()
        assert "Undo this departure" not in detail
        response = client.post(reverse("people:departure_undo", args=[cast.report.uuid]))
    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("This departure can no longer be undone: the 7 days to undo it")
    refreshed(cast.report)
    assert not cast.report.is_active


def test_the_person_page_offers_the_undo_within_the_grace_period(
    cast: Cast, client: Client
) -> None:
    departure_record(
        person=cast.report, leaves_on=timezone.localdate(), reason=LeftReason.VOLUNTARY, by=cast.hr
    )
    client.force_login(cast.hr)
    detail = client.get(reverse("people:detail", args=[cast.report.uuid])).content.decode()
    assert "Undo this departure" in detail
    client.post(reverse("people:departure_undo", args=[cast.report.uuid]))
    refreshed(cast.report)
    assert cast.report.is_active


def test_a_scheduled_departure_cancelled_before_its_day_never_applies(
    cast: Cast, client: Client
) -> None:
    leaves_on = timezone.localdate() + timedelta(days=5)
    departure_record(
        person=cast.report, leaves_on=leaves_on, reason=LeftReason.VOLUNTARY, by=cast.hr
    )
    client.force_login(cast.admin)
    response = client.post(reverse("people:departure_cancel", args=[cast.report.uuid]))
    assert response.status_code == 302
    assert departures_apply_due(now=start_of(leaves_on) + timedelta(hours=1)) == 0
    refreshed(cast.report)
    assert cast.report.is_active
    assert Departure.objects.get().state == Departure.State.CANCELLED


def test_recording_again_replaces_a_scheduled_departure(cast: Cast) -> None:
    first = timezone.localdate() + timedelta(days=5)
    departure_record(person=cast.report, leaves_on=first, reason=LeftReason.VOLUNTARY, by=cast.hr)
    departure_record(
        person=cast.report,
        leaves_on=first + timedelta(days=9),
        reason=LeftReason.INVOLUNTARY,
        by=cast.hr,
    )
    states = dict(Departure.objects.values_list("leaves_on", "state"))
    assert states == {first: "cancelled", first + timedelta(days=9): "scheduled"}


@pytest.mark.parametrize("role", ["manager", "report", "skip_level", "outsider"])
def test_only_hr_and_admins_see_the_departure_box(cast: Cast, client: Client, role: str) -> None:
    departure_record(
        person=cast.report_two,
        leaves_on=timezone.localdate() + timedelta(days=5),
        reason=LeftReason.VOLUNTARY,
        by=cast.hr,
    )
    client.force_login(getattr(cast, role))
    detail = client.get(reverse("people:detail", args=[cast.report_two.uuid])).content.decode()
    assert "Leaving on" not in detail and "Cancel this departure" not in detail
