"""The week view page: who sees which 1:1s, choosing a report's hours, bad input, queries."""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.meetings.models import Meeting
from rapport.meetings.services import Rule, one_on_one_set_up
from rapport.people.models import DayAway, Person
from tests.canaries import plant_canaries
from tests.cast import Cast
from tests.helpers.queries import assert_queries_do_not_grow, count_queries

WEEK = reverse("meetings:week")


def week_of_meeting(meeting: Meeting, person: Person) -> str:
    """The ?week= of the Monday of the meeting's week on `person`'s calendar: safe at any
    instant the suite runs at."""
    day = meeting.scheduled_for.astimezone(person.zone).date()
    return (day - timedelta(days=day.weekday())).isoformat()


def page(client: Client, viewer: Person, query: str = "") -> str:
    client.force_login(viewer)
    response = client.get(WEEK + query)
    assert response.status_code == 200
    return response.content.decode()


def meeting_link(meeting: Meeting) -> str:
    return reverse("meetings:meeting", kwargs={"meeting_uuid": meeting.uuid})


def second_pair_meeting(cast: Cast) -> Meeting:
    """Rosa's 1:1 with Mia, set up in the same week as Rui's."""
    pair = one_on_one_set_up(
        manager=cast.manager,
        report=cast.report_two,
        rule=Rule("weekly", 3, time(14), 30, cast.meeting.scheduled_for.date()),
        by=cast.manager,
        confirmed_out_of_hours=True,
    )
    return pair.meetings.order_by("scheduled_for").first()  # type: ignore[return-value]


def test_the_manager_sees_every_pairs_meetings_of_the_week(cast: Cast, client: Client) -> None:
    rosa = second_pair_meeting(cast)
    html = page(client, cast.manager, f"?week={week_of_meeting(cast.meeting, cast.manager)}")
    assert meeting_link(cast.meeting) in html
    assert "Rui Report" in html
    if week_of_meeting(rosa, cast.manager) == week_of_meeting(cast.meeting, cast.manager):
        assert meeting_link(rosa) in html


def test_the_report_sees_only_their_own_1_1s(cast: Cast, client: Client) -> None:
    rosa = second_pair_meeting(cast)
    html = page(client, cast.report, f"?week={week_of_meeting(cast.meeting, cast.report)}")
    assert meeting_link(cast.meeting) in html
    assert "Mia Manager" in html
    assert meeting_link(rosa) not in html
    assert "Rosa Report" not in html
    assert 'id="week-person"' not in html  # nobody's hours to choose


def test_an_outsider_gets_an_empty_week(cast: Cast, client: Client) -> None:
    html = page(client, cast.outsider, f"?week={week_of_meeting(cast.meeting, cast.outsider)}")
    assert "0 1:1s this week." in html
    assert "Rui Report" not in html


@pytest.mark.parametrize(
    "query",
    [
        "?week=nonsense",
        "?week=2026-02-30",
        "?week=0001-01-01",
        "?week=9999-12-31",
        "?week=",
        "?week=2026-06-10&week=x",
        "?person=not-a-uuid",
        "?week=%00",
    ],
)
def test_bad_input_shows_the_current_week(cast: Cast, client: Client, query: str) -> None:
    current = page(client, cast.manager)
    html = page(client, cast.manager, query)
    title = current.split("<h1>")[1].split("</h1>")[0]
    assert f"<h1>{title}</h1>" in html


def test_any_day_of_a_week_shows_that_week(cast: Cast, client: Client) -> None:
    html = page(client, cast.manager, "?week=2027-01-06")  # a Wednesday
    assert "<h1>4\u201310 January 2027</h1>" in html


def test_the_manager_shades_a_reports_hours_and_sees_their_days_away(
    cast: Cast, client: Client
) -> None:
    week = week_of_meeting(cast.meeting, cast.manager)
    monday = date.fromisoformat(week)
    DayAway.objects.create(person=cast.report, starts_on=monday, ends_on=monday)
    html = page(client, cast.manager, f"?week={week}&person={cast.report.uuid}")
    assert "Rui Report\u2019s hours" in html
    assert "Mon\u2013Fri 09:00\u201317:30 Europe/Lisbon" in html
    assert "week-shade is-theirs" in html
    assert "Rui: holiday" in html
    assert f'value="{cast.report.uuid}" selected' in html


