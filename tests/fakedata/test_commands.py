"""The commands: refused in production, deterministic plans, what --if-absent and a second run
print. Building the demo itself is read by test_demo.py."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from pytest_django import Settings

from rapport.fakedata import plan
from rapport.people.models import Person

TODAY = date(2026, 6, 10)


def test_the_demo_is_refused_in_production(db: None, settings: Settings) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="RAPPORT_PRODUCTION"):
        call_command("demo")
    with pytest.raises(CommandError, match="RAPPORT_PRODUCTION"):
        call_command("demo", "--recreate")
    assert not Person.objects.exists()


def test_synth_is_refused_in_production_and_on_a_database_with_people(
    db: None, settings: Settings
) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="RAPPORT_PRODUCTION"):
        call_command("synth", "--people", "20")
    settings.PRODUCTION = False
    Person.objects.create_user("ana@company.example", "a password", name="Ana")
    with pytest.raises(CommandError, match="already has people"):
        call_command("synth", "--people", "20", "--years", "1")
    assert Person.objects.count() == 1


def test_the_same_seed_and_day_give_the_same_organisation() -> None:
    def demo() -> tuple[object, ...]:
        org = plan.demo_plan(today=TODAY)
        return (org.people, list(org.pairs), org.days_away)

    def synth(seed: int) -> tuple[object, ...]:
        org = plan.synth_plan(people=60, years=1, seed=seed, today=TODAY)
        return (org.people, list(org.pairs))

    assert demo() == demo()
    assert synth(1) == synth(1)
    assert synth(1) != synth(2)


def test_the_plan_never_reads_the_clock() -> None:
    # Planned as of a day long past: nothing in it is later than that day.
    org = plan.demo_plan(today=date(2020, 3, 1))
    moments = [m.at for pair in org.pairs for m in pair.meetings]
    assert moments and max(moments) < plan.planning_now(date(2020, 3, 1))


def test_a_second_run_says_the_demo_exists(db: None) -> None:
    Person.objects.create_user("someone@demo.rapport.example", "x", name="Someone")
    out, err = StringIO(), StringIO()
    call_command("demo", stdout=out, stderr=err)
    assert "already exists" in out.getvalue()
    assert "key demo people are missing" in err.getvalue()
    quiet = StringIO()
    call_command("demo", "--if-absent", stdout=quiet, stderr=StringIO())
    assert "already exists" not in quiet.getvalue()


def test_the_data_files_ship_with_the_package() -> None:
    assert {path.name for path in plan.DATA.glob("*.json")} == {
        "story.json",
        "texts.json",
        "words.json",
    }
    assert len(plan.data("story")["teams"][0]["members"]) == 30
