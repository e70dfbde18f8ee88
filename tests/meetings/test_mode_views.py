"""Meeting mode's pages and controls: the clock fragment the server renders, who may press
what, and the summary after the meeting. The cast's 1:1 is Mia (manager) with Rui (report)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.meetings import services
from rapport.meetings.models import Meeting, Note, TimeSegment
from rapport.meetings.services import (
    Rule,
    action_add,
    one_on_one_set_up,
    one_on_ones_close_where_manager_changed,
    point_add,
    point_set_discussed,
)
from rapport.meetings.views.mode import balance_verdict, clock_text
from rapport.people.models import Person
from rapport.questions.models import Question
from rapport.questions.services import question_mark_asked
from tests.cast import Cast
from tests.helpers.queries import assert_queries_do_not_grow, count_queries
from tests.helpers.sealed import with_text

HTMX = {"HX-Request": "true", "HX-Target": "mode-clock"}
CONTROLS = ("mode_start", "mode_switch", "mode_pause", "mode_resume", "mode_end")
T0 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def client_of(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def url(cast: Cast, name: str) -> str:
    return reverse(f"meetings:{name}", kwargs={"meeting_uuid": cast.meeting.uuid})


def press(client: Client, cast: Cast, name: str, **data: str) -> Any:
    """A press as htmx sends it: the answer is the clock fragment."""
    return client.post(url(cast, name), data, headers=HTMX)


def attribute(html: str, name: str) -> str:
    """The value of a data attribute on the clock's own element."""
    head = html[html.index('id="mode-clock"') :]
    head = head[: head.index(">")]
    found = re.search(rf'{name}="([^"]*)"', head)
    assert found, f"{name} not on the clock"
    return found.group(1)


def run_a_measured_meeting(cast: Cast) -> Meeting:
    """12:30 on connection, then 10:30 on performance with a two-minute pause inside it."""
    manager, meeting = cast.manager, cast.meeting
    services.mode_start(meeting=meeting, by=manager, now=T0)
    services.mode_switch(
        meeting=meeting, section="performance", by=manager, now=T0 + timedelta(seconds=750)
    )
    services.mode_pause(meeting=meeting, by=manager, now=T0 + timedelta(minutes=20))
    services.mode_resume(meeting=meeting, by=manager, now=T0 + timedelta(minutes=22))
    return services.mode_end(meeting=meeting, by=manager, now=T0 + timedelta(minutes=25))


# --- The clock as a server-rendered fragment ---------------------------------------------------


def test_the_clock_fragment_renders_the_state_before_the_meeting_starts(cast: Cast) -> None:
    response = client_of(cast.manager).get(url(cast, "mode_clock"))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card mode-clock" id="mode-clock"')
    assert "<html" not in html  # the fragment alone
    assert attribute(html, "data-state") == "idle"
    assert attribute(html, "data-running") == ""
    assert "Not started" in html
    assert 'data-total data-seconds="0">0:00<' in html
    assert "No time measured yet; target 50% connection" in html
    assert "Start with connection" in html
    # It asks for itself again every few seconds, so the report and a second device follow.
    assert attribute(html, "hx-get") == url(cast, "mode_clock")
    assert "every 5s" in attribute(html, "hx-trigger")


def test_each_control_answers_the_clock_it_leaves_behind(cast: Cast) -> None:
    manager = client_of(cast.manager)

    started = press(manager, cast, "mode_start").content.decode()
    assert attribute(started, "data-state") == "running"
    assert attribute(started, "data-running") == "connection"
    assert "Connection running" in started and 'id="mode-pause"' in started
    since = datetime.fromisoformat(attribute(started, "data-running-since"))
    assert since <= timezone.now()

    switched = press(manager, cast, "mode_switch", section="performance").content.decode()
    assert attribute(switched, "data-running") == "performance"
    assert "Performance running" in switched

    paused = press(manager, cast, "mode_pause").content.decode()
    assert attribute(paused, "data-state") == "paused"
    assert attribute(paused, "data-running-since") == ""
    assert "Paused" in paused and 'id="mode-resume"' in paused and 'id="mode-pause"' not in paused

    resumed = press(manager, cast, "mode_resume").content.decode()
    assert attribute(resumed, "data-running") == "performance"

    ended = press(manager, cast, "mode_end")
    assert ended.status_code == 204
    assert ended["HX-Redirect"] == url(cast, "meeting_summary")
    cast.meeting.refresh_from_db()
    assert cast.meeting.status == Meeting.Status.HELD
    assert cast.meeting.segments.count() == 3


