"""Setting up, changing and moving 1:1s never books a time outside someone's working hours
without an explicit confirmation naming who it is bad for: the whole-team form, the rhythm form,
moving one meeting, and the services behind them."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.meetings import selectors, services, slots
from rapport.meetings.models import OneOnOne
from tests.cast import Cast
from tests.helpers.team_setup import proposed, save_payload

URL = "meetings:team_setup"


@pytest.fixture
def zoned(cast: Cast) -> Cast:
    """Mia in London, Rosa in Tokyo (no shared half hour in winter, one in summer), Rui in
    Lisbon: whatever zone CI gives the cast's manager."""
    cast.manager.timezone = "Europe/London"
    cast.manager.save(update_fields=["timezone"])
    cast.report_two.timezone = "Asia/Tokyo"
    cast.report_two.save(update_fields=["timezone"])
    return cast


def step_one(cast: Cast, **extra: Any) -> dict[str, Any]:
    return {
        "reports": [cast.report_two.pk],
        "cadence": "weekly",
        "duration_minutes": "60",  # an hour never fits London and Tokyo
        "max_per_day": "6",
        "starts_on": timezone.localdate().isoformat(),
        **extra,
    }


def test_the_proposal_shows_both_zones_and_saves_nothing(zoned: Cast, client: Client) -> None:
    client.force_login(zoned.manager)
    response = proposed(client, reverse(URL), step_one(zoned))
    page = response.content.decode()
    [row] = response.context["proposal_rows"]
    assert [time.zone for time in row["check"].times] == ["Europe/London", "Asia/Tokyo"]
    assert "Asia/Tokyo" in page and "No time fits both" in page
    assert "every two weeks, alternating" in page
    assert "I know " in page and "outside" in page
    assert not OneOnOne.objects.filter(report=zoned.report_two).exists()


def test_an_out_of_hours_row_is_not_saved_without_its_tick(zoned: Cast, client: Client) -> None:
    client.force_login(zoned.manager)
    url = reverse(URL)
    response = proposed(client, url, step_one(zoned))
    response = client.post(url, save_payload(response, step_one(zoned), confirm=False))
    assert response.status_code == 200
    errors = response.context["proposals"].errors[f"confirm_{zoned.report_two.pk}"]
    assert "Tick to confirm" in errors[0]
    assert not OneOnOne.objects.filter(report=zoned.report_two).exists()


def test_a_tick_given_for_another_time_does_not_count(zoned: Cast, client: Client) -> None:
    client.force_login(zoned.manager)
    url = reverse(URL)
    response = proposed(client, url, step_one(zoned))
    payload = save_payload(response, step_one(zoned))
    pk = zoned.report_two.pk
    payload[f"start_{pk}"] = "03:00"  # changed after the warning was shown for another time
    response = client.post(url, payload)
    assert response.status_code == 200
    assert f"confirm_{pk}" in response.context["proposals"].errors
    assert not OneOnOne.objects.filter(report=zoned.report_two).exists()


def test_a_confirmed_out_of_hours_row_is_saved_and_the_message_says_so(
    zoned: Cast, client: Client
) -> None:
    client.force_login(zoned.manager)
    url = reverse(URL)
    response = proposed(client, url, step_one(zoned))
    response = client.post(url, save_payload(response, step_one(zoned)), follow=True)
    pair = OneOnOne.objects.get(report=zoned.report_two, status="active")
    assert pair.duration_minutes == 60
    assert [str(message) for message in response.context["messages"]] == [
        "1 1:1 set up; 1 outside someone's working hours, as you confirmed."
    ]


def test_select_all_works_without_javascript(zoned: Cast, client: Client) -> None:
    client.force_login(zoned.manager)
    response = proposed(client, reverse(URL), {**step_one(zoned), "reports": [], "everyone": "on"})
    names = {row["report"].name for row in response.context["proposal_rows"]}
    assert names == {"Rui Report", "Rosa Report"}


