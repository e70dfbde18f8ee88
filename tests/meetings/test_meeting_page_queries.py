"""What the meeting page and each of its htmx fragments read: the tables of their queries, in
order, for the manager and the report (issue 15: the page from its fragments' own small
contexts; the agenda, polled every 15 seconds by every open meeting page, reads only what it
renders). A query more on any of these is a decision to write down here."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import Settings

from rapport.meetings.models import ActionItem, Meeting, Note, TalkingPoint
from rapport.meetings.selectors import get_meeting_for
from rapport.meetings.services import action_add, meeting_set_status, note_save, point_add
from rapport.meetings.views import meeting as meeting_views
from rapport.meetings.views.meeting import AGENDA_SEEN_HEADER, actions_context, agenda_context
from rapport.people.models import Person
from tests.cast import Cast
from tests.meetings.test_one_on_ones import add_history

HTMX = {"HX-Request": "true"}
# The signed-in person; the session comes from the shared cache (in tests the process's memory),
# so reading it is no query.
SIGNED_IN = ["people_person"]


def tables_read(
    client: Client, url: str, data: dict[str, str] | None = None, *, htmx: bool = True
) -> list[str]:
    """The table each query reads (its outermost FROM) or writes, in order. A GET, or with
    `data` a post, both as htmx sends them (a GET as a browser does, without `htmx`)."""
    with CaptureQueriesContext(connection) as context:
        if data is None:
            response = client.get(url, headers=HTMX if htmx else {})
        else:
            response = client.post(url, data, headers=HTMX)
    assert response.status_code == 200, response.status_code
    return [
        table for table in (_table_of(query["sql"]) for query in context.captured_queries) if table
    ]


def _table_of(sql: str) -> str:
    if sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT")):
        return ""
    written = re.match(r'(?:INSERT INTO|UPDATE|DELETE FROM) "(\w+)"', sql)
    if written:
        return written.group(1)
    depth = 0
    for index, char in enumerate(sql):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and sql.startswith(' FROM "', index):
            return sql[index + 7 : sql.index('"', index + 7)]
    raise AssertionError(f"no table in {sql}")


def signed_in(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def page_url(meeting: Meeting, name: str = "meeting") -> str:
    return reverse(f"meetings:{name}", args=[meeting.uuid])


@pytest.fixture
def history(cast: Cast) -> Cast:
    """A pair with held meetings behind it (so "last time" and "carried over" have something to
    read), points, an action and notes on the meeting."""
    add_history(cast, 3)
    point_add(
        one_on_one=cast.one_on_one, author=cast.manager, text="Roadmap", section="performance"
    )
    last_held = Meeting.objects.filter(one_on_one=cast.one_on_one, status="held").last()
    assert last_held is not None
    for meeting in (last_held, cast.meeting):
        note_save(meeting=meeting, author=cast.report, kind="shared", body="Notes", base_version=0)
    action_add(
        one_on_one=cast.one_on_one,
        meeting=cast.meeting,
        owner=cast.report,
        text="Write it down",
        due_on=None,
        by=cast.manager,
    )
    return cast


# The agenda fragment: the meeting (with the pair, both people and, in a subquery, when the
# meeting before it was: a point raised before then and still open is "carried over") and the
# points (one-off, recurring and this meeting's ticks of the recurring ones, in one query).
AGENDA = [*SIGNED_IN, "meetings_meeting", "meetings_talkingpoint"]
# Every page's layout also asks whether the viewer leads anyone (the navigation's depth). It is
# cached for RAPPORT_NAV_CACHE_SECONDS in production; tests turn that cache off.
NAVIGATION = ["people_person"]


@pytest.mark.parametrize("viewer", ["manager", "report"])
def test_the_polled_agenda_reads_the_meeting_when_the_one_before_was_and_the_points(
    history: Cast, viewer: str
) -> None:
    client = signed_in(getattr(history, viewer))
    assert tables_read(client, page_url(history.meeting, "agenda")) == AGENDA


AGENDA_TAG = re.compile(r"""hx-headers='\{"X-Rapport-Agenda-Seen": "([0-9a-f]+)"\}'""")


def seen_tag(page: str) -> str:
    found = AGENDA_TAG.search(page)
    assert found, "the polling agenda sends back no tag"
    return found.group(1)


def test_an_unchanged_agenda_is_answered_204_reading_only_the_signed_in_person(
    history: Cast, settings: Settings
) -> None:
    # As in production (the process's memory stands in for the shared cache: the tag's read
    # of the viewer's version is no query here).
    settings.RAPPORT_PAGE_CACHE = True
    manager = signed_in(history.manager)
    tag = seen_tag(manager.get(page_url(history.meeting)).content.decode())
    poll = page_url(history.meeting, "agenda")
    seen = {**HTMX, AGENDA_SEEN_HEADER: tag}
    with CaptureQueriesContext(connection) as context:
        response = manager.get(poll, headers=seen)
    assert response.status_code == 204 and response.content == b""
    assert [_table_of(query["sql"]) for query in context.captured_queries] == SIGNED_IN
    # The report adds a point: the same tag now brings the agenda, with it and a new tag.
    point_add(
        one_on_one=history.one_on_one,
        author=history.report,
        text="Fresh news",
        section="connection",
    )
    response = manager.get(poll, headers=seen)
    assert response.status_code == 200
    fresh = response.content.decode()
    assert "Fresh news" in fresh and seen_tag(fresh) != tag
    now_seen = {**HTMX, AGENDA_SEEN_HEADER: seen_tag(fresh)}
    assert manager.get(poll, headers=now_seen).status_code == 204
    # A point the manager adds through the page answers with the agenda block and a tag made
    # after the write (the poll after it renders once more when the write's second bump, after
    # its commit, has moved the version again: rapport/versions.py).
    block = manager.post(
        reverse("meetings:point_add", args=[history.meeting.uuid]),
        {"text": "Mine too", "section": "performance"},
        headers=HTMX,
    ).content.decode()
    assert "Mine too" in block
    assert seen_tag(block) not in (tag, seen_tag(fresh))


def test_an_agenda_tag_is_its_viewers_alone(history: Cast, settings: Settings) -> None:
    settings.RAPPORT_PAGE_CACHE = True
    tag = seen_tag(signed_in(history.manager).get(page_url(history.meeting)).content.decode())
    seen = {**HTMX, AGENDA_SEEN_HEADER: tag}
    poll = page_url(history.meeting, "agenda")
    # The report's page has a tag of its own: the manager's brings the report the agenda.
    report = signed_in(history.report)
    assert report.get(poll, headers=seen).status_code == 200
    assert seen_tag(report.get(page_url(history.meeting)).content.decode()) != tag
    # Anyone outside the pair gets 404, whatever they send.
    for outsider in (history.outsider, history.peer_manager, history.hr):
        assert signed_in(outsider).get(poll, headers=seen).status_code == 404


def test_without_the_page_cache_the_agenda_has_no_tag_and_every_poll_renders(
    history: Cast,
) -> None:
    manager = signed_in(history.manager)
    assert AGENDA_TAG.search(manager.get(page_url(history.meeting)).content.decode()) is None
    poll = page_url(history.meeting, "agenda")
    assert manager.get(poll, headers={**HTMX, AGENDA_SEEN_HEADER: "0" * 24}).status_code == 200


def test_a_past_meetings_agenda_needs_no_previous_meeting(history: Cast) -> None:
    past = Meeting.objects.filter(one_on_one=history.one_on_one, status="held").last()
    assert past is not None
    client = signed_in(history.report)
    assert tables_read(client, page_url(past, "agenda")) == [
        *SIGNED_IN,
        "meetings_meeting",
        "meetings_talkingpoint",
    ]


# The whole page, as the report.
REPORT_PAGE = [
    *SIGNED_IN,
    "meetings_meeting",  # the meeting, its pair, both people and its check-in
    # Kept in the page cache with the viewer's version, as the manager's signals (below).
    "meetings_meeting",  # when its neighbours, last time and the growth rhythm's meetings are
    "meetings_meeting",  # those meetings (previous, next, last held)
    # The agenda and the actions move the same versions as the polled agenda's tag.
    "meetings_talkingpoint",  # the agenda
    "meetings_actionitem",  # this meeting's actions and those agreed last time
    "goals_goal",  # the pair's open goals
    "meetings_meeting",  # the held meetings that tell whether a goal stalled
    # Read on every request: the notes' editors carry the request's CSP nonce.
    "meetings_note",  # the viewer's notes, the other's shared one, last time's shared ones
    *NAVIGATION,
]
# The manager's page reads the pair's signals: the team view's facts for this one pair
# (rapport/insights/selectors.py), seven queries; then the person card and what the report
# shares of their working-with-me profile. In production the page cache keeps them with the
# series, the agenda, the actions and the goals under the viewer's version (the test below):
# they are read again only after a write that concerns the viewer (the card's and the
# profile's services move the manager's version too), or when the minute turns.
SIGNALS = [
    "meetings_oneonone",  # the pair
    "meetings_meeting",  # its held meetings
    "checkins_checkin",  # its check-ins
    "meetings_actionitem",  # its open actions
    "goals_goal",  # its open goals, read once for their counts and the stall rule
    "meetings_meeting",  # the held meetings that tell whether they stalled
    "insights_signaldismissal",  # signals the manager dismissed
]
MANAGER_PAGE = [
    *REPORT_PAGE[:8],
    *SIGNALS,
    "meetings_personcard",
    "people_workingprofile",
    *REPORT_PAGE[8:],
]


def test_the_reports_meeting_page(history: Cast) -> None:
    client = signed_in(history.report)
    assert tables_read(client, page_url(history.meeting)) == REPORT_PAGE
    assert len(REPORT_PAGE) == 10
    page = client.get(page_url(history.meeting)).content.decode()
    assert 'id="last-time-heading"' in page
    assert "Your shared notes" in page
    assert "Write it down" in page and "Roadmap" in page


def test_the_managers_meeting_page(history: Cast) -> None:
    client = signed_in(history.manager)
    assert tables_read(client, page_url(history.meeting)) == MANAGER_PAGE
    assert len(MANAGER_PAGE) == 19


def test_the_page_cache_keeps_the_series_and_signals_until_a_write_moves_the_managers_version(
    history: Cast, settings: Settings
) -> None:
    # As in production (tests turn the page cache off; the process's memory stands in for the
    # shared cache, so the cache itself reads no table).
    settings.RAPPORT_PAGE_CACHE = True
    client = signed_in(history.manager)
    kept = [*MANAGER_PAGE[:2], *MANAGER_PAGE[17:]]
    # Issue 15's "seven queries or fewer", the navigation's among them (cached in production).
    assert kept == [*SIGNED_IN, "meetings_meeting", "meetings_note", *NAVIGATION]
    # Built for keeping, everything kept is read after the viewer's version: the meeting again
    # too (a write between the two reads would otherwise be kept under a version counting it).
    built = [*MANAGER_PAGE[:2], "meetings_meeting", *MANAGER_PAGE[2:]]
    page = page_url(history.meeting)
    # As a browser asks for the page: its parts but "last time" and the notes kept rendered.
    assert tables_read(client, page, htmx=False) == built
    assert tables_read(client, page, htmx=False) == kept
    point_add(
        one_on_one=history.one_on_one, author=history.report, text="New", section="connection"
    )
    assert tables_read(client, page, htmx=False) == built
    assert tables_read(client, page, htmx=False) == kept
    # A note saved since shows at once (its save moved the version; the notes are read anyway).
    note = Note.objects.filter(
        meeting=history.meeting, author=history.manager, kind="shared"
    ).first()
    note_save(
        meeting=history.meeting,
        author=history.manager,
        kind="shared",
        body="Saved since",
        base_version=note.version if note else 0,
    )
    assert "Saved since" in client.get(page).content.decode()
    # Asked by htmx, no HTML is kept (its fragments would show the request's messages), only
    # the data, as meeting mode keeps it. The pair's signals are the team view's member for the
    # pair, kept apart under the report's version: built for the page just before, they are
    # read back, not read again.
    signals_kept = built[: 1 + 8] + built[1 + 8 + len(SIGNALS) :]
    assert signals_kept == [
        *MANAGER_PAGE[:2],
        "meetings_meeting",
        *MANAGER_PAGE[2:8],
        *MANAGER_PAGE[15:],
    ]
    assert tables_read(client, page) == signals_kept
    assert tables_read(client, page) == kept
    # A write about the report moves the report's version: the signals are read again.
    point_add(
        one_on_one=history.one_on_one, author=history.report, text="Also", section="connection"
    )
    assert tables_read(client, page) == built


def test_a_past_meeting_reads_no_last_time_and_no_signals(history: Cast) -> None:
    past = Meeting.objects.filter(one_on_one=history.one_on_one, status="held").last()
    assert past is not None
    client = signed_in(history.manager)
    assert tables_read(client, page_url(past)) == [
        *SIGNED_IN,
        "meetings_meeting",
        "meetings_meeting",
        "meetings_meeting",
        "meetings_talkingpoint",
        "meetings_actionitem",
        "goals_goal",
        "meetings_meeting",
        "meetings_personcard",
        "people_workingprofile",
        "meetings_note",
        *NAVIGATION,
    ]


# --- The fragments htmx swaps in after a change ---------------------------------------------
# Their views answer with the fragment's own context, built after the write: what it costs is
# pinned on the context itself, apart from the writes.


@pytest.mark.parametrize("viewer", ["manager", "report"])
def test_the_agenda_blocks_context_reads_the_previous_meeting_and_the_points(
    history: Cast, viewer: str
) -> None:
    person = getattr(history, viewer)
    meeting = get_meeting_for(person, history.meeting.uuid)
    with CaptureQueriesContext(connection) as context:
        agenda = agenda_context(person, meeting)
    assert [_table_of(query["sql"]) for query in context.captured_queries] == [
        "meetings_meeting",
        "meetings_talkingpoint",
    ]
    assert agenda["carried_before"] is not None
    sections = agenda["agenda"]
    assert isinstance(sections, list)
    assert "Roadmap" in [point.text for section in sections for point in section.points]


def test_the_actions_blocks_context_reads_the_actions_and_the_pairs_goals(history: Cast) -> None:
    meeting = get_meeting_for(history.report, history.meeting.uuid)
    with CaptureQueriesContext(connection) as context:
        actions = actions_context(history.report, meeting)
    assert [_table_of(query["sql"]) for query in context.captured_queries] == [
        "meetings_actionitem",
        "goals_goal",
    ]
    listed = actions["actions"]
    assert isinstance(listed, list)
    assert "Write it down" in [action.text for action in listed]


def test_an_htmx_tick_answers_with_the_agenda_block(history: Cast) -> None:
    point = next(
        point
        for point in TalkingPoint.objects.filter(author=history.manager)
        if point.text == "Roadmap"
    )
    client = signed_in(history.report)
    url = reverse("meetings:point_discuss", args=[history.meeting.uuid, point.uuid])
    response = client.post(url, {"discussed": "1"}, headers=HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.startswith('\n<section class="card" id="agenda-block"')
    assert "Roadmap" in page and "<html" not in page
    point.refresh_from_db()
    assert point.discussed_in_id == history.meeting.pk


def test_an_htmx_new_action_answers_with_the_actions_block(history: Cast) -> None:
    client = signed_in(history.manager)
    url = reverse("meetings:action_add", args=[history.meeting.uuid])
    response = client.post(url, {"text": "Book the room", "owner": "me"}, headers=HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="actions-block"' in page and "<html" not in page
    assert "Book the room" in page and "Write it down" in page
    assert ActionItem.objects.filter(text="Book the room", owner=history.manager).exists()


def test_the_polled_agenda_marks_points_raised_before_the_previous_meeting_carried_over(
    history: Cast,
) -> None:
    previous = (
        Meeting.objects.filter(
            one_on_one=history.one_on_one, scheduled_for__lt=history.meeting.scheduled_for
        )
        .exclude(status="cancelled")
        .last()
    )
    assert previous is not None
    old = point_add(
        one_on_one=history.one_on_one, author=history.report, text="Old one", section="connection"
    )
    TalkingPoint.objects.filter(pk=old.pk).update(
        created_at=previous.scheduled_for - timedelta(days=1)
    )
    client = signed_in(history.manager)
    agenda = client.get(page_url(history.meeting, "agenda"), headers=HTMX).content.decode()
    rows = {
        text: row
        for row in agenda.split('<li class="point')
        for text in ("Old one", "Roadmap")
        if text in row
    }
    assert "carried over" in rows["Old one"]
    assert "carried over" not in rows["Roadmap"]


@pytest.mark.parametrize("viewer", ["manager", "report"])
def test_the_polled_agenda_is_the_pages_agenda(history: Cast, viewer: str) -> None:
    """The fragment's own context renders exactly what the whole page shows in its place."""
    old = point_add(
        one_on_one=history.one_on_one, author=history.report, text="Old one", section="connection"
    )
    TalkingPoint.objects.filter(pk=old.pk).update(
        created_at=history.meeting.scheduled_for - timedelta(days=400)
    )
    client = signed_in(getattr(history, viewer))
    tokens = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    page = tokens.sub("", client.get(page_url(history.meeting)).content.decode())
    polled = client.get(page_url(history.meeting, "agenda"), headers=HTMX).content.decode()
    fragment = tokens.sub("", polled).strip()
    assert fragment.startswith('<div id="agenda"') and "Roadmap" in fragment
    assert "carried over" in fragment
    assert fragment in page


def test_a_write_between_the_requests_read_and_the_versions_is_not_kept(
    history: Cast, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The request reads the meeting before the page cache reads the viewer's version. If the
    # other person changes the meeting in between, the page built for keeping must not show
    # the meeting as the request first read it: it would be kept under a version that already
    # counts the write, and served until the next one.
    settings.RAPPORT_PAGE_CACHE = True
    client = signed_in(history.manager)
    page = page_url(history.meeting)
    read_by_the_request = meeting_views.meeting_with_checkin_for
    written: list[Meeting] = []

    def read_then_the_report_writes(viewer: Person, meeting_uuid: str) -> Meeting:
        meeting = read_by_the_request(viewer, meeting_uuid)
        if not written:
            written.append(
                meeting_set_status(
                    meeting=Meeting.objects.get(pk=meeting.pk),
                    status="skipped",
                    reason="Off sick",
                    by=history.report,
                )
            )
        return meeting

    monkeypatch.setattr(meeting_views, "meeting_with_checkin_for", read_then_the_report_writes)
    client.get(page)
    kept = client.get(page).content.decode()
    assert written and 'class="badge status-skipped"' in kept