def test_the_running_section_counts_up_to_the_moment_of_asking(cast: Cast) -> None:
    started = timezone.now() - timedelta(seconds=90)
    services.mode_start(meeting=cast.meeting, by=cast.manager, now=started)
    html = client_of(cast.report).get(url(cast, "mode_clock")).content.decode()
    assert attribute(html, "data-running") == "connection"
    seconds = int(re.search(r'data-time="connection" data-seconds="(\d+)"', html).group(1))  # type: ignore[union-attr]
    assert 90 <= seconds <= 95
    assert f">{clock_text(seconds)}<" in html
    assert datetime.fromisoformat(attribute(html, "data-running-since")) == started
    # The split label is the server's, as of asking.
    assert "100% connection, 0% performance; target 50%" in html


def test_an_ended_clock_stops_asking_and_points_to_the_summary(cast: Cast) -> None:
    run_a_measured_meeting(cast)
    html = client_of(cast.manager).get(url(cast, "mode_clock")).content.decode()
    assert attribute(html, "data-state") == "ended"
    assert "hx-trigger" not in html[: html.index(">")]
    assert url(cast, "meeting_summary") in html
    assert "mode-controls" not in html


def test_the_json_clock_is_gone(cast: Cast) -> None:
    response = client_of(cast.manager).get(
        url(cast, "mode_clock"), headers={"Accept": "application/json"}
    )
    assert response["Content-Type"].startswith("text/html")
    response = client_of(cast.manager).post(
        url(cast, "mode_start"), headers={"Accept": "application/json"}
    )
    assert response.status_code == 302


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
    assert "Only the manager of an active 1:1 runs its clock." in response.content.decode()
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
    services.mode_start(meeting=cast.meeting, by=cast.manager)
    client = client_of(cast.report)
    assert 'data-running="connection"' in client.get(url(cast, "mode_clock")).content.decode()
    page = client.get(url(cast, "mode")).content.decode()
    assert "Mia runs the clock" in page
    for name in CONTROLS:
        assert url(cast, name) not in page
    assert 'id="mode-clock"' in page and "Connection running" in page


def test_the_manager_page_holds_the_controls_of_the_state_as_real_forms(cast: Cast) -> None:
    manager = client_of(cast.manager)

    def forms() -> set[str]:
        page = manager.get(url(cast, "mode")).content.decode()
        return {name for name in CONTROLS if f'action="{url(cast, name)}"' in page}

    assert forms() == {"mode_start", "mode_switch"}
    page = manager.get(url(cast, "mode")).content.decode()
    assert 'value="connection"' in page and 'value="performance"' in page
    assert page.index('data-section="connection"') < page.index('data-section="performance"')
    assert f'hx-post="{url(cast, "mode_start")}"' in page
    services.mode_start(meeting=cast.meeting, by=cast.manager)
    assert forms() == {"mode_switch", "mode_pause", "mode_end"}
    services.mode_pause(meeting=cast.meeting, by=cast.manager)
    assert forms() == {"mode_switch", "mode_resume", "mode_end"}


def test_an_ended_meeting_refuses_every_control_with_409(cast: Cast) -> None:
    services.mode_start(meeting=cast.meeting, by=cast.manager)
    services.mode_end(meeting=cast.meeting, by=cast.manager)
    manager = client_of(cast.manager)
    for name in CONTROLS:
        response = press(manager, cast, name, section="performance")
        assert response.status_code == 409
        assert "This meeting has ended" in response.content.decode()


