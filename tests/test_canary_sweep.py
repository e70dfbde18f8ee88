"""Private content must never reach anyone but the people allowed to see it.

Each private thing holds a unique marker. As every role of the cast, the sweep fetches every
route of the access matrix, the htmx fragments, searches aimed at the markers, the calendar
feed and the meeting invite, and fails if it finds a marker that role may not see. Most
markers belong to their author alone; a goal (even a personal one) belongs to both people of
its 1:1 and to nobody else.
"""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings

from rapport import env
from rapport.meetings.models import Meeting
from rapport.meetings.services import (
    action_add,
    feed_for,
    meeting_reschedule,
    mode_end,
    mode_start,
    person_change_manager,
)
from rapport.notify import emails
from rapport.notify.models import Kind, Outbox
from rapport.notify.services import notify_tick
from tests.canaries import (
    CHECKIN_OUTSIDE,
    CHECKIN_SHARED,
    COACHING_NOTE,
    COACHING_OPTIONS,
    GOAL_OBSTACLE,
    MANAGER_NOTE,
    PERSON_CARD,
    PERSONAL_GOAL,
    REPORT_NOTE,
    REPORT_POINT,
    SIGNAL_NOTE,
    plant_canaries,
    second_meeting,
)
from tests.cast import PRIVATE_POINT_MARKER, ROLES, Cast
from tests.test_access_matrix import MATRIX


def pages_for(cast: Cast, role: str) -> list[str]:
    urls = [row.url(cast) for row in MATRIX.values()]
    meeting = cast.meeting.uuid
    pair = cast.one_on_one.uuid
    # Searches aim next to the markers (pages echo the query, so never the marker itself).
    for words in ("family news", "Worried", "CANARY", "PRIVATE-NOTE", "c41d", "Mastery"):
        urls.append(reverse("meetings:one_on_one", args=[pair]) + f"?q={words}")
        urls.append(reverse("people:org_chart") + f"?q={words}")
        urls.append(reverse("meetings:search") + f"?q={words}")
    urls.append(reverse("meetings:agenda", args=[meeting]))
    urls.append(reverse("checkins:checkin", args=[second_meeting(cast).uuid]))
    urls.append(reverse("meetings:meeting", args=[second_meeting(cast).uuid]))
    urls.append(reverse("meetings:meeting_invite", args=[meeting]))
    urls.append(reverse("goals:check") + "?title=Sleep+eight+hours&why=baby")
    # The week view with the report's hours shaded (a 404 for all but their manager).
    urls.append(reverse("meetings:week") + f"?person={cast.report.uuid}")
    # The triage home and the history of dismissed signals (the manager's only).
    urls.append(reverse("home"))
    urls.append(reverse("insights:dismissed", args=[pair]))
    person = cast.person(role)
    if person is not None:
        urls.append(reverse("meetings:calendar_feed", args=[feed_for(person).token]))
    return urls


def _client_of(cast: Cast, role: str) -> Client:
    client = Client()
    viewer = cast.person(role)
    if viewer is not None:
        client.force_login(viewer)
    return client


def _sweep(
    cast: Cast,
    role: str,
    authors: dict[str, tuple[str, ...]],
    client: Client,
    htmx_too: bool = True,
) -> int:
    """Fetches every page as `role`; fails on a marker the role may not see. Returns the count."""
    fetched = 0
    for url in pages_for(cast, role):
        for htmx in (False, True) if htmx_too else (False,):
            headers = {"HX-Request": "true"} if htmx else {}
            body = client.get(url, headers=headers).content.decode(errors="replace")
            # Search marks its matches inside the text: a marker split by <mark> still leaks.
            body = body.replace("<mark>", "").replace("</mark>", "")
            fetched += 1
            leaked = [
                marker
                for marker, allowed in authors.items()
                if marker in body and role not in allowed
            ]
            assert not leaked, f"{role} saw {leaked} at {url}"
    return fetched


