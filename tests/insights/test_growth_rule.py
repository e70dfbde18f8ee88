"""The growth-conversation rule (rules.growth_overdue) on pinned dates, and how it feeds the
risk-of-leaving evidence without making that signal fire on its own."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rapport.insights import rules
from rapport.insights.rules import Rule, Severity

START = date(2026, 1, 5)


def overdue(
    *, last: date | None, today: date, every: int = 13, planned: date | None = None
) -> rules.Signal | None:
    return rules.growth_overdue(
        last_growth=last,
        started_on=START,
        every_weeks=every,
        today=today,
        grace_days=14,
        planned_on=planned,
    )


@pytest.mark.parametrize(
    ("last", "today", "fires"),
    [
        (None, START + timedelta(weeks=13), False),  # due today: not overdue
        (None, START + timedelta(weeks=15), False),  # the last day of the grace
        (None, START + timedelta(weeks=15, days=1), True),
        (date(2026, 3, 2), date(2026, 5, 1), False),  # held 8 weeks ago
        (date(2026, 3, 2), date(2026, 6, 15), False),  # 15 weeks: the last day of the grace
        (date(2026, 3, 2), date(2026, 7, 6), True),  # held 18 weeks ago
    ],
)
def test_it_fires_only_once_the_rhythm_and_its_grace_have_passed(
    last: date | None, today: date, fires: bool
) -> None:
    assert (overdue(last=last, today=today) is not None) is fires


def test_a_pair_that_turned_the_rhythm_off_never_gets_it() -> None:
    assert overdue(last=None, today=date(2027, 6, 1), every=0) is None


def test_holding_one_resets_the_rhythm_and_starts_a_new_run() -> None:
    today = date(2026, 6, 15)
    before = overdue(last=None, today=today)
    assert before is not None and before.since == START + timedelta(weeks=13)
    assert overdue(last=date(2026, 6, 10), today=today) is None
    # Months later it is overdue again, as a new run: a dismissal of the old one does not hide it.
    again = overdue(last=date(2026, 6, 10), today=date(2026, 10, 1))
    assert again is not None and again.since == date(2026, 6, 10) + timedelta(weeks=13)


def test_its_evidence_names_the_last_one_and_how_long_ago() -> None:
    signal = overdue(last=date(2026, 3, 2), today=date(2026, 7, 20))
    assert signal is not None
    assert signal.rule is Rule.GROWTH_OVERDUE and signal.severity is Severity.KEEP_AN_EYE
    assert signal.title == "No growth conversation for 20 weeks"
    assert signal.evidence[0] == "Last growth conversation on 2 Mar 2026, 20 weeks ago"
    assert signal.evidence[1] == "The rhythm is one every 13 weeks; it was due on 1 Jun 2026"


def test_without_one_it_counts_from_the_pairs_start() -> None:
    signal = overdue(last=None, today=date(2026, 5, 4))
    assert signal is not None
    assert signal.evidence[0] == "None yet since the pair started on 5 Jan 2026, 17 weeks ago"


def test_a_planned_one_is_named_but_the_signal_stays() -> None:
    signal = overdue(last=None, today=date(2026, 5, 4), planned=date(2026, 5, 12))
    assert signal is not None and signal.evidence[-1] == "Planned for the 1:1 on 12 May 2026"


def test_it_sits_with_the_1_on_1_rhythm_group() -> None:
    signal = overdue(last=None, today=date(2026, 5, 4))
    assert signal is not None
    (group,) = rules.group_signals([signal])
    assert group.group is rules.Group.RHYTHM and not group.act_now


def risk(growth: rules.Signal | None, factors: list[rules.Signal]) -> rules.Signal | None:
    return rules.risk_of_leaving(
        last_career_talk=None,
        started_on=START,
        today=date(2026, 7, 20),
        gap_days=120,
        factors=factors,
        growth=growth,
    )


def test_an_overdue_growth_conversation_is_one_more_line_of_risk_evidence() -> None:
    growth = overdue(last=None, today=date(2026, 7, 20))
    mood = rules.Signal(Rule.MOOD_FALLING, "Mood fell by 1.5 points", ("x",), date(2026, 7, 1))
    signal = risk(growth, [mood])
    assert signal is not None
    assert signal.evidence[-1] == "Growth conversation overdue since 6 Apr 2026"
    # One warning sign: the growth line does not count as a second one.
    assert signal.severity is Severity.KEEP_AN_EYE
    assert signal.title.endswith("with 1 more warning sign")


def test_it_does_not_make_risk_of_leaving_fire_on_its_own() -> None:
    assert risk(overdue(last=None, today=date(2026, 7, 20)), []) is None
