"""The demo organisation shows only the few people who need attention as "act now": 3 to 6 of
the 30 reports of its manager of 30, counted through the same selector as the team view."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from rapport.insights.rules import Severity
from rapport.insights.selectors import team_view
from rapport.people.models import Person

# Builds the whole demo (a year of history): not part of the fast tier.
pytestmark = pytest.mark.slow

MANAGER_OF_30 = "maya.okafor@demo.rapport.example"


def test_the_demo_manager_of_30_has_3_to_6_act_now_people(db: None) -> None:
    call_command("demo", stdout=StringIO(), stderr=StringIO())
    view = team_view(Person.objects.get(email=MANAGER_OF_30))
    assert len(view.members) == 30
    act_now = [member.report.name for member in view.members if member.act_now]
    assert 3 <= len(act_now) <= 6, act_now
    # Every act-now person can be explained: an act-now group with evidence lines.
    for member in view.members:
        if member.act_now:
            group = member.groups[0]
            assert group.severity == Severity.ACT_NOW and all(s.evidence for s in group.signals)
