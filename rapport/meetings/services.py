"""Every write of the meetings app: 1:1s and their schedule, the agenda (talking points and
action items), notes, the person card, and the workflows that follow a change of manager."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Max, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from rapport import access, versions
from rapport.audit import services as audit
from rapport.audit.models import Action as AuditAction
from rapport.display import format_date
from rapport.meetings import recurrence, selectors, slots, system_texts, timing
from rapport.meetings.models import (
    ActionItem,
    CalendarFeed,
    Meeting,
    Note,
    NoteConflictCopy,
    OneOnOne,
    PersonCard,
    Section,
    TalkingPoint,
    TimeSegment,
    new_feed_token,
)
from rapport.meetings.selectors import CARD_FIELDS, agenda_for
from rapport.people import importing
from rapport.people.models import DayAway, Departure, LeftReason, Person
from rapport.people.services import ReportingCycleError, cycle_message, would_create_cycle

# Meetings exist as rows this far ahead; `schedules_extend_due` keeps the horizon moving.
HORIZON = timedelta(weeks=10)
EXTEND_WHEN_LESS_THAN = timedelta(weeks=6)
# A pair without an active goal has this on its agenda (goals/services.py keeps it there).
NEXT_GOAL_PROMPT = system_texts.NEXT_GOAL_PROMPT
# The growth conversation's template agenda (meeting_make_growth).
GROWTH_AGENDA = Path(__file__).parent / "data" / "growth_agenda.json"
# A new pair's first 1:1 is for getting to know each other: connection questions from the bank
# and this point for the report (questions.services.first_one_on_ones_agenda adds them, since
# meetings may not read the bank). Holding that first meeting puts the first goals on the next.
PROFILE_PROMPT = system_texts.PROFILE_PROMPT
FIRST_GOALS_PROMPT = system_texts.FIRST_GOALS_PROMPT


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
            gettext("This time is outside working hours: %(problems)s. Confirm to book it anyway.")
            % {"problems": listed},
            code="out_of_hours",
        )


@versions.bumps
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
        raise ValidationError(
            gettext("%(report)s does not report to %(manager)s.")
            % {"report": report.name, "manager": manager.name}
        )
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
    # The first agenda is not set here: the set-up view and the demo add the getting-to-know-you
    # points (questions.services.first_one_on_ones_agenda), and the first goals follow the first
    # meeting (first_goals_prompt_after).
    return one_on_one


@versions.bumps
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


@versions.bumps
@transaction.atomic
def one_on_one_change_rule(
    *,
    one_on_one: OneOnOne,
    rule: Rule,
    by: Person,
    target_connection_share: int | None = None,
    confirmed_out_of_hours: bool = False,
    video_link: str | None = None,
    growth_every_weeks: int | None = None,
) -> OneOnOne:
    """A new cadence or time replaces the future meetings that hold nothing yet; meetings with
    notes, actions or discussed points, and ones moved, skipped or cancelled by hand, stay as
    they are, and the new rule keeps their weeks skipped or free (see _carry_hand_changes).
    `target_connection_share`, when given, is the pair's new target split. A new first meeting
    outside either person's hours needs `confirmed_out_of_hours`. `growth_every_weeks`, when
    given, is the pair's growth rhythm (0: off); a coming meeting the pair made their growth
    conversation passes the mark to the new rule's nearest meeting."""
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
    if video_link is not None:
        one_on_one.video_link = video_link  # full_clean below runs validate_video_link
    if growth_every_weeks is not None:
        one_on_one.growth_every_weeks = growth_every_weeks
    one_on_one.cadence = rule.cadence
    one_on_one.weekday = rule.weekday
    one_on_one.start_time = rule.start_time
    one_on_one.duration_minutes = rule.duration_minutes
    one_on_one.starts_on = max(rule.starts_on, now.date())
    one_on_one.timezone = one_on_one.manager.timezone
    one_on_one.full_clean()
    # Skips made for a day away go with the old rule too: meetings_extend applies days away to
    # the new rule's rows, and a stale one would come back as a second meeting of its week when
    # the day away is removed.
    empty_future = (
        one_on_one.meetings.filter(scheduled_for__gt=now, scheduled_for=F("slot"))
        .filter(
            Q(status=Meeting.Status.UPCOMING)
            | Q(status=Meeting.Status.SKIPPED, skipped_for_away__isnull=False)
        )
        .exclude(
            Q(notes__isnull=False)
            | Q(created_actions__isnull=False)
            | Q(discussed_points__isnull=False)
        )
    )
    hand_skips, moved_weeks = _kept_by_hand(one_on_one, now)
    growth_planned = list(empty_future.filter(is_growth=True).values_list("slot", flat=True))
    empty_future.delete()
    kept = set(one_on_one.meetings.filter(scheduled_for__gt=now).values_list("pk", flat=True))
    one_on_one.scheduled_until = now
    one_on_one.save()
    meetings_extend(one_on_one=one_on_one, until=now + HORIZON)
    _carry_hand_changes(one_on_one, now, kept, hand_skips, moved_weeks)
    _carry_growth_marks(one_on_one, now, growth_planned)
    series_changed(one_on_one)
    return one_on_one


def _carry_growth_marks(one_on_one: OneOnOne, now: datetime, planned: list[datetime]) -> None:
    """A growth conversation planned on a meeting the new rule replaced moves to the new rule's
    upcoming meeting nearest in time (its talking points belong to the pair and stay)."""
    for moment in planned:
        near = one_on_one.meetings.filter(
            status=Meeting.Status.UPCOMING,
            scheduled_for__gt=now,
            scheduled_for__range=(moment - timedelta(days=31), moment + timedelta(days=31)),
        )
        nearest = min(near, key=lambda meeting: abs(meeting.scheduled_for - moment), default=None)
        if nearest is not None:
            Meeting.objects.filter(pk=nearest.pk).update(is_growth=True)


Week = tuple[int, int]


def _week_of(moment: datetime, zone: ZoneInfo) -> Week:
    year, week, _ = moment.astimezone(zone).isocalendar()
    return year, week