def test_a_plain_post_after_the_end_says_why_on_the_mode_page(cast: Cast) -> None:
    services.mode_end(meeting=cast.meeting, by=cast.manager)
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
    [point] = with_text(cast.one_on_one.points.all(), "How the move went")
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

    services.meeting_estimate(
        meeting=cast.meeting, connection_minutes=10, performance_minutes=20, by=cast.manager
    )
    page = client.get(url(cast, "meeting_summary")).content.decode()
    assert "Estimated afterwards" in page and "10 min" in page and "20 min" in page
    assert "Connection was squeezed: 33%, 17 points under the target of 50%." in page


def test_a_running_meeting_summary_points_back_to_meeting_mode(cast: Cast) -> None:
    services.mode_start(meeting=cast.meeting, by=cast.manager)
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


def _past_meetings(cast: Cast, weeks: range) -> None:
    """Held, measured meetings before the cast's, each with a point discussed, a shared note
    and an action agreed: what meeting mode's last-time panel reads."""
    for week in weeks:
        moment = cast.meeting.scheduled_for - timedelta(weeks=week)
        past = Meeting.objects.create(
            one_on_one=cast.one_on_one,
            slot=moment,
            scheduled_for=moment,
            status=Meeting.Status.HELD,
        )
        services.mode_start(meeting=past, by=cast.manager, now=moment)
        services.mode_end(meeting=past, by=cast.manager, now=moment + timedelta(minutes=30))
        point = point_add(
            one_on_one=cast.one_on_one,
            author=cast.report,
            text=f"Week {week}",
            section="performance",
        )
        point_set_discussed(point=point, meeting=past, discussed=True, by=cast.report)
        Note.objects.create(
            meeting=past, author=cast.report, kind="shared", body=f"Notes of week {week}", version=1
        )
        action_add(
            one_on_one=cast.one_on_one,
            meeting=past,
            owner=cast.report,
            text=f"Follow up on week {week}",
            due_on=None,
            by=cast.report,
        )


def _more_reports(cast: Cast, numbers: range) -> None:
    for number in numbers:
        report = Person.objects.create_user(
            f"mode-report{number}@example.com", name=f"Report {number}", manager=cast.manager
        )
        rule = Rule("weekly", 2, time(11, 0), 30, timezone.localdate())
        one_on_one_set_up(
            manager=cast.manager,
            report=report,
            rule=rule,
            by=cast.manager,
            confirmed_out_of_hours=True,
        )


def _team_of(cast: Cast) -> int:
    return Person.objects.filter(manager=cast.manager).count()


# Meeting mode, the manager's view (clock running, notes, last time, signals, person card,
# question prompts, the report's shared working-with-me profile, the coaching panel): the same
# queries for a team of 3 and of 30, with 1 and 50 past meetings. The coaching panel adds 3:
# the open conversations, the active goals' fresh obstacles and the goals that invite a stretch.
# The meeting page's context is shared (tests/meetings/test_meeting_page_queries.py lists it; the
# check-in comes with the meeting).
MODE_QUERIES = 28


@pytest.mark.parametrize("viewer", ["manager", "report"])
def test_the_mode_page_makes_as_many_queries_for_a_team_of_30_and_50_past_meetings(
    cast: Cast, viewer: str
) -> None:
    _more_reports(cast, range(3 - _team_of(cast)))
    assert _team_of(cast) == 3
    _past_meetings(cast, range(1, 2))
    services.mode_start(meeting=cast.meeting, by=cast.manager)
    client = client_of(getattr(cast, viewer))
    mode_url = url(cast, "mode")

    def measure() -> int:
        response = client.get(mode_url)
        assert response.status_code == 200
        return count_queries(lambda: client.get(mode_url))

    def grow() -> None:
        _more_reports(cast, range(3, 30))
        _past_meetings(cast, range(2, 51))

    assert_queries_do_not_grow(
        measure, grow, pinned=MODE_QUERIES if viewer == "manager" else REPORT_MODE_QUERIES
    )
    assert _team_of(cast) == 30


