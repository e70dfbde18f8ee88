"""Working hours, the video room and days away on the account page."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.access import Refused
from rapport.meetings.models import Meeting
from rapport.meetings.services import day_away_add
from rapport.people.forms import DayAwayForm, WorkingHoursForm
from rapport.people.models import DayAway, Person
from rapport.people.services import working_hours_set
from tests.cast import Cast

HOURS = {
    "work_days": ["6", "0", "1", "2", "3"],
    "work_starts": "07:30",
    "work_ends": "15:45",
    "video_link": "https://meet.example.com/rui-room",
}


def _client(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


# --- The service -------------------------------------------------------------------------------


def test_a_person_sets_their_own_working_hours(cast: Cast) -> None:
    working_hours_set(
        person=cast.report,
        work_days=0b1001111,
        work_starts=time(7, 30),
        work_ends=time(15, 45),
        video_link="https://meet.example.com/rui",
        by=cast.report,
    )
    rui = Person.objects.get(pk=cast.report.pk)
    assert rui.working_day_names() == ["Mon", "Tue", "Wed", "Thu", "Sun"]
    assert (rui.work_starts, rui.work_ends) == (time(7, 30), time(15, 45))
    assert rui.video_link == "https://meet.example.com/rui"


@pytest.mark.parametrize(
    ("days", "starts", "ends", "link", "field", "message"),
    [
        (0, time(9), time(17), "", "work_days", "Choose at least one working day."),
        (1, time(9), time(9), "", "work_ends", "The working day must end after it starts."),
        (1, time(9), time(8), "", "work_ends", "The working day must end after it starts."),
        (1, time(9), time(17), "http://meet.example.com/x", "video_link", "https://"),
    ],
)
def test_the_service_refuses_impossible_hours_clearly(
    cast: Cast, days: int, starts: time, ends: time, link: str, field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        working_hours_set(
            person=cast.report,
            work_days=days,
            work_starts=starts,
            work_ends=ends,
            video_link=link,
            by=cast.report,
        )
    assert message in " ".join(refused.value.message_dict[field])
    assert Person.objects.get(pk=cast.report.pk).work_starts == time(9)


def test_a_manager_cannot_change_their_reports_hours(cast: Cast) -> None:
    with pytest.raises(Refused):
        working_hours_set(
            person=cast.report,
            work_days=1,
            work_starts=time(9),
            work_ends=time(10),
            video_link="",
            by=cast.manager,
        )


# --- The forms ---------------------------------------------------------------------------------


def test_the_hours_form_turns_ticked_days_into_the_bit_set_and_names_the_zone() -> None:
    form = WorkingHoursForm(HOURS, zone="Europe/Lisbon")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["work_days"] == 0b1001111
    assert form.fields["work_starts"].help_text == "In your own time zone, Europe/Lisbon."


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"work_days": []}, "work_days", "Choose at least one working day."),
        ({"work_ends": "07:00"}, "work_ends", "The working day must end after it starts."),
        ({"video_link": "http://meet.example.com/x"}, "video_link", "starts with https://"),
        ({"video_link": "not a link at all"}, "video_link", "Enter a valid URL."),
    ],
)
def test_the_hours_form_says_what_is_wrong(
    change: dict[str, object], field: str, message: str
) -> None:
    form = WorkingHoursForm({**HOURS, **change}, zone="UTC")
    assert not form.is_valid()
    assert message in " ".join(str(error) for error in form.errors[field])


def test_the_days_away_form_refuses_a_last_day_before_the_first() -> None:
    form = DayAwayForm({"kind": "holiday", "starts_on": "2030-05-10", "ends_on": "2030-05-09"})
    assert not form.is_valid()
    assert form.errors["ends_on"] == ["The last day away cannot be before the first."]


# --- The pages ---------------------------------------------------------------------------------


def test_the_account_page_shows_hours_in_the_persons_own_zone(cast: Cast) -> None:
    page = _client(cast.report).get(reverse("account")).content.decode()
    assert "Working hours" in page and "Days away" in page
    assert "In your own time zone, Europe/Lisbon." in page
    assert 'name="work_days" value="0" id="id_work_days_0" checked' in page
    assert 'name="work_days" value="6" id="id_work_days_6"' in page
    assert 'id="id_work_days_6" checked' not in page


def test_saving_working_hours_on_the_account_page(cast: Cast) -> None:
    response = _client(cast.report).post(reverse("account_hours"), HOURS)
    assert response.status_code == 302
    rui = Person.objects.get(pk=cast.report.pk)
    assert (rui.work_days, rui.work_starts, rui.video_link) == (
        0b1001111,
        time(7, 30),
        "https://meet.example.com/rui-room",
    )


def test_wrong_working_hours_show_the_page_again_with_the_error(cast: Cast) -> None:
    response = _client(cast.report).post(
        reverse("account_hours"), {**HOURS, "work_days": [], "video_link": "http://x.example"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose at least one working day." in page
    assert "starts with https://" in page
    assert Person.objects.get(pk=cast.report.pk).work_starts == time(9)


def test_adding_days_away_on_the_account_page_skips_the_1on1_and_lists_them(cast: Cast) -> None:
    meeting = cast.one_on_one.meetings.filter(scheduled_for__gt=timezone.now()).order_by(
        "scheduled_for"
    )[1]
    day = meeting.scheduled_for.astimezone(cast.report.zone).date()
    client = _client(cast.report)
    response = client.post(
        reverse("account_days_away"),
        {"kind": "leave", "starts_on": day.isoformat(), "ends_on": day.isoformat()},
        follow=True,
    )
    page = response.content.decode()
    assert "1 1:1 on those days is skipped" in page
    assert f"{day:%a} {day.day} {day:%b %Y}" in page
    meeting.refresh_from_db()
    assert (meeting.status, meeting.status_reason) == ("skipped", "Rui Report is away (leave)")


def test_days_away_entirely_in_the_past_are_refused_on_the_page(cast: Cast) -> None:
    today = timezone.now().astimezone(cast.report.zone).date()
    response = _client(cast.report).post(
        reverse("account_days_away"),
        {
            "kind": "holiday",
            "starts_on": (today - timedelta(days=9)).isoformat(),
            "ends_on": (today - timedelta(days=2)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "These days are all in the past" in response.content.decode()
    assert not DayAway.objects.exists()


def test_removing_days_away_on_the_page_puts_the_1on1_back(cast: Cast) -> None:
    meeting = cast.one_on_one.meetings.filter(scheduled_for__gt=timezone.now()).earliest(
        "scheduled_for"
    )
    day = meeting.scheduled_for.astimezone(cast.report.zone).date()
    away = day_away_add(
        person=cast.report, starts_on=day, ends_on=day, kind="holiday", by=cast.report
    )
    response = _client(cast.report).post(reverse("account_day_away_remove", args=[away.uuid]))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.UPCOMING
    assert not DayAway.objects.exists()


def test_nobody_else_removes_someones_days_away_not_even_their_manager(cast: Cast) -> None:
    today = timezone.now().astimezone(cast.report.zone).date()
    away = day_away_add(
        person=cast.report, starts_on=today, ends_on=today, kind="holiday", by=cast.report
    )
    for other in (cast.manager, cast.admin, cast.outsider):
        response = _client(other).post(reverse("account_day_away_remove", args=[away.uuid]))
        assert response.status_code == 404
    assert DayAway.objects.filter(pk=away.pk).exists()
    # And their account page never lists it.
    assert "Holiday</strong>" not in _client(cast.manager).get(reverse("account")).content.decode()