def _kept_by_hand(one_on_one: OneOnOne, now: datetime) -> tuple[dict[Week, Meeting], set[Week]]:
    """The weeks (ISO, on the pair's clock) of future meetings skipped or cancelled by hand, and
    of upcoming ones moved by hand: a new rhythm must not undo either. Skips made for a day
    away are left out, as meetings_extend applies days away to the new rows itself."""
    zone = ZoneInfo(one_on_one.timezone)
    skips: dict[Week, Meeting] = {}
    moved: set[Week] = set()
    by_hand = one_on_one.meetings.filter(scheduled_for__gt=now).filter(
        Q(
            status__in=(Meeting.Status.SKIPPED, Meeting.Status.CANCELLED),
            skipped_for_away__isnull=True,
        )
        | (Q(status=Meeting.Status.UPCOMING) & ~Q(scheduled_for=F("slot")))
    )
    for meeting in by_hand.order_by("scheduled_for"):
        week = _week_of(meeting.scheduled_for, zone)
        if meeting.status == Meeting.Status.UPCOMING:
            moved.add(week)
        else:
            skips.setdefault(week, meeting)
    return skips, moved


def _carry_hand_changes(
    one_on_one: OneOnOne,
    now: datetime,
    kept: set[int],
    hand_skips: dict[Week, Meeting],
    moved_weeks: set[Week],
) -> None:
    """The new rule's rows inherit the hand-made changes of the old rule's week: a week with a
    moved meeting gets no second one, a skipped or cancelled week stays so, with its reason."""
    if not hand_skips and not moved_weeks:
        return
    zone = ZoneInfo(one_on_one.timezone)
    new_rows = one_on_one.meetings.filter(scheduled_for__gt=now).exclude(pk__in=kept)
    for meeting in new_rows:
        week = _week_of(meeting.scheduled_for, zone)
        if week in moved_weeks:
            meeting.delete()
        elif (old := hand_skips.get(week)) is not None and meeting.is_open:
            meeting.status = old.status
            meeting.status_reason = old.status_reason
            meeting.save(update_fields=["status", "status_reason"])


def series_changed(one_on_one: OneOnOne) -> None:
    """Raise the pair's calendar SEQUENCE: its schedule changed, so both people's calendars
    need a new invite (the worker sends one for every sequence not yet sent)."""
    OneOnOne.objects.filter(pk=one_on_one.pk).update(calendar_sequence=F("calendar_sequence") + 1)
    one_on_one.refresh_from_db(fields=["calendar_sequence"])


@versions.bumps
def meetings_extend(
    *, one_on_one: OneOnOne, until: datetime, days_away: Sequence[DayAway] | None = None
) -> int:
    """Create the meeting rows of the rule up to `until`. Safe to run twice: a slot that has a
    meeting already is left alone. Rows on either person's days away are created skipped;
    `days_away`, when given, are those days (a caller that knows there are none saves a query)."""
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
    if days_away is None:
        days_away = (
            _days_away_around((one_on_one.manager_id, one_on_one.report_id), slots[0], slots[-1])
            if slots
            else []
        )
    rows = []
    for slot in slots:
        meeting = Meeting(
            one_on_one=one_on_one,
            slot=slot,
            scheduled_for=slot,
            duration_minutes=one_on_one.duration_minutes,
        )
        # Days away are applied to every row a rule makes, so no rhythm change nor the horizon
        # moving on ever books a 1:1 on a day one of the two is away.
        if (away := _away_at(slot, days_away)) is not None:
            meeting.status = Meeting.Status.SKIPPED
            meeting.status_reason = away_reason(away, one_on_one)
            meeting.skipped_for_away = away
        rows.append(meeting)
    Meeting.objects.bulk_create(rows, ignore_conflicts=True)
    OneOnOne.objects.filter(pk=one_on_one.pk).update(scheduled_until=until)
    one_on_one.scheduled_until = until
    return len(slots)


def schedules_extend_due(*, now: datetime | None = None, manager: Person | None = None) -> int:
    """Move the horizon of every active 1:1 that is running short of future meetings. The
    worker's tick calls it (notify_tick), never a page: a GET writes nothing. One query when
    nothing is due. Each extension moves its own pair's pages (`meetings_extend`), not
    everyone's: in a large organisation some pair is extended at almost every tick."""
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


@versions.bumps_everyone
def one_on_ones_close_where_manager_changed() -> int:
    """Close every active 1:1 whose report now has another manager (or has left). Called after
    any change of managers, from a form, an import or a departure, inside their transaction;
    one query when nothing needs closing."""
    access.org_chart_changed()
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
    ).update(status=Meeting.Status.CANCELLED, status_reason=system_texts.MANAGER_CHANGED)
    return OneOnOne.objects.filter(pk__in=closing).update(
        status=OneOnOne.Status.CLOSED,
        closed_at=now,
        calendar_sequence=F("calendar_sequence") + 1,
    )


# --- Days away ----------------------------------------------------------------------------------
# A people-app row with a meetings-app effect, so the workflow lives here (the higher app).

AWAY_AHEAD = timedelta(days=2 * 366)


def away_reason(away: DayAway, one_on_one: OneOnOne) -> str:
    """The skip reason both people of the pair read. The kind of a day away is told only to
    the person's own manager, who schedules them (docs/privacy.md): a manager's reports read
    only that their manager is away."""
    if away.person_id == one_on_one.report_id and away.kind != DayAway.Kind.OTHER:
        return system_texts.away_reason_text(away.person.name, away.kind)
    return system_texts.away_reason_text(away.person.name, None)


def _days_away_around(person_ids: Iterable[int], first: datetime, last: datetime) -> list[DayAway]:
    # A local date is at most a day off the UTC date, either way.
    return list(
        DayAway.objects.filter(
            person_id__in=list(person_ids),
            starts_on__lte=last.date() + timedelta(days=1),
            ends_on__gte=first.date() - timedelta(days=1),
        )
        .select_related("person")
        .order_by("starts_on", "pk")
    )


def _away_at(moment: datetime, days_away: Iterable[DayAway]) -> DayAway | None:
    """The first day away that covers `moment`'s date on its person's own calendar."""
    for away in days_away:
        if away.covers(moment.astimezone(away.person.zone).date()):
            return away
    return None