@pytest.mark.parametrize("role", ROLES)
def test_no_private_marker_reaches_anyone_but_its_author(cast: Cast, role: str) -> None:
    authors = plant_canaries(cast)
    assert _sweep(cast, role, authors, _client_of(cast, role)) > 40


def test_no_private_marker_reaches_anyone_once_every_cache_is_warm(
    cast: Cast, settings: Settings
) -> None:
    # The shared cache as in production (the database's table): the home and team pages'
    # data per viewer (rapport/pagecache.py) and the navigation's depth. Every role visits
    # every page once, so that the cache holds each viewer's pages; then the sweep: a page
    # cached for one viewer and served to another would carry the first one's markers.
    settings.CACHES = {"default": env.cache_from("")}
    settings.RAPPORT_PAGE_CACHE = True
    settings.RAPPORT_NAV_CACHE_SECONDS = 60
    authors = plant_canaries(cast)
    clients = {role: _client_of(cast, role) for role in ROLES}
    for role in ROLES:
        for url in pages_for(cast, role):
            clients[role].get(url)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT cache_key FROM {env.CACHE_TABLE} WHERE cache_key LIKE %s", [":1:page%"]
        )
        cached = {key.split(":")[4] for (key,) in cursor.fetchall()}
    # Home and the team view, per viewer: the managers', the reports', HR's...
    assert {str(cast.manager.pk), str(cast.report.pk), str(cast.hr.pk)} <= cached
    # What the table keeps on disk is sealed like the columns the text came from: no marker,
    # private or not, in clear (base64 undone, as the backend stores pickles).
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {env.CACHE_TABLE}")
        stored = [base64.b64decode(value) for (value,) in cursor.fetchall()]
    in_clear = sorted({m for m in authors for raw in stored if m.encode() in raw})
    assert not in_clear, f"the cache table keeps {in_clear} in clear"
    for role in ROLES:
        assert _sweep(cast, role, authors, clients[role], htmx_too=False) > 40


def test_the_authors_do_see_their_own_markers(cast: Cast) -> None:
    # Guards the sweep itself: if markers never rendered, the test above would prove nothing.
    plant_canaries(cast)
    for role, markers in (
        ("manager", (PRIVATE_POINT_MARKER, MANAGER_NOTE, PERSON_CARD)),
        ("report", (REPORT_POINT, REPORT_NOTE)),
    ):
        client = Client()
        client.force_login(cast.person(role))  # type: ignore[arg-type]
        page = client.get(reverse("meetings:meeting", args=[cast.meeting.uuid])).content.decode()
        assert all(marker in page for marker in markers), role


def test_the_manager_sees_her_own_signal_note_in_the_dismissed_history(cast: Cast) -> None:
    # Guards the sweep of the history page: the dismissal reason does render for its author.
    plant_canaries(cast)
    client = Client()
    client.force_login(cast.manager)
    page = client.get(reverse("insights:dismissed", args=[cast.one_on_one.uuid])).content
    assert SIGNAL_NOTE in page.decode()


def test_the_authors_find_their_own_markers_in_search(cast: Cast) -> None:
    # Guards the search part of the sweep: the searches above do reach the private texts.
    plant_canaries(cast)
    for role, markers in (
        ("manager", (PRIVATE_POINT_MARKER, MANAGER_NOTE)),
        ("report", (REPORT_POINT, REPORT_NOTE)),
    ):
        client = Client()
        client.force_login(cast.person(role))  # type: ignore[arg-type]
        page = client.get(reverse("meetings:search"), {"q": "CANARY"}).content.decode()
        page = page.replace("<mark>", "").replace("</mark>", "")
        assert all(marker in page for marker in markers), role


