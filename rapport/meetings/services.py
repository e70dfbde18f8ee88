"""Changes to 1:1s: set-up, the schedule of meetings, and closing when a manager changes."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from rapport import access
from rapport.goals.services import ensure_next_goal_prompt
from rapport.meetings import recurrence, slots
from rapport.meetings.models import Meeting, OneOnOne
from rapport.people.models import Person

# Meetings exist as rows this far ahead; `schedules_extend_due` keeps the horizon moving.
HORIZON = timedelta(weeks=10)
EXTEND_WHEN_LESS_THAN = timedelta(weeks=6)


@dataclass(frozen=True)
class Rule:
    cadence: str
    weekday: int
    start_time: time
    duration_minutes: int
    starts_on: date


def _first_meeting(rule: Rule, zone: str) -> tuple[datetime, datetime]:
    return slots.first_meeting(
        weekday=rule.weekday,
        at=rule.start_time,
        duration_minutes=rule.duration_minutes,
        starts_on=rule.starts_on,
        zone=zone,
    )


def _require_in_hours(
    *, start: datetime, end: datetime, people: Sequence[Person], confirmed: bool
) -> None:
    """Nothing is booked outside someone's working hours unless the caller says it asked: the
    error names who the time is bad for, with their local time."""
    if confirmed:
        return
    if problems := slots.explain(start, end, people):
        listed = "; ".join(problem.sentence() for problem in problems)
        raise ValidationError(
            f"This time is outside working hours: {listed}. Confirm to book it anyway.",
            code="out_of_hours",
        )


def one_on_one_set_up(
    *,
    manager: Person,
    report: Person,
    rule: Rule,
    by: Person,
    confirmed_out_of_hours: bool = False,
) -> OneOnOne:
    """Start the 1:1 of a manager and one of their reports, or change its rule if it exists.
    A first meeting outside either person's hours needs `confirmed_out_of_hours`."""
    access.require(access.can_set_up_one_on_ones(by, manager))
    if report.manager_id != manager.pk or not report.is_active:
        raise ValidationError(f"{report.name} does not report to {manager.name}.")
    existing = OneOnOne.objects.filter(report=report, status=OneOnOne.Status.ACTIVE).first()
    if existing is not None and existing.manager_id == manager.pk:
        return one_on_one_change_rule(
            one_on_one=existing, rule=rule, by=by, confirmed_out_of_hours=confirmed_out_of_hours
        )
    start, end = _first_meeting(rule, manager.timezone)
    _require_in_hours(
        start=start, end=end, people=(manager, report), confirmed=confirmed_out_of_hours
    )
    one_on_one = OneOnOne.objects.create(
        manager=manager,
        report=report,
        cadence=rule.cadence,
        weekday=rule.weekday,
        start_time=rule.start_time,
        duration_minutes=rule.duration_minutes,
        starts_on=rule.starts_on,
        timezone=manager.timezone,
    )
    meetings_extend(one_on_one=one_on_one, until=timezone.now() + HORIZON)
    # Early 1:1s set goals: a new pair starts with "Define the next goal" on its agenda.
    ensure_next_goal_prompt(one_on_one)
    return one_on_one


@transaction.atomic
def one_on_ones_set_up_for_team(
    *,
    manager: Person,
    reports: Iterable[Person],
    rule: Rule,
    by: Person,
    spacing_minutes: int = 0,
    confirmed_out_of_hours: bool = False,
) -> list[OneOnOne]:
    """One form for the whole team. With `spacing_minutes`, each report gets the next slot of
    the day (a 30-minute 1:1 every 30 minutes), otherwise all share the rule's time."""
    access.require(access.can_set_up_one_on_ones(by, manager))
    created = []
    start = datetime.combine(rule.starts_on, rule.start_time)
    for index, report in enumerate(sorted(reports, key=lambda person: person.name)):
        at = (start + timedelta(minutes=spacing_minutes * index)).time()
        created.append(
            one_on_one_set_up(
                manager=manager,
                report=report,
                rule=Rule(rule.cadence, rule.weekday, at, rule.duration_minutes, rule.starts_on),
                by=by,
                confirmed_out_of_hours=confirmed_out_of_hours,
            )
        )
    return created


