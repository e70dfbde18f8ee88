from __future__ import annotations

import zoneinfo
from datetime import date, timedelta
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from pytest_django import Settings

from rapport.access import MAX_CHAIN_DEPTH
from rapport.people.demo import (
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    DemoOrganisation,
    DemoOrganisationExistsError,
    demo_organisation_create,
    demo_organisation_delete,
    demo_organisation_exists,
    demo_organisation_get,
    demo_people,
)
from rapport.people.models import DayAway, Person, Role
from tests.cast import Cast

TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _without_history(monkeypatch: pytest.MonkeyPatch) -> None:
    # These tests are about the people; the year of 1:1 history has its own tests
    # (tests/meetings/test_demo_history.py) and would cost seconds per command run here.
    from rapport.meetings.demo import HistorySummary
    from rapport.people.management.commands import demo as command

    def no_history(**kwargs: object) -> HistorySummary:
        return HistorySummary(one_on_ones=0, meetings=0, points=0, notes=0, actions=0)

    monkeypatch.setattr(command, "demo_history_create", no_history)


@pytest.fixture
def demo(db: None) -> DemoOrganisation:
    return demo_organisation_create(today=TODAY)


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out, stderr=out)
    return out.getvalue()


def snapshot() -> list[tuple[object, ...]]:
    return list(
        demo_people()
        .order_by("email")
        .values_list("email", "name", "title", "timezone", "role", "started_on", "manager__email")
    )


def test_the_manager_has_exactly_thirty_active_direct_reports(demo: DemoOrganisation) -> None:
    assert demo.manager.reports.filter(is_active=True).count() == 30
    assert demo.report.manager == demo.manager


def test_every_time_zone_is_a_real_iana_zone(demo: DemoOrganisation) -> None:
    available = zoneinfo.available_timezones()
    for person in demo_people():
        assert person.timezone in available, person
        zoneinfo.ZoneInfo(person.timezone)


def test_the_big_team_is_spread_over_every_inhabited_continent(demo: DemoOrganisation) -> None:
    regions = {tz.split("/")[0] for tz in demo.manager.reports.values_list("timezone", flat=True)}
    assert {"America", "Europe", "Africa", "Asia"} <= regions
    assert regions & {"Australia", "Pacific"}


def test_every_demo_person_passes_model_validation(demo: DemoOrganisation) -> None:
    for person in demo_people():
        person.full_clean()


def test_there_is_one_hr_person_and_one_admin(demo: DemoOrganisation) -> None:
    assert list(demo_people().filter(role=Role.HR)) == [demo.hr]
    assert list(demo_people().filter(role=Role.ADMIN)) == [demo.admin]
    assert demo.hr.title == "People Partner"


def test_the_skip_level_is_the_managers_manager_and_the_peers_share_them(
    demo: DemoOrganisation,
) -> None:
    assert demo.manager.manager == demo.skip_level
    assert demo.skip_level.manager == demo.ceo
    assert demo.ceo.manager is None
    assert len(demo.peer_managers) >= 2
    for peer in demo.peer_managers:
        assert peer.manager == demo.skip_level
        assert 4 <= peer.reports.count() <= 8


def test_a_team_outside_engineering_reports_to_the_ceo(demo: DemoOrganisation) -> None:
    teams_under_ceo = [p for p in demo.ceo.reports.all() if p.reports.exists()]
    assert [p for p in teams_under_ceo if p != demo.skip_level]


def test_every_reporting_chain_ends_at_the_ceo_without_a_loop(demo: DemoOrganisation) -> None:
    parents = dict(demo_people().values_list("pk", "manager_id"))
    for start in parents:
        seen = [start]
        while (above := parents[seen[-1]]) is not None:
            assert above not in seen, f"loop through person {above}"
            assert len(seen) < MAX_CHAIN_DEPTH
            seen.append(above)
        assert seen[-1] == demo.ceo.pk


def test_emails_are_plain_ascii_on_the_demo_domain(demo: DemoOrganisation) -> None:
    emails = list(demo_people().values_list("email", flat=True))
    assert len(emails) == len(set(emails)) > 40
    for email in emails:
        local, domain = email.split("@")
        assert domain == DEMO_DOMAIN
        assert local.isascii() and local == local.lower() and "." in local, email
    assert demo.report.email == f"jose.hernandez@{DEMO_DOMAIN}"
    assert demo_people().filter(email=f"lukasz.nowak@{DEMO_DOMAIN}").exists()


def test_start_dates_spread_over_the_last_six_years(demo: DemoOrganisation) -> None:
    started = [p.started_on for p in demo_people() if p.started_on is not None]
    assert len(started) == demo_people().count()
    assert all(TODAY - timedelta(days=6 * 366) <= day <= TODAY for day in started)
    assert len({day.year for day in started}) >= 5


