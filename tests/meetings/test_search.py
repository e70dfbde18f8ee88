"""Search across every 1:1 the viewer sees: upcoming agendas, discussed points, notes and
actions, with the matches marked; never the other person's private text."""

from __future__ import annotations

from datetime import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.meetings.models import Meeting, Note, Section
from rapport.meetings.selectors import SEARCH_LIMIT_PER_KIND, search_hits
from rapport.meetings.services import Rule, action_add, one_on_one_set_up, point_add
from rapport.meetings.templatetags.search_ui import excerpt, highlight
from rapport.people.models import Person
from tests.cast import Cast
from tests.helpers.queries import assert_queries_do_not_grow, count_queries
from tests.meetings.test_one_on_ones import add_history

pytestmark = pytest.mark.django_db

SEARCH = reverse("meetings:search")


def _upcoming(cast: Cast) -> Meeting:
    """The pair's open meeting under way, else the next one."""
    meetings = cast.one_on_one.meetings.filter(status=Meeting.Status.UPCOMING)
    meeting = next(
        (m for m in meetings.order_by("scheduled_for") if m.ends_at > timezone.now()), None
    )
    assert meeting is not None
    return meeting


def test_an_upcoming_agenda_point_is_found_with_its_next_meeting(cast: Cast) -> None:
    meeting = _upcoming(cast)
    point_add(
        one_on_one=cast.one_on_one,
        author=cast.report,
        text="Talk about the Lisbon offsite",
        section=Section.CONNECTION,
    )
    hits = search_hits(cast.manager, "lisbon").hits
    assert [(hit.where, hit.meeting) for hit in hits] == [("agenda", meeting)]


def test_notes_actions_and_own_private_notes_are_found_the_others_private_never(
    cast: Cast,
) -> None:
    meeting = cast.meeting
    Note.objects.create(
        meeting=meeting, author=cast.manager, kind="shared", body="Shared: roadmap", version=1
    )
    Note.objects.create(
        meeting=meeting, author=cast.manager, kind="private", body="Mine: roadmap", version=1
    )
    Note.objects.create(
        meeting=meeting, author=cast.report, kind="private", body="Hers: roadmap", version=1
    )
    action_add(
        one_on_one=cast.one_on_one,
        meeting=meeting,
        owner=cast.report,
        text="Draft the roadmap",
        due_on=None,
        by=cast.report,
    )
    as_manager = {(hit.where, hit.text) for hit in search_hits(cast.manager, "ROADMAP").hits}
    assert as_manager == {
        ("shared note", "Shared: roadmap"),
        ("private note", "Mine: roadmap"),
        ("action", "Draft the roadmap"),
    }
    as_report = {(hit.where, hit.text) for hit in search_hits(cast.report, "roadmap").hits}
    assert ("private note", "Hers: roadmap") in as_report
    assert all(text != "Mine: roadmap" for _where, text in as_report)
    for outsider in (cast.outsider, cast.hr, cast.admin, cast.skip_level):
        assert search_hits(outsider, "roadmap").hits == []


def test_the_page_marks_matches_and_escapes_everything(cast: Cast, client: Client) -> None:
    action_add(
        one_on_one=cast.one_on_one,
        meeting=cast.meeting,
        owner=cast.report,
        text="Fix <script>alert(1)</script> in the Billing page",
        due_on=None,
        by=cast.report,
    )
    client.force_login(cast.report)
    page = client.get(SEARCH, {"q": "billing"}).content.decode()
    assert "<mark>Billing</mark>" in page
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "1 place mentions" in page


def test_highlight_never_opens_a_tag_even_when_the_query_is_markup() -> None:
    assert highlight("a <b> c", "<b>") == "a <mark>&lt;b&gt;</mark> c"
    assert highlight("x&y", "&") == "x<mark>&amp;</mark>y"


def test_a_long_text_is_cut_around_the_first_match() -> None:
    text = "start " + "word " * 100 + "needle " + "word " * 100
    cut = excerpt(text, "needle")
    assert "needle" in cut and cut.startswith("…") and cut.endswith("…")
    assert len(cut) < 200


def test_bad_queries_get_a_clear_message_and_no_results(cast: Cast, client: Client) -> None:
    client.force_login(cast.report)
    short = client.get(SEARCH, {"q": "a"})
    assert short.status_code == 200
    assert "at least two characters" in short.content.decode()
    long = client.get(SEARCH, {"q": "x" * 500})
    assert long.status_code == 200
    assert client.get(SEARCH).status_code == 200


def _pair_with_matches(cast: Cast, number: int) -> None:
    report = Person.objects.create_user(
        f"report{number}@example.com", name=f"Report {number}", manager=cast.manager
    )
    rule = Rule("weekly", 2, time(11, 0), 30, timezone.localdate())
    pair = one_on_one_set_up(
        manager=cast.manager, report=report, rule=rule, by=cast.manager, confirmed_out_of_hours=True
    )
    meeting = pair.meetings.order_by("scheduled_for").first()
    assert meeting is not None
    Note.objects.create(
        meeting=meeting, author=cast.manager, kind="shared", body="quarterly plan", version=1
    )
    action_add(
        one_on_one=pair,
        meeting=meeting,
        owner=cast.manager,
        text="quarterly review",
        due_on=None,
        by=cast.manager,
    )
    point_add(
        one_on_one=pair, author=cast.manager, text="quarterly numbers", section=Section.PERFORMANCE
    )


def _pairs_with_matches(cast: Cast, numbers: range) -> None:
    for number in numbers:
        _pair_with_matches(cast, number)


def test_search_runs_the_same_queries_for_a_team_of_3_and_of_30(cast: Cast) -> None:
    _pairs_with_matches(cast, range(2))
    client = Client()
    client.force_login(cast.manager)

    def search() -> None:
        response = client.get(SEARCH, {"q": "quarterly"})
        assert response.status_code == 200
        assert "quarterly" in response.content.decode()

    assert_queries_do_not_grow(
        lambda: count_queries(search),
        lambda: _pairs_with_matches(cast, range(2, 29)),
        pinned=7,
    )


def test_search_runs_the_same_queries_for_1_and_50_past_meetings(cast: Cast) -> None:
    add_history(cast, 1)  # held meetings with points, goals and actions saying "old"
    client = Client()
    client.force_login(cast.manager)

    def search() -> None:
        response = client.get(SEARCH, {"q": "old"})
        assert response.status_code == 200
        assert "<mark>old</mark>" in response.content.decode()

    assert_queries_do_not_grow(
        lambda: count_queries(search), lambda: add_history(cast, 49), pinned=7
    )


def test_a_capped_search_says_so(cast: Cast, client: Client) -> None:
    for number in range(SEARCH_LIMIT_PER_KIND):
        action_add(
            one_on_one=cast.one_on_one,
            meeting=None,
            owner=cast.report,
            text=f"Ship release {number}",
            due_on=None,
            by=cast.report,
        )
    assert search_hits(cast.report, "release").capped
    assert not search_hits(cast.report, "release 7").capped
    client.force_login(cast.report)
    page = client.get(SEARCH, {"q": "release"}).content.decode()
    assert "Many places mention" in page and "newest 50 of each kind" in page