@versions.bumps
@transaction.atomic
def day_away_add(
    *, person: Person, starts_on: date, ends_on: date, kind: str, by: Person
) -> DayAway:
    """Record days away and skip the upcoming meetings of the person's active 1:1s (as manager
    and as report) on those days, on the person's own calendar. A meeting already held, or
    running in meeting mode, is never touched; open points carry over to the next meeting."""
    access.require(access.can_change_schedule_of(by, person))
    away = DayAway(person=person, starts_on=starts_on, ends_on=ends_on, kind=kind)
    away.full_clean()
    now = timezone.now()
    today = now.astimezone(person.zone).date()
    if ends_on < today:
        raise ValidationError(
            {"ends_on": gettext("These days are all in the past: add days away from today on.")}
        )
    if starts_on > today + AWAY_AHEAD:
        raise ValidationError(
            {"starts_on": gettext("Days away can be added up to two years ahead; add these later.")}
        )
    away.save()
    zone = person.zone
    start = max(now, datetime.combine(starts_on, time(), tzinfo=zone))
    end = datetime.combine(ends_on + timedelta(days=1), time(), tzinfo=zone)
    pairs = OneOnOne.objects.filter(status=OneOnOne.Status.ACTIVE)
    # One write per side: the person's own 1:1 as report, and every 1:1 they lead (all with the
    # same reason), so a manager of 30 going on holiday costs a few queries, not 30.
    for side in (pairs.filter(report=person), pairs.filter(manager=person)):
        pair = side.first()
        if pair is None:
            continue
        covered = Meeting.objects.filter(
            one_on_one__in=side,
            status=Meeting.Status.UPCOMING,
            started_at__isnull=True,
            scheduled_for__gte=start,
            scheduled_for__lt=end,
        )
        changed = list(covered.values_list("one_on_one_id", flat=True).distinct())
        covered.update(
            status=Meeting.Status.SKIPPED,
            status_reason=away_reason(away, pair),
            skipped_for_away=away,
        )
        OneOnOne.objects.filter(pk__in=changed).update(calendar_sequence=F("calendar_sequence") + 1)
    return away


@versions.bumps
@transaction.atomic
def day_away_remove(*, day_away: DayAway, by: Person) -> None:
    """Delete days away and put back the upcoming meetings they skipped, unless another day away
    of either person still covers them. Past skips keep their reason."""
    access.require(access.can_change_schedule_of(by, day_away.person))
    skipped = list(
        Meeting.objects.filter(
            skipped_for_away=day_away,
            status=Meeting.Status.SKIPPED,
            scheduled_for__gte=timezone.now(),
            one_on_one__status=OneOnOne.Status.ACTIVE,
        ).select_related("one_on_one")
    )
    day_away.delete()
    changed: dict[int, OneOnOne] = {}
    for meeting in skipped:
        pair = meeting.one_on_one
        others = _days_away_around(
            (pair.manager_id, pair.report_id), meeting.scheduled_for, meeting.scheduled_for
        )
        if (away := _away_at(meeting.scheduled_for, others)) is not None:
            meeting.status_reason = away_reason(away, pair)
            meeting.skipped_for_away = away
        else:
            meeting.status = Meeting.Status.UPCOMING
            meeting.status_reason = ""
            meeting.skipped_for_away = None
            changed[pair.pk] = pair
        meeting.save(update_fields=["status", "status_reason", "skipped_for_away"])
    for pair in changed.values():
        series_changed(pair)


# --- One meeting ------------------------------------------------------------------------------


def _require_writer(by: Person, meeting: Meeting) -> None:
    access.require(access.can_see_one_on_one(by, meeting.one_on_one))
    if not access.can_write_in(by, meeting.one_on_one):
        raise ValidationError(gettext("This 1:1 is closed; its meetings can no longer change."))


@versions.bumps
def meeting_reschedule(
    *, meeting: Meeting, to: datetime, by: Person, confirmed_out_of_hours: bool = False
) -> Meeting:
    """Move one meeting. A time outside either person's hours needs `confirmed_out_of_hours`."""
    _require_writer(by, meeting)
    if meeting.status not in (Meeting.Status.UPCOMING,):
        raise ValidationError(gettext("Only an upcoming meeting can be moved."))
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


@versions.bumps
def meeting_set_status(*, meeting: Meeting, status: str, reason: str, by: Person) -> Meeting:
    """Held, skipped or cancelled. Nothing on the agenda is lost: points not discussed are
    still open, and open meetings show them."""
    _require_writer(by, meeting)
    if status in (Meeting.Status.SKIPPED, Meeting.Status.CANCELLED) and not reason.strip():
        raise ValidationError(gettext("Say why, in a few words: it helps you both later."))
    calendar_changes = Meeting.Status.UPCOMING in (meeting.status, status) and (
        {meeting.status, status} & {Meeting.Status.SKIPPED, Meeting.Status.CANCELLED}
    )
    meeting.status = status
    meeting.status_reason = reason.strip()
    # A hand-made status is the pair's own: removing a day away no longer changes it.
    meeting.skipped_for_away = None
    meeting.save(update_fields=["status", "status_reason", "skipped_for_away"])
    if status == Meeting.Status.HELD:
        first_goals_prompt_after(meeting)
    if calendar_changes:
        series_changed(meeting.one_on_one)
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


# --- Meeting mode -------------------------------------------------------------------------------
# Running a meeting in meeting mode. The clock lives on the server as time segments, so a
# reload, a lost connection or a second device all continue the same clock. Every change takes
# a row lock on the meeting, so two devices pressing at once cannot leave two clocks running.
# The clock's reading (clock_of) is in selectors.py.


def _locked(meeting: Meeting, by: Person) -> Meeting:
    access.require(access.can_run_meeting_mode(by, meeting))
    locked = Meeting.objects.select_for_update().select_related("one_on_one").get(pk=meeting.pk)
    if locked.ended_at is not None:
        raise ValidationError(gettext("This meeting has ended; its minutes are recorded."))
    return locked


def _stop_running(meeting: Meeting, now: datetime) -> TimeSegment | None:
    running = meeting.segments.filter(ended_at__isnull=True).first()
    if running is not None:
        running.ended_at = max(now, running.started_at)
        running.save(update_fields=["ended_at"])
    return running


@versions.bumps
@transaction.atomic
def mode_start(
    *, meeting: Meeting, by: Person, section: str = Section.CONNECTION, now: datetime | None = None
) -> Meeting:
    """Start (or, pressed again from a second device, keep) the clock. Connection first."""
    now = now or timezone.now()
    meeting = _locked(meeting, by)
    if meeting.started_at is None:
        meeting.started_at = now
        meeting.save(update_fields=["started_at"])
    if not meeting.segments.filter(ended_at__isnull=True).exists():
        TimeSegment.objects.create(meeting=meeting, section=section, started_at=now)
    return meeting


