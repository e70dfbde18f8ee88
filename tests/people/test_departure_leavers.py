"""HR and admins find people who have left and who are leaving soon; every figure counts the
same leavers (Person.left_in_year_to)."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.insights.selectors import retention_records
from rapport.meetings.services import departure_record
from rapport.people.models import LeftReason, Person
from rapport.people.selectors import organisation_overview
from tests.cast import Cast


def leave(cast: Cast, person: Person, days_from_today: int) -> None:
    departure_record(
        person=person,
        leaves_on=timezone.localdate() + timedelta(days=days_from_today),
        reason=LeftReason.VOLUNTARY,
        by=cast.hr,
    )


def names_on(client: Client, **query: str) -> str:
    response = client.get(reverse("people:org_chart"), query)
    assert response.status_code == 200
    return response.content.decode()


def test_hr_finds_a_leaver_by_name(cast: Cast, client: Client) -> None:
    leave(cast, cast.report_two, -3)
    client.force_login(cast.hr)
    page = names_on(client, q="Rosa")
    assert "1 match for “Rosa”" in page and "Rosa Report" in page
    assert 'badge-danger">left' in page


def test_a_member_does_not_find_a_leaver(cast: Cast, client: Client) -> None:
    leave(cast, cast.report_two, -3)
    client.force_login(cast.manager)
    page = names_on(client, q="Rosa")
    assert "0 matches" in page and "Rosa Report" not in page
    # The filter is HR's: a member asking for leavers gets active people only.
    page = names_on(client, q="Report", status="left")
    assert "Rosa Report" not in page and "Rui Report" in page


def test_the_filters_list_active_leaving_soon_and_left(cast: Cast, client: Client) -> None:
    leave(cast, cast.report_two, -3)
    leave(cast, cast.peer_report, 20)
    client.force_login(cast.admin)
    left = names_on(client, status="left")
    assert "Left: 1 person" in left and "Rosa Report" in left and "Priya Peer" not in left
    leaving = names_on(client, status="leaving")
    assert "Leaving soon: 1 person" in leaving and "Priya Peer" in leaving
    assert "leaving " in leaving and "Rosa Report" not in leaving
    active = names_on(client, status="active")
    assert "Priya Peer" in active and "Rui Report" in active and "Rosa Report" not in active
    # The filter and the search words together.
    assert "Rosa Report" in names_on(client, status="left", q="rosa")
    assert "Rosa Report" not in names_on(client, status="left", q="rui")


def test_the_org_chart_still_omits_leavers_but_the_list_does_not(
    cast: Cast, client: Client
) -> None:
    leave(cast, cast.report_two, -3)
    client.force_login(cast.hr)
    assert "Rosa Report" not in names_on(client)
    assert "Rosa Report" in names_on(client, status="left")


def test_an_unknown_filter_is_ignored(cast: Cast, client: Client) -> None:
    client.force_login(cast.hr)
    assert "Organisation chart" in names_on(client, status="gone")


def test_home_and_the_retention_figures_count_the_same_leavers(cast: Cast, client: Client) -> None:
    leave(cast, cast.report_two, -3)  # counts
    leave(cast, cast.peer_report, 0)  # today: counts
    leave(cast, cast.outsider, 30)  # scheduled: not yet a leaver anywhere
    Person.objects.filter(pk=cast.report.pk).update(  # long gone: counts nowhere
        is_active=False, left_on=timezone.localdate() - timedelta(days=400)
    )
    today = timezone.localdate()
    overview = organisation_overview(cast.hr, today=today)
    records = retention_records(None, now=timezone.now(), today=today)
    retention_leavers = sum(record.left for record in records.values())
    assert overview.left_last_year == retention_leavers == 2
    assert Person.objects.filter(Person.left_in_year_to(today)).count() == 2
    client.force_login(cast.hr)
    home = client.get(reverse("home")).content.decode()
    assert (
        '<div class="stat-value">2</div><div class="stat-label">left in the last 12 months' in home
    )
