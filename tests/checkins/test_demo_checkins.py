"""The demo's check-ins: most of the team healthy and stable, and the few stories the team
view's signals are there to catch (rapport/checkins/demo.py)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time

import pytest

from rapport.checkins.demo import demo_checkins_create
from rapport.checkins.models import CheckIn
from rapport.meetings.demo import demo_history_create
from rapport.meetings.models import Meeting, OneOnOne
from rapport.people.demo import demo_organisation_create

# Builds the demo organisation and a year of history first: not part of the fast tier.
pytestmark = pytest.mark.slow

TODAY = date(2026, 3, 2)


def build() -> list[OneOnOne]:
    demo = demo_organisation_create(today=TODAY)
    demo_history_create(people=demo, today=TODAY)
    team = list(OneOnOne.objects.filter(manager=demo.manager, status=OneOnOne.Status.ACTIVE))
    demo_checkins_create(one_on_ones=team, today=TODAY)
    return team


def stories(team: list[OneOnOne]) -> dict[str, list[int]]:
    cutoff = datetime.combine(TODAY, time(), tzinfo=UTC)
    found: dict[str, list[int]] = defaultdict(list)
    for pair in team:
        held = list(
            Meeting.objects.filter(
                one_on_one=pair, status=Meeting.Status.HELD, scheduled_for__lt=cutoff
            ).order_by("scheduled_for")
        )
        answered = {c.meeting_id: c for c in CheckIn.objects.filter(one_on_one=pair)}
        if held and all(meeting.pk not in answered for meeting in held[-3:]):
            found["silent"].append(pair.pk)
            continue
        checkins = [answered[m.pk] for m in held if m.pk in answered]
        recent, earlier = checkins[-3:], checkins[:-3]
        earlier_mood = sum(c.mood for c in earlier) / len(earlier)
        if sum(c.mood for c in recent) / 3 <= earlier_mood - 1:
            found["falling"].append(pair.pk)
        if all(c.workload >= 4 for c in recent):
            found["overloaded"].append(pair.pk)
        if not any(answered.get(m.pk) is None for m in held[-3:]) and pair.pk not in (
            found["falling"] + found["overloaded"]
        ):
            found["healthy"].append(pair.pk)
    return found


@pytest.mark.django_db
def test_the_demo_team_has_a_few_stories_and_is_otherwise_healthy() -> None:
    team = build()
    found = stories(team)
    assert len(found["falling"]) == 3
    assert len(found["overloaded"]) == 2
    assert len(found["silent"]) == 2
    assert len(found["healthy"]) == len(team) - 7
    assert not set(found["falling"]) & set(found["overloaded"])


@pytest.mark.django_db
def test_the_same_seed_and_day_give_the_same_check_ins() -> None:
    team = build()
    first = list(
        CheckIn.objects.order_by("meeting__slot", "report__email").values_list(
            "report__email", "meeting__slot", "mood", "energy", "workload", "wins"
        )
    )
    assert first
    CheckIn.objects.all().delete()
    demo_checkins_create(one_on_ones=team, today=TODAY)
    again = list(
        CheckIn.objects.order_by("meeting__slot", "report__email").values_list(
            "report__email", "meeting__slot", "mood", "energy", "workload", "wins"
        )
    )
    assert again == first
