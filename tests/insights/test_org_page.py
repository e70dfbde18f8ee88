"""The organisation view's page: who gets it, what it shows, and what it never shows."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.checkins.models import CheckIn
from rapport.meetings.models import Meeting, OneOnOne
from rapport.people.models import LeftReason, Person
from tests.cast import PASSWORD, Cast
from tests.helpers.queries import assert_queries_do_not_grow, count_queries

URL = "/insights/organisation/"


def client_of(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def page_of(person: Person) -> str:
    response = client_of(person).get(URL)
    assert response.status_code == 200
    return response.content.decode()


def leader(name: str, manager: Person | None = None) -> Person:
    email = name.lower().replace(" ", ".") + "@example.com"
    return Person.objects.create_user(email, PASSWORD, name=name, manager=manager)


def team(
    manager: Person,
    size: int,
    *,
    prefix: str,
    held: int = 12,
    due: int = 12,
    scores: tuple[int, int, int] = (4, 4, 3),
    left_on: date | None = None,
    reason: str = "",
) -> list[Person]:
    """`size` reports of `manager`, each with `due` weekly 1:1s before today (or before leaving),
    the latest `held` of them held and the rest skipped, and a check-in on every held one."""
    now = timezone.now()
    end = datetime.combine(left_on, time(10), tzinfo=UTC) if left_on else now
    reports = []
    start = Person.objects.filter(name__startswith=prefix).count()
    for number in range(start, start + size):
        report = Person.objects.create_user(
            f"{prefix.lower()}.{number}@example.com",
            PASSWORD,
            name=f"{prefix} Person {number}",
            manager=manager,
            is_active=left_on is None,
            left_on=left_on,
            left_reason=reason,
        )
        pair = OneOnOne.objects.create(
            manager=manager,
            report=report,
            start_time=time(10),
            timezone="UTC",
            starts_on=(end - timedelta(weeks=due + 1)).date(),
        )
        meetings = Meeting.objects.bulk_create(
            Meeting(
                one_on_one=pair,
                # Half a week apart from the window's edges, so all `due` fall inside 12 weeks.
                slot=end - timedelta(weeks=week, days=3),
                scheduled_for=end - timedelta(weeks=week, days=3),
                status=Meeting.Status.HELD if week < held else Meeting.Status.SKIPPED,
            )
            for week in range(due)
        )
        mood, energy, workload = scores
        CheckIn.objects.bulk_create(
            CheckIn(
                meeting=meeting,
                one_on_one=pair,
                report=report,
                mood=mood,
                energy=energy,
                workload=workload,
                submitted_at=meeting.scheduled_for,
            )
            for meeting in meetings
            if meeting.status == Meeting.Status.HELD
        )
        reports.append(report)
    return reports


def row_of(page: str, label: str) -> str:
    match = re.search(rf"<th scope=\"row\">{re.escape(label)}</th>(.*?)</tr>", page, re.S)
    assert match, f"no row {label!r}"
    return match.group(1)


# --- Who gets the page ----------------------------------------------------------------------


def test_hr_sees_the_cadence_of_every_team_of_5_or_more(cast: Cast) -> None:
    team(cast.manager, 5, prefix="Mia", held=9)
    team(cast.peer_manager, 5, prefix="Pete", held=12)
    page = page_of(cast.hr)
    assert "<strong>75%</strong>" in row_of(page, "Team of Mia Manager")
    assert "<strong>100%</strong>" in row_of(page, "Team of Pete Peer")
    assert 'role="img"' in page
    assert "<title>Team of Mia Manager: 45 of 60 1:1s held (75%)</title>" in page


def test_the_cadence_of_a_team_under_5_is_never_shown_on_its_own(cast: Cast) -> None:
    # Per-manager cadence of a team of 2 would let HR subtract it from a skip-level's figures.
    team(cast.manager, 2, prefix="Mia", held=9)
    team(cast.peer_manager, 1, prefix="Pete", held=12)
    page = page_of(cast.hr)
    assert "Team of Mia Manager" not in page and "Team of Pete Peer" not in page
    assert "Fewer than 5 people: hidden" in page
    assert "<strong>75%</strong>" not in page and "<strong>100%</strong>" not in page


def test_a_skip_level_sees_only_the_people_below_them(cast: Cast) -> None:
    team(cast.manager, 5, prefix="Mia")
    elsewhere = leader("Eli Elsewhere")
    team(elsewhere, 6, prefix="Far")
    page = page_of(cast.skip_level)
    assert "Team of Mia Manager" in page
    assert "Eli Elsewhere" not in page and "Far Person" not in page
    assert "Everyone below you" in page


def test_a_manager_of_a_large_team_without_managers_below_gets_a_404(cast: Cast) -> None:
    team(cast.manager, 10, prefix="Mia")
    assert client_of(cast.manager).get(URL).status_code == 404


def test_the_navigation_offers_the_page_to_those_who_may_see_it(cast: Cast) -> None:
    link = f'href="{reverse("insights:org")}"'
    assert link in client_of(cast.hr).get("/").content.decode()
    assert link in client_of(cast.skip_level).get("/").content.decode()
    for person in (cast.manager, cast.report, cast.admin, cast.outsider):
        assert link not in client_of(person).get("/").content.decode()


# --- What never leaks -----------------------------------------------------------------------


def test_a_team_of_4_is_hidden_and_its_scores_and_names_never_show(cast: Cast) -> None:
    # A marker pattern: only the team of 4 ever scores 1, 2, 3.
    small = leader("Small Team Lead", cast.skip_level)
    team(small, 4, prefix="Quiet", scores=(1, 2, 3))
    big = leader("Big Team Lead", cast.skip_level)
    team(big, 11, prefix="Loud", scores=(5, 5, 5))
    page = page_of(cast.hr)
    # The team of 4 waits for a block with the small teams above it (Mia's 2, Pete's 1 and the
    # skip-level's 4 leads, none of whom checked in): 4 people checked in there, too few.
    merged = "Teams of Mia Manager, Pete Peer, Sam Skiplevel and 1 more"
    assert "Fewer than 5 people: hidden" in row_of(page, merged)
    assert '<td class="num">1.0</td>' not in page
    assert '<td class="num">2.0</td><td class="num">3.0</td>' not in page
    assert "Quiet Person" not in page and "Loud Person" not in page
    # Their check-ins enter no figure, not even the whole organisation's: everyone in view is
    # the team of 11, which nothing can be subtracted from.
    checkins = page[page.index('id="checkins-heading"') :]
    for label in ("Everyone in view", "Team of Big Team Lead"):
        assert 'org-detail">11</td><td class="num">5.0</td>' in row_of(checkins, label)


def test_a_small_team_is_left_out_of_every_figure_rather_than_subtracted(cast: Cast) -> None:
    team(leader("Ana Lead", cast.skip_level), 6, prefix="Six", scores=(2, 2, 2))
    team(leader("Ben Lead", cast.skip_level), 5, prefix="Five", scores=(4, 4, 4))
    team(leader("Cy Lead", cast.skip_level), 2, prefix="Two", scores=(5, 1, 5))
    page = page_of(cast.hr)
    shown = [
        label
        for label in ("Everyone in view", "Team of Ana Lead", "Team of Ben Lead")
        if "hidden" not in row_of(page, label)
    ]
    # The team of 2 joins a block at the top that holds no other check-ins and enters no figure,
    # so every figure is made of the whole teams of 6 and 5, and all may show together.
    assert shown == ["Everyone in view", "Team of Ana Lead", "Team of Ben Lead"]
    assert 'org-detail">11</td>' in row_of(page, "Everyone in view")
    checkins = page[page.index('id="checkins-heading"') :]
    assert "Team of Cy Lead" not in checkins
    assert "Fewer than 5 people: hidden" in page


# --- Retention ------------------------------------------------------------------------------


def test_retention_is_hidden_with_a_reason_when_a_group_is_under_5(cast: Cast) -> None:
    lead = leader("Lead One", cast.skip_level)
    team(lead, 8, prefix="Kept", held=12)
    team(lead, 3, prefix="Lapsed", held=2)
    page = page_of(cast.hr)
    assert "Hidden: each group needs at least 5 people" in page
    assert "Fewer than 5 people had lapsed 1:1s." in page


def test_retention_compares_who_left_from_each_group(cast: Cast) -> None:
    lead = leader("Lead One", cast.skip_level)
    today = timezone.localdate()
    team(lead, 8, prefix="Kept", held=12)
    team(
        lead, 2, prefix="KeptLeft", held=12, left_on=today - timedelta(days=40), reason="voluntary"
    )
    team(lead, 3, prefix="Lapsed", held=2)
    team(
        lead,
        3,
        prefix="LapsedLeft",
        held=1,
        left_on=today - timedelta(days=100),
        reason=LeftReason.INVOLUNTARY,
    )
    team(lead, 2, prefix="Old", held=1, left_on=today - timedelta(days=500), reason="voluntary")
    page = page_of(cast.hr)
    assert "<strong>20%</strong> left" in page  # 2 of 10 kept
    assert "(2 of 10; 2 by their own choice)" in page
    assert "<strong>50%</strong> left" in page  # 3 of 6 lapsed
    assert "(3 of 6; 0 by their own choice)" in page
    assert "<title>People whose 1:1s lapsed: 3 of 6 left (50%)</title>" in page
    # A skip-level sees the same comparison for their people, but not why anyone left.
    skip = page_of(cast.skip_level)
    assert "(3 of 6)" in skip and "own choice" not in skip


# --- Speed ----------------------------------------------------------------------------------


def test_the_page_makes_the_same_queries_for_a_small_or_large_organisation(cast: Cast) -> None:
    today = timezone.localdate()
    team(cast.manager, 5, prefix="Mia")
    team(cast.peer_manager, 5, prefix="Pete", held=3, left_on=today - timedelta(days=30))
    client = client_of(cast.hr)
    counter = iter(range(100))

    def grow() -> None:
        for _ in range(3):
            lead = leader(f"Grown Lead {next(counter)}", cast.skip_level)
            team(lead, 7, prefix=f"Grown{next(counter)}", held=5)
            team(lead, 2, prefix=f"Gone{next(counter)}", left_on=today - timedelta(days=60))

    assert_queries_do_not_grow(
        lambda: count_queries(lambda: client.get(URL)),
        grow,
        # Person, the navigation's "leads anyone?", then: the org chart (scope, viewers,
        # partition, people in scope), cadence per report, check-in sums per report, stayers'
        # 1:1s, leavers' 1:1s, the retention population. The session comes from the shared cache
        # (in tests the process's memory).
        pinned=8,
    )


def test_a_skip_levels_page_costs_the_same_queries_as_hrs(cast: Cast) -> None:
    team(cast.manager, 5, prefix="Mia")
    client = client_of(cast.skip_level)

    def grow() -> None:
        team(leader("Another Lead", cast.skip_level), 9, prefix="More")

    assert_queries_do_not_grow(
        lambda: count_queries(lambda: client.get(URL)),
        grow,
        # As for HR: the org chart the partition is built from also gives the subtree.
        pinned=8,
    )


def test_a_1_1_under_way_or_not_yet_marked_today_is_not_counted_as_lapsed(cast: Cast) -> None:
    # 45 minutes after the cast's first 1:1 began it may still be running, or be marked held that
    # evening: the figures wait a day before calling it lapsed (once failed whenever the suite
    # ran just after the cast's meeting time).
    with time_machine.travel(cast.meeting.scheduled_for + timedelta(minutes=45), tick=False):
        team(cast.manager, 5, prefix="Mia", held=9)
        team(cast.peer_manager, 5, prefix="Pete", held=12)
        assert "Team of Mia Manager: 45 of 60 1:1s held" in page_of(cast.hr)
    with time_machine.travel(cast.meeting.scheduled_for + timedelta(days=1, minutes=1)):
        assert "Team of Mia Manager: 45 of 61 1:1s held" in page_of(cast.hr)
