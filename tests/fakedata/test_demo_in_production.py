"""Demo accounts share a published password: in production they cannot sign in, `check --deploy`
reports them, and `rapport demo` refuses to run (tests/fakedata/test_commands.py)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.checks import Error, run_checks
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from rapport.fakedata.build import DEMO_PASSWORD, demo_passwords_disable
from rapport.notify.services import password_reset_email_queue
from rapport.people.checks import DEMO_ACCOUNTS_IN_PRODUCTION
from rapport.people.models import Person


@pytest.fixture
def demo_person(db: None) -> Person:
    return Person.objects.create_user(
        "maya.okafor@demo.rapport.example", DEMO_PASSWORD, name="Maya Okafor", is_demo=True
    )


def sign_in(email: str, password: str) -> int:
    response = Client().post(reverse("login"), {"email": email, "password": password})
    return int(response.status_code)


def demo_errors() -> list[str]:
    found = run_checks(include_deployment_checks=True)
    return [m.msg for m in found if m.id == DEMO_ACCOUNTS_IN_PRODUCTION and isinstance(m, Error)]


def test_a_demo_account_signs_in_outside_production(demo_person: Person) -> None:
    assert sign_in(demo_person.email, DEMO_PASSWORD) == 302


def test_a_demo_account_cannot_sign_in_in_production(
    demo_person: Person, settings: Settings
) -> None:
    settings.PRODUCTION = True
    assert sign_in(demo_person.email, DEMO_PASSWORD) == 200
    # Not even with a password of its own, set later by a reset.
    demo_person.set_password("a password nobody published")
    demo_person.save()
    assert sign_in(demo_person.email, "a password nobody published") == 200


def test_a_demo_session_opened_before_production_ends(
    demo_person: Person, settings: Settings
) -> None:
    client = Client()
    client.force_login(demo_person)
    assert client.get(reverse("home")).status_code == 200
    settings.PRODUCTION = True
    assert client.get(reverse("home")).status_code == 302


def test_the_marker_not_the_address_decides(demo_person: Person, settings: Settings) -> None:
    settings.PRODUCTION = True
    Person.objects.filter(pk=demo_person.pk).update(email="maya@company.example")
    assert sign_in("maya@company.example", DEMO_PASSWORD) == 200
    real = Person.objects.create_user("ana@demo.rapport.example", "a real person's password")
    assert not real.is_demo
    assert sign_in("ana@demo.rapport.example", "a real person's password") == 302


def test_check_deploy_reports_demo_accounts_in_production(
    demo_person: Person, settings: Settings
) -> None:
    settings.PRODUCTION = True
    [message] = demo_errors()
    assert "1 demo account(s)" in message


def test_check_deploy_is_quiet_outside_production(demo_person: Person) -> None:
    assert demo_errors() == []


def test_check_deploy_is_quiet_once_demo_passwords_are_unusable(
    demo_person: Person, settings: Settings
) -> None:
    settings.PRODUCTION = True
    assert demo_passwords_disable() == 1
    assert demo_errors() == []
    assert sign_in(demo_person.email, DEMO_PASSWORD) == 200


@pytest.mark.django_db
def test_the_migration_marks_accounts_made_before_the_marker_existed() -> None:
    Person.objects.create_user("a@demo.rapport.example", DEMO_PASSWORD, name="A")
    Person.objects.create_user("b@SYNTH.rapport.example", "rapport-synth", name="B")
    Person.objects.create_user("c@example.com", "a password", name="C")
    Person.objects.update(is_demo=False)
    migration = importlib.import_module("rapport.people.migrations.0004_person_is_demo")
    migration.mark_generated_accounts(apps, None)
    marked = set(Person.objects.filter(is_demo=True).values_list("email", flat=True))
    assert marked == {"a@demo.rapport.example", "b@synth.rapport.example"}


def test_a_demo_account_gets_no_reset_email_in_production(
    demo_person: Person, settings: Settings
) -> None:
    assert password_reset_email_queue(email=demo_person.email, key="password_reset:demo-dev")
    settings.PRODUCTION = True
    assert not password_reset_email_queue(email=demo_person.email, key="password_reset:demo-prod")