@pytest.mark.parametrize("role", ["peer_report", "report_two", "outsider", "manager"])
def test_only_a_direct_report_with_an_active_1_1_can_be_chosen(
    cast: Cast, client: Client, role: str
) -> None:
    # Rosa reports to Mia but has no 1:1 yet; nobody is their own report.
    client.force_login(cast.manager)
    person = getattr(cast, role)
    assert client.get(WEEK + f"?person={person.uuid}").status_code == 404


def test_nobody_else_can_choose_the_report(cast: Cast, client: Client) -> None:
    for viewer in (cast.report, cast.peer_manager, cast.skip_level, cast.hr, cast.admin):
        client.force_login(viewer)
        assert client.get(WEEK + f"?person={cast.report.uuid}").status_code == 404
    client.force_login(cast.manager)
    assert client.get(WEEK + f"?person={uuid.uuid4()}").status_code == 404


def test_the_report_sees_their_own_days_away_but_not_their_managers(
    cast: Cast, client: Client
) -> None:
    week = week_of_meeting(cast.meeting, cast.report)
    monday = date.fromisoformat(week)
    DayAway.objects.create(person=cast.report, starts_on=monday, ends_on=monday)
    DayAway.objects.create(
        person=cast.manager, starts_on=monday, ends_on=monday + timedelta(days=6), kind="leave"
    )
    html = page(client, cast.report, f"?week={week}")
    assert "You: holiday" in html
    assert "leave" not in html


def test_the_week_view_shows_no_agenda_note_or_private_text(cast: Cast, client: Client) -> None:
    markers = plant_canaries(cast)
    Meeting.objects.filter(pk=cast.meeting.pk).update(
        status=Meeting.Status.SKIPPED, status_reason="CANARY-STATUS-REASON"
    )
    for viewer in (cast.manager, cast.report):
        html = page(client, viewer, f"?week={week_of_meeting(cast.meeting, viewer)}")
        assert meeting_link(cast.meeting) in html
        for marker in [*markers, "CANARY-STATUS-REASON", "How the move went", "on-call rota"]:
            assert marker not in html


def test_this_weeks_page_is_linked_from_the_navigation(cast: Cast, client: Client) -> None:
    client.force_login(cast.report)
    assert f'href="{WEEK}"' in client.get(reverse("home")).content.decode()


def grow_team(cast: Cast, size: int) -> None:
    for index in range(size):
        report = Person.objects.create_user(
            f"grow{index}@example.com",
            None,
            name=f"Grown {index:02d}",
            manager=cast.manager,
            timezone=("Asia/Tokyo", "America/Los_Angeles", "Europe/Paris")[index % 3],
        )
        one_on_one_set_up(
            manager=cast.manager,
            report=report,
            rule=Rule("weekly", index % 5, time(8 + index % 10), 30, timezone.localdate()),
            by=cast.manager,
            confirmed_out_of_hours=True,
        )
        DayAway.objects.create(
            person=report, starts_on=timezone.localdate(), ends_on=timezone.localdate()
        )


def test_the_week_makes_the_same_queries_for_a_team_of_3_or_30(cast: Cast, client: Client) -> None:
    grow_team(cast, 1)  # with Rui and Rosa, a team of 3
    client.force_login(cast.manager)
    next_week = "?week=" + (timezone.localdate() + timedelta(days=7)).isoformat()
    assert_queries_do_not_grow(
        lambda: count_queries(lambda: client.get(WEEK + next_week)),
        lambda: grow_team_more(cast),
        # The viewer, the navigation's "does she lead people", then the week's meetings, the
        # active pairs and the days away. The session comes from the shared cache (in tests the
        # process's memory).
        pinned=5,
    )


def grow_team_more(cast: Cast) -> None:
    for index in range(1, 28):
        report = Person.objects.create_user(
            f"more{index}@example.com", None, name=f"More {index:02d}", manager=cast.manager
        )
        one_on_one_set_up(
            manager=cast.manager,
            report=report,
            rule=Rule("weekly", index % 7, time(index % 24), 45, timezone.localdate()),
            by=cast.manager,
            confirmed_out_of_hours=True,
        )


def test_a_chosen_report_costs_no_extra_query(cast: Cast, client: Client) -> None:
    client.force_login(cast.manager)
    plain = count_queries(lambda: client.get(WEEK))
    chosen = count_queries(lambda: client.get(WEEK + f"?person={cast.report.uuid}"))
    assert chosen == plain
