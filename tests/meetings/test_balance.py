"""The split between connection and performance: estimates for meetings held without meeting
mode, each pair's chart, and the manager's team balance view. The cast's 1:1 is Mia
(manager) with Rui (report)."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings

from rapport.meetings.balance import (
    BalanceRow,
    Flag,
    Source,
    SplitPoint,
    flag_for,
    split_history,
    team_balance,
)
from rapport.meetings.charts import balance_bar, split_chart
from rapport.meetings.models import Meeting, OneOnOne
from rapport.meetings.services import Rule, one_on_one_set_up, person_change_manager
from rapport.people.models import Person
from tests.cast import Cast
from tests.helpers.queries import assert_queries_do_not_grow, count_queries


def client_of(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def held(
    one_on_one: OneOnOne,
    weeks_ago: float,
    *,
    measured: tuple[int, int] | None = None,
    estimated: tuple[int, int] | None = None,
    status: str = Meeting.Status.HELD,
) -> Meeting:
    """A past meeting with measured seconds or estimated minutes (connection, performance)."""
    moment = timezone.now() - timedelta(weeks=weeks_ago)
    return Meeting.objects.create(
        one_on_one=one_on_one,
        slot=moment,
        scheduled_for=moment,
        status=status,
        started_at=moment if measured else None,
        ended_at=moment + timedelta(minutes=30) if measured else None,
        connection_seconds=measured[0] if measured else None,
        performance_seconds=measured[1] if measured else None,
        estimated_connection_minutes=estimated[0] if estimated else None,
        estimated_performance_minutes=estimated[1] if estimated else None,
    )


def pair_for(manager: Person, name: str, *, target: int = 50) -> OneOnOne:
    report = Person.objects.create_user(
        f"{name.lower().replace(' ', '.')}@example.com", None, name=name, manager=manager
    )
    one_on_one = one_on_one_set_up(
        manager=manager,
        report=report,
        rule=Rule("weekly", 3, time(9), 30, timezone.localdate()),
        by=manager,
        confirmed_out_of_hours=True,
    )
    one_on_one.target_connection_share = target
    one_on_one.save(update_fields=["target_connection_share"])
    return one_on_one


# --- The split of one meeting, and its history ------------------------------------------------


def test_the_history_labels_measured_estimated_and_unrecorded_meetings(cast: Cast) -> None:
    held(cast.one_on_one, 3, measured=(600, 1200))
    held(cast.one_on_one, 2, estimated=(20, 10))
    held(cast.one_on_one, 1)
    held(cast.one_on_one, 1.5, status=Meeting.Status.SKIPPED, measured=(60, 60))
    points = split_history(cast.one_on_one)
    assert [point.source for point in points] == [
        Source.MEASURED,
        Source.ESTIMATED,
        Source.NONE,
    ]
    assert [point.share for point in points] == [33, 67, None]
    assert points[0].connection_minutes == 10 and points[0].performance_minutes == 20


def test_measured_time_wins_over_an_estimate_of_the_same_meeting(cast: Cast) -> None:
    meeting = held(cast.one_on_one, 1, measured=(300, 1500))
    meeting.estimated_connection_minutes, meeting.estimated_performance_minutes = 25, 5
    meeting.save()
    (point,) = split_history(cast.one_on_one)
    assert point.source == Source.MEASURED and point.share == 17


def test_the_history_keeps_the_last_meetings_oldest_first(cast: Cast) -> None:
    for weeks_ago in range(20, 0, -1):
        held(cast.one_on_one, weeks_ago, measured=(60 * weeks_ago, 600))
    points = split_history(cast.one_on_one, last=12)
    assert len(points) == 12
    assert [point.connection_minutes for point in points] == list(range(12, 0, -1))
    assert points == sorted(points, key=lambda point: point.day)


# --- Estimating a meeting held without meeting mode -------------------------------------------


def estimate_url(meeting: Meeting) -> str:
    return reverse("meetings:meeting_estimate", args=[meeting.uuid])


@pytest.mark.parametrize("role", ["manager", "report"])
def test_either_person_estimates_a_meeting_held_without_meeting_mode(cast: Cast, role: str) -> None:
    meeting = held(cast.one_on_one, 1)
    client = client_of(getattr(cast, role))
    page = client.get(reverse("meetings:meeting", args=[meeting.uuid])).content.decode()
    assert "Save estimate" in page and "Held without meeting mode" in page
    response = client.post(
        estimate_url(meeting), {"connection_minutes": "20", "performance_minutes": "10"}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.estimated_connection_minutes, meeting.estimated_performance_minutes) == (
        20,
        10,
    )
    assert meeting.connection_seconds is None  # never mixed up with measured time
    page = client.get(reverse("meetings:meeting", args=[meeting.uuid])).content.decode()
    assert ">estimate</span>" in page and "Change estimate" in page
    assert "67%</strong> connection" in page


def test_a_measured_meeting_shows_its_minutes_and_offers_no_estimate(cast: Cast) -> None:
    meeting = held(cast.one_on_one, 1, measured=(840, 960))
    client = client_of(cast.report)
    page = client.get(reverse("meetings:meeting", args=[meeting.uuid])).content.decode()
    assert (
        ">measured</span>" in page and "14 min connection" in page and "16 min performance" in page
    )
    assert "Save estimate" not in page
    client.post(estimate_url(meeting), {"connection_minutes": "5", "performance_minutes": "5"})
    meeting.refresh_from_db()
    assert meeting.estimated_connection_minutes is None


def test_an_upcoming_meeting_cannot_get_an_estimate(cast: Cast) -> None:
    client = client_of(cast.manager)
    response = client.post(
        estimate_url(cast.meeting), {"connection_minutes": "15", "performance_minutes": "15"}
    )
    assert response.status_code == 302
    cast.meeting.refresh_from_db()
    assert cast.meeting.estimated_connection_minutes is None
    page = client.get(reverse("meetings:meeting", args=[cast.meeting.uuid])).content.decode()
    assert "Only a meeting that was held" in page and "Save estimate" not in page


@pytest.mark.parametrize(
    "data",
    [
        {"connection_minutes": "0", "performance_minutes": "0"},
        {"connection_minutes": "-5", "performance_minutes": "10"},
        {"connection_minutes": "500", "performance_minutes": "200"},
        {"connection_minutes": "ten", "performance_minutes": "10"},
        {"connection_minutes": "10"},
    ],
)
def test_a_nonsense_estimate_is_refused_with_a_reason(cast: Cast, data: dict[str, str]) -> None:
    meeting = held(cast.one_on_one, 1)
    client = client_of(cast.report)
    response = client.post(estimate_url(meeting), data, follow=True)
    meeting.refresh_from_db()
    assert meeting.estimated_connection_minutes is None
    assert 'class="message error"' in response.content.decode()


@pytest.mark.parametrize("role", ["peer_manager", "skip_level", "hr", "admin", "outsider"])
def test_outsiders_cannot_estimate_a_meeting(cast: Cast, role: str) -> None:
    meeting = held(cast.one_on_one, 1)
    response = client_of(getattr(cast, role)).post(
        estimate_url(meeting), {"connection_minutes": "15", "performance_minutes": "15"}
    )
    assert response.status_code == 404
    meeting.refresh_from_db()
    assert meeting.estimated_connection_minutes is None


def test_a_closed_one_on_one_takes_no_more_estimates(cast: Cast) -> None:
    meeting = held(cast.one_on_one, 1)
    person_change_manager(person=cast.report, new_manager=cast.peer_manager, by=cast.admin)
    client_of(cast.report).post(
        estimate_url(meeting), {"connection_minutes": "15", "performance_minutes": "15"}
    )
    meeting.refresh_from_db()
    assert meeting.estimated_connection_minutes is None


# --- The pair's chart -------------------------------------------------------------------------


def test_both_people_see_the_pairs_split_as_an_accessible_chart(cast: Cast) -> None:
    held(cast.one_on_one, 2, measured=(900, 900))
    held(cast.one_on_one, 1, estimated=(5, 25))
    url = reverse("meetings:one_on_one", args=[cast.one_on_one.uuid])
    for person in (cast.manager, cast.report):
        page = client_of(person).get(url).content.decode()
        assert "Connection and performance" in page
        assert 'role="img"' in page and "<title>Connection and performance in the last 2" in page
        assert "50% connection" in page and "17% connection" in page
        assert "measured" in page and "estimated" in page and "Target 50%" in page
        assert " style=" not in page


def test_a_pair_without_held_meetings_says_so_instead_of_a_chart(cast: Cast) -> None:
    page = client_of(cast.report).get(reverse("meetings:one_on_one", args=[cast.one_on_one.uuid]))
    assert "No meetings held yet" in page.content.decode()


def test_the_split_chart_stacks_connection_under_performance_with_a_target_line() -> None:
    points = [
        SplitPoint(date(2026, 2, 3), 15, 15, Source.MEASURED),
        SplitPoint(date(2026, 2, 10), 6, 24, Source.ESTIMATED),
        SplitPoint(date(2026, 2, 17), 0, 0, Source.NONE),
    ]
    svg = split_chart(points, target=40, height=160)
    assert svg.count('class="ps-connection"') == 2 and svg.count('class="ps-empty"') == 1
    assert svg.count('class="ps-hatch"') == 1  # only the estimate is hatched
    # 134 high plot from y=6 to y=140: the target line at 40% sits 53.6 above the axis.
    assert 'y1="86.4"' in svg
    assert "3 Feb: 50% connection (15 min connection, 15 min performance), measured" in svg
    assert "17 Feb: no time recorded" in svg
    assert "Over these meetings: <strong>35%</strong> connection, target 40%" in svg
    assert "1 measured, 1 estimated, 1 without recorded time" in svg
    assert " style=" not in svg
    assert split_chart([], target=50) == ""


# --- The team balance view --------------------------------------------------------------------


def test_flags_start_beyond_the_tolerance_either_side_of_the_target() -> None:
    assert flag_for(35, 50, 15) is Flag.IN_BALANCE
    assert flag_for(34, 50, 15) is Flag.TOO_LITTLE_CONNECTION
    assert flag_for(65, 50, 15) is Flag.IN_BALANCE
    assert flag_for(66, 50, 15) is Flag.TOO_LITTLE_PERFORMANCE
    assert flag_for(None, 50, 15) is Flag.NO_DATA


def test_the_tolerance_comes_from_the_settings(cast: Cast, settings: Settings) -> None:
    held(cast.one_on_one, 1, measured=(400, 800))  # 33%
    assert team_balance(cast.manager).rows[0].flag is Flag.TOO_LITTLE_CONNECTION
    settings.RAPPORT_BALANCE_TOLERANCE = 20
    assert team_balance(cast.manager).rows[0].flag is Flag.IN_BALANCE


def test_the_team_view_weighs_eight_weeks_of_measured_and_estimated_time(cast: Cast) -> None:
    held(cast.one_on_one, 1, measured=(600, 1200))
    held(cast.one_on_one, 2, estimated=(20, 10))
    held(cast.one_on_one, 3)
    held(cast.one_on_one, 10, measured=(1800, 0))  # before the window
    held(cast.one_on_one, 4, status=Meeting.Status.SKIPPED, measured=(1800, 0))
    (row,) = team_balance(cast.manager).rows
    assert (row.measured, row.estimated) == (1, 1)
    assert row.share == 50 and row.flag is Flag.IN_BALANCE  # 30 of 60 minutes


def test_the_team_view_puts_the_pairs_furthest_from_target_first(cast: Cast) -> None:
    chatty = pair_for(cast.manager, "Carla Chat")
    busy = pair_for(cast.manager, "Bert Busy", target=40)
    steady = pair_for(cast.manager, "Sara Steady")
    held(chatty, 1, measured=(1620, 180))  # 90%
    held(busy, 1, measured=(180, 1620))  # 10%, target 40
    held(steady, 1, measured=(850, 950))  # 47%
    team = team_balance(cast.manager)
    names = [row.report.name for row in team.rows]
    # Rui (the cast's report) has no held meeting yet: no data, last.
    assert names == ["Carla Chat", "Bert Busy", "Sara Steady", "Rui Report"]
    assert [row.flag for row in team.rows] == [
        Flag.TOO_LITTLE_PERFORMANCE,
        Flag.TOO_LITTLE_CONNECTION,
        Flag.IN_BALANCE,
        Flag.NO_DATA,
    ]
    assert (team.in_balance, team.too_little_connection, team.too_little_performance) == (1, 1, 1)
    assert team.no_data == 1


def test_the_team_view_shows_only_the_managers_own_active_one_on_ones(cast: Cast) -> None:
    peer_pair = one_on_one_set_up(
        manager=cast.peer_manager,
        report=cast.peer_report,
        rule=Rule("weekly", 1, time(9), 30, timezone.localdate()),
        by=cast.peer_manager,
        confirmed_out_of_hours=True,
    )
    held(peer_pair, 1, measured=(60, 1740))
    person_change_manager(person=cast.report, new_manager=cast.peer_manager, by=cast.admin)
    assert team_balance(cast.manager).rows == []
    assert [row.one_on_one for row in team_balance(cast.peer_manager).rows] == [peer_pair]


def test_the_page_shows_the_summary_the_flags_and_a_bar_per_person(cast: Cast) -> None:
    held(cast.one_on_one, 1, measured=(180, 1620))
    pair_for(cast.manager, "Nadia New")
    page = client_of(cast.manager).get(reverse("meetings:team_balance")).content.decode()
    assert "0 <span" in page and "in balance" in page
    assert "too little connection</span>" in page and "no data yet</span>" in page
    assert page.count('class="balance-bar"') == 2
    assert "Rui Report: connection share: 10% connection, 90% performance over 1 meeting" in page
    assert "1 measured" in page and " style=" not in page
    assert page.index("Rui Report") < page.index("Nadia New")


@pytest.mark.parametrize("role", ["report", "hr", "admin", "outsider"])
def test_someone_who_runs_no_one_on_ones_gets_an_empty_page(cast: Cast, role: str) -> None:
    page = client_of(getattr(cast, role)).get(reverse("meetings:team_balance"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "No 1:1s to balance yet" in body and "Rui Report" not in body


def test_a_manager_whose_team_has_no_one_on_ones_is_sent_to_set_them_up(cast: Cast) -> None:
    page = client_of(cast.peer_manager).get(reverse("meetings:team_balance")).content.decode()
    assert "Set up your team" in page


def test_the_managers_home_and_team_page_link_to_the_balance(cast: Cast) -> None:
    manager = client_of(cast.manager)
    url = reverse("meetings:team_balance")
    assert url in manager.get(reverse("home")).content.decode()
    assert url in manager.get(reverse("meetings:team_setup")).content.decode()
    assert url not in client_of(cast.report).get(reverse("home")).content.decode()


def grow(manager: Person, size: int, history: int, *, first: int = 0) -> None:
    for index in range(first, first + size):
        pair = pair_for(manager, f"Grown Report {index:02d}")
        for weeks_ago in range(1, history + 1):
            held(pair, weeks_ago, measured=(600 + index, 1200))
        held(pair, history + 1, estimated=(10, 20))


def test_the_balance_page_makes_the_same_queries_for_a_team_of_3_or_30(cast: Cast) -> None:
    grow(cast.manager, 2, 2)  # with Rui's pair: a team of 3
    client = client_of(cast.manager)
    assert_queries_do_not_grow(
        lambda: count_queries(lambda: client.get(reverse("meetings:team_balance"))),
        lambda: grow(cast.manager, 27, 6, first=2),
        # Person, the navigation's "leads anyone?", and one query for the whole team (the
        # session comes from the shared cache, in tests the process's memory).
        pinned=3,
    )


def test_a_bar_with_no_data_shows_the_target_and_an_empty_track(cast: Cast) -> None:
    row = BalanceRow(
        one_on_one=cast.one_on_one,
        measured=0,
        estimated=0,
        connection_seconds=0,
        performance_seconds=0,
        tolerance=15,
    )
    svg = balance_bar(row)
    assert 'class="balance-empty"' in svg and 'class="balance-connection"' not in svg
    assert 'x1="100"' in svg  # the target, at 50% of 200
    assert 'x="70"' in svg and 'width="60"' in svg  # the band, 35% to 65%
    assert "no held meeting with recorded time; target 50%" in svg


def test_the_window_is_the_eight_weeks_before_now(cast: Cast) -> None:
    meeting = held(cast.one_on_one, 1, measured=(900, 900))
    just_after = meeting.scheduled_for + timedelta(minutes=1)
    assert team_balance(cast.manager, now=just_after).rows[0].measured == 1
    assert team_balance(cast.manager, now=meeting.scheduled_for).rows[0].measured == 0
    later = meeting.scheduled_for + timedelta(weeks=8, minutes=1)
    assert team_balance(cast.manager, now=later).rows[0].flag is Flag.NO_DATA
