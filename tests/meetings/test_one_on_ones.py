from __future__ import annotations

from datetime import date, time, timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.goals.models import Goal
from rapport.meetings import selectors
from rapport.meetings.models import ActionItem, Meeting, OneOnOne
from rapport.meetings.services import action_add, person_change_manager, point_add
from rapport.people.models import Person
from tests.cast import Cast
from tests.helpers.queries import assert_queries_do_not_grow, count_queries
from tests.helpers.team_setup import proposed, save_payload


def test_a_manager_sets_up_the_whole_team_in_one_form(cast: Cast, client: Client) -> None:
    for index in range(28):
        Person.objects.create_user(
            f"r{index}@example.com", None, name=f"Report {index:02d}", manager=cast.manager
        )
    client.force_login(cast.manager)
    url = reverse("meetings:team_setup")
    step_one = {
        "everyone": "on",
        "cadence": "weekly",
        "duration_minutes": "30",
        "max_per_day": "6",
        "starts_on": timezone.localdate().isoformat(),
    }
    response = proposed(client, url, step_one)
    assert OneOnOne.objects.filter(manager=cast.manager).count() == 1  # nothing saved yet
    response = client.post(url, save_payload(response, step_one))
    assert response.status_code == 302
    pairs = OneOnOne.objects.filter(manager=cast.manager, status="active")
    assert pairs.count() == 30
    per_day: dict[int, int] = {}
    for pair in pairs:
        per_day[pair.weekday] = per_day.get(pair.weekday, 0) + 1
    assert max(per_day.values()) <= 6  # not 30 back to back on one day any more
    assert all(pair.meetings.filter(status="upcoming").count() >= 9 for pair in pairs)


def test_changing_a_manager_closes_the_old_one_on_one_for_the_old_manager(cast: Cast) -> None:
    person_change_manager(person=cast.report, new_manager=cast.peer_manager, by=cast.admin)
    cast.one_on_one.refresh_from_db()
    assert cast.one_on_one.status == "closed"
    old, new, report = Client(), Client(), Client()
    old.force_login(cast.manager)
    new.force_login(cast.peer_manager)
    report.force_login(cast.report)
    url = reverse("meetings:meeting", args=[cast.meeting.uuid])
    assert old.get(url).status_code == 404
    assert new.get(url).status_code == 404
    page = report.get(url)
    assert page.status_code == 200 and "This 1:1 closed" in page.content.decode()
    assert "How the move went" in page.content.decode()
    # Future meetings of the closed 1:1 are cancelled; the report can no longer write to it.
    assert not cast.one_on_one.meetings.filter(
        status="upcoming", scheduled_for__gt=timezone.now()
    ).exists()
    assert (
        report.post(
            reverse("meetings:point_add", args=[cast.meeting.uuid]),
            {"text": "x", "section": "connection"},
        ).status_code
        == 302
    )
    assert not [point for point in cast.one_on_one.points.all() if point.text == "x"]


def test_a_new_one_on_one_with_the_new_manager_starts_empty(cast: Cast, client: Client) -> None:
    person_change_manager(person=cast.report, new_manager=cast.peer_manager, by=cast.admin)
    from rapport.meetings.services import Rule, one_on_one_set_up

    fresh = one_on_one_set_up(
        manager=cast.peer_manager,
        report=cast.report,
        rule=Rule("weekly", 3, time(11), 30, date.today()),
        by=cast.peer_manager,
        confirmed_out_of_hours=True,
    )
    client.force_login(cast.peer_manager)
    first = fresh.meetings.order_by("scheduled_for")[0]
    page = client.get(reverse("meetings:meeting", args=[first.uuid])).content.decode()
    assert "How the move went" not in page


def test_open_actions_follow_every_meeting_until_done_and_overdue_ones_stand_out(
    cast: Cast, client: Client
) -> None:
    first, second = list(cast.one_on_one.meetings.order_by("scheduled_for")[:2])
    late = action_add(
        one_on_one=cast.one_on_one,
        meeting=first,
        owner=cast.report,
        text="Send the slides",
        due_on=timezone.localdate() - timedelta(days=3),
        by=cast.manager,
        already_late=True,
    )
    client.force_login(cast.report)
    page = client.get(reverse("meetings:meeting", args=[second.uuid])).content.decode()
    assert "Send the slides" in page and "overdue since" in page
    mine = client.get(reverse("meetings:my_actions")).content.decode()
    assert "Send the slides" in mine and "1 overdue" in mine
    client.post(reverse("meetings:action_done", args=[late.uuid]), {"done": "1"})
    assert (
        "Send the slides"
        not in client.get(reverse("meetings:meeting", args=[second.uuid])).content.decode()
    )


