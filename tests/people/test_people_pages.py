from __future__ import annotations

from datetime import date, timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.people.models import Person
from tests.cast import Cast
from tests.helpers.queries import assert_queries_do_not_grow, count_queries


def detail(person: Person) -> str:
    return reverse("people:detail", kwargs={"person_uuid": person.uuid})


def test_the_org_chart_shows_who_reports_to_whom(cast: Cast, client: Client) -> None:
    client.force_login(cast.report)
    roots = client.get(reverse("people:org_chart")).context["roots"]
    sam = next(node for node in roots if node.person == cast.skip_level)
    assert [child.person for child in sam.children] == [cast.manager, cast.peer_manager]
    assert {child.person for child in sam.children[0].children} == {cast.report, cast.report_two}
    assert sam.team_size == 5


def test_searching_people_matches_name_title_and_email(cast: Cast, client: Client) -> None:
    client.force_login(cast.report)
    found = client.get(reverse("people:org_chart"), {"q": "engineering manager"}).context["results"]
    assert set(found) == {cast.manager, cast.peer_manager}
    found = client.get(reverse("people:org_chart"), {"q": "priya@"}).context["results"]
    assert list(found) == [cast.peer_report]


def test_an_htmx_search_answers_with_the_results_fragment_only(cast: Cast, client: Client) -> None:
    client.force_login(cast.report)
    response = client.get(
        reverse("people:org_chart"),
        {"q": "Rosa"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="people-results",
    )
    html = response.content.decode()
    assert "Rosa Report" in html
    assert "<html" not in html and "<nav" not in html


def test_people_who_have_left_are_hidden_from_members_but_not_from_hr(cast: Cast) -> None:
    Person.objects.filter(pk=cast.report_two.pk).update(is_active=False, left_on=date(2026, 1, 31))
    member, hr = Client(), Client()
    member.force_login(cast.peer_manager)
    hr.force_login(cast.hr)
    assert member.get(detail(cast.report_two)).status_code == 404
    assert hr.get(detail(cast.report_two)).status_code == 200
    assert (
        "Rosa Report" not in member.get(reverse("people:org_chart"), {"q": "Rosa"}).content.decode()
    )


def test_employment_details_show_only_to_the_person_hr_and_admins(cast: Cast) -> None:
    Person.objects.filter(pk=cast.report.pk).update(started_on=date(2021, 3, 1))
    for viewer, shown in (
        (cast.report, True),
        (cast.hr, True),
        (cast.admin, True),
        (cast.manager, False),
        (cast.outsider, False),
    ):
        client = Client()
        client.force_login(viewer)
        html = client.get(detail(cast.report)).content.decode()
        assert ("1 March 2021" in html) is shown, viewer.name


def test_user_text_is_escaped_everywhere_it_is_shown(cast: Cast, client: Client) -> None:
    Person.objects.filter(pk=cast.report.pk).update(
        name="<script>alert(1)</script>", title="<img src=x onerror=alert(2)>"
    )
    client.force_login(cast.manager)
    for url in (
        reverse("home"),
        reverse("people:org_chart"),
        detail(cast.report),
        reverse("people:org_chart") + "?q=script",
    ):
        html = client.get(url).content.decode()
        assert "<script>alert(1)" not in html and "<img src=x" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


def test_an_admin_changes_someones_manager(cast: Cast, client: Client) -> None:
    client.force_login(cast.admin)
    response = client.post(
        reverse("people:edit", kwargs={"person_uuid": cast.report.uuid}),
        {
            "name": "Rui Report",
            "title": "Senior Engineer",
            "timezone": "Europe/Lisbon",
            "role": "member",
            "manager": cast.peer_manager.pk,
        },
    )
    assert response.status_code == 302
    cast.report.refresh_from_db()
    assert (cast.report.manager, cast.report.title) == (cast.peer_manager, "Senior Engineer")


def test_a_reporting_cycle_is_refused_with_a_clear_message(cast: Cast, client: Client) -> None:
    client.force_login(cast.admin)
    response = client.post(
        reverse("people:edit", kwargs={"person_uuid": cast.skip_level.uuid}),
        {
            "name": "Sam Skiplevel",
            "title": "VP",
            "timezone": "UTC",
            "role": "member",
            "manager": cast.report.pk,
        },
    )
    assert response.status_code == 200
    assert "Rui Report reports to Sam Skiplevel" in response.content.decode()
    assert "nobody can end up above themselves" in response.content.decode()
    cast.skip_level.refresh_from_db()
    assert cast.skip_level.manager is None


def test_an_unknown_time_zone_is_refused(cast: Cast, client: Client) -> None:
    client.force_login(cast.report)
    response = client.post(reverse("account"), {"name": "Rui", "timezone": "Mars/Olympus_Mons"})
    assert response.status_code == 200
    cast.report.refresh_from_db()
    assert cast.report.timezone == "Europe/Lisbon"


def test_a_person_updates_their_own_name_and_time_zone(cast: Cast, client: Client) -> None:
    client.force_login(cast.report)
    client.post(reverse("account"), {"name": "Rui R.", "timezone": "Asia/Tokyo"})
    cast.report.refresh_from_db()
    assert (cast.report.name, cast.report.timezone) == ("Rui R.", "Asia/Tokyo")


def test_recording_a_departure_moves_their_reports_up_a_level(cast: Cast, client: Client) -> None:
    client.force_login(cast.hr)
    response = client.post(
        reverse("people:departure", kwargs={"person_uuid": cast.manager.uuid}),
        {
            "leaves_on": (timezone.localdate() - timedelta(days=10)).isoformat(),
            "reason": "voluntary",
            "confirm": "on",
        },
    )
    assert response.status_code == 302
    cast.manager.refresh_from_db()
    cast.report.refresh_from_db()
    assert not cast.manager.is_active and cast.manager.left_reason == "voluntary"
    assert cast.report.manager == cast.skip_level


def grow_team(manager: Person, count: int) -> None:
    Person.objects.bulk_create(
        Person(
            email=f"grown{manager.pk}-{i}@example.com",
            name=f"Grown {i}",
            manager=manager,
            timezone="Asia/Tokyo",
        )
        for i in range(count)
    )


def test_the_home_page_makes_the_same_queries_for_a_team_of_2_or_32(
    cast: Cast, client: Client
) -> None:
    client.force_login(cast.manager)
    assert_queries_do_not_grow(
        lambda: count_queries(lambda: client.get(reverse("home"))),
        lambda: grow_team(cast.manager, 30),
        # The triage board: tests/test_home.py lists the queries (the team view's among them).
        pinned=17,
    )


def test_the_org_chart_makes_the_same_queries_for_9_or_209_people(
    cast: Cast, client: Client
) -> None:
    client.force_login(cast.report)
    assert_queries_do_not_grow(
        lambda: count_queries(lambda: client.get(reverse("people:org_chart"))),
        lambda: grow_team(cast.peer_manager, 200),
        pinned=3,
    )


def test_a_person_page_makes_the_same_queries_however_many_reports(
    cast: Cast, client: Client
) -> None:
    client.force_login(cast.outsider)
    assert_queries_do_not_grow(
        lambda: count_queries(lambda: client.get(detail(cast.manager))),
        lambda: grow_team(cast.manager, 40),
        pinned=4,
    )


def test_the_hr_home_shows_organisation_counts_in_a_fixed_number_of_queries(
    cast: Cast, client: Client
) -> None:
    client.force_login(cast.hr)
    assert_queries_do_not_grow(
        lambda: count_queries(lambda: client.get(reverse("home"))),
        lambda: grow_team(cast.peer_manager, 50),
        # No schedule query since the worker alone extends schedules (a GET writes nothing).
        pinned=7,
    )
    overview = client.get(reverse("home")).context["overview"]
    assert overview.active_people == 59 and overview.managers == 3