@transaction.atomic
def one_on_ones_set_up_planned(
    *,
    manager: Person,
    rules: Sequence[tuple[Person, Rule]],
    confirmed: Collection[int],
    by: Person,
) -> list[OneOnOne]:
    """The whole-team form's plan: a rule per report. `confirmed` holds the ids of the reports
    whose time the manager confirmed although it is outside someone's hours; any other such time
    refuses the whole plan, naming who it is bad for."""
    access.require(access.can_set_up_one_on_ones(by, manager))
    return [
        one_on_one_set_up(
            manager=manager,
            report=report,
            rule=rule,
            by=by,
            confirmed_out_of_hours=report.pk in confirmed,
        )
        for report, rule in rules
    ]


@transaction.atomic
def one_on_one_change_rule(
    *,
    one_on_one: OneOnOne,
    rule: Rule,
    by: Person,
    target_connection_share: int | None = None,
    confirmed_out_of_hours: bool = False,
) -> OneOnOne:
    """A new cadence or time replaces the future meetings that hold nothing yet; meetings with
    notes, actions or discussed points, and moved or skipped ones, stay as they are.
    `target_connection_share`, when given, is the pair's new target split. A new first meeting
    outside either person's hours needs `confirmed_out_of_hours`."""
    access.require(access.can_change_one_on_one(by, one_on_one))
    now = timezone.now()
    start, end = _first_meeting(
        Rule(
            rule.cadence,
            rule.weekday,
            rule.start_time,
            rule.duration_minutes,
            max(rule.starts_on, now.date()),
        ),
        one_on_one.manager.timezone,
    )
    _require_in_hours(
        start=start,
        end=end,
        people=(one_on_one.manager, one_on_one.report),
        confirmed=confirmed_out_of_hours,
    )
    if target_connection_share is not None:
        one_on_one.target_connection_share = target_connection_share
    one_on_one.cadence = rule.cadence
    one_on_one.weekday = rule.weekday
    one_on_one.start_time = rule.start_time
    one_on_one.duration_minutes = rule.duration_minutes
    one_on_one.starts_on = max(rule.starts_on, now.date())
    one_on_one.timezone = one_on_one.manager.timezone
    one_on_one.full_clean()
    empty_future = one_on_one.meetings.filter(
        status=Meeting.Status.UPCOMING, scheduled_for__gt=now, scheduled_for=F("slot")
    ).exclude(
        Q(notes__isnull=False)
        | Q(created_actions__isnull=False)
        | Q(discussed_points__isnull=False)
    )
    empty_future.delete()
    one_on_one.scheduled_until = now
    one_on_one.save()
    meetings_extend(one_on_one=one_on_one, until=now + HORIZON)
    series_changed(one_on_one)
    return one_on_one


def series_changed(one_on_one: OneOnOne) -> None:
    """Raise the pair's calendar SEQUENCE: its schedule changed, so both people's calendars
    need a new invite (the worker sends one for every sequence not yet sent)."""
    OneOnOne.objects.filter(pk=one_on_one.pk).update(calendar_sequence=F("calendar_sequence") + 1)
    one_on_one.refresh_from_db(fields=["calendar_sequence"])


def meetings_extend(*, one_on_one: OneOnOne, until: datetime) -> int:
    """Create the meeting rows of the rule up to `until`. Safe to run twice: a slot that has a
    meeting already is left alone."""
    after = one_on_one.scheduled_until or datetime.combine(
        one_on_one.starts_on, time(), tzinfo=UTC
    ) - timedelta(days=1)
    slots = recurrence.occurrences(
        cadence=one_on_one.cadence,
        starts_on=one_on_one.starts_on,
        weekday=one_on_one.weekday,
        at=one_on_one.start_time,
        zone=one_on_one.timezone,
        after=after,
        until=until,
    )
    Meeting.objects.bulk_create(
        [
            Meeting(
                one_on_one=one_on_one,
                slot=slot,
                scheduled_for=slot,
                duration_minutes=one_on_one.duration_minutes,
            )
            for slot in slots
        ],
        ignore_conflicts=True,
    )
    OneOnOne.objects.filter(pk=one_on_one.pk).update(scheduled_until=until)
    one_on_one.scheduled_until = until
    return len(slots)


