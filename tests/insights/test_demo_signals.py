"""The team view's demo tweak: one pair of the demo team gets a lapsed rhythm."""

from __future__ import annotations

from datetime import time

from django.utils import timezone

from rapport.insights.demo import LAPSED_REPORT, demo_signals_create
from rapport.insights.rules import Rule
from rapport.insights.selectors import team_view
from rapport.meetings.services import Rule as Rhythm
from rapport.meetings.services import one_on_one_set_up
from rapport.people.models import Person
from tests.cast import Cast
from tests.insights.test_team_view import held_meetings


def test_it_lets_one_pair_lapse_so_the_rule_has_an_example(cast: Cast) -> None:
    kwame = Person.objects.create_user(
        "kwame@example.com", None, name=LAPSED_REPORT, manager=cast.manager
    )
    pair = one_on_one_set_up(
        manager=cast.manager,
        report=kwame,
        rule=Rhythm("weekly", 1, time(9), 30, timezone.localdate()),
        by=cast.manager,
        confirmed_out_of_hours=True,
    )
    held_meetings(pair, 6)
    rules_before = {s.rule for s in team_view(cast.manager, one_on_one=pair).members[0].signals}
    assert Rule.LAPSED_CADENCE not in rules_before

    summary = demo_signals_create(manager=cast.manager, today=timezone.localdate())

    assert summary.skipped == 3 and LAPSED_REPORT in str(summary)
    signals = team_view(cast.manager, one_on_one=pair).members[0].signals
    assert Rule.LAPSED_CADENCE in {s.rule for s in signals}


def test_it_does_nothing_without_the_pair(cast: Cast) -> None:
    assert demo_signals_create(manager=cast.manager, today=timezone.localdate()).skipped == 0