@versions.bumps
@transaction.atomic
def mode_switch(
    *, meeting: Meeting, section: str, by: Person, now: datetime | None = None
) -> Meeting:
    """Move the clock to another section (also resumes a paused clock in that section)."""
    if section not in timing.SECTIONS:
        raise ValidationError(gettext("Choose connection or performance."))
    now = now or timezone.now()
    meeting = _locked(meeting, by)
    running = meeting.segments.filter(ended_at__isnull=True).first()
    if running is not None and running.section == section:
        return meeting
    _stop_running(meeting, now)
    if meeting.started_at is None:
        meeting.started_at = now
        meeting.save(update_fields=["started_at"])
    TimeSegment.objects.create(meeting=meeting, section=section, started_at=now)
    return meeting


@versions.bumps
@transaction.atomic
def mode_pause(*, meeting: Meeting, by: Person, now: datetime | None = None) -> Meeting:
    meeting = _locked(meeting, by)
    _stop_running(meeting, now or timezone.now())
    return meeting


@versions.bumps
@transaction.atomic
def mode_resume(*, meeting: Meeting, by: Person, now: datetime | None = None) -> Meeting:
    """Carry on in the section that ran last."""
    now = now or timezone.now()
    meeting = _locked(meeting, by)
    if meeting.segments.filter(ended_at__isnull=True).exists():
        return meeting
    last = meeting.segments.order_by("-started_at").first()
    section = last.section if last else Section.CONNECTION
    if meeting.started_at is None:
        meeting.started_at = now
        meeting.save(update_fields=["started_at"])
    TimeSegment.objects.create(meeting=meeting, section=section, started_at=now)
    return meeting


@versions.bumps
@transaction.atomic
def mode_end(*, meeting: Meeting, by: Person, now: datetime | None = None) -> Meeting:
    """Stop the clock for good, record the measured minutes and mark the meeting held."""
    now = now or timezone.now()
    meeting = _locked(meeting, by)
    _stop_running(meeting, now)
    totals = timing.section_totals(selectors.clock_spans(meeting), now)
    meeting.started_at = meeting.started_at or now
    meeting.ended_at = now
    meeting.connection_seconds = totals["connection"]
    meeting.performance_seconds = totals["performance"]
    meeting.status = Meeting.Status.HELD
    meeting.save(
        update_fields=[
            "started_at",
            "ended_at",
            "connection_seconds",
            "performance_seconds",
            "status",
        ]
    )
    first_goals_prompt_after(meeting)
    return meeting


@versions.bumps
@transaction.atomic
def first_goals_prompt_after(meeting: Meeting) -> TalkingPoint | None:
    """Once a pair that started with the getting-to-know-you agenda has held its first meeting,
    its next meeting defines the first goals. Pairs that started before that agenda existed,
    and every later meeting, are left as they are. Safe to call more than once."""
    one_on_one = meeting.one_on_one
    if not one_on_one.is_active:
        return None
    # Lock the pair so two devices marking the meeting held add the point once.
    OneOnOne.objects.select_for_update().filter(pk=one_on_one.pk).first()
    # Point texts are encrypted at rest (rapport/crypto): compared here, not in SQL.
    texts = set(TalkingPoint.objects.filter(one_on_one=one_on_one).values_list("text", flat=True))
    if PROFILE_PROMPT not in texts or FIRST_GOALS_PROMPT in texts:
        return None
    if one_on_one.meetings.filter(status=Meeting.Status.HELD).exclude(pk=meeting.pk).exists():
        return None
    return point_add(
        one_on_one=one_on_one,
        author=one_on_one.manager,
        text=FIRST_GOALS_PROMPT,
        section=Section.PERFORMANCE,
    )


@versions.bumps
def meeting_estimate(
    *, meeting: Meeting, connection_minutes: int, performance_minutes: int, by: Person
) -> Meeting:
    """For a meeting held without meeting mode: an estimate, kept apart from measured time."""
    access.require(access.can_see_one_on_one(by, meeting.one_on_one))
    if not access.can_write_in(by, meeting.one_on_one):
        raise ValidationError(gettext("This 1:1 is closed: its meetings can no longer change."))
    if meeting.ended_at is not None:
        raise ValidationError(gettext("This meeting was measured; there is nothing to estimate."))
    if (
        connection_minutes < 0
        or performance_minutes < 0
        or connection_minutes + performance_minutes > 600
    ):
        raise ValidationError(
            gettext("Give the minutes of each part, from 0 up to 10 hours in all.")
        )
    meeting.estimated_connection_minutes = connection_minutes
    meeting.estimated_performance_minutes = performance_minutes
    meeting.save(update_fields=["estimated_connection_minutes", "estimated_performance_minutes"])
    return meeting


# --- The agenda: talking points and action items ----------------------------------------


def _require_agenda_writer(by: Person, one_on_one: OneOnOne) -> None:
    access.require(access.can_see_one_on_one(by, one_on_one))
    if not access.can_write_in(by, one_on_one):
        raise ValidationError(
            gettext("This 1:1 is closed: its agenda can be read but no longer changed.")
        )


def _require_may_touch(by: Person, point: TalkingPoint) -> None:
    access.require(access.can_see_point(by, point))
    _require_agenda_writer(by, point.one_on_one)


@versions.bumps
@transaction.atomic
def point_add(
    *,
    one_on_one: OneOnOne,
    author: Person,
    text: str,
    section: str,
    is_private: bool = False,
    is_recurring: bool = False,
) -> TalkingPoint:
    _require_agenda_writer(author, one_on_one)
    last = TalkingPoint.objects.filter(one_on_one=one_on_one).aggregate(last=Max("position"))
    point = TalkingPoint(
        one_on_one=one_on_one,
        author=author,
        text=text.strip(),
        section=section,
        is_private=is_private,
        is_recurring=is_recurring,
        position=(last["last"] or 0) + 1,
    )
    # The forms and the API check these first; a caller that does not gets the fields' own
    # refusal (an unknown section, an empty or overlong text), not a page that fails later.
    point.clean_fields()
    point.save()
    return point


