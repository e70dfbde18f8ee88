"""The team view's signals, as pure functions of plain data: lists of dates and scores, counts,
today and thresholds in, a Signal or None out. No database, no clock: the selector in team.py
gathers the data in bulk and the tests feed these functions tables of cases.

Every signal has a severity: "act now" when its own evidence is strong (the thresholds named
`*_ACT_NOW*` in settings.RAPPORT_SIGNALS), else "keep an eye on". Related signals of one person
form a group (`group_signals`): mood falling, workload high and skipped check-ins are one
"wellbeing" group, and mood falling together with a high workload makes the group act-now even
when neither is on its own. docs/signals.md lists every rule and threshold.

Every signal carries `since`, the first day of the current run of trouble (the first low score
of the run, the last 1:1 before the gap, ...). It stays the same while the trouble goes on and
changes when a new run starts, which is what a dismissal is keyed on (models.SignalDismissal).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from rapport.display import format_date


class Rule(models.TextChoices):
    LAPSED_CADENCE = "lapsed_cadence", _("1:1s have lapsed")
    MOOD_FALLING = "mood_falling", _("Mood is falling")
    WORKLOAD_HIGH = "workload_high", _("Workload high (burnout risk)")
    GOAL_STALLED = "goal_stalled", _("A goal has stalled")
    NO_ACTIVE_GOAL = "no_active_goal", _("No active goal")
    OVERDUE_ACTIONS = "overdue_actions", _("Actions overdue")
    CONNECTION_SQUEEZED = "connection_squeezed", _("Connection time squeezed out")
    CHECKINS_SKIPPED = "checkins_skipped", _("Check-ins skipped")
    RISK_OF_LEAVING = "risk_of_leaving", _("Risk of leaving")
    GROWTH_OVERDUE = "growth_overdue", _("Growth conversation overdue")


class Severity(models.TextChoices):
    # Declared strongest first: sorting by `rank` puts act-now first.
    ACT_NOW = "act_now", _("Act now")
    KEEP_AN_EYE = "keep_an_eye", _("Keep an eye on")

    @property
    def rank(self) -> int:
        return 0 if self is Severity.ACT_NOW else 1


class Group(models.TextChoices):
    RETENTION = "retention", _("Risk of leaving")
    WELLBEING = "wellbeing", _("Wellbeing")
    RHYTHM = "rhythm", _("1:1 rhythm")
    GOALS = "goals", _("Goals")
    FOLLOW_THROUGH = "follow_through", _("Follow-through")


GROUP_OF = {
    Rule.RISK_OF_LEAVING: Group.RETENTION,
    Rule.MOOD_FALLING: Group.WELLBEING,
    Rule.WORKLOAD_HIGH: Group.WELLBEING,
    Rule.CHECKINS_SKIPPED: Group.WELLBEING,
    Rule.LAPSED_CADENCE: Group.RHYTHM,
    Rule.CONNECTION_SQUEEZED: Group.RHYTHM,
    Rule.GOAL_STALLED: Group.GOALS,
    Rule.NO_ACTIVE_GOAL: Group.GOALS,
    Rule.OVERDUE_ACTIONS: Group.FOLLOW_THROUGH,
    Rule.GROWTH_OVERDUE: Group.RHYTHM,
}


@dataclass(frozen=True)
class Signal:
    rule: Rule
    title: str
    # The data points behind the signal, in words a manager can check.
    evidence: tuple[str, ...]
    since: date
    severity: Severity = Severity.KEEP_AN_EYE

    @property
    def group(self) -> Group:
        return GROUP_OF[self.rule]

    @property
    def act_now(self) -> bool:
        return self.severity is Severity.ACT_NOW


@dataclass(frozen=True)
class SignalGroup:
    """Related signals of one person, shown as one line with the strongest severity."""

    group: Group
    signals: tuple[Signal, ...]
    severity: Severity
    # Why the group is act-now when none of its signals is on its own ("" otherwise).
    because: str = ""

    @property
    def act_now(self) -> bool:
        return self.severity is Severity.ACT_NOW

    @property
    def title(self) -> str:
        return " · ".join(signal.title for signal in self.signals)

    @property
    def since(self) -> date:
        return min(signal.since for signal in self.signals)


def group_signals(signals: Sequence[Signal]) -> list[SignalGroup]:
    """One group per kind of trouble, act-now groups first. Mood falling together with a high
    workload is act-now as a group: the two together are the burnout pattern."""
    by_group: dict[Group, list[Signal]] = {}
    for signal in signals:
        by_group.setdefault(signal.group, []).append(signal)
    groups = []
    for group, members in by_group.items():
        rules_here = {signal.rule for signal in members}
        severity = min((signal.severity for signal in members), key=lambda s: s.rank)
        because = ""
        if (
            severity is Severity.KEEP_AN_EYE
            and {Rule.MOOD_FALLING, Rule.WORKLOAD_HIGH} <= rules_here
        ):
            severity = Severity.ACT_NOW
            because = gettext("Mood falling while the workload stays high")
        ordered = sorted(members, key=lambda s: (s.severity.rank, list(Rule).index(s.rule)))
        groups.append(SignalGroup(group, tuple(ordered), severity, because))
    return sorted(groups, key=lambda g: (g.severity.rank, list(Group).index(g.group)))


def strongest(groups: Sequence[SignalGroup]) -> Severity | None:
    return min((g.severity for g in groups), key=lambda s: s.rank) if groups else None


def _day(value: date) -> str:
    return format_date(value, "j M Y")


def _trailing_run(flags: Sequence[bool]) -> int:
    """How many of the last items are True in a row."""
    run = 0
    for flag in reversed(flags):
        if not flag:
            break
        run += 1
    return run


def lapsed_cadence(
    *,
    last_held: date | None,
    started_on: date,
    cadence_days: int,
    periods: int,
    today: date,
    act_now_days: int = 10_000,
) -> Signal | None:
    """No 1:1 held for `periods` cadence periods, counted from the last held one (or from the
    start of a pair that has never met). Act now once the gap reaches `act_now_days`."""
    reference = last_held or started_on
    gap = (today - reference).days
    if gap < periods * cadence_days:
        return None
    first = (
        gettext("Last 1:1 held on %(day)s, %(gap)s days ago") % {"day": _day(last_held), "gap": gap}
        if last_held
        else gettext("No 1:1 held since the pair started on %(day)s, %(gap)s days ago")
        % {"day": _day(started_on), "gap": gap}
    )
    return Signal(
        Rule.LAPSED_CADENCE,
        gettext("No 1:1 held for %(periods)s cadence periods") % {"periods": gap // cadence_days},
        (first, gettext("The rhythm is one 1:1 every %(days)s days") % {"days": cadence_days}),
        reference,
        Severity.ACT_NOW if gap >= act_now_days else Severity.KEEP_AN_EYE,
    )


def mean(scores: Sequence[int]) -> float:
    """The average of whole-number scores. The same value as statistics.mean (integer division
    in Python is correctly rounded, as is its exact fraction), at a tenth of the cost: the rules
    take a few hundred averages per team view."""
    return sum(scores) / len(scores)


def _mood_has_fallen(scores: Sequence[int], recent: int, window: int, drop: float) -> bool:
    scores = scores[-window:]
    earlier, last = scores[:-recent], scores[-recent:]
    # Two earlier check-ins at least: one score alone says little about "usual".
    return len(last) == recent and len(earlier) >= 2 and mean(earlier) - mean(last) >= drop


def mood_falling(
    *,
    moods: Sequence[tuple[date, int]],
    recent: int,
    window: int,
    drop: float,
    energies: Sequence[int] = (),
    act_now_drop: float = 10.0,
    low_energy: float = 0.0,
) -> Signal | None:
    """The average mood of the last `recent` check-ins lies `drop` points or more below the
    average of the earlier ones among the last `window`. `moods` is oldest first. Act now when
    it fell by `act_now_drop` or more and the energy of those same check-ins (`energies`,
    aligned with `moods`) averages `low_energy` or less."""
    scores = [score for _, score in moods]
    if not _mood_has_fallen(scores, recent, window, drop):
        return None
    # The run started at the first check-in after which the mood has stayed fallen.
    start = len(scores)
    while start > 1 and _mood_has_fallen(scores[: start - 1], recent, window, drop):
        start -= 1
    last_window = scores[-window:]
    earlier, last = last_window[:-recent], last_window[-recent:]
    fall = mean(earlier) - mean(last)
    evidence = [
        gettext("Last %(count)s check-ins: %(scores)s (average %(average).1f)")
        % {"count": recent, "scores": ", ".join(map(str, last)), "average": mean(last)},
        gettext("The %(count)s before: %(scores)s (average %(average).1f)")
        % {"count": len(earlier), "scores": ", ".join(map(str, earlier)), "average": mean(earlier)},
    ]
    severity = Severity.KEEP_AN_EYE
    if len(energies) >= recent:
        energy = energies[-recent:]
        evidence.append(
            gettext("Energy in the last %(count)s: %(scores)s (average %(average).1f)")
            % {"count": recent, "scores": ", ".join(map(str, energy)), "average": mean(energy)}
        )
        if fall >= act_now_drop and mean(energy) <= low_energy:
            severity = Severity.ACT_NOW
    return Signal(
        Rule.MOOD_FALLING,
        gettext("Mood fell by %(fall).1f points") % {"fall": fall},
        tuple(evidence),
        moods[start - 1][0],
        severity,
    )


def workload_high(
    *, workloads: Sequence[tuple[date, int]], high: int, run: int, act_now_run: int = 10_000
) -> Signal | None:
    """Workload at `high` or more on the last `run` check-ins in a row (oldest first); act now
    once the run reaches `act_now_run` check-ins."""
    streak = _trailing_run([score >= high for _, score in workloads])
    if streak < run:
        return None
    points = workloads[-streak:]
    return Signal(
        Rule.WORKLOAD_HIGH,
        gettext("Workload %(high)s or more on %(streak)s check-ins in a row")
        % {"high": high, "streak": streak},
        tuple(
            gettext("%(day)s: workload %(score)s of 5") % {"day": _day(day), "score": score}
            for day, score in points
        ),
        points[0][0],
        Severity.ACT_NOW if streak >= act_now_run else Severity.KEEP_AN_EYE,
    )


@dataclass(frozen=True)
class StalledGoal:
    title: str
    reason: str
    # The day progress was last recorded (or the goal became active).
    idle_since: date


def goal_stalled(*, stalled: Sequence[StalledGoal]) -> Signal | None:
    if not stalled:
        return None
    title = (
        gettext("A goal has stalled")
        if len(stalled) == 1
        else gettext("%(count)s goals have stalled") % {"count": len(stalled)}
    )
    return Signal(
        Rule.GOAL_STALLED,
        title,
        tuple(f"{goal.title}: {goal.reason}" for goal in stalled),
        max(goal.idle_since for goal in stalled),
    )


def no_active_goal(
    *,
    active: int,
    drafts: int,
    started_on: date,
    last_closed: date | None,
    today: date,
    grace_days: int,
) -> Signal | None:
    """No active goal, counted from the pair's start or from the last goal closed, once the
    pair has had `grace_days` to agree on one."""
    if active:
        return None
    since = max(started_on, last_closed) if last_closed else started_on
    if (today - since).days < grace_days:
        return None
    evidence = [
        gettext("Last goal closed on %(day)s") % {"day": _day(last_closed)}
        if last_closed
        else gettext("No goal since the pair started on %(day)s") % {"day": _day(started_on)}
    ]
    if drafts:
        evidence.append(
            ngettext(
                "%(count)s draft waiting for agreement",
                "%(count)s drafts waiting for agreement",
                drafts,
            )
            % {"count": drafts}
        )
    return Signal(Rule.NO_ACTIVE_GOAL, gettext("No active goal"), tuple(evidence), since)


def overdue_actions(
    *, open_actions: Sequence[tuple[str, date | None]], today: date, threshold: int
) -> Signal | None:
    """`threshold` or more open actions past their due date."""
    overdue = sorted(
        ((due, text) for text, due in open_actions if due is not None and due < today),
        key=lambda item: item[0],
    )
    if len(overdue) < threshold:
        return None
    return Signal(
        Rule.OVERDUE_ACTIONS,
        gettext("%(count)s actions overdue") % {"count": len(overdue)},
        tuple(
            gettext("%(text)s (due %(day)s)") % {"text": text, "day": _day(due)}
            for due, text in overdue
        ),
        # The day the count reached the threshold: the day after the threshold-th was due.
        overdue[threshold - 1][0] + timedelta(days=1),
    )


def connection_squeezed(
    *, shares: Sequence[tuple[date, int | None]], below: int, run: int
) -> Signal | None:
    """Connection share under `below`% in the last `run` held meetings with recorded time in
    a row (oldest first; meetings without recorded time are left out)."""
    known = [(day, share) for day, share in shares if share is not None]
    streak = _trailing_run([share < below for _, share in known])
    if streak < run:
        return None
    points = known[-streak:]
    return Signal(
        Rule.CONNECTION_SQUEEZED,
        gettext("Connection under %(below)s%% in %(streak)s meetings in a row")
        % {"below": below, "streak": streak},
        tuple(
            gettext("%(day)s: %(share)s%% on connection") % {"day": _day(day), "share": share}
            for day, share in points
        ),
        points[0][0],
    )


def checkins_skipped(*, held: Sequence[tuple[date, bool]], run: int) -> Signal | None:
    """The last `run` held meetings or more had no check-in (`held`: day and whether it had
    one, oldest first)."""
    streak = _trailing_run([not had for _, had in held])
    if streak < run:
        return None
    days = [day for day, _ in held[-streak:]]
    return Signal(
        Rule.CHECKINS_SKIPPED,
        gettext("No check-in before the last %(count)s 1:1s") % {"count": streak},
        (
            gettext("1:1s without a check-in: %(days)s")
            % {"days": ", ".join(_day(day) for day in days)},
        ),
        days[0],
    )


def energy_fall(
    *, energies: Sequence[tuple[date, int]], recent: int, window: int, drop: float
) -> tuple[float, date] | None:
    """How far the energy fell, by the mood rule's arithmetic (the last `recent` check-ins
    against the earlier ones among the last `window`), and since when; None if it did not."""
    signal = mood_falling(moods=energies, recent=recent, window=window, drop=drop)
    if signal is None:
        return None
    scores = [score for _, score in energies][-window:]
    return mean(scores[:-recent]) - mean(scores[-recent:]), signal.since


def risk_of_leaving(
    *,
    last_career_talk: date | None,
    started_on: date,
    today: date,
    gap_days: int,
    factors: Sequence[Signal],
    energy: tuple[float, date] | None = None,
    growth: Signal | None = None,
) -> Signal | None:
    """No career or growth conversation for `gap_days` (from the last one, or from the pair's
    start) together with at least one warning sign: mood or energy falling, workload high, a
    goal stalled (`factors`: those rules' signals that hold; `energy`: energy_fall's answer).
    Falling mood and falling energy are one sign. Act now when two or more signs hold with the
    gap.

    A career conversation is a career-category question of the question bank asked in one of
    the pair's 1:1s, a growth conversation held, or a career goal of the pair created, updated
    or closed (selectors). An overdue growth conversation (`growth`: growth_overdue's answer) is
    one more line of evidence, never a warning sign of its own: it says the same as the gap."""
    reference = last_career_talk or started_on
    gap = (today - reference).days
    relevant = [s for s in factors if s.rule in RISK_FACTORS]
    if energy is not None and not any(s.rule is Rule.MOOD_FALLING for s in relevant):
        fall, since = energy
        relevant.append(
            Signal(
                Rule.MOOD_FALLING,
                gettext("energy fell by %(fall).1f points") % {"fall": fall},
                (),
                since,
            )
        )
    if gap < gap_days or not relevant:
        return None
    first = (
        gettext("Last career or growth conversation on %(day)s, %(gap)s days ago")
        % {"day": _day(last_career_talk), "gap": gap}
        if last_career_talk
        else gettext("No career or growth conversation since the pair started, %(gap)s days ago")
        % {"gap": gap}
    )
    evidence = [first] + [
        gettext("%(factor)s: %(title)s")
        % {"factor": RISK_FACTORS[s.rule], "title": s.title.lower()}
        for s in relevant
    ]
    if growth is not None:
        evidence.append(
            gettext("Growth conversation overdue since %(day)s") % {"day": _day(growth.since)}
        )
    return Signal(
        Rule.RISK_OF_LEAVING,
        ngettext(
            "No career talk for %(gap)s days, with %(count)s more warning sign",
            "No career talk for %(gap)s days, with %(count)s more warning signs",
            len(relevant),
        )
        % {"gap": gap, "count": len(relevant)},
        tuple(evidence),
        max(reference + timedelta(days=gap_days), *(s.since for s in relevant)),
        Severity.ACT_NOW if len(relevant) >= 2 else Severity.KEEP_AN_EYE,
    )


RISK_FACTORS = {
    Rule.MOOD_FALLING: _("Mood or energy falling"),
    Rule.WORKLOAD_HIGH: _("Workload high for weeks"),
    Rule.GOAL_STALLED: _("Goal stalled"),
}


def growth_overdue(
    *,
    last_growth: date | None,
    started_on: date,
    every_weeks: int,
    today: date,
    grace_days: int,
    planned_on: date | None = None,
) -> Signal | None:
    """The pair's growth conversation (direction, strengths, what to learn next) is overdue:
    none held for `every_weeks` weeks, counted from the last one held (or from the pair's
    start), plus `grace_days` to fit it into a meeting. `every_weeks` 0 means the pair turned
    the rhythm off. `since` is the day it fell due, so holding one starts a new run."""
    if not every_weeks:
        return None
    reference = last_growth or started_on
    due = reference + timedelta(weeks=every_weeks)
    if (today - due).days <= grace_days:
        return None
    weeks = (today - reference).days // 7
    evidence = [
        gettext("Last growth conversation on %(day)s, %(weeks)s weeks ago")
        % {"day": _day(last_growth), "weeks": weeks}
        if last_growth
        else gettext("None yet since the pair started on %(day)s, %(weeks)s weeks ago")
        % {"day": _day(started_on), "weeks": weeks},
        gettext("The rhythm is one every %(every)s weeks; it was due on %(day)s")
        % {"every": every_weeks, "day": _day(due)},
    ]
    if planned_on is not None:
        evidence.append(gettext("Planned for the 1:1 on %(day)s") % {"day": _day(planned_on)})
    return Signal(
        Rule.GROWTH_OVERDUE,
        gettext("No growth conversation for %(weeks)s weeks") % {"weeks": weeks},
        tuple(evidence),
        due,
    )