def test_both_people_of_the_pair_see_the_personal_goal(cast: Cast) -> None:
    # Guards the goal marker the same way: it must render where the pair looks for it.
    plant_canaries(cast)
    goal = cast.one_on_one.goals.get()
    for role in ("manager", "report"):
        client = Client()
        client.force_login(cast.person(role))  # type: ignore[arg-type]
        page = client.get(reverse("goals:detail", args=[goal.uuid])).content.decode()
        assert page.count(PERSONAL_GOAL) >= 2, role  # the title and the why
        assert GOAL_OBSTACLE in page, role
        meeting_page = client.get(reverse("meetings:meeting", args=[cast.meeting.uuid]))
        assert PERSONAL_GOAL in meeting_page.content.decode(), role  # the pair's goals card


def test_the_coaching_options_reach_the_pair_and_the_coaching_note_its_author_alone(
    cast: Cast,
) -> None:
    # Guards the coaching markers: they render on the goal page, to the people they are for.
    plant_canaries(cast)
    goal = cast.one_on_one.goals.get()
    pages = {}
    for role in ("manager", "report"):
        client = Client()
        client.force_login(cast.person(role))  # type: ignore[arg-type]
        pages[role] = client.get(reverse("goals:detail", args=[goal.uuid])).content.decode()
    assert COACHING_OPTIONS in pages["manager"]
    assert COACHING_OPTIONS in pages["report"]
    assert COACHING_NOTE in pages["manager"]
    assert COACHING_NOTE not in pages["report"]


def test_the_check_in_notes_reach_the_people_they_are_for(cast: Cast) -> None:
    # Guards the check-in markers: the report sees both notes; the manager only the shared one.
    plant_canaries(cast)
    for role, meeting, marker in (
        ("report", cast.meeting, CHECKIN_OUTSIDE),
        ("report", second_meeting(cast), CHECKIN_SHARED),
        ("manager", second_meeting(cast), CHECKIN_SHARED),
    ):
        client = Client()
        client.force_login(cast.person(role))  # type: ignore[arg-type]
        for route in ("meetings:meeting", "checkins:checkin"):
            page = client.get(reverse(route, args=[meeting.uuid])).content.decode()
            assert marker in page, (role, route)


def test_no_marker_at_all_reaches_an_invite_email(cast: Cast) -> None:
    # Invites go to both people, and on into calendars that get shared and synced: they carry
    # no agenda, note, goal or check-in text, whoever may see it elsewhere. Every change of the
    # pair's schedule and its end each make an invite; all of them are swept.
    authors = plant_canaries(cast)
    Meeting.objects.filter(pk=cast.meeting.pk).update(status_reason=f"Away {REPORT_POINT}")
    now = timezone.now()
    notify_tick(now=now)
    later = second_meeting(cast)
    meeting_reschedule(
        meeting=later,
        to=later.scheduled_for + timedelta(hours=1),
        by=cast.manager,
        confirmed_out_of_hours=True,
    )
    notify_tick(now=now)
    person_change_manager(person=cast.report, new_manager=cast.peer_manager, by=cast.admin)
    notify_tick(now=now)
    rows = list(Outbox.objects.filter(kind=Kind.CALENDAR_INVITE))
    assert {row.calendar_method for row in rows} == {"REQUEST", "CANCEL"}
    assert len(rows) == 6  # set-up, move and end, to both people
    for row in rows:
        whole = "\n".join((row.subject, row.body_text, row.body_html, row.calendar))
        leaked = [marker for marker in [*authors, "CANARY"] if marker in whole]
        assert not leaked, f"invite to {row.to_address} carries {leaked}"


@pytest.mark.parametrize("role", ROLES)
def test_last_time_on_the_next_meeting_carries_no_private_marker(cast: Cast, role: str) -> None:
    # Once the canaries' meeting is held, the next meeting shows it as "last time".
    authors = plant_canaries(cast)
    Meeting.objects.filter(pk=cast.meeting.pk).update(status=Meeting.Status.HELD)
    following = (
        cast.one_on_one.meetings.filter(scheduled_for__gt=cast.meeting.scheduled_for)
        .order_by("scheduled_for")
        .first()
    )
    assert following is not None
    client = Client()
    viewer = cast.person(role)
    if viewer is not None:
        client.force_login(viewer)
    body = client.get(reverse("meetings:meeting", args=[following.uuid])).content.decode()
    if role in ("manager", "report"):
        assert 'id="last-time-heading"' in body  # the panel is there to be swept
    leaked = [m for m, allowed in authors.items() if m in body and role not in allowed]
    assert not leaked, f"{role} saw {leaked} on last time"