def growth_agenda() -> list[tuple[str, str]]:
    """The growth conversation's template: (section, text) pairs, from data/growth_agenda.json."""
    with GROWTH_AGENDA.open(encoding="utf-8") as file:
        points = json.load(file)["points"]
    return [(point["section"], point["text"]) for point in points]


@versions.bumps
@transaction.atomic
def meeting_make_growth(*, meeting: Meeting, by: Person, growth: bool = True) -> list[TalkingPoint]:
    """Make an upcoming meeting the pair's growth conversation: it is marked, and the template's
    points join the pair's agenda as ordinary points by `by` (the ones already open are not
    added twice). `growth=False` takes the mark off again and removes the template's points
    nobody has discussed yet. Returns the points added."""
    _require_writer(by, meeting)
    if not meeting.is_open:
        raise ValidationError(
            gettext("Only an upcoming meeting can become the growth conversation.")
        )
    # The points go in in the active language (growth_texts.py); taking the mark off finds them
    # in whichever language they went in.
    template = [(section, gettext(text)) for section, text in growth_agenda()]
    texts: set[str] = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            texts.update(gettext(text) for _, text in growth_agenda())

    def open_template_points() -> list[TalkingPoint]:
        # Point texts are encrypted at rest (rapport/crypto): matched here, not in SQL.
        candidates = TalkingPoint.objects.filter(
            one_on_one=meeting.one_on_one, discussed_in__isnull=True, is_private=False
        ).only("pk", "text", "is_recurring")
        return [point for point in candidates if point.text in texts]

    if not growth:
        if meeting.is_growth:
            meeting.is_growth = False
            meeting.save(update_fields=["is_growth"])
            unrecurring = [point.pk for point in open_template_points() if not point.is_recurring]
            TalkingPoint.objects.filter(pk__in=unrecurring).delete()
        return []
    if meeting.is_growth:
        return []
    meeting.is_growth = True
    meeting.save(update_fields=["is_growth"])
    already = {point.text for point in open_template_points()}
    return [
        point_add(one_on_one=meeting.one_on_one, author=by, text=text, section=section)
        for section, text in template
        if text not in already
    ]


@versions.bumps
@transaction.atomic
def point_set_discussed(
    *, point: TalkingPoint, meeting: Meeting, discussed: bool, by: Person
) -> None:
    """Tick or untick a point in a meeting. A recurring point keeps its place on every agenda:
    ticking it records a discussion of it in this meeting only."""
    _require_may_touch(by, point)
    if meeting.one_on_one_id != point.one_on_one_id:
        raise ValidationError(gettext("That point belongs to another 1:1."))
    if point.is_recurring:
        existing = point.discussions.filter(discussed_in=meeting)
        if discussed and not existing.exists():
            TalkingPoint.objects.create(
                one_on_one=point.one_on_one,
                author=point.author,
                text=point.text,
                section=point.section,
                is_private=point.is_private,
                recurring_source=point,
                position=point.position,
                discussed_in=meeting,
                discussed_at=timezone.now(),
            )
        elif not discussed:
            existing.delete()
        return
    point.discussed_in = meeting if discussed else None
    point.discussed_at = timezone.now() if discussed else None
    point.save(update_fields=["discussed_in", "discussed_at"])


@versions.bumps
@transaction.atomic
def point_move(*, point: TalkingPoint, meeting: Meeting, up: bool, by: Person) -> None:
    """Swap a point with its neighbour among the points the mover can see in that section;
    points hidden from them (the other person's private ones) keep their places."""
    _require_may_touch(by, point)
    section = next(s for s in agenda_for(by, meeting) if s.section == point.section)
    order = [
        p for p in section.points if p.discussed_in_id is None or p.discussed_in_id == meeting.pk
    ]
    index = next((i for i, p in enumerate(order) if p.pk == point.pk), None)
    if index is None:
        return
    other = index - 1 if up else index + 1
    if not 0 <= other < len(order):
        return
    slots = sorted(p.position for p in order)
    order[index], order[other] = order[other], order[index]
    # Distinct positions, reusing the values these points already held.
    for position, item in zip(_distinct(slots), order, strict=True):
        if item.position != position:
            TalkingPoint.objects.filter(pk=item.pk).update(position=position)


def _distinct(values: list[int]) -> list[int]:
    result: list[int] = []
    for value in values:
        result.append(max(value, result[-1] + 1) if result else value)
    return result


@versions.bumps
def point_delete(*, point: TalkingPoint, by: Person) -> None:
    access.require(access.can_remove_point(by, point))
    _require_agenda_writer(by, point.one_on_one)
    if point.discussed_in_id is not None:
        raise ValidationError(gettext("A discussed point is part of the record and stays."))
    point.delete()


@versions.bumps
def action_add(
    *,
    one_on_one: OneOnOne,
    meeting: Meeting | None,
    owner: Person,
    text: str,
    due_on: date | None,
    by: Person,
    already_late: bool = False,
) -> ActionItem:
    """A new action of the pair. A due date in the past (on the writer's calendar) is refused
    unless `already_late` says the item is being recorded late on purpose."""
    _require_agenda_writer(by, one_on_one)
    if owner.pk not in (one_on_one.manager_id, one_on_one.report_id):
        raise ValidationError(gettext("An action belongs to one of the two people of the 1:1."))
    if due_on is not None and not already_late and due_on < timezone.localdate():
        raise ValidationError(
            gettext(
                "%(date)s has passed. Choose today or a later day, or tick “Already late” to "
                "record it with that date."
            )
            % {"date": format_date(due_on, "j M Y")}
        )
    if meeting is not None and meeting.one_on_one_id != one_on_one.pk:
        raise ValidationError(gettext("That meeting belongs to another 1:1."))
    return ActionItem.objects.create(
        one_on_one=one_on_one,
        created_in=meeting,
        owner=owner,
        created_by=by,
        text=text.strip(),
        due_on=due_on,
    )


@versions.bumps
def action_set_done(*, action: ActionItem, done: bool, by: Person) -> ActionItem:
    _require_agenda_writer(by, action.one_on_one)
    action.done_at = timezone.now() if done else None
    action.save(update_fields=["done_at"])
    return action