def schedules_extend_due(*, now: datetime | None = None, manager: Person | None = None) -> int:
    """Move the horizon of every active 1:1 that is running short of future meetings. Costs one
    query when nothing is due, so pages may call it."""
    now = now or timezone.now()
    due = OneOnOne.objects.filter(
        status=OneOnOne.Status.ACTIVE, scheduled_until__lt=now + EXTEND_WHEN_LESS_THAN
    )
    if manager is not None:
        due = due.filter(manager=manager)
    extended = 0
    for one_on_one in due:
        extended += meetings_extend(one_on_one=one_on_one, until=now + HORIZON)
    return extended


def one_on_ones_close_where_manager_changed() -> int:
    """Close every active 1:1 whose report now has another manager (or has left). Called after
    any change of managers, from a form, an import or a departure, inside their transaction;
    one query when nothing needs closing."""
    stale = OneOnOne.objects.filter(status=OneOnOne.Status.ACTIVE).filter(
        ~Exists(
            Person.objects.filter(
                pk=OuterRef("report_id"), manager=OuterRef("manager_id"), is_active=True
            )
        )
    )
    now = timezone.now()
    closing = list(stale.values_list("pk", flat=True))
    if not closing:
        return 0
    Meeting.objects.filter(
        one_on_one__in=closing, status=Meeting.Status.UPCOMING, scheduled_for__gt=now
    ).update(status=Meeting.Status.CANCELLED, status_reason="The 1:1 closed: the manager changed.")
    return OneOnOne.objects.filter(pk__in=closing).update(
        status=OneOnOne.Status.CLOSED,
        closed_at=now,
        calendar_sequence=F("calendar_sequence") + 1,
    )


# --- One meeting ------------------------------------------------------------------------------


def _require_writer(by: Person, meeting: Meeting) -> None:
    access.require(access.can_see_one_on_one(by, meeting.one_on_one))
    if not access.can_write_in(by, meeting.one_on_one):
        raise ValidationError("This 1:1 is closed; its meetings can no longer change.")


def meeting_reschedule(
    *, meeting: Meeting, to: datetime, by: Person, confirmed_out_of_hours: bool = False
) -> Meeting:
    """Move one meeting. A time outside either person's hours needs `confirmed_out_of_hours`."""
    _require_writer(by, meeting)
    if meeting.status not in (Meeting.Status.UPCOMING,):
        raise ValidationError("Only an upcoming meeting can be moved.")
    pair = meeting.one_on_one
    _require_in_hours(
        start=to,
        end=to + timedelta(minutes=meeting.duration_minutes),
        people=(pair.manager, pair.report),
        confirmed=confirmed_out_of_hours,
    )
    meeting.scheduled_for = to
    meeting.save(update_fields=["scheduled_for"])
    series_changed(meeting.one_on_one)
    return meeting


def meeting_set_status(*, meeting: Meeting, status: str, reason: str, by: Person) -> Meeting:
    """Held, skipped or cancelled. Nothing on the agenda is lost: points not discussed are
    still open, and open meetings show them."""
    _require_writer(by, meeting)
    if status in (Meeting.Status.SKIPPED, Meeting.Status.CANCELLED) and not reason.strip():
        raise ValidationError("Say why, in a few words: it helps you both later.")
    calendar_changes = Meeting.Status.UPCOMING in (meeting.status, status) and (
        {meeting.status, status} & {Meeting.Status.SKIPPED, Meeting.Status.CANCELLED}
    )
    meeting.status = status
    meeting.status_reason = reason.strip()
    meeting.save(update_fields=["status", "status_reason"])
    if calendar_changes:
        series_changed(meeting.one_on_one)
    schedules_extend_due(manager=meeting.one_on_one.manager)
    return meeting


def rule_from(data: dict[str, Any]) -> Rule:
    """The rule fields of a validated set-up form."""
    return Rule(
        cadence=data["cadence"],
        weekday=data["weekday"],
        start_time=data["start_time"],
        duration_minutes=data["duration_minutes"],
        starts_on=data["starts_on"],
    )
