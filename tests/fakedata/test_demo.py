"""The demo as a user meets it: the people the README names, every flow with something to
show, every signal of the team view, and the rules of tests/fakedata/invariants.py."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings

from rapport.checkins.models import CheckIn
from rapport.fakedata.build import (
    DEMO_PASSWORD,
    FakeDataRefused,
    demo_delete,
    demo_people,
    demo_sign_ins,
)
from rapport.fakedata.plan import data
from rapport.goals.models import CoachingConversation
from rapport.insights.models import SignalDismissal
from rapport.insights.rules import Rule, Severity
from rapport.insights.selectors import team_view
from rapport.meetings.models import Meeting, OneOnOne, TalkingPoint
from rapport.people.models import Person, WorkingProfile
from tests.fakedata import invariants

pytestmark = pytest.mark.xdist_group("demo")
DOMAIN = "@demo.rapport.example"
MAYA = f"maya.okafor{DOMAIN}"
JOSE = f"jose.hernandez{DOMAIN}"


def person(email: str) -> Person:
    return Person.objects.get(email=email)


def client_for(email: str) -> Client:
    client = Client()
    client.force_login(person(email))
    return client


def test_the_demo_keeps_every_rule(demo_today: date, db: None) -> None:
    assert invariants.problems(timezone.now()) == []
    assert invariants.leavers_without_active_pairs() == []


def test_the_named_accounts_exist_with_the_published_password(
    demo_today: date, db: None, settings: Settings
) -> None:
    # The demo was hashed before the tests' fast hasher took over (tests/conftest.py).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    sign_ins = demo_sign_ins(today=demo_today)
    assert sign_ins is not None
    names = [s.person.name for s in sign_ins]
    assert names == [
        "Maya Okafor", "José Hernández", "Ingrid Solberg", "Elif Demir", "Tendai Moyo",
        "Daniel Cohen", "Grace Mensah", "Lukas Brenner",
    ]  # fmt: skip
    for sign_in in sign_ins:
        assert sign_in.person.is_demo and sign_in.person.check_password(DEMO_PASSWORD)
    assert person(f"grace.mensah{DOMAIN}").role == "hr"
    assert person(f"lukas.brenner{DOMAIN}").role == "admin"


def test_the_manager_of_30_has_30_reports_each_in_an_active_one_on_one(
    demo_today: date, db: None
) -> None:
    maya = person(MAYA)
    reports = maya.reports.filter(is_active=True)
    assert reports.count() == 30
    pairs = OneOnOne.objects.filter(manager=maya, status=OneOnOne.Status.ACTIVE)
    assert set(pairs.values_list("report", flat=True)) == set(reports.values_list("pk", flat=True))
    # Every pair has a history: held meetings with talking points, and one to come.
    for pair in pairs:
        assert pair.meetings.filter(status=Meeting.Status.HELD).exists(), pair.report.name
        assert pair.meetings.filter(status=Meeting.Status.UPCOMING).exists(), pair.report.name


def test_every_signal_of_the_team_view_appears_and_only_a_few_are_strong(
    demo_today: date, db: None
) -> None:
    members = team_view(person(MAYA)).members
    kinds = Counter(signal.rule for member in members for signal in member.signals)
    # Risk of leaving needs 120 days without a career talk: more history than this reduced demo
    # has. The full demo shows it (tests/fakedata/test_demo_full.py, slow tier).
    expected = set(Rule) - {Rule.RISK_OF_LEAVING}
    assert expected <= set(kinds), f"missing: {expected - set(kinds)}"
    act_now = [m for m in members if any(s.severity is Severity.ACT_NOW for s in m.signals)]
    assert 3 <= len(act_now) <= 6, [m.report.name for m in act_now]
    # Most of the team is fine: the view has calm rows as well as signals.
    assert sum(1 for member in members if not member.signals) >= 10


def test_most_pairs_talk_about_career_and_a_few_have_not_for_months(
    demo_today: date, db: None
) -> None:
    maya = person(MAYA)
    careers = set(data("texts")["career_points"])
    points = TalkingPoint.objects.filter(
        one_on_one__manager=maya, one_on_one__status=OneOnOne.Status.ACTIVE
    ).values_list("one_on_one__report", "text")
    talked = {report for report, text in points if text in careers}
    silent = 30 - len(talked)
    assert 2 <= silent <= 3


PAGES = [
    # (who, page, what must be on it)
    (MAYA, "home", "José Hernández"),
    (JOSE, "home", "Maya Okafor"),
    (MAYA, "insights:team", "Kwame Asante"),
    (MAYA, "goals:mine", "Your team's goals"),
    (JOSE, "goals:mine", "goal-card-active"),  # an active goal, with where it stands
    (MAYA, "meetings:week", "José Hernández"),
    (MAYA, "meetings:my_actions", "Across your team"),
    (f"grace.mensah{DOMAIN}", "insights:org", "1:1s held, per team"),
    (f"ingrid.solberg{DOMAIN}", "home", "Maya Okafor"),
]


@pytest.mark.parametrize(("email", "page", "text"), PAGES)
def test_every_flow_has_something_to_show(
    demo_today: date, db: None, email: str, page: str, text: str
) -> None:
    response = client_for(email).get(reverse(page))
    assert response.status_code == 200
    assert text in response.content.decode()


def test_some_reports_have_checked_in_for_their_next_1_on_1(demo_today: date, db: None) -> None:
    # Check-ins open a few days before a meeting: some are in, and their manager reads them.
    checkin = CheckIn.objects.filter(meeting__status=Meeting.Status.UPCOMING).first()
    assert checkin is not None
    manager = Client()
    manager.force_login(checkin.one_on_one.manager)
    page = manager.get(reverse("meetings:meeting", args=[checkin.meeting.uuid])).content.decode()
    assert "has not checked in yet" not in page
    assert 'id="checkin-heading"' in page


def test_the_history_of_dismissed_signals_has_one_dismissed_and_one_restored(
    demo_today: date, db: None
) -> None:
    dismissals = SignalDismissal.objects.filter(dismissed_by__email=MAYA)
    assert dismissals.count() == 2
    restored = dismissals.get(restored_at__isnull=False)
    assert restored.title and restored.evidence  # the signal as Maya saw it
    page = client_for(MAYA).get(reverse("insights:dismissed", args=[restored.one_on_one.uuid]))
    assert restored.reason in page.content.decode()


def test_the_meeting_page_shows_last_time(demo_today: date, db: None) -> None:
    pair = OneOnOne.objects.get(report__email=JOSE, status=OneOnOne.Status.ACTIVE)
    upcoming = pair.meetings.filter(status=Meeting.Status.UPCOMING).order_by("scheduled_for")[0]
    last = pair.meetings.filter(status=Meeting.Status.HELD).order_by("-scheduled_for")[0]
    assert TalkingPoint.objects.filter(discussed_in=last).exists()
    assert last.notes.filter(kind="shared").exists()
    page = client_for(MAYA).get(reverse("meetings:meeting", args=[upcoming.uuid]))
    assert page.status_code == 200
    assert 'id="last-time-heading"' in page.content.decode()
    assert reverse("meetings:meeting", args=[last.uuid]) in page.content.decode()


def test_a_person_card_check_ins_goals_and_days_away_exist(demo_today: date, db: None) -> None:
    pair = OneOnOne.objects.get(report__email=JOSE, status=OneOnOne.Status.ACTIVE)
    assert pair.checkins.exists()
    assert pair.goals.filter(status="active").exists()
    assert OneOnOne.objects.filter(manager__email=MAYA, card__isnull=False).count() >= 15
    assert person(MAYA).days_away.exists()
    assert Meeting.objects.filter(skipped_for_away__isnull=False).exists()


def test_the_leavers_have_closed_one_on_ones_for_the_retention_figures(
    demo_today: date, db: None
) -> None:
    leavers = demo_people().filter(left_on__isnull=False)
    assert leavers.count() == len(data("story")["leavers"])
    closed = OneOnOne.objects.filter(report__in=leavers, status=OneOnOne.Status.CLOSED)
    assert closed.count() == leavers.count()
    # Both retention groups of the organisation view: 1:1s kept up to the end, and lapsed ones.
    held_shares = [
        pair.meetings.filter(status=Meeting.Status.HELD).count() / pair.meetings.count()
        for pair in closed
    ]
    assert any(share >= 0.8 for share in held_shares)
    assert any(share < 0.5 for share in held_shares)


def test_deleting_the_demo_leaves_everyone_else(demo_today: date, db: None) -> None:
    outsider = Person.objects.create_user("ana@company.example", "a password", name="Ana")
    assert demo_delete() == 60
    assert list(Person.objects.all()) == [outsider]
    assert not OneOnOne.objects.exists()


def test_deleting_the_demo_is_refused_while_someone_outside_reports_into_it(
    demo_today: date, db: None
) -> None:
    Person.objects.create_user(
        "ana@company.example", "a password", name="Ana", manager=person(MAYA)
    )
    before = Person.objects.count()
    with pytest.raises(FakeDataRefused, match="Ana"):
        demo_delete()
    assert Person.objects.count() == before


def test_most_of_mayas_team_wrote_a_working_with_me_profile_and_shares_part_of_it(
    demo_today: date, db: None
) -> None:
    profiles = WorkingProfile.objects.filter(person__manager=person(MAYA), person__is_active=True)
    assert 20 <= profiles.count() < 30
    shared = [len(profile.shared_answers()) for profile in profiles]
    kept = [
        sum(1 for name, _, _ in WorkingProfile.ANSWERS if not profile.is_shared(name))
        for profile in profiles
    ]
    # A mix: most share something, and many keep something to themselves.
    assert sum(1 for count in shared if count) >= 15 and sum(1 for count in kept if count) >= 10


def test_a_few_pairs_have_finished_coaching_conversations_in_their_history(
    demo_today: date, db: None
) -> None:
    finished = CoachingConversation.objects.filter(step="done").select_related(
        "goal__one_on_one", "action"
    )
    pairs = {conversation.goal.one_on_one_id for conversation in finished}
    assert len(pairs) >= 3
    for conversation in finished:
        assert conversation.options and conversation.decision
        assert conversation.action is not None and conversation.action.due_on is not None
        assert conversation.action.goal_id == conversation.goal_id
        assert conversation.created_by_id == conversation.goal.one_on_one.manager_id
        assert conversation.finished_at is not None
        assert conversation.finished_at < timezone.now()
    # Maya sees one on a goal page of her team, with her own private note.
    mine = finished.filter(goal__one_on_one__manager__email=MAYA).exclude(private_note="")
    shown = mine.first()
    assert shown is not None
    page = client_for(MAYA).get(reverse("goals:detail", args=[shown.goal.uuid]))
    assert shown.private_note in page.content.decode()