# --- Notes -----------------------------------------------------------------------------------
#
# Notes on a meeting: conflict-safe saving and resolving conflicts (what a viewer sees is
# selectors.notes_for).
#
# Every save names the version it was typed on. A save on the current version wins; a save on
# an older one (another tab, another device) is refused, and its text is kept on the server as a
# `NoteConflictCopy` until the person chooses. Nothing typed is ever overwritten unseen, and
# nothing is lost when the browser closes.
#
# Each save also carries an idempotency key, one per save attempt, sent again unchanged when the
# browser retries until an answer arrives. The note remembers the key of the save that produced
# its current version, so a save whose answer was lost and that arrives again is answered as
# saved, not as a conflict with itself, and leaves no spare copy.


class NoteConflict(Exception):
    """The save was made on an older version than the saved one. `copy` keeps the refused
    text on the server; `current` is the note as it is saved now."""

    def __init__(self, *, current: Note, rejected_body: str, copy: NoteConflictCopy) -> None:
        super().__init__(f"note {current.pk} is at version {current.version}")
        self.current = current
        self.rejected_body = rejected_body
        self.copy = copy


class NotesClosed(PermissionDenied):
    """The person may read these notes but no longer change them (the 1:1 is closed)."""


class NoteVersionUnknown(ValueError):
    """A save names a version of a note that was never written."""


def _ensure_can_write(author: Person, meeting: Meeting) -> None:
    access.require(access.can_see_one_on_one(author, meeting.one_on_one))
    if not access.can_write_in(author, meeting.one_on_one):
        raise NotesClosed("This 1:1 is closed: its notes can be read but no longer changed.")


def _conditional_write(note_filter: Q, *, body: str, base_version: int, save_key: str = "") -> bool:
    """One UPDATE that only matches the version the text was typed on: the database decides
    who was first, so two writers can never both think they won."""
    updated = Note.objects.filter(note_filter, version=base_version).update(
        body=body, version=F("version") + 1, updated_at=timezone.now(), last_save_key=save_key
    )
    return updated == 1


def _keep_rejected(current: Note, *, author: Person, body: str, base_version: int) -> NoteConflict:
    # The same text refused twice (a retry, or two tabs holding the same words) is kept once.
    # Kept texts are encrypted at rest (rapport/crypto): compared here, not in SQL.
    kept = NoteConflictCopy.objects.filter(note=current, author=author).order_by("pk")
    copy = next((kept_copy for kept_copy in kept if kept_copy.body == body), None)
    if copy is None:
        copy = NoteConflictCopy.objects.create(
            note=current, author=author, body=body, base_version=base_version
        )
    return NoteConflict(current=current, rejected_body=body, copy=copy)


# Notes move nobody's version (no `@versions.bumps`): the meeting page reads them on each visit
# and no kept page or fragment shows them. A note autosaved every few seconds during a 1:1 so
# leaves both people's kept pages and polled agendas as they are (tests/test_page_cache.py).
def note_save(
    *,
    meeting: Meeting,
    author: Person,
    kind: str,
    body: str,
    base_version: int,
    save_key: str = "",
) -> Note:
    """Save the author's note of this kind, typed on `base_version` (0: no note existed).

    `save_key` names this save attempt (a retry sends the same key): when the current version
    was produced by this very attempt, the retry is answered as saved, never as a conflict with
    itself; text typed since is saved on top.

    Raises NoteConflict when the note has moved on since (the refused text is kept),
    NotesClosed when the author may no longer write here, NoteVersionUnknown for a version
    that never existed. Only ever writes the author's own note: callers pass the viewer.
    """
    if kind not in Note.Kind.values:
        raise ValueError(f"unknown kind of note: {kind!r}")
    _ensure_can_write(author, meeting)
    mine = Q(meeting=meeting, author=author, kind=kind)
    if base_version == 0:
        try:
            with transaction.atomic():
                return Note.objects.create(
                    meeting=meeting,
                    author=author,
                    kind=kind,
                    body=body,
                    version=1,
                    last_save_key=save_key,
                )
        except IntegrityError:
            pass  # created meanwhile by another tab: a stale save like any other
    else:
        # Our UPDATE holds the row until commit, so the read shows our write, not a later one.
        with transaction.atomic():
            if _conditional_write(mine, body=body, base_version=base_version, save_key=save_key):
                return Note.objects.get(mine)
    current = Note.objects.filter(mine).first()
    if current is None:
        raise NoteVersionUnknown(f"no version {base_version} of this note")
    if save_key and current.last_save_key == save_key and current.body != body:
        # This very save attempt produced the current version, its answer was lost, and the
        # browser sent it again with the words typed since: nobody else wrote in between, so
        # there is nothing to choose between; the newer words go on top of the person's own.
        with transaction.atomic():
            if _conditional_write(mine, body=body, base_version=current.version, save_key=save_key):
                return Note.objects.get(mine)
        current = Note.objects.get(mine)  # another tab wrote meanwhile: a real conflict
    if current.body == body:
        # The save already happened (its answer was lost and the browser retried), or the
        # other tab saved the very same words: nothing to choose between.
        return current
    raise _keep_rejected(current, author=author, body=body, base_version=base_version)


@dataclass(frozen=True)
class Resolution:
    note: Note
    conflicts_left: int


def note_conflict_resolve(
    *, copy: NoteConflictCopy, by: Person, body: str | None, seen_version: int
) -> Resolution:
    """Settle one kept copy. `body=None` keeps the saved note and discards the copy; a text
    (the copy's own, or a merge of both) is saved on top of `seen_version`, the version the
    person had in front of them while choosing. If the note moved on again meanwhile the copy
    stays and NoteConflict is raised, so the person chooses again with the newest text."""
    access.require(access.can_settle_note_copy(by, copy))
    note = copy.note
    note.refresh_from_db()
    if body is not None:
        _ensure_can_write(by, note.meeting)
        mine = Q(pk=note.pk)
        if body != note.body and not _conditional_write(mine, body=body, base_version=seen_version):
            # The newest text the person chose replaces the copy, so a merge is never lost.
            copy.body, copy.base_version = body, seen_version
            copy.save(update_fields=["body", "base_version"])
            raise NoteConflict(current=Note.objects.get(mine), rejected_body=body, copy=copy)
        note.refresh_from_db()
    # Discarding is allowed even on a closed 1:1: it removes only the person's own spare copy.
    copy.delete()
    left = NoteConflictCopy.objects.filter(note=note, author=by).count()
    return Resolution(note=note, conflicts_left=left)


