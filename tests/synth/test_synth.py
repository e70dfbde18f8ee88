"""`rapport synth`: the tree has the promised shape, the same seed gives the same organisation,
and what it writes in bulk (bypassing the ORM) is data the pages read like any other."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from rapport.checkins.models import CheckIn
from rapport.goals.models import Goal, GoalUpdate
from rapport.meetings.models import (
    ActionItem,
    Meeting,
    Note,
    OneOnOne,
    PersonCard,
    TalkingPoint,
)
from rapport.people.models import Person, Role
from rapport.synth.build import SynthRefused, synth_organisation_create
from rapport.synth.org import (
    HR_EMAIL,
    MAX_SPAN,
    MIN_SPAN,
    REFERENCE_MANAGER_EMAIL,
    REFERENCE_SPAN,
    org_plan,
)
from tests.helpers.queries import count_queries

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize("people", [5, 12, 40, 333, 2_000])
def test_every_manager_leads_3_to_30_and_one_leads_exactly_30(people: int) -> None:
    plan = org_plan(people=people, years=2, seed=7, today=TODAY)
    spans = Counter(p.manager for p in plan if p.manager is not None)
    assert len(plan) == people
    assert [p.manager for p in plan].count(None) == 1
    assert all(MIN_SPAN <= span <= MAX_SPAN for span in spans.values()), spans
    assert all(p.manager is None or p.manager < p.index for p in plan)  # managers come first
    if people >= 40:
        reference = next(p for p in plan if p.email == REFERENCE_MANAGER_EMAIL)
        assert spans[reference.index] == REFERENCE_SPAN
        team = [p for p in plan if p.manager == reference.index]
        assert not any(p.left_on for p in team)  # the team of 30 is whole for the benchmarks


def test_only_people_who_lead_nobody_leave_and_roles_are_set() -> None:
    plan = org_plan(people=2_000, years=5, seed=1, today=TODAY)
    leavers = [p for p in plan if p.left_on]
    assert 100 < len(leavers) < 300
    assert not any(p.is_manager for p in leavers)
    assert all(p.started_on < p.left_on < TODAY for p in leavers if p.left_on)
    assert [p.role for p in plan].count(Role.HR) == 1
    assert [p.role for p in plan].count(Role.ADMIN) == 1
    assert len({p.email for p in plan}) == len(plan)


def test_the_plan_depends_on_the_seed_only() -> None:
    def plan(seed: int) -> list[tuple[object, ...]]:
        return [
            (p.manager, p.name, p.started_on, p.left_on)
            for p in org_plan(people=500, years=3, seed=seed, today=TODAY)
        ]

    assert plan(1) == plan(1)
    assert plan(1) != plan(2)


MODELS = [Person, OneOnOne, Meeting, TalkingPoint, Note, ActionItem, CheckIn, Goal, GoalUpdate]


def fingerprint() -> str:
    digest = hashlib.sha256()
    for model in MODELS:
        for row in model._default_manager.order_by("pk").values_list():
            digest.update(repr(row).encode())
    return digest.hexdigest()


def empty_the_organisation() -> None:
    for model in [GoalUpdate, Goal, CheckIn, Note, ActionItem, TalkingPoint, PersonCard]:
        model._default_manager.all().delete()
    Meeting.objects.all().delete()
    OneOnOne.objects.all().delete()
    while Person.objects.exists():  # reports before their managers
        Person.objects.filter(reports__isnull=True).delete()


@pytest.mark.django_db
def test_the_same_seed_and_day_write_the_same_rows() -> None:
    first = synth_organisation_create(people=45, years=1, seed=3, today=TODAY)
    before = fingerprint()
    empty_the_organisation()
    second = synth_organisation_create(people=45, years=1, seed=3, today=TODAY)
    assert fingerprint() == before
    assert first.rows == second.rows
    assert first.rows["meetings"] > 45 * 20  # a year of weekly and fortnightly 1:1s
    assert first.rows["check ins"] > 0 and first.rows["goal updates"] > 0
    # They share a published password: marked so that production refuses them.
    assert not Person.objects.filter(is_demo=False).exists()


@pytest.mark.django_db
def test_synthetic_rows_read_like_any_other_on_the_busiest_pages() -> None:
    """The bulk writer skips the ORM: the pages must still find every field as they expect,
    and the team view must keep its pinned queries for a synthetic team of 30."""
    synth_organisation_create(people=45, years=1, seed=3, today=date.today())
    manager = Person.objects.get(email=REFERENCE_MANAGER_EMAIL)
    client = Client()
    client.force_login(manager)
    pair = OneOnOne.objects.filter(manager=manager, status="active").order_by("pk").first()
    assert pair is not None
    upcoming = Meeting.objects.filter(one_on_one=pair, status="upcoming").order_by("pk").first()
    held = Meeting.objects.filter(one_on_one=pair, status="held").order_by("-pk").first()
    assert upcoming is not None and held is not None
    for url in (
        reverse("home"),
        reverse("meetings:meeting", args=[upcoming.uuid]),
        reverse("meetings:meeting", args=[held.uuid]),
        reverse("meetings:one_on_one", args=[pair.uuid]),
        reverse("goals:team"),
    ):
        assert client.get(url).status_code == 200, url
    assert count_queries(lambda: client.get(reverse("insights:team"))) == 12
    hr = Client()
    hr.force_login(Person.objects.get(email=HR_EMAIL))
    assert hr.get(reverse("insights:org")).status_code == 200


@pytest.mark.django_db
def test_synth_refuses_a_database_that_already_has_people() -> None:
    Person.objects.create_user("someone@example.com", name="Someone")
    with pytest.raises(SynthRefused):
        synth_organisation_create(people=10, years=1, seed=1, today=TODAY)
    with pytest.raises(CommandError, match="already has people"):
        call_command("synth", "--people=10", "--years=1")


@pytest.mark.django_db
def test_the_command_checks_its_arguments_and_production(settings: object) -> None:
    with pytest.raises(CommandError, match="--people"):
        call_command("synth", "--people=2")
    with pytest.raises(CommandError, match="--years"):
        call_command("synth", "--years=0")
    settings.PRODUCTION = True  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="RAPPORT_PRODUCTION"):
        call_command("synth", "--people=10")
