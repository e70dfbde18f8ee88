"""Writes a small plan (the demo) through the services, so it obeys every rule they enforce.

The services stamp "now". History needs the past, so each write is followed by one step,
`as_of`, that moves the timestamps of the row just written to the day the plan says (a note
saved in a meeting 3 months ago, an action done last week). It is the only place that edits
rows behind a service, and it only ever changes timestamps. Where a service already takes the
time (meeting mode's `now`, `goal_agree`'s `today`) it is passed instead. Two kinds of row
are written directly, each said where: people (no service creates one person; the import
creates many from a file; their working hours and departures go through services) and past
check-ins (`checkin_submit` refuses a closed window).

The 1:1s also close as of their day: the meetings service made the rule's rows up to its
horizon when the pair was set up, and a pair that closed months ago never had the rows after
its last day, so those are removed with the closing time moved back.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db.models import Model
from django.utils import timezone

from rapport import access
from rapport.checkins.models import CheckIn
from rapport.checkins.services import checkin_submit
from rapport.checkins.window import window_of
from rapport.fakedata import plan as p
from rapport.goals.models import Goal
from rapport.goals.services import (
    coaching_decide,
    coaching_save,
    coaching_start,
    goal_agree,
    goal_close,
    goal_propose,
    goal_record_progress,
)
from rapport.insights.selectors import team_view
from rapport.insights.services import signal_dismiss, signal_restore
from rapport.meetings.models import Meeting, OneOnOne, TalkingPoint
from rapport.meetings.services import (
    Rule,
    action_add,
    action_set_done,
    day_away_add,
    departure_record,
    meeting_estimate,
    meeting_make_growth,
    meeting_reschedule,
    meeting_set_status,
    mode_end,
    mode_start,
    mode_switch,
    note_save,
    one_on_one_set_up,
    person_card_save,
    point_add,
    point_set_discussed,
)
from rapport.people.models import LeftReason, Person
from rapport.people.services import working_hours_set, working_profile_save
from rapport.questions.models import Category, Question
from rapport.questions.selectors import active_question_ids
from rapport.questions.services import question_mark_asked


def as_of(row: Model, **moments: datetime | date | None) -> None:
    """Move the given timestamps of a row a service has just written into the past."""
    type(row)._default_manager.filter(pk=row.pk).update(**moments)
    for name, value in moments.items():
        setattr(row, name, value)


def write_through_services(org: p.Organisation, *, today: date) -> Counter[str]:
    """Write the plan; returns how many of each thing were written. Call inside a transaction."""
    written: Counter[str] = Counter()
    people = _people(org, written)
    hr = next(person for person in people.values() if person.role == "hr")
    next_checkins: list[tuple[p.CheckIn, Person]] = []
    for pair in org.pairs:
        _pair(pair, people, org.now, written)
        if pair.next_checkin is not None:
            next_checkins.append((pair.next_checkin, people[pair.report]))
        report = people[pair.report]
        if pair.ends_on is not None:
            planned = next(person for person in org.people if person.key == pair.report)
            departure = departure_record(
                person=report,
                leaves_on=pair.ends_on,
                reason=LeftReason(planned.left_reason),
                by=hr,
                now=org.now,
            )
            closed_at = datetime.combine(pair.ends_on, time(17), tzinfo=org.now.tzinfo)
            # Long past: no undo is offered for it.
            as_of(departure, recorded_at=closed_at, applied_at=closed_at)
            one_on_one = OneOnOne.objects.get(report=report, manager=people[pair.manager])
            as_of(one_on_one, closed_at=closed_at, scheduled_until=closed_at)
            # The service made the rows of the whole rule when the pair was set up, but a pair
            # that closed back then never had the ones after its last day.
            Meeting.objects.filter(one_on_one=one_on_one, scheduled_for__gt=closed_at).delete()
            written["departures"] += 1
    for away in org.days_away:
        person = people[away.person]
        if away.ends_on < today:
            continue
        day_away_add(
            person=person, starts_on=away.starts_on, ends_on=away.ends_on, kind=away.kind, by=person
        )
        written["days away"] += 1
    # After the days away, which skip some of the coming meetings.
    for answer, report in next_checkins:
        _next_checkin(answer, report, written)
    for dismissal in org.dismissals:
        _dismissal(dismissal, people[dismissal.report])
        written["dismissed signals"] += 1
    return written


def _dismissal(planned: p.Dismissal, report: Person) -> None:
    """Dismiss the open signal as the manager saw it (so the history keeps its evidence)."""
    one_on_one = OneOnOne.objects.get(report=report, status=OneOnOne.Status.ACTIVE)
    manager = one_on_one.manager
    member = team_view(manager, one_on_one=one_on_one).members[0]
    signal = next((s for s in member.signals if s.rule == planned.rule), None)
    if signal is None:
        return  # the story's data no longer raises it: nothing to dismiss
    dismissal = signal_dismiss(
        one_on_one=one_on_one, rule=signal.rule, since=signal.since, reason=planned.reason,
        by=manager, signal=signal,
    )  # fmt: skip
    as_of(dismissal, dismissed_at=planned.at)
    if planned.restored_at is not None:
        signal_restore(dismissal=dismissal, by=manager, now=planned.restored_at)


def _people(org: p.Organisation, written: Counter[str]) -> dict[str, Person]:
    # One hash for everyone: hashing with Argon2 once per person would take seconds.
    password = make_password(org.password)
    people: dict[str, Person] = {}
    for planned in org.people:  # managers come first
        person = Person.objects.create(
            email=planned.key,
            name=planned.name,
            title=planned.title,
            timezone=planned.timezone,
            role=planned.role,
            manager=people[planned.manager] if planned.manager else None,
            started_on=planned.started_on,
            password=password,
            is_demo=True,
        )
        if planned.hours is not None:
            days, starts, ends = planned.hours
            working_hours_set(
                person=person, work_days=days, work_starts=starts, work_ends=ends,
                video_link="", by=person,
            )  # fmt: skip
        people[planned.key] = person
    written["people"] = len(people)
    return people


def _pair(pair: p.Pair, people: dict[str, Person], now: datetime, written: Counter[str]) -> None:
    manager, report = people[pair.manager], people[pair.report]
    rule = Rule(pair.cadence, pair.weekday, pair.start_time, p.MEETING_MINUTES, pair.starts_on)
    one_on_one = one_on_one_set_up(
        manager=manager, report=report, rule=rule, by=manager, confirmed_out_of_hours=True
    )
    started = datetime.combine(pair.starts_on, time(8), tzinfo=now.tzinfo)
    as_of(one_on_one, created_at=started)
    TalkingPoint.objects.filter(one_on_one=one_on_one).update(created_at=started)
    OneOnOne.objects.filter(pk=one_on_one.pk).update(
        target_connection_share=pair.target_share, growth_every_weeks=pair.growth_every_weeks
    )
    written["1:1s"] += 1
    rows = {meeting.slot: meeting for meeting in Meeting.objects.filter(one_on_one=one_on_one)}
    meetings: list[Meeting] = []
    for planned in pair.meetings:
        meeting = rows[planned.slot]
        meeting.one_on_one = one_on_one
        _meeting(planned, meeting, manager, report, one_on_one, written)
        meetings.append(meeting)
    for goal in pair.goals:
        _goal(goal, pair, meetings, manager, report, one_on_one, written)
    for point in pair.next_points:
        point_add(
            one_on_one=one_on_one, author=report if point.by_report else manager,
            text=point.text, section=point.section,
        )  # fmt: skip
    if pair.card is not None:
        card = person_card_save(one_on_one=one_on_one, by=manager, **pair.card)
        last = meetings[-1].scheduled_for if meetings else started
        as_of(card, updated_at=last + timedelta(hours=1))
    if pair.profile is not None:
        profile = working_profile_save(
            person=report, by=report, answers=pair.profile, shared=pair.profile_shared
        )
        first = meetings[0].scheduled_for if meetings else started
        as_of(profile, updated_at=first - timedelta(days=1))


def _meeting(
    planned: p.Meeting,
    meeting: Meeting,
    manager: Person,
    report: Person,
    one_on_one: OneOnOne,
    written: Counter[str],
) -> None:
    written["meetings"] += 1
    if planned.status != "held":
        meeting_set_status(
            meeting=meeting, status=planned.status, reason=planned.reason, by=manager
        )
        return
    if planned.moved_to is not None:
        meeting_reschedule(
            meeting=meeting, to=planned.moved_to, by=manager, confirmed_out_of_hours=True
        )
    at = planned.at
    if planned.checkin is not None:
        _checkin(planned.checkin, meeting, report)
        written["check-ins"] += 1
    points = []
    for planned_point in planned.points:
        author = report if planned_point.by_report else manager
        point = point_add(
            one_on_one=one_on_one, author=author, text=planned_point.text,
            section=planned_point.section, is_private=planned_point.private,
        )  # fmt: skip
        points.append((point, author))
    if planned.growth:
        # The manager made it their growth conversation beforehand; its points are discussed.
        points += [(point, manager) for point in meeting_make_growth(meeting=meeting, by=manager)]
        written["growth conversations"] += 1
    if planned.measured is not None:
        connection, performance = planned.measured
        mode_start(meeting=meeting, by=manager, now=at)
        mode_switch(
            meeting=meeting, section="performance", by=manager,
            now=at + timedelta(seconds=connection),
        )  # fmt: skip
        mode_end(meeting=meeting, by=manager, now=at + timedelta(seconds=connection + performance))
    else:
        meeting_set_status(meeting=meeting, status="held", reason="", by=manager)
        if planned.estimated is not None:
            connection, performance = planned.estimated
            meeting_estimate(
                meeting=meeting, connection_minutes=connection,
                performance_minutes=performance, by=manager,
            )  # fmt: skip
    for position, (point, author) in enumerate(points):
        point_set_discussed(point=point, meeting=meeting, discussed=True, by=author)
        as_of(
            point,
            created_at=at - timedelta(days=1, hours=position),
            discussed_at=at + timedelta(minutes=3 + 5 * position),
        )
    written["talking points"] += len(points)
    if planned.career_question is not None and (career := active_question_ids(Category.CAREER)):
        question = Question.objects.get(pk=career[planned.career_question % len(career)])
        asked = question_mark_asked(meeting=meeting, question=question, by=manager)
        as_of(asked, asked_at=at + timedelta(minutes=8))
        written["questions asked"] += 1
    for by_report, kind, body in planned.notes:
        note = note_save(
            meeting=meeting, author=report if by_report else manager, kind=kind, body=body,
            base_version=0,
        )  # fmt: skip
        as_of(note, updated_at=at + timedelta(minutes=p.MEETING_MINUTES - 1))
        written["notes"] += 1
    if planned.action is not None:
        action = action_add(
            one_on_one=one_on_one, meeting=meeting,
            owner=report if planned.action.by_report else manager, text=planned.action.text,
            due_on=planned.action.due_on, by=manager, already_late=True,
        )  # fmt: skip
        as_of(action, created_at=at + timedelta(minutes=20))
        if planned.action.done_at is not None:
            action_set_done(action=action, done=True, by=manager)
            as_of(action, done_at=planned.action.done_at)
        written["actions"] += 1


def _next_checkin(answer: p.CheckIn, report: Person, written: Counter[str]) -> None:
    """The report checks in for their next meeting through the service, if its window is
    open now (a meeting in the next few days), so the triage board shows who has."""
    upcoming = (
        Meeting.objects.filter(
            one_on_one__report=report,
            one_on_one__status=OneOnOne.Status.ACTIVE,
            status=Meeting.Status.UPCOMING,
        )
        .select_related("one_on_one")
        .order_by("scheduled_for")
        .first()
    )
    if upcoming is None or not window_of(upcoming).is_open(timezone.now()):
        return
    checkin_submit(
        meeting=upcoming, by=report, mood=answer.mood, energy=answer.energy,
        workload=answer.workload, wins=answer.wins, challenges=answer.challenges,
    )  # fmt: skip
    written["check-ins"] += 1


def _checkin(answer: p.CheckIn, meeting: Meeting, report: Person) -> None:
    """The one row not written by its service: `checkin_submit` accepts answers only while the
    meeting's check-in window is open, and these meetings are long past. The rules it keeps
    are kept here: only the pair's report answers, and the row passes its model's checks."""
    access.require(access.can_check_in(report, meeting))
    checkin = CheckIn(
        meeting=meeting, one_on_one=meeting.one_on_one, report=report, mood=answer.mood,
        energy=answer.energy, workload=answer.workload, wins=answer.wins,
        challenges=answer.challenges, outside_work=answer.outside_work,
        outside_work_shared=answer.outside_work_shared, submitted_at=answer.submitted_at,
        updated_at=answer.submitted_at,
    )  # fmt: skip
    checkin.full_clean()
    checkin.save()


def _coaching(
    goal: Goal, planned: p.Coaching, meeting: Meeting, manager: Person, report: Person
) -> None:
    """The GROW conversation the manager led in `meeting`, step by step through the services;
    its decision is an action of the report, done a few days later when that has passed."""
    at = meeting.scheduled_for + timedelta(minutes=16)
    conversation = coaching_start(goal=goal, by=manager, meeting=meeting)
    coaching_save(conversation=conversation, by=manager, move="next")
    coaching_save(conversation=conversation, by=manager, move="next")
    coaching_save(conversation=conversation, by=report, options=planned.options, move="next")
    due = at.date() + timedelta(days=planned.due_in)
    coaching_decide(
        conversation=conversation, by=manager, decision=planned.decision, owner=report,
        due_on=due, private_note=planned.note, already_late=True,
    )  # fmt: skip
    finished = at + timedelta(minutes=8)
    as_of(conversation, created_at=at, finished_at=finished)
    action = conversation.action
    assert action is not None  # coaching_decide always adds one
    as_of(action, created_at=finished)
    done_at = meeting.scheduled_for + timedelta(days=planned.done_after)
    if done_at < timezone.now():
        action_set_done(action=action, done=True, by=report)
        as_of(action, done_at=done_at)


def _goal(
    planned: p.Goal,
    pair: p.Pair,
    meetings: list[Meeting],
    manager: Person,
    report: Person,
    one_on_one: OneOnOne,
    written: Counter[str],
) -> None:
    agreed_in = meetings[planned.agreed_in]
    at = agreed_in.scheduled_for + timedelta(minutes=15)
    proposer, other = (report, manager) if planned.proposed_by_report else (manager, report)
    fields: dict[str, Any] = {
        "kind": planned.kind,
        "title": planned.title,
        "specific": f"{planned.title}, measured in {planned.unit}.",
        "metric": planned.unit,
        "unit": planned.unit,
        "baseline": planned.baseline,
        "target": planned.target,
        "confidence": 7,
        "realistic_because": "Done something close to it before.",
        "why": planned.why,
        "due_on": planned.due_on,
    }
    goal = goal_propose(one_on_one=one_on_one, by=proposer, today=at.date(), **fields)
    goal_agree(goal=goal, by=other, today=at.date())
    as_of(goal, created_at=at, manager_agreed_at=at, report_agreed_at=at)
    written["goals"] += 1
    coaching = planned.coaching
    for number, (index, value, confidence) in enumerate(planned.progress):
        coached = coaching is not None and number == coaching.update
        update = goal_record_progress(
            goal=goal, by=report, meeting=meetings[index], value=value, confidence=confidence,
            obstacle=coaching.obstacle if coaching and coached else "",
            obstacle_kind=coaching.kind if coaching and coached else "",
        )  # fmt: skip
        as_of(update, created_at=meetings[index].scheduled_for + timedelta(minutes=15))
        written["goal updates"] += 1
        if coaching is not None and coached:
            _coaching(goal, coaching, meetings[index], manager, report)
            written["coaching conversations"] += 1
    if planned.closed_in is not None:
        closed = meetings[planned.closed_in].scheduled_for + timedelta(minutes=25)
        goal = Goal.objects.get(pk=goal.pk)
        goal_close(goal=goal, by=manager, outcome=planned.outcome, reflection=planned.reflection)
        as_of(goal, closed_at=closed)