# --- The person card -------------------------------------------------------------------------
#
# The person card: the manager's private card about a report, in one 1:1.
#
# Only the manager of the active 1:1 ever reads or writes it (access.can_see_person_card). It
# belongs to the 1:1, not to the person, so when the report's manager changes the card closes
# with the old 1:1 and the new manager starts with a blank one.


@versions.bumps
@transaction.atomic
def person_card_save(*, one_on_one: OneOnOne, by: Person, **fields: str) -> PersonCard:
    """Write the given fields of the card (creating it on first save); fields not given keep
    their text. Refused for anyone but the manager of the active 1:1."""
    access.require(access.can_see_person_card(by, one_on_one))
    unknown = set(fields) - set(CARD_FIELDS)
    if unknown:
        raise TypeError(f"not fields of a person card: {sorted(unknown)}")
    card, _ = PersonCard.objects.select_for_update().get_or_create(one_on_one=one_on_one)
    for name, value in fields.items():
        setattr(card, name, value.strip())
    card.updated_at = timezone.now()
    card.full_clean()
    card.save()
    return card


# --- When a manager changes: people move, their 1:1s with the old manager close -------------
#
# These workflows change people (the people app) and close 1:1s (this app): they live here, in
# the higher app, so that people never imports meetings. people/views.py calls them.


@versions.bumps
@transaction.atomic
def person_change_manager(*, person: Person, new_manager: Person | None, by: Person) -> Person:
    access.require(access.can_edit_person(by, person))
    if new_manager is not None and would_create_cycle(person=person, new_manager=new_manager):
        raise ReportingCycleError(cycle_message(person, new_manager), code="cycle")
    person.manager = new_manager
    person.save(update_fields=["manager"])
    one_on_ones_close_where_manager_changed()
    audit.record(action=AuditAction.MANAGER_CHANGED, actor=by, subject=person)
    return person


# What an admin's edit of a person may change; the audit trail names the fields that did.
AUDITED_PERSON_FIELDS = ("name", "preferred_name", "title", "timezone", "role", "started_on")


@versions.bumps
@transaction.atomic
def person_update(
    *,
    person: Person,
    name: str,
    title: str,
    timezone: str,
    role: str,
    manager: Person | None,
    started_on: date | None,
    by: Person,
    preferred_name: str | None = None,
) -> Person:
    """An admin's edit of a person; `preferred_name` None keeps theirs."""
    access.require(access.can_edit_person(by, person))
    if person.manager_id != (manager.pk if manager else None):
        person_change_manager(person=person, new_manager=manager, by=by)
    before = {field: getattr(person, field) for field in AUDITED_PERSON_FIELDS}
    person.name = name
    if preferred_name is not None:
        person.preferred_name = preferred_name.strip()
    person.title = title
    person.timezone = timezone
    person.role = role
    person.started_on = started_on
    person.full_clean()
    person.save()
    changed = [field for field in AUDITED_PERSON_FIELDS if getattr(person, field) != before[field]]
    if before["role"] != person.role:
        audit.record(
            action=AuditAction.ROLE_CHANGED,
            actor=by,
            subject=person,
            details={"from_role": before["role"], "to_role": person.role},
        )
    if changed:
        # Which fields, never their values: a name or title is not the trail's to keep twice.
        audit.record(
            action=AuditAction.PERSON_EDITED,
            actor=by,
            subject=person,
            details={"fields": ", ".join(changed)},
        )
    return person


# --- Departures ---------------------------------------------------------------------------------
# A people-app row with a meetings-app effect (1:1s end), so the workflow lives here. Leaving
# dates are read on the organisation's calendar (timezone.localdate: TIME_ZONE), the calendar
# every figure that counts leavers uses.


def departure_undo_grace() -> timedelta:
    return timedelta(days=settings.RAPPORT_DEPARTURE_UNDO_DAYS)


@versions.bumps
@transaction.atomic
def departure_record(
    *, person: Person, leaves_on: date, reason: LeftReason, by: Person, now: datetime | None = None
) -> Departure:
    """HR or an admin records that `person` leaves on `leaves_on`: today or earlier applies at
    once, a later day is scheduled (the person keeps access until the worker applies it on the
    day). Recording again replaces a scheduled departure (a new date or reason)."""
    access.require(access.can_record_departure(by))
    if not person.is_active:
        raise ValidationError(
            gettext("%(name)s has already left.") % {"name": person.name}, code="left"
        )
    now = now or timezone.now()
    Departure.objects.filter(person=person, state=Departure.State.SCHEDULED).update(
        state=Departure.State.CANCELLED, ended_at=now
    )
    departure = Departure.objects.create(
        person=person, leaves_on=leaves_on, reason=reason, recorded_by=by, recorded_at=now
    )
    if leaves_on <= timezone.localdate(now):
        _departure_apply(departure, now=now)
        audit.record_departure_event(
            departure=departure, action=AuditAction.DEPARTURE_RECORDED, by=by
        )
    else:
        audit.record_departure_event(
            departure=departure, action=AuditAction.DEPARTURE_SCHEDULED, by=by
        )
    return departure


def _departure_apply(departure: Departure, *, now: datetime) -> None:
    """The person can no longer sign in, their reports move up a level, and the 1:1s they were
    part of close with their upcoming meetings cancelled; what changed is kept for an undo."""
    person = Person.objects.select_for_update().get(pk=departure.person_id)
    pairs = list(
        OneOnOne.objects.filter(status=OneOnOne.Status.ACTIVE)
        .filter(Q(manager=person) | Q(report=person))
        .values_list("pk", flat=True)
    )
    cancelled = list(
        Meeting.objects.filter(
            one_on_one__in=pairs, status=Meeting.Status.UPCOMING, scheduled_for__gt=now
        ).values_list("pk", flat=True)
    )
    Meeting.objects.filter(pk__in=cancelled).update(
        status=Meeting.Status.CANCELLED, status_reason=system_texts.person_left_reason(person.name)
    )
    reports = list(Person.objects.filter(manager=person).values_list("pk", flat=True))
    Person.objects.filter(pk__in=reports).update(manager=person.manager_id)
    person.left_on = departure.leaves_on
    person.left_reason = departure.reason
    person.is_active = False
    person.save(update_fields=["left_on", "left_reason", "is_active"])
    one_on_ones_close_where_manager_changed()
    departure.state = Departure.State.APPLIED
    departure.applied_at = now
    departure.reports_moved_to_id = person.manager_id
    departure.moved_report_ids = reports
    departure.closed_one_on_one_ids = pairs
    departure.cancelled_meeting_ids = cancelled
    departure.save()


