"""Meeting mode's pages and controls: the JSON the page counts on, who may press what, and the
summary after the meeting. The cast's 1:1 is Mia (manager) with Rui (report)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.meetings import meeting_mode
from rapport.meetings.models import Meeting, TimeSegment
from rapport.meetings.services import (
    action_add,
    one_on_ones_close_where_manager_changed,
    point_add,
    point_set_discussed,
)
from rapport.meetings.views_mode import balance_verdict, clock_text
from rapport.people.models import Person
from tests.cast import Cast
from tests.helpers.queries import assert_queries_do_not_grow, count_queries

JSON = {"Accept": "application/json"}
CONTROLS = ("mode_start", "mode_switch", "mode_pause", "mode_resume", "mode_end")
T0 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def client_of(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def url(cast: Cast, name: str) -> str:
    return reverse(f"meetings:{name}", kwargs={"meeting_uuid": cast.meeting.uuid})


def press(client: Client, cast: Cast, name: str, **data: str) -> Any:
    return client.post(url(cast, name), data, headers=JSON)


def run_a_measured_meeting(cast: Cast) -> Meeting:
    """12:30 on connection, then 10:30 on performance with a two-minute pause inside it."""
    manager, meeting = cast.manager, cast.meeting
    meeting_mode.mode_start(meeting=meeting, by=manager, now=T0)
    meeting_mode.mode_switch(
        meeting=meeting, section="performance", by=manager, now=T0 + timedelta(seconds=750)
    )
    meeting_mode.mode_pause(meeting=meeting, by=manager, now=T0 + timedelta(minutes=20))
    meeting_mode.mode_resume(meeting=meeting, by=manager, now=T0 + timedelta(minutes=22))
    return meeting_mode.mode_end(meeting=meeting, by=manager, now=T0 + timedelta(minutes=25))


# --- The clock as JSON ---------------------------------------------------------------------------


def test_the_clock_answers_the_whole_state_before_the_meeting_starts(cast: Cast) -> None:
    response = client_of(cast.manager).get(url(cast, "mode_clock"))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    state = response.json()
    assert set(state) == {
        "running",
        "totals",
        "running_since",
        "started",
        "ended",
        "paused",
        "server_now",
        "target",
        "share",
        "summary_url",
    }
    assert state["running"] is None and state["running_since"] is None
    assert state["totals"] == {"connection": 0, "performance": 0}
    assert state["share"] == {"connection": None, "performance": None}
    assert (state["started"], state["ended"], state["paused"]) == (False, False, False)
    assert state["target"] == {"connection": 50, "performance": 50}
    assert datetime.fromisoformat(state["server_now"]).tzinfo is not None
    assert state["summary_url"] == url(cast, "meeting_summary")


def test_each_control_answers_the_clock_it_leaves_behind(cast: Cast) -> None:
    manager = client_of(cast.manager)

    started = press(manager, cast, "mode_start").json()
    assert started["running"] == "connection" and started["started"] is True
    assert datetime.fromisoformat(started["running_since"]) <= timezone.now()

    switched = press(manager, cast, "mode_switch", section="performance").json()
    assert switched["running"] == "performance"

    paused = press(manager, cast, "mode_pause").json()
    assert paused["running"] is None and paused["paused"] is True
    assert paused["running_since"] is None

    resumed = press(manager, cast, "mode_resume").json()
    assert resumed["running"] == "performance" and resumed["paused"] is False

    ended = press(manager, cast, "mode_end").json()
    assert ended["ended"] is True and ended["running"] is None and ended["paused"] is False
    assert ended["summary_url"] == url(cast, "meeting_summary")
    cast.meeting.refresh_from_db()
    assert cast.meeting.status == Meeting.Status.HELD
    assert cast.meeting.segments.count() == 3


def test_the_running_section_counts_up_to_the_moment_of_asking(cast: Cast) -> None:
    started = timezone.now() - timedelta(seconds=90)
    meeting_mode.mode_start(meeting=cast.meeting, by=cast.manager, now=started)
    state = client_of(cast.report).get(url(cast, "mode_clock")).json()
    assert state["running"] == "connection"
    assert 90 <= state["totals"]["connection"] <= 95
    assert datetime.fromisoformat(state["running_since"]) == started


def test_plain_form_posts_come_back_to_meeting_mode_and_ending_goes_to_the_summary(
    cast: Cast,
) -> None:
    manager = client_of(cast.manager)
    response = manager.post(url(cast, "mode_start"))
    assert response.status_code == 302 and response["Location"] == url(cast, "mode")
    response = manager.post(url(cast, "mode_end"))
    assert response.status_code == 302 and response["Location"] == url(cast, "meeting_summary")


# --- Who may press what ------------------------------------------------------------------------


@pytest.mark.parametrize("name", CONTROLS)
def test_the_report_follows_the_clock_but_cannot_press_it(cast: Cast, name: str) -> None:
    response = press(client_of(cast.report), cast, name, section="performance")
    assert response.status_code == 403
    assert "manager" in response.json()["error"]
    assert not TimeSegment.objects.filter(meeting=cast.meeting).exists()


@pytest.mark.parametrize("role", ["peer_manager", "skip_level", "hr", "admin", "outsider"])
@pytest.mark.parametrize("name", CONTROLS)
def test_people_outside_the_pair_get_404_from_every_control(
    cast: Cast, role: str, name: str
) -> None:
    response = press(client_of(getattr(cast, role)), cast, name, section="connection")
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["peer_manager", "skip_level", "hr", "admin", "outsider"])
def test_people_outside_the_pair_get_404_from_the_clock_and_the_summary(
    cast: Cast, role: str
) -> None:
    client = client_of(getattr(cast, role))
    for name in ("mode", "mode_clock", "meeting_summary"):
        assert client.get(url(cast, name)).status_code == 404


def test_the_report_reads_the_clock_on_a_page_without_controls(cast: Cast) -> None:
    meeting_mode.mode_start(meeting=cast.meeting, by=cast.manager)
    client = client_of(cast.report)
    assert client.get(url(cast, "mode_clock")).json()["running"] == "connection"
    page = client.get(url(cast, "mode")).content.decode()
    assert "Mia runs the clock" in page
    for name in CONTROLS:
        assert url(cast, name) not in page
    assert 'id="mode-clock-state"' in page


def test_the_manager_page_holds_every_control_as_a_real_form(cast: Cast) -> None:
    page = client_of(cast.manager).get(url(cast, "mode")).content.decode()
    for name in CONTROLS:
        assert f'action="{url(cast, name)}"' in page
    assert 'value="connection"' in page and 'value="performance"' in page
    assert page.index('data-section="connection"') < page.index('data-section="performance"')


def test_an_ended_meeting_refuses_every_control_with_409(cast: Cast) -> None:
    meeting_mode.mode_start(meeting=cast.meeting, by=cast.manager)
    meeting_mode.mode_end(meeting=cast.meeting, by=cast.manager)
    manager = client_of(cast.manager)
    for name in CONTROLS:
        response = press(manager, cast, name, section="performance")
        assert response.status_code == 409
        assert "ended" in response.json()["error"]


def test_a_plain_post_after_the_end_says_why_on_the_mode_page(cast: Cast) -> None:
    meeting_mode.mode_end(meeting=cast.meeting, by=cast.manager)
    response = client_of(cast.manager).post(url(cast, "mode_pause"), follow=True)
    assert response.redirect_chain[-1][0] == url(cast, "mode")
    assert "This meeting has ended" in response.content.decode()


def test_an_unknown_section_is_refused_with_400(cast: Cast) -> None:
    response = press(client_of(cast.manager), cast, "mode_switch", section="gossip")
    assert response.status_code == 400
    assert not TimeSegment.objects.filter(meeting=cast.meeting).exists()


def test_after_the_manager_changes_the_report_keeps_reading_but_nobody_runs_the_clock(
    cast: Cast,
) -> None:
    cast.report.manager = cast.peer_manager
    cast.report.save(update_fields=["manager"])
    assert one_on_ones_close_where_manager_changed() == 1
    assert press(client_of(cast.manager), cast, "mode_start").status_code == 404
    assert press(client_of(cast.report), cast, "mode_start").status_code == 403
    assert client_of(cast.report).get(url(cast, "mode")).status_code == 200


# --- The summary ---------------------------------------------------------------------------------


def test_the_summary_shows_the_measured_minutes_against_the_target(cast: Cast) -> None:
    point = cast.one_on_one.points.get(text="How the move went")
    point_set_discussed(point=point, meeting=cast.meeting, discussed=True, by=cast.report)
    action_add(
        one_on_one=cast.one_on_one,
        meeting=cast.meeting,
        owner=cast.manager,
        text="Book the team offsite",
        due_on=None,
        by=cast.manager,
    )
    run_a_measured_meeting(cast)

    page = client_of(cast.manager).get(url(cast, "meeting_summary")).content.decode()
    assert '<time datetime="PT750S">12:30</time>' in page
    assert '<time datetime="PT630S">10:30</time>' in page
    assert "23:00" in page
    assert "54% · target 50%" in page and "46% · target 50%" in page
    assert "On target: 54% connection against a target of 50%." in page
    assert 'role="img"' in page and "<title" in page
    assert "How the move went" in page and "Book the team offsite" in page
    assert "data-covered-count>1<" in page and "data-actions-count>1<" in page


def test_the_summary_shows_private_points_to_their_author_only(cast: Cast) -> None:
    private = cast.one_on_one.points.get(is_private=True)
    point_set_discussed(point=private, meeting=cast.meeting, discussed=True, by=cast.manager)
    run_a_measured_meeting(cast)
    assert (
        "family news" in client_of(cast.manager).get(url(cast, "meeting_summary")).content.decode()
    )
    assert (
        "family news"
        not in client_of(cast.report).get(url(cast, "meeting_summary")).content.decode()
    )


def test_a_meeting_not_measured_says_so_and_shows_its_estimate(cast: Cast) -> None:
    client = client_of(cast.report)
    page = client.get(url(cast, "meeting_summary")).content.decode()
    assert "was not measured with meeting mode" in page
    assert "No estimate was given" in page

    meeting_mode.meeting_estimate(
        meeting=cast.meeting, connection_minutes=10, performance_minutes=20, by=cast.manager
    )
    page = client.get(url(cast, "meeting_summary")).content.decode()
    assert "Estimated afterwards" in page and "10 min" in page and "20 min" in page
    assert "Connection was squeezed: 33%, 17 points under the target of 50%." in page


def test_a_running_meeting_summary_points_back_to_meeting_mode(cast: Cast) -> None:
    meeting_mode.mode_start(meeting=cast.meeting, by=cast.manager)
    page = client_of(cast.manager).get(url(cast, "meeting_summary")).content.decode()
    assert "still running" in page and url(cast, "mode") in page


def test_clock_text_is_minutes_and_seconds_and_hours_only_when_needed() -> None:
    assert clock_text(0) == "0:00"
    assert clock_text(65) == "1:05"
    assert clock_text(3600 + 61) == "1:01:01"


def test_the_verdict_names_a_squeezed_connection() -> None:
    assert balance_verdict(None, 50) == "No time was measured."
    assert balance_verdict(70, 50).startswith("Connection took more room")
    assert balance_verdict(30, 50).startswith("Connection was squeezed")


# --- Pages --------------------------------------------------------------------------------------


def test_the_meeting_page_opens_meeting_mode(cast: Cast) -> None:
    page = client_of(cast.manager).get(url(cast, "meeting")).content.decode()
    assert f'href="{url(cast, "mode")}"' in page


def test_the_mode_page_shows_the_agenda_connection_first_and_the_open_actions(cast: Cast) -> None:
    page = client_of(cast.report).get(url(cast, "mode")).content.decode()
    assert 'id="agenda-block"' in page and 'id="actions-block"' in page
    assert "How the move went" in page and "Draft the on-call rota" in page
    assert "family news" not in page  # the manager's private point


def test_the_person_card_sits_beside_the_clock_for_the_manager_only(cast: Cast) -> None:
    assert "person-card-heading" in client_of(cast.manager).get(url(cast, "mode")).content.decode()
    assert (
        "person-card-heading" not in client_of(cast.report).get(url(cast, "mode")).content.decode()
    )


def test_the_mode_page_makes_as_many_queries_with_a_long_history(cast: Cast) -> None:
    client = client_of(cast.manager)
    mode_url = url(cast, "mode")
    meeting_mode.mode_start(meeting=cast.meeting, by=cast.manager)

    def measure() -> int:
        return count_queries(lambda: client.get(mode_url))

    def grow() -> None:
        for weeks in range(1, 50):
            moment = cast.meeting.scheduled_for - timedelta(weeks=weeks)
            past = Meeting.objects.create(
                one_on_one=cast.one_on_one,
                slot=moment,
                scheduled_for=moment,
                status=Meeting.Status.HELD,
            )
            meeting_mode.mode_start(meeting=past, by=cast.manager, now=moment)
            meeting_mode.mode_end(meeting=past, by=cast.manager, now=moment + timedelta(minutes=30))
            point = point_add(
                one_on_one=cast.one_on_one,
                author=cast.report,
                text=f"Week {weeks}",
                section="performance",
            )
            point_set_discussed(point=point, meeting=past, discussed=True, by=cast.report)

    assert_queries_do_not_grow(measure, grow)