@pytest.mark.parametrize(
    "change",
    [
        {"reports": []},
        {"max_per_day": "0"},
        {"max_per_day": "x"},
        {"duration_minutes": "7"},
        {"starts_on": "not a date"},
        {"cadence": "hourly"},
    ],
)
def test_bad_input_on_step_one_is_a_clear_error(
    zoned: Cast, client: Client, change: dict[str, Any]
) -> None:
    client.force_login(zoned.manager)
    response = client.post(reverse(URL), {**step_one(zoned), **change, "step": "propose"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "proposal_rows" not in response.context


@pytest.mark.parametrize("field, value", [("weekday", "9"), ("start", "25:99"), ("start", "")])
def test_bad_input_on_step_two_is_a_clear_error(
    zoned: Cast, client: Client, field: str, value: str
) -> None:
    client.force_login(zoned.manager)
    url = reverse(URL)
    payload = save_payload(proposed(client, url, step_one(zoned)), step_one(zoned))
    payload[f"{field}_{zoned.report_two.pk}"] = value
    response = client.post(url, payload)
    assert response.status_code == 200
    assert response.context["proposals"].errors
    assert not OneOnOne.objects.filter(report=zoned.report_two).exists()


def test_a_row_changed_onto_another_one_on_one_is_refused(zoned: Cast, client: Client) -> None:
    client.force_login(zoned.manager)
    url = reverse(URL)
    # Rosa alone: Rui's 1:1 stays, and Rosa's row is moved onto it.
    [rui] = selectors.busy_slots_of(
        zoned.manager, excluding=[zoned.report_two.pk], starts_on=timezone.localdate()
    )
    response = proposed(client, url, step_one(zoned))
    payload = save_payload(response, step_one(zoned))
    pk = zoned.report_two.pk
    payload.update(
        {f"weekday_{pk}": str(rui.slot.weekday), f"start_{pk}": f"{rui.slot.start:%H:%M}"}
    )
    response = client.post(url, payload)
    assert response.status_code == 200
    [error] = response.context["proposals"].errors[f"start_{pk}"]
    assert (
        error
        == f"Overlaps another of the manager's 1:1s at {rui.slot.label()}: choose another time."
    )
    assert not OneOnOne.objects.filter(report=zoned.report_two).exists()


# --- One pair: the rhythm form and moving a meeting ---------------------------------------


def rhythm(at: str, **extra: str) -> dict[str, str]:
    return {
        "cadence": "weekly",
        "weekday": "1",
        "start_time": at,
        "duration_minutes": "30",
        "starts_on": timezone.localdate().isoformat(),
        "target_connection_share": "50",
        **extra,
    }


def test_a_new_rhythm_at_night_for_the_report_needs_a_confirmation(
    zoned: Cast, client: Client
) -> None:
    client.force_login(zoned.manager)
    url = reverse("meetings:one_on_one_edit", args=[zoned.one_on_one.uuid])
    response = client.post(url, rhythm("06:00"))
    assert response.status_code == 200
    form = response.context["form"]
    [error] = form.errors["confirm_out_of_hours"]
    assert "Mia Manager in Europe/London" in error and "Tick the box" in error
    page = response.content.decode()
    assert "Outside working hours" in page and "Europe/Lisbon" in page
    zoned.one_on_one.refresh_from_db()
    assert zoned.one_on_one.start_time == time(10, 0)
    key = form.hours_check.key
    response = client.post(url, rhythm("06:00", confirm_out_of_hours="on", confirmed_slot=key))
    assert response.status_code == 302
    zoned.one_on_one.refresh_from_db()
    assert zoned.one_on_one.start_time == time(6, 0)


def test_a_new_rhythm_inside_hours_needs_no_confirmation(zoned: Cast, client: Client) -> None:
    client.force_login(zoned.manager)
    url = reverse("meetings:one_on_one_edit", args=[zoned.one_on_one.uuid])
    page = client.get(url).content.decode()
    assert "Europe/Lisbon" in page  # the current time in both zones
    assert client.post(url, rhythm("11:00")).status_code == 302


def test_the_pair_gets_its_own_video_room_and_a_new_calendar_sequence(
    zoned: Cast, client: Client
) -> None:
    client.force_login(zoned.manager)
    url = reverse("meetings:one_on_one_edit", args=[zoned.one_on_one.uuid])
    before = zoned.one_on_one.calendar_sequence
    plain = client.post(url, rhythm("11:00", video_link="http://meet.example/mia-rui"))
    assert plain.status_code == 200
    assert "starts with https://" in plain.context["form"].errors["video_link"][0]
    zoned.one_on_one.refresh_from_db()
    assert zoned.one_on_one.video_link == ""
    saved = client.post(url, rhythm("11:00", video_link="https://meet.example/mia-rui"))
    assert saved.status_code == 302
    zoned.one_on_one.refresh_from_db()
    assert zoned.one_on_one.room == "https://meet.example/mia-rui"
    assert zoned.one_on_one.calendar_sequence > before
    page = client.get(url).content.decode()
    assert 'value="https://meet.example/mia-rui"' in page


def test_a_plain_http_room_is_refused_by_the_service_too(zoned: Cast) -> None:
    with pytest.raises(ValidationError, match="https://"):
        services.one_on_one_change_rule(
            one_on_one=zoned.one_on_one,
            rule=services.Rule("weekly", 1, time(11, 0), 30, timezone.localdate()),
            by=zoned.manager,
            confirmed_out_of_hours=True,
            video_link="http://meet.example/x",
        )


def test_moving_a_meeting_out_of_hours_needs_a_confirmation(zoned: Cast, client: Client) -> None:
    client.force_login(zoned.report)  # Rui, in Lisbon, moves it to 07:00 his time
    url = reverse("meetings:meeting_reschedule", args=[zoned.meeting.uuid])
    day = (zoned.meeting.scheduled_for + timedelta(days=1)).date().isoformat()
    before = zoned.meeting.scheduled_for
    response = client.post(url, {"day": day, "at": "07:00"})
    assert response.status_code == 200
    assert "confirm_out_of_hours" in response.context["form"].errors
    zoned.meeting.refresh_from_db()
    assert zoned.meeting.scheduled_for == before
    response = client.post(
        url,
        {"day": day, "at": "07:00", "confirm_out_of_hours": "on", "confirmed_slot": f"{day}T07:00"},
    )
    assert response.status_code == 302
    zoned.meeting.refresh_from_db()
    assert zoned.meeting.scheduled_for != before


# --- The services refuse on their own ---------------------------------------------------------


def test_the_set_up_service_refuses_an_unconfirmed_night_time_naming_who(zoned: Cast) -> None:
    rule = services.Rule("weekly", 2, time(3, 0), 30, timezone.localdate())
    with pytest.raises(ValidationError) as refused:
        services.one_on_one_set_up(
            manager=zoned.manager, report=zoned.report_two, rule=rule, by=zoned.manager
        )
    assert "Mia Manager in Europe/London" in str(refused.value)
    assert not OneOnOne.objects.filter(report=zoned.report_two).exists()
    services.one_on_one_set_up(
        manager=zoned.manager,
        report=zoned.report_two,
        rule=rule,
        by=zoned.manager,
        confirmed_out_of_hours=True,
    )
    assert OneOnOne.objects.filter(report=zoned.report_two, status="active").exists()


def test_the_change_and_move_services_refuse_unconfirmed_out_of_hours_times(zoned: Cast) -> None:
    night = services.Rule("weekly", 2, time(23, 0), 30, timezone.localdate())
    with pytest.raises(ValidationError, match="Rui Report in Europe/Lisbon"):
        services.one_on_one_change_rule(one_on_one=zoned.one_on_one, rule=night, by=zoned.manager)
    saturday = slots.moment_of(
        slots.Slot(5, time(11, 0)), starts_on=timezone.localdate(), zone="Europe/London"
    )
    with pytest.raises(ValidationError, match="not one of their working days"):
        services.meeting_reschedule(meeting=zoned.meeting, to=saturday, by=zoned.manager)


def test_the_team_service_books_only_the_confirmed_out_of_hours_rows(zoned: Cast) -> None:
    night = services.Rule("weekly", 2, time(3, 0), 30, timezone.localdate())
    with pytest.raises(ValidationError):
        services.one_on_ones_set_up_planned(
            manager=zoned.manager,
            rules=[(zoned.report_two, night)],
            confirmed=set(),
            by=zoned.manager,
        )
    assert not OneOnOne.objects.filter(report=zoned.report_two).exists()


def test_the_team_list_shows_each_time_on_the_reports_clock_too(
    zoned: Cast, client: Client
) -> None:
    client.force_login(zoned.manager)
    [rui] = [row for row in client.get(reverse(URL)).context["rows"] if row.one_on_one]
    start = slots.moment_of(
        slots.Slot(rui.one_on_one.weekday, rui.one_on_one.start_time),
        starts_on=max(rui.one_on_one.starts_on, timezone.now().date()),
        zone=rui.one_on_one.timezone,
    )
    assert rui.report_time == slots.local_label(start, "Europe/Lisbon")
    assert f"{rui.report_time} for Rui (Europe/Lisbon)" in client.get(reverse(URL)).content.decode()