@versions.bumps_everyone
def departures_apply_due(*, now: datetime) -> int:
    """Run by the worker's tick: apply every scheduled departure whose day has come (the
    organisation's calendar). Each in its own transaction; safe to run twice."""
    today = timezone.localdate(now)
    applied = 0
    for pk in Departure.objects.filter(
        state=Departure.State.SCHEDULED, leaves_on__lte=today
    ).values_list("pk", flat=True):
        with transaction.atomic():
            departure = (
                Departure.objects.select_for_update()
                .filter(pk=pk, state=Departure.State.SCHEDULED)
                .first()
            )
            if departure is not None:
                _departure_apply(departure, now=now)
                audit.record_departure_event(
                    departure=departure, action=AuditAction.DEPARTURE_RECORDED, by=access.SYSTEM
                )
                applied += 1
    return applied


@versions.bumps
@transaction.atomic
def departure_cancel(*, departure: Departure, by: Person, now: datetime | None = None) -> Departure:
    """A scheduled departure is called off before its day: nothing had changed yet."""
    access.require(access.can_record_departure(by))
    departure = Departure.objects.select_for_update().get(pk=departure.pk)
    if not departure.is_scheduled:
        raise ValidationError(
            gettext("This departure is no longer scheduled: it was applied or called off already."),
            code="not_scheduled",
        )
    departure.state = Departure.State.CANCELLED
    departure.ended_at = now or timezone.now()
    departure.save(update_fields=["state", "ended_at"])
    audit.record_departure_event(departure=departure, action=AuditAction.DEPARTURE_CANCELLED, by=by)
    return departure


@versions.bumps
@transaction.atomic
def departure_undo(*, departure: Departure, by: Person, now: datetime | None = None) -> Departure:
    """Within the grace period (RAPPORT_DEPARTURE_UNDO_DAYS) an applied departure is undone: the
    person can sign in again, the reports it moved come back (unless someone has moved them
    since), and the 1:1s it closed reopen with their upcoming meetings (unless the report has
    another 1:1 now). After the grace period it is refused with the date it ended."""
    access.require(access.can_record_departure(by))
    now = now or timezone.now()
    departure = Departure.objects.select_for_update().get(pk=departure.pk)
    grace = departure_undo_grace()
    if not departure.is_applied:
        raise ValidationError(gettext("Only a departure that has taken effect can be undone."))
    if not departure.can_undo(now, grace):
        until = departure.undo_until(grace)
        assert until is not None
        raise ValidationError(
            ngettext(
                "This departure can no longer be undone: the %(days)d day to undo it ended on "
                "%(date)s.",
                "This departure can no longer be undone: the %(days)d days to undo it ended on "
                "%(date)s.",
                grace.days,
            )
            % {"days": grace.days, "date": format_date(timezone.localtime(until), "j F Y")},
            code="grace_over",
        )
    person = Person.objects.select_for_update().get(pk=departure.person_id)
    person.is_active = True
    person.left_on = None
    person.left_reason = ""
    person.save(update_fields=["is_active", "left_on", "left_reason"])
    Person.objects.filter(
        pk__in=departure.moved_report_ids, manager_id=departure.reports_moved_to_id
    ).update(manager=person)
    reopened = []
    for pair in OneOnOne.objects.filter(
        pk__in=departure.closed_one_on_one_ids, status=OneOnOne.Status.CLOSED
    ).select_related("report"):
        report_has_this_manager = Person.objects.filter(
            pk=pair.report_id, manager_id=pair.manager_id, is_active=True
        ).exists()
        report_has_a_pair = OneOnOne.objects.filter(
            report_id=pair.report_id, status=OneOnOne.Status.ACTIVE
        ).exists()
        if report_has_this_manager and not report_has_a_pair:
            OneOnOne.objects.filter(pk=pair.pk).update(
                status=OneOnOne.Status.ACTIVE,
                closed_at=None,
                calendar_sequence=F("calendar_sequence") + 1,
            )
            reopened.append(pair.pk)
    Meeting.objects.filter(
        pk__in=departure.cancelled_meeting_ids,
        one_on_one__in=reopened,
        status=Meeting.Status.CANCELLED,
        scheduled_for__gt=now,
    ).update(status=Meeting.Status.UPCOMING, status_reason="")
    access.org_chart_changed()
    departure.state = Departure.State.UNDONE
    departure.ended_at = now
    departure.save(update_fields=["state", "ended_at"])
    audit.record_departure_event(departure=departure, action=AuditAction.DEPARTURE_UNDONE, by=by)
    return departure


@versions.bumps_everyone
def import_people(
    *,
    data: bytes,
    deactivate_missing: bool = False,
    dry_run: bool = False,
    progress: importing.Progress | None = None,
    by: Person | access.System,
    keep_names: Collection[str] = (),
) -> importing.ImportReport:
    """The org-chart import (people.importing.update_people_from_file); in its transaction, once
    everyone is written, the 1:1s whose report now has another manager close. `keep_names`:
    the emails whose "Last, First" name the admin keeps as written."""
    report = importing.update_people_from_file(
        data=data,
        deactivate_missing=deactivate_missing,
        dry_run=dry_run,
        progress=progress,
        by=by,
        after_writing=one_on_ones_close_where_manager_changed,
        keep_names=keep_names,
    )
    if report.applied:
        audit.record(
            action=AuditAction.PEOPLE_IMPORTED,
            actor=by,
            details={
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "deactivated": report.deactivated,
            },
        )
    return report


# --- The calendar feed: the person's own secret address ---------------------------------------


def feed_for(person: Person) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(person=person)
    return feed


def feed_regenerate(*, person: Person) -> CalendarFeed:
    """A new secret address; the old one answers 404 from this moment on."""
    feed, _created = CalendarFeed.objects.update_or_create(
        person=person, defaults={"token": new_feed_token()}
    )
    return feed