def test_it_builds_the_same_organisation_every_time(demo: DemoOrganisation) -> None:
    first = snapshot()
    demo_organisation_delete()
    demo_organisation_create(today=TODAY)
    assert snapshot() == first


def test_it_refuses_to_create_a_second_demo(demo: DemoOrganisation) -> None:
    with pytest.raises(DemoOrganisationExistsError):
        demo_organisation_create()


def test_a_demo_person_can_sign_in_with_the_demo_password(demo: DemoOrganisation) -> None:
    assert authenticate(username=demo.manager.email, password=DEMO_PASSWORD) == demo.manager


def test_every_demo_person_is_marked_as_one(demo: DemoOrganisation) -> None:
    assert demo_people().exists()
    assert not demo_people().filter(is_demo=False).exists()
    assert authenticate(username=demo.report.email, password="wrong") is None


def test_the_command_prints_each_role_its_person_and_the_password(db: None) -> None:
    output = run_demo()
    found = demo_organisation_get()
    assert found is not None
    assert DEMO_PASSWORD in output
    assert "http://" in output
    for label in ("Manager of the 30-person team", "Report in that team", "Skip-level", "HR"):
        assert label in output
    for person in (found.manager, found.report, found.skip_level, found.hr, found.admin):
        assert person.name in output
        assert person.email in output


def test_if_absent_leaves_an_existing_demo_alone_and_prints_the_sign_ins(db: None) -> None:
    run_demo("--if-absent")
    before = snapshot()
    output = run_demo("--if-absent")
    assert snapshot() == before
    assert Person.objects.count() == len(before)
    assert "Maya Okafor" in output
    assert DEMO_PASSWORD in output


def test_without_a_flag_it_says_the_demo_exists_and_creates_nothing(db: None) -> None:
    run_demo()
    count = Person.objects.count()
    output = run_demo()
    assert "already exists" in output
    assert Person.objects.count() == count


def test_reset_recreates_the_demo_and_touches_nobody_else(
    cast: Cast, demo: DemoOrganisation
) -> None:
    others = set(Person.objects.exclude(pk__in=demo_people()).values_list("pk", flat=True))
    old_demo = set(demo_people().values_list("pk", flat=True))
    output = run_demo("--reset")
    assert set(Person.objects.exclude(pk__in=demo_people()).values_list("pk", flat=True)) == others
    assert not old_demo & set(demo_people().values_list("pk", flat=True))
    assert len(old_demo) == demo_people().count()
    assert "Maya Okafor" in output


def test_reset_refuses_when_someone_outside_the_demo_reports_into_it(
    cast: Cast, demo: DemoOrganisation
) -> None:
    Person.objects.filter(pk=cast.outsider.pk).update(manager=demo.manager)
    before = snapshot()
    with pytest.raises(CommandError, match="Otto Outsider"):
        run_demo("--reset")
    assert snapshot() == before


def test_an_incomplete_demo_gets_a_warning_but_no_failure(demo: DemoOrganisation) -> None:
    demo.hr.delete()
    output = run_demo("--if-absent")
    assert "--reset" in output
    assert demo_organisation_exists()


def test_it_refuses_to_create_the_demo_in_production(db: None, settings: Settings) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="RAPPORT_PRODUCTION"):
        run_demo("--if-absent")
    assert not demo_organisation_exists()


def test_most_keep_office_hours_and_a_few_work_differently(demo: DemoOrganisation) -> None:
    team = list(demo.manager.reports.filter(is_active=True))
    usual = [p for p in team if p.working_day_names()[:5] == ["Mon", "Tue", "Wed", "Thu", "Fri"]]
    assert len(usual) >= 25
    by_name = {person.name: person for person in team}
    assert by_name["Sofia Esposito"].working_day_names() == ["Mon", "Tue", "Wed", "Thu"]
    assert by_name["Omar Haddad"].working_day_names() == ["Mon", "Tue", "Wed", "Thu", "Sun"]
    assert by_name["Marcus Johnson"].work_starts.hour == 8


def test_a_few_people_are_away_in_the_coming_weeks_and_the_manager_at_years_end(
    db: None,
) -> None:
    run_demo()
    today = timezone.localdate()
    demo = demo_organisation_get()
    assert demo is not None
    manager = demo.manager
    away = DayAway.objects.filter(person__in=demo_people())
    assert away.filter(person__manager=manager, starts_on__gt=today).count() >= 3
    assert away.filter(starts_on__lte=today + timedelta(weeks=4)).count() >= 4
    [holiday] = away.filter(person=manager)
    assert (holiday.starts_on.month, holiday.starts_on.day) == (12, 23)
    assert holiday.ends_on == date(holiday.starts_on.year + 1, 1, 2) and holiday.ends_on >= today