@pytest.mark.parametrize("role", ROLES)
def test_meeting_mode_and_the_summary_carry_no_private_marker(cast: Cast, role: str) -> None:
    # Meeting mode holds both notes, last time, the person card, the question prompts and the
    # signals; the summary holds the notes and the points left. The canaries' meeting is held
    # (measured in meeting mode), so the next meeting's mode shows it as last time.
    authors = plant_canaries(cast)
    mode_start(meeting=cast.meeting, by=cast.manager)
    mode_end(meeting=cast.meeting, by=cast.manager)
    following = second_meeting(cast)
    client = Client()
    viewer = cast.person(role)
    if viewer is not None:
        client.force_login(viewer)
    for route, meeting in (
        ("meetings:mode", following),
        ("meetings:mode", cast.meeting),
        ("meetings:mode_clock", following),
        ("meetings:meeting_summary", cast.meeting),
        ("meetings:meeting_summary", following),
    ):
        body = client.get(reverse(route, args=[meeting.uuid])).content.decode()
        if role in ("manager", "report") and route == "meetings:mode" and meeting == following:
            assert 'id="last-time-heading"' in body  # the panel is there to be swept
        leaked = [m for m, allowed in authors.items() if m in body and role not in allowed]
        assert not leaked, f"{role} saw {leaked} at {route} of {meeting}"


def test_the_summary_shows_each_person_their_own_private_note_as_theirs_alone(
    cast: Cast,
) -> None:
    # Guards the sweep above: the private notes do render on the summary, to their authors.
    plant_canaries(cast)
    for role, mine in (("manager", MANAGER_NOTE), ("report", REPORT_NOTE)):
        client = Client()
        client.force_login(cast.person(role))  # type: ignore[arg-type]
        page = client.get(reverse("meetings:meeting_summary", args=[cast.meeting.uuid]))
        body = page.content.decode()
        private = body[body.index('data-summary-note="private"') :]
        assert mine in private[: private.index("</div>\n  </div>")], role
        assert "only you" in private[:400], role
        mode = client.get(reverse("meetings:mode", args=[cast.meeting.uuid])).content.decode()
        assert mine in mode, role  # the private note's editor in meeting mode


def test_the_emails_before_a_1_on_1_carry_signals_to_the_manager_only(cast: Cast) -> None:
    # The day-before email to the manager lists the pair's open signals; the report's reminder
    # for the same meeting never does, nor any private marker of the manager's.
    authors = plant_canaries(cast)
    for number in range(4):  # "actions overdue": an open signal on the pair
        action_add(
            one_on_one=cast.one_on_one,
            meeting=None,
            owner=cast.report,
            text=f"Late thing {number}",
            due_on=timezone.localdate() - timedelta(days=10),
            by=cast.manager,
            already_late=True,
        )
    sent = {
        "manager": [
            emails.manager_agenda(meeting=cast.meeting, manager=cast.manager),
            emails.weekly_digest(manager=cast.manager, week_start=timezone.now()),
        ],
        "report": [emails.report_reminder(meeting=cast.meeting, report=cast.report)],
    }
    manager_agenda = sent["manager"][0]
    assert "Signals to prepare for" in manager_agenda.text + manager_agenda.html
    assert "4 actions overdue" in manager_agenda.text
    for role, messages in sent.items():
        for email in messages:
            whole = "\n".join((email.subject, email.text, email.html))
            leaked = [m for m, allowed in authors.items() if m in whole and role not in allowed]
            assert not leaked, f"{email.kind} to the {role} carries {leaked}"
            if role == "report":
                assert "Signals" not in whole and "actions overdue" not in whole
                assert "Keep an eye on" not in whole and "Act now" not in whole
