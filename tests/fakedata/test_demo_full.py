"""The demo at the size `rapport demo` writes (six months for the team of 30): the same rules
and the same signals as the reduced build in test_demo.py. Slow tier."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from rapport.fakedata.build import demo_create
from rapport.insights.rules import Rule, Severity
from rapport.insights.selectors import team_view
from rapport.people.models import Person
from tests.clock import TEST_NOW
from tests.fakedata import invariants

pytestmark = pytest.mark.slow


@pytest.fixture
def full_demo(db: None) -> Iterator[None]:
    with time_machine.travel(TEST_NOW, tick=False), transaction.atomic():
        demo_create(today=timezone.localdate())
        yield


def test_the_full_demo_keeps_every_rule_and_shows_every_signal(full_demo: None) -> None:
    assert invariants.problems(timezone.now()) == []
    maya = Person.objects.get(email="maya.okafor@demo.rapport.example")
    members = team_view(maya).members
    assert len(members) == 30
    assert {signal.rule for member in members for signal in member.signals} == set(Rule)
    # A few people need attention now, with reasons one can read; the rest at most a watch.
    act_now = [m for m in members if any(s.severity is Severity.ACT_NOW for s in m.signals)]
    assert 3 <= len(act_now) <= 6, [m.report.name for m in act_now]
    for member in act_now:
        for signal in member.signals:
            assert signal.title and signal.evidence and signal.since, signal