# The report's view reads no signals, card or prompts.
REPORT_MODE_QUERIES = 10


def test_the_clock_fragment_and_the_summary_make_as_many_queries_with_a_long_history(
    cast: Cast,
) -> None:
    _past_meetings(cast, range(1, 2))
    run_a_measured_meeting(cast)
    client = client_of(cast.manager)

    def measure() -> int:
        return count_queries(lambda: client.get(url(cast, "mode_clock"))) * 100 + count_queries(
            lambda: client.get(url(cast, "meeting_summary"))
        )

    assert_queries_do_not_grow(
        measure, lambda: _past_meetings(cast, range(2, 51)), pinned=CLOCK_AND_SUMMARY
    )


# The fragment: person, meeting, its segments (3; the session comes from the shared cache, in
# tests the process's memory); the summary (hundreds digit apart; its notes in one query, as the
# viewer has no kept conflict copies).
CLOCK_AND_SUMMARY = 300 + 8


def test_the_summary_shows_notes_questions_asked_and_the_points_left(cast: Cast) -> None:
    question = Question.objects.filter(section="connection").first()
    assert question is not None
    question_mark_asked(meeting=cast.meeting, question=question, by=cast.manager)
    Note.objects.create(
        meeting=cast.meeting,
        author=cast.report,
        kind="shared",
        body="Rui's shared words",
        version=1,
    )
    Note.objects.create(
        meeting=cast.meeting, author=cast.manager, kind="private", body="Mia's own words", version=1
    )
    # Ended now (after the points were raised); nothing ticked: every point is left.
    services.mode_start(meeting=cast.meeting, by=cast.manager)
    services.mode_end(meeting=cast.meeting, by=cast.manager)

    manager = client_of(cast.manager).get(url(cast, "meeting_summary")).content.decode()
    assert "Questions asked" in manager and question.text in manager
    assert "Rui's shared words" in manager and "Mia's own words" in manager
    left = manager[manager.index('id="left-heading"') :]
    assert "How the move went" in left and "family news" in left  # her own private point
    assert "data-left-count>2<" in manager

    report = client_of(cast.report).get(url(cast, "meeting_summary")).content.decode()
    assert "Questions asked" not in report and question.text not in report
    assert "Rui's shared words" in report and "Mia's own words" not in report
    assert "data-left-count>1<" in report and "family news" not in report


# --- What a screen reader hears (issue 18) -----------------------------------------------------


def test_the_clock_is_a_silent_timer_and_changes_are_said_in_a_region_outside_the_swap(
    cast: Cast,
) -> None:
    page = client_of(cast.manager).get(url(cast, "mode")).content.decode()
    region = re.search(r'<p class="visually-hidden" id="mode-announce"([^>]*)>', page)
    assert region, "no live region on the page"
    assert 'aria-live="polite"' in region.group(1)
    # Outside the clock (htmx's swaps never replace it) and outside the phone's tab panels (a
    # hidden tab would silence it).
    assert region.start() < page.index("data-mode-screen") < page.index('id="mode-clock"')
    fragment = client_of(cast.manager).get(url(cast, "mode_clock")).content.decode()
    assert "mode-announce" not in fragment
    assert 'role="timer" aria-live="off" data-total' in fragment
    # Its planned length is what "5 minutes left" is counted against.
    assert attribute(fragment, "data-planned-minutes") == str(cast.meeting.duration_minutes)
    # The End fold's toggle has an id, so a poll's swap gives its focus back.
    services.mode_start(meeting=cast.meeting, by=cast.manager, now=timezone.now())
    running = client_of(cast.manager).get(url(cast, "mode_clock")).content.decode()
    assert '<summary class="button mode-big" id="mode-end-toggle">' in running