def test_the_history_search_finds_only_text_the_viewer_may_see(cast: Cast) -> None:
    meeting = cast.meeting
    secret = cast.one_on_one.points.get(is_private=True)
    secret.discussed_in = meeting
    secret.save()
    yesterday = timezone.now() - timedelta(days=1)
    Meeting.objects.filter(pk=meeting.pk).update(status="held", scheduled_for=yesterday)
    assert list(selectors.timeline_for(cast.manager, cast.one_on_one, query="family news")) == [
        Meeting.objects.get(pk=meeting.pk)
    ]
    assert list(selectors.timeline_for(cast.report, cast.one_on_one, query="family news")) == []


def add_history(cast: Cast, meetings: int) -> None:
    past = timezone.now() - timedelta(days=7 * (meetings + 1))
    created = Meeting.objects.bulk_create(
        Meeting(
            one_on_one=cast.one_on_one,
            slot=past + timedelta(days=7 * i),
            scheduled_for=past + timedelta(days=7 * i),
            status="held",
        )
        for i in range(meetings)
    )
    for meeting in created:
        point_add(one_on_one=cast.one_on_one, author=cast.report, text="old", section="connection")
        # A goal per meeting, with an open action tied to it: goals and their actions must
        # not add queries either.
        goal = Goal.objects.create(
            one_on_one=cast.one_on_one,
            owner=cast.report,
            proposed_by=cast.report,
            title="An old goal",
            status="active",
        )
        action = action_add(
            one_on_one=cast.one_on_one,
            meeting=meeting,
            owner=cast.report,
            text="old action",
            due_on=None,
            by=cast.report,
        )
        ActionItem.objects.filter(pk=action.pk).update(goal=goal)


def grow_team(cast: Cast, size: int) -> None:
    from rapport.meetings.services import Rule, one_on_one_set_up

    for index in range(size):
        report = Person.objects.create_user(
            f"grow{index}@example.com", None, name=f"Grown {index}", manager=cast.manager
        )
        one_on_one_set_up(
            manager=cast.manager,
            report=report,
            rule=Rule("weekly", 2, time(9), 30, date.today()),
            by=cast.manager,
            confirmed_out_of_hours=True,
        )


def test_the_managers_home_makes_the_same_queries_for_a_team_of_3_or_30(
    cast: Cast, client: Client
) -> None:
    client.force_login(cast.manager)
    assert_queries_do_not_grow(
        lambda: count_queries(lambda: client.get(reverse("home"))),
        lambda: grow_team(cast, 27),
        # The triage board: tests/test_home.py lists the queries (the team view's among them).
        pinned=17,
    )


def test_the_managers_home_makes_the_same_queries_for_1_or_50_past_meetings(
    cast: Cast, client: Client
) -> None:
    add_history(cast, 1)
    client.force_login(cast.manager)
    assert_queries_do_not_grow(
        lambda: count_queries(lambda: client.get(reverse("home"))),
        lambda: add_history(cast, 49),
        # The triage board (tests/test_home.py), with the stall rule's second query: the
        # history holds active goals.
        pinned=18,
    )


def test_a_meeting_page_makes_the_same_queries_for_1_or_50_past_meetings(
    cast: Cast, client: Client
) -> None:
    add_history(cast, 1)
    client.force_login(cast.report)
    url = reverse("meetings:meeting", args=[cast.meeting.uuid])
    # Ten (tests/meetings/test_meeting_page_queries.py lists them): the person, the meeting
    # with its check-in, two for its place in the series (neighbours, last time, growth rhythm),
    # the points, the actions, the notes, two for the open goals and where each stands, and the
    # navigation's depth. The session comes from the shared cache (in tests the process's
    # memory).
    assert_queries_do_not_grow(
        lambda: count_queries(lambda: client.get(url)), lambda: add_history(cast, 49), pinned=10
    )


