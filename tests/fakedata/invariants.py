"""The rules every generated organisation keeps, checked on its rows: the demo (written through
the services) and a synthetic organisation (written in bulk) must both pass. Each check returns
the problems it found, in words, so a failing test says what is wrong and where."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from rapport.checkins.models import CheckIn
from rapport.checkins.window import window_of
from rapport.goals.models import Goal, GoalUpdate, Status
from rapport.meetings import recurrence
from rapport.meetings.models import (
    ActionItem,
    Meeting,
    Note,
    OneOnOne,
    PersonCard,
    TalkingPoint,
)
from rapport.people.models import Person, WorkingProfile


def problems(now: datetime) -> list[str]:
    """Every rule broken anywhere in the database, as of `now`."""
    found: list[str] = []
    pairs = {pair.pk: pair for pair in OneOnOne.objects.select_related("manager", "report")}
    found += _pairs(pairs)
    found += _meetings(pairs, now)
    found += _contents(pairs, now)
    found += _goals(pairs, now)
    found += _working_profiles(now)
    return found


def _pairs(pairs: dict[int, OneOnOne]) -> list[str]:
    found = []
    active_reports: set[int] = set()
    for pair in pairs.values():
        if pair.status == OneOnOne.Status.ACTIVE:
            if pair.report_id in active_reports:
                found.append(f"{pair.report.name} has two active 1:1s")
            active_reports.add(pair.report_id)
            if pair.report.manager_id != pair.manager_id or not pair.report.is_active:
                found.append(f"active 1:1 {pair.pk}: {pair.report.name} is not a current report")
            if not pair.manager.is_active:
                found.append(f"active 1:1 {pair.pk}: its manager has left")
        elif pair.closed_at is None:
            found.append(f"closed 1:1 {pair.pk} has no closing time")
        joined = [day for day in (pair.manager.started_on, pair.report.started_on) if day]
        if joined and pair.starts_on < max(joined):
            found.append(f"1:1 {pair.pk} starts before one of its people joined")
    return found


def _meetings(pairs: dict[int, OneOnOne], now: datetime) -> list[str]:
    found = []
    by_pair: dict[int, list[Meeting]] = {}
    for meeting in Meeting.objects.order_by("slot"):
        by_pair.setdefault(meeting.one_on_one_id, []).append(meeting)
    for pair_id, meetings in by_pair.items():
        pair = pairs[pair_id]
        rhythm = set(
            recurrence.occurrences(
                cadence=pair.cadence, starts_on=pair.starts_on, weekday=pair.weekday,
                at=pair.start_time, zone=pair.timezone,
                after=datetime.combine(pair.starts_on, time(), tzinfo=UTC) - timedelta(days=2),
                until=meetings[-1].slot + timedelta(seconds=1),
            )
        )  # fmt: skip
        first_day = datetime.combine(pair.starts_on, time(), tzinfo=ZoneInfo(pair.timezone))
        for meeting in meetings:
            where = f"meeting {meeting.pk} of {pair.report.name}"
            if meeting.slot not in rhythm:
                found.append(f"{where} is off the pair's rhythm")
            if meeting.slot < first_day:
                found.append(f"{where} is before the pair started")
            if abs(meeting.scheduled_for - meeting.slot) > timedelta(days=7):
                found.append(f"{where} was moved more than a week")
            if pair.closed_at and meeting.scheduled_for > pair.closed_at:
                found.append(f"{where} comes after the 1:1 closed")
            if meeting.status == Meeting.Status.HELD and meeting.scheduled_for > now:
                found.append(f"{where} is held but still to come")
            if meeting.ended_at and (
                meeting.started_at is None
                or meeting.ended_at < meeting.started_at
                or meeting.ended_at > now
            ):
                found.append(f"{where} has an impossible measured time")
            if meeting.ended_at and meeting.status != Meeting.Status.HELD:
                found.append(f"{where} was measured but is not held")
    return found


def _contents(pairs: dict[int, OneOnOne], now: datetime) -> list[str]:
    found = []
    meetings = dict(Meeting.objects.values_list("pk", "one_on_one_id"))
    held = set(Meeting.objects.filter(status=Meeting.Status.HELD).values_list("pk", flat=True))

    def two(pair_id: int) -> tuple[int, int]:
        return pairs[pair_id].manager_id, pairs[pair_id].report_id

    for point in TalkingPoint.objects.all():
        if point.author_id not in two(point.one_on_one_id):
            found.append(f"talking point {point.pk} by someone outside its 1:1")
        if point.discussed_in_id is not None:
            if meetings[point.discussed_in_id] != point.one_on_one_id:
                found.append(f"talking point {point.pk} discussed in another pair's meeting")
            if point.discussed_at is None or point.discussed_at < point.created_at:
                found.append(f"talking point {point.pk} discussed before it was written")
    for note in Note.objects.all():
        # A private note is its author's alone: the author is one of the two, and so on.
        if note.author_id not in two(meetings[note.meeting_id]):
            found.append(f"{note.kind} note {note.pk} by someone outside its 1:1")
        if note.updated_at > now:
            found.append(f"note {note.pk} saved in the future")
    for checkin in CheckIn.objects.all():
        pair = pairs[checkin.one_on_one_id]
        if checkin.report_id != pair.report_id or meetings[checkin.meeting_id] != pair.pk:
            found.append(f"check-in {checkin.pk} is not the pair's report's, for its meeting")
        if checkin.submitted_at > now:
            found.append(f"check-in {checkin.pk} is in the future")
        if checkin.meeting_id not in held and not window_of(checkin.meeting).is_open(
            checkin.submitted_at
        ):
            # A meeting not held yet took the check-in only while its window was open.
            found.append(f"check-in {checkin.pk} answers a meeting neither held nor open then")
    for action in ActionItem.objects.all():
        if action.owner_id not in two(action.one_on_one_id):
            found.append(f"action {action.pk} owned by someone outside its 1:1")
        if action.created_in_id and meetings[action.created_in_id] != action.one_on_one_id:
            found.append(f"action {action.pk} made in another pair's meeting")
        if action.done_at and not action.created_at <= action.done_at <= now:
            found.append(f"action {action.pk} done before it was made, or in the future")
    for card in PersonCard.objects.all():
        if pairs[card.one_on_one_id].status != OneOnOne.Status.ACTIVE:
            found.append(f"person card {card.pk} on a closed 1:1")
    return found


def _goals(pairs: dict[int, OneOnOne], now: datetime) -> list[str]:
    found = []
    meetings = dict(Meeting.objects.values_list("pk", "one_on_one_id"))
    goals = {goal.pk: goal for goal in Goal.objects.all()}
    for goal in goals.values():
        pair = pairs[goal.one_on_one_id]
        if goal.owner_id != pair.report_id or goal.proposed_by_id not in (
            pair.manager_id,
            pair.report_id,
        ):
            found.append(f"goal {goal.pk} does not belong to its pair's report")
        if goal.status == Status.ACTIVE and not (goal.manager_agreed_at and goal.report_agreed_at):
            found.append(f"goal {goal.pk} is active without both agreements")
        if goal.status in (Status.ACHIEVED, Status.DROPPED) and not (
            goal.closed_at and goal.reflection
        ):
            found.append(f"goal {goal.pk} closed without a time or a reflection")
        if goal.closed_at and not goal.created_at <= goal.closed_at <= now:
            found.append(f"goal {goal.pk} closed before it started, or in the future")
    for update in GoalUpdate.objects.all():
        goal = goals[update.goal_id]
        if update.meeting_id and meetings[update.meeting_id] != goal.one_on_one_id:
            found.append(f"goal update {update.pk} in another pair's meeting")
        if not goal.created_at <= update.created_at <= (goal.closed_at or now):
            found.append(f"goal update {update.pk} outside the goal's life")
    return found


def leavers_without_active_pairs() -> list[str]:
    return [
        f"{person.name} left but still has an active 1:1"
        for person in Person.objects.filter(is_active=False)
        if OneOnOne.objects.filter(report=person, status=OneOnOne.Status.ACTIVE).exists()
    ]


def _working_profiles(now: datetime) -> list[str]:
    """A profile is written by a person with a manager to read it, before now; a shared answer
    always says something (a blank one would show the manager an empty heading)."""
    found: list[str] = []
    for profile in WorkingProfile.objects.select_related("person"):
        name = profile.person.name
        if profile.person.manager_id is None:
            found.append(f"{name} has a working-with-me profile but no manager")
        if profile.updated_at > now:
            found.append(f"{name}'s working-with-me profile was saved in the future")
        for field, _, _ in WorkingProfile.ANSWERS:
            if profile.is_shared(field) and not profile.answer(field).strip():
                found.append(f"{name} shares a blank {field} answer")
    return found