def test_a_meeting_page_makes_the_same_queries_for_a_team_of_3_or_30(
    cast: Cast, client: Client
) -> None:
    # As the manager: the report's ten, the person card, the report's shared working-with-me
    # profile and seven for the pair's signals (the team view's facts for this one pair), less
    # two: the pair has no goals, so neither the goals card nor the signals read the held
    # meetings that tell whether a goal stalled.
    client.force_login(cast.manager)
    url = reverse("meetings:meeting", args=[cast.meeting.uuid])
    assert_queries_do_not_grow(
        lambda: count_queries(lambda: client.get(url)), lambda: grow_team(cast, 27), pinned=17
    )


def test_an_import_that_moves_a_report_closes_their_one_on_one(cast: Cast) -> None:
    from rapport.access import SYSTEM
    from rapport.meetings.services import import_people

    data = (
        "email,name,manager_email\n"
        f"{cast.report.email},{cast.report.name},{cast.peer_manager.email}\n"
    ).encode()
    report = import_people(by=SYSTEM, data=data)
    assert report.problems == [] and report.updated == 1
    cast.one_on_one.refresh_from_db()
    assert cast.one_on_one.status == "closed"


def test_an_admin_sets_up_one_on_ones_for_another_manager(cast: Cast, client: Client) -> None:
    client.force_login(cast.admin)
    url = reverse("meetings:team_setup") + f"?manager={cast.peer_manager.uuid}"
    assert "Priya Peer" in client.get(url).content.decode()
    step_one = {
        "reports": [cast.peer_report.pk],
        "cadence": "biweekly",
        "duration_minutes": "30",
        "max_per_day": "6",
        "starts_on": timezone.localdate().isoformat(),
    }
    response = client.post(url, save_payload(proposed(client, url, step_one), step_one))
    assert response.status_code == 302
    pair = OneOnOne.objects.get(report=cast.peer_report, status="active")
    assert (pair.manager, pair.cadence) == (cast.peer_manager, "biweekly")
    # Setting it up gives the admin no view of its content.
    assert client.get(reverse("meetings:one_on_one", args=[pair.uuid])).status_code == 404


def test_a_member_cannot_set_up_one_on_ones_for_someone_else(cast: Cast, client: Client) -> None:
    client.force_login(cast.peer_manager)
    url = reverse("meetings:team_setup") + f"?manager={cast.manager.uuid}"
    assert client.get(url).status_code == 404


def test_a_manager_filter_that_is_no_uuid_is_not_found(cast: Cast, client: Client) -> None:
    # It used to be looked up as it came and raised a ValidationError (a 500).
    client.force_login(cast.admin)
    assert client.get(reverse("meetings:team_setup") + "?manager=x").status_code == 404
    assert client.get(reverse("meetings:team_setup") + "?manager=").status_code == 200


def test_setting_up_a_team_with_an_id_past_64_bits_is_refused_by_the_form(
    cast: Cast, client: Client
) -> None:
    # SQLite raised OverflowError on the id (a 500) before the form could refuse it.
    client.force_login(cast.manager)
    response = client.post(
        reverse("meetings:team_setup"),
        {
            "reports": ["999999999999999999999"],
            "cadence": "weekly",
            "weekday": "0",
            "start_time": "14:00",
            "duration_minutes": "30",
            "spacing": "0",
            "starts_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert "999999999999999999999" in response.context["form"].errors["reports"][0]
    assert OneOnOne.objects.count() == 1


def test_ticking_an_action_with_a_meeting_id_that_is_no_uuid_changes_nothing(
    cast: Cast, client: Client
) -> None:
    # The meeting's id came straight from the form data and raised a ValidationError (a 500).
    action = cast.one_on_one.actions.get()
    client.force_login(cast.report)
    url = reverse("meetings:action_done", args=[action.uuid])
    assert client.post(url, {"done": "1", "meeting": "x"}).status_code == 404
    action.refresh_from_db()
    assert action.done_at is None
    assert client.post(url, {"done": "1"}).status_code == 302
    action.refresh_from_db()
    assert action.done_at is not None
