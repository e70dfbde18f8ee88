"""The API's operations: thin, like every view. Reads go through the selectors (and so through
rapport/access.py), writes through the services, which check their actor again."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable, Iterable
from typing import Any, Literal

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Schema, Status

from rapport.api import selectors
from rapport.api.views.base import api, responses, token_of, viewer_of, writer_of
from rapport.api.views.schemas import (
    ActionDoneIn,
    ActionIn,
    ActionOut,
    ActionPage,
    CheckInIn,
    CheckInOut,
    CheckInPage,
    GoalDetailOut,
    GoalPage,
    ImportOut,
    ImportRefusedOut,
    Me,
    MeetingOut,
    MeetingPage,
    NoteConflictOut,
    NoteIn,
    NotesOut,
    OneOnOneOut,
    OneOnOnePage,
    PeopleIn,
    PersonPage,
    PointIn,
    PointOut,
    PointPage,
    ProgressIn,
    ProgressOut,
)
from rapport.checkins import services as checkins_services
from rapport.checkins.models import CheckIn
from rapport.goals import selectors as goals_selectors
from rapport.goals import services as goals_services
from rapport.goals.models import Goal, GoalUpdate
from rapport.meetings import selectors as meetings_selectors
from rapport.meetings import services as meetings_services
from rapport.meetings.models import ActionItem, Meeting, OneOnOne, TalkingPoint
from rapport.meetings.selectors import NoteSlot
from rapport.people.models import Person

MAX_LIMIT = 100


class Paging(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="Items per page (1 to 100).")
    offset: int = Field(0, ge=0, le=1_000_000, description="Items to skip.")


def page[T: Model](
    items: QuerySet[T], paging: Paging, convert: Callable[[T], dict[str, Any]]
) -> dict:
    window = items[paging.offset : paging.offset + paging.limit]
    return {
        "count": items.count(),
        "limit": paging.limit,
        "offset": paging.offset,
        "items": [convert(item) for item in window],
    }


def person_ref(person: Person) -> dict[str, Any]:
    return {"uuid": person.uuid, "name": person.name}


def one_on_one_out(pair: OneOnOne) -> dict[str, Any]:
    return {
        "uuid": pair.uuid,
        "manager": person_ref(pair.manager),
        "report": person_ref(pair.report),
        "status": pair.status,
        "cadence": pair.cadence,
        "timezone": pair.timezone,
        "duration_minutes": pair.duration_minutes,
    }


def meeting_out(meeting: Meeting) -> dict[str, Any]:
    return {
        "uuid": meeting.uuid,
        "one_on_one": meeting.one_on_one.uuid,
        "scheduled_for": meeting.scheduled_for,
        "duration_minutes": meeting.duration_minutes,
        "status": meeting.status,
        "is_growth": meeting.is_growth,
    }


def point_out(point: TalkingPoint) -> dict[str, Any]:
    return {
        "uuid": point.uuid,
        "author": person_ref(point.author),
        "text": point.text,
        "section": point.section,
        "is_private": point.is_private,
        "is_recurring": point.is_recurring,
        "discussed_in": point.discussed_in.uuid if point.discussed_in else None,
        "created_at": point.created_at,
    }


def action_out(action: ActionItem) -> dict[str, Any]:
    return {
        "uuid": action.uuid,
        "owner": person_ref(action.owner),
        "text": action.text,
        "due_on": action.due_on,
        "done": action.done_at is not None,
        "done_at": action.done_at,
        "created_in": action.created_in.uuid if action.created_in else None,
        "created_at": action.created_at,
    }


def goal_out(goal: Goal) -> dict[str, Any]:
    fields = ("title", "kind", "status", "why", "metric", "unit", "baseline", "target")
    return {
        "uuid": goal.uuid,
        **{name: getattr(goal, name) for name in fields},
        "current": goal.current,
        "confidence": goal.confidence,
        "due_on": goal.due_on,
        "created_at": goal.created_at,
    }


def progress_out(update: GoalUpdate) -> dict[str, Any]:
    return {
        "by": person_ref(update.by),
        "meeting": update.meeting.uuid if update.meeting else None,
        "value": update.value,
        "confidence": update.confidence,
        "obstacle": update.obstacle,
        "obstacle_kind": update.obstacle_kind,
        "note": update.note,
        "created_at": update.created_at,
    }


def note_out(slot: NoteSlot) -> dict[str, Any]:
    return {
        "kind": slot.kind,
        "body": slot.body,
        "version": slot.version,
        "editable": slot.editable,
    }


# --- Who am I --------------------------------------------------------------------------------


@api.get(
    "/me", response=responses(200, Me), url_name="me", tags=["me"], summary="Who the token acts for"
)
def me(request: HttpRequest) -> dict[str, Any]:
    """The person the token acts for, and the token's scope."""
    viewer = viewer_of(request)
    return {
        "uuid": viewer.uuid,
        "email": viewer.email,
        "name": viewer.name,
        "timezone": viewer.timezone,
        "role": viewer.role,
        "token_scope": token_of(request).scope,
    }


# --- 1:1s and meetings -----------------------------------------------------------------------


@api.get(
    "/one-on-ones",
    response=responses(200, OneOnOnePage),
    url_name="one_on_ones",
    tags=["1:1s"],
    summary="List your 1:1s",
)
def one_on_ones(request: HttpRequest, paging: Query[Paging]) -> dict:
    """Your 1:1s: the ones you have with your manager (closed ones too) and the active ones you
    run as a manager."""
    return page(selectors.one_on_ones_of(viewer_of(request)), paging, one_on_one_out)


@api.get(
    "/one-on-ones/{pair}",
    response=responses(200, OneOnOneOut),
    url_name="one_on_one",
    tags=["1:1s"],
    summary="One 1:1",
)
def one_on_one(request: HttpRequest, pair: uuid.UUID) -> dict:
    return one_on_one_out(meetings_selectors.get_one_on_one_for(viewer_of(request), pair))


@api.get(
    "/one-on-ones/{pair}/meetings",
    response=responses(200, MeetingPage),
    url_name="meetings",
    tags=["1:1s"],
    summary="List a 1:1's meetings",
)
def meetings(request: HttpRequest, pair: uuid.UUID, paging: Query[Paging]) -> dict:
    """The 1:1's meetings, oldest first (the schedule runs some weeks ahead)."""
    viewer = viewer_of(request)
    one_on_one = meetings_selectors.get_one_on_one_for(viewer, pair)
    return page(selectors.meetings_of_pair(viewer, one_on_one), paging, meeting_out)


@api.get(
    "/meetings/{meeting}",
    response=responses(200, MeetingOut),
    url_name="meeting",
    tags=["1:1s"],
    summary="One meeting",
)
def meeting(request: HttpRequest, meeting: uuid.UUID) -> dict:
    return meeting_out(meetings_selectors.get_meeting_for(viewer_of(request), meeting))


# --- Agenda points ---------------------------------------------------------------------------


@api.get(
    "/one-on-ones/{pair}/points",
    response=responses(200, PointPage),
    url_name="points",
    tags=["agenda"],
    summary="List a 1:1's agenda points",
)
def points(request: HttpRequest, pair: uuid.UUID, paging: Query[Paging]) -> dict:
    """The 1:1's talking points in agenda order: shared ones and your own private ones."""
    viewer = viewer_of(request)
    one_on_one = meetings_selectors.get_one_on_one_for(viewer, pair)
    return page(selectors.points_of_pair(viewer, one_on_one), paging, point_out)


@api.post(
    "/one-on-ones/{pair}/points",
    response=responses(201, PointOut, write=True),
    url_name="points",
    tags=["agenda"],
    summary="Add an agenda point",
)
def point_add(request: HttpRequest, pair: uuid.UUID, body: PointIn) -> Status:
    """Add a talking point to the 1:1's agenda (private: only you will see it)."""
    viewer = writer_of(request)
    one_on_one = meetings_selectors.get_one_on_one_for(viewer, pair)
    point = meetings_services.point_add(
        one_on_one=one_on_one,
        author=viewer,
        text=body.text,
        section=body.section,
        is_private=body.is_private,
        is_recurring=body.is_recurring,
    )
    return Status(201, point_out(point))


# --- Notes -----------------------------------------------------------------------------------


@api.get(
    "/meetings/{meeting}/notes",
    response=responses(200, NotesOut),
    url_name="notes",
    tags=["notes"],
    summary="Read a meeting's notes",
)
def notes(request: HttpRequest, meeting: uuid.UUID) -> dict:
    """Your shared and private notes on the meeting, and the other person's shared note."""
    viewer = viewer_of(request)
    view = meetings_selectors.notes_for(viewer, meetings_selectors.get_meeting_for(viewer, meeting))
    return {
        "shared": note_out(view.shared),
        "private": note_out(view.private),
        "theirs": note_out(view.theirs),
    }


NOTE_ANSWERS = responses(200, NotesOut, write=True) | {409: NoteConflictOut}


@api.post(
    "/meetings/{meeting}/notes/{kind}",
    response=NOTE_ANSWERS,
    url_name="note_save",
    tags=["notes"],
    summary="Save your note",
)
def note_save(
    request: HttpRequest, meeting: uuid.UUID, kind: Literal["shared", "private"], body: NoteIn
) -> Status:
    """Save your note, naming the version you wrote on (0 when there was none). A save on an
    older version is refused with 409: your text is kept on the server as a conflict copy (as
    in the browser) and the saved text comes back, so nothing is overwritten unseen."""
    viewer = writer_of(request)
    found = meetings_selectors.get_meeting_for(viewer, meeting)
    try:
        meetings_services.note_save(
            meeting=found,
            author=viewer,
            kind=kind,
            body=body.body.replace("\r\n", "\n"),
            base_version=body.version,
            save_key=body.key,
        )
    except meetings_services.NoteConflict as conflict:
        return Status(
            409,
            {
                "detail": "The note changed since that version: yours is kept as a conflict copy.",
                "current_body": conflict.current.body,
                "current_version": conflict.current.version,
                "yours_kept_as": conflict.copy.uuid,
            },
        )
    except meetings_services.NotesClosed:
        return Status(
            400, {"detail": "This 1:1 is closed: its notes can be read but no longer changed."}
        )
    except meetings_services.NoteVersionUnknown:
        return Status(400, {"detail": "That version of the note does not exist."})
    view = meetings_selectors.notes_for(viewer, found)
    return Status(
        200,
        {
            "shared": note_out(view.shared),
            "private": note_out(view.private),
            "theirs": note_out(view.theirs),
        },
    )


# --- Action items ----------------------------------------------------------------------------


@api.get(
    "/one-on-ones/{pair}/actions",
    response=responses(200, ActionPage),
    url_name="actions",
    tags=["actions"],
    summary="List a 1:1's action items",
)
def actions(request: HttpRequest, pair: uuid.UUID, paging: Query[Paging]) -> dict:
    """The 1:1's action items, done ones included, oldest first."""
    one_on_one = meetings_selectors.get_one_on_one_for(viewer_of(request), pair)
    return page(selectors.actions_of_pair(one_on_one), paging, action_out)


@api.post(
    "/one-on-ones/{pair}/actions",
    response=responses(201, ActionOut, write=True),
    url_name="actions",
    tags=["actions"],
    summary="Add an action item",
)
def action_add(request: HttpRequest, pair: uuid.UUID, body: ActionIn) -> Status:
    """Add an action item owned by you or the other person of the 1:1."""
    viewer = writer_of(request)
    one_on_one = meetings_selectors.get_one_on_one_for(viewer, pair)
    owners = {
        one_on_one.manager.uuid: one_on_one.manager,
        one_on_one.report.uuid: one_on_one.report,
    }
    owner = owners.get(body.owner)
    if owner is None:
        return Status(400, {"detail": "An action belongs to one of the two people of the 1:1."})
    in_meeting = None
    if body.meeting is not None:
        in_meeting = meetings_selectors.get_meeting_for(viewer, body.meeting)
    action = meetings_services.action_add(
        one_on_one=one_on_one,
        meeting=in_meeting,
        owner=owner,
        text=body.text,
        due_on=body.due_on,
        by=viewer,
    )
    return Status(201, action_out(action))


@api.post(
    "/actions/{action}/done",
    response=responses(200, ActionOut, write=True),
    url_name="action_done",
    tags=["actions"],
    summary="Tick an action item done or open",
)
def action_done(request: HttpRequest, action: uuid.UUID, body: ActionDoneIn) -> dict:
    """Tick an action item done (`{"done": true}`) or open it again (`false`)."""
    viewer = writer_of(request)
    item = meetings_selectors.get_action_for(viewer, action)
    return action_out(meetings_services.action_set_done(action=item, done=body.done, by=viewer))


# --- Goals and progress ----------------------------------------------------------------------


@api.get(
    "/one-on-ones/{pair}/goals",
    response=responses(200, GoalPage),
    url_name="goals",
    tags=["goals"],
    summary="List a 1:1's goals",
)
def goals(request: HttpRequest, pair: uuid.UUID, paging: Query[Paging]) -> dict:
    viewer = viewer_of(request)
    one_on_one = meetings_selectors.get_one_on_one_for(viewer, pair)
    return page(selectors.goals_of_pair(viewer, one_on_one), paging, goal_out)


@api.get(
    "/goals/{goal}",
    response=responses(200, GoalDetailOut),
    url_name="goal",
    tags=["goals"],
    summary="One goal with its progress",
)
def goal(request: HttpRequest, goal: uuid.UUID) -> dict:
    """One goal with its progress updates, oldest first."""
    found = goals_selectors.get_goal_for(viewer_of(request), goal)
    return {**goal_out(found), "progress": [progress_out(u) for u in selectors.progress_of(found)]}


@api.post(
    "/goals/{goal}/progress",
    response=responses(201, ProgressOut, write=True),
    url_name="goal_progress",
    tags=["goals"],
    summary="Record progress on a goal",
)
def goal_progress(request: HttpRequest, goal: uuid.UUID, body: ProgressIn) -> Status:
    """Record where an active goal stands, as on the goal page."""
    viewer = writer_of(request)
    found = goals_selectors.get_goal_for(viewer, goal)
    if body.value is None and body.confidence is None and not (body.obstacle + body.note).strip():
        return Status(400, {"detail": "Give a value, a confidence, an obstacle or a note."})
    in_meeting = None
    if body.meeting is not None:
        in_meeting = meetings_selectors.get_meeting_for(viewer, body.meeting)
    update = goals_services.goal_record_progress(
        goal=found,
        by=viewer,
        meeting=in_meeting,
        value=body.value,
        confidence=body.confidence,
        obstacle=body.obstacle,
        note=body.note,
        obstacle_kind=body.obstacle_kind,
    )
    return Status(201, progress_out(update))


# --- Check-ins -------------------------------------------------------------------------------


def checkin_out(viewer: Person, checkin: CheckIn) -> dict[str, Any]:
    scores = ("mood", "energy", "workload", "wins", "challenges", "topics", "submitted_at")
    return {
        "uuid": checkin.uuid,
        "meeting": checkin.meeting.uuid,
        **{name: getattr(checkin, name) for name in scores},
        "outside_work": selectors.outside_work_for(viewer, checkin),
    }


@api.get(
    "/one-on-ones/{pair}/check-ins",
    response=responses(200, CheckInPage),
    url_name="checkins",
    tags=["check-ins"],
    summary="List a 1:1's check-ins",
)
def checkins(request: HttpRequest, pair: uuid.UUID, paging: Query[Paging]) -> dict:
    """The report's check-ins before each meeting. The outside-work note is null unless you
    wrote it, or you are the manager and the report shared it."""
    viewer = viewer_of(request)
    one_on_one = meetings_selectors.get_one_on_one_for(viewer, pair)
    return page(
        selectors.checkins_of_pair(viewer, one_on_one),
        paging,
        lambda checkin: checkin_out(viewer, checkin),
    )


@api.post(
    "/meetings/{meeting}/check-in",
    response=responses(200, CheckInOut, write=True),
    url_name="checkin_submit",
    tags=["check-ins"],
    summary="Submit or update your check-in",
)
def checkin_submit(request: HttpRequest, meeting: uuid.UUID, body: CheckInIn) -> dict:
    """Answer the check-in of a meeting of yours as the report, or revise it, exactly as on the
    check-in page: from a few days before the meeting until it ends (400 outside that window).
    Each topic line becomes a talking point of yours, once. A manager gets 404: only the
    report checks in."""
    viewer = writer_of(request)
    found = meetings_selectors.get_meeting_for(viewer, meeting)
    checkin = checkins_services.checkin_submit(meeting=found, by=viewer, **body.dict())
    return checkin_out(viewer, checkin)


# --- People (admins) -------------------------------------------------------------------------


def person_out(person: Person) -> dict[str, Any]:
    return {
        "uuid": person.uuid,
        "email": person.email,
        "name": person.name,
        "title": person.title,
        "manager_email": person.manager.email if person.manager else None,
        "timezone": person.timezone,
        "role": person.role,
        "started_on": person.started_on,
        "is_active": person.is_active,
    }


@api.get(
    "/people",
    response=responses(200, PersonPage),
    url_name="people",
    tags=["people"],
    summary="List everyone (admins)",
)
def people(request: HttpRequest, paging: Query[Paging]) -> dict:
    """Everyone in the organisation, leavers too (admins only; a 404 for everyone else)."""
    return page(selectors.people_for_admin(viewer_of(request)), paging, person_out)


IMPORT_COLUMNS = ("email", "name", "title", "manager_email", "timezone", "started_on", "role")


def as_csv(rows: Iterable[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=IMPORT_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


@api.post(
    "/people",
    response=responses(200, ImportOut, write=True) | {400: ImportRefusedOut},
    url_name="people",
    tags=["people"],
    summary="Create or update people (admins)",
)
def people_import(request: HttpRequest, body: PeopleIn) -> Status:
    """Create or update people exactly as the CSV import does (same checks, same columns), all
    or nothing: one problem anywhere and nobody is changed (400 with every problem, by the
    index of the person in the list). People not in the list are left as they are."""
    viewer = writer_of(request)
    selectors.people_for_admin(viewer)  # a 404 for everyone but admins, before reading more
    rows = [person.dict() for person in body.people]
    if any("\n" in value or "\r" in value for row in rows for value in row.values()):
        return Status(400, {"detail": "Line breaks are not allowed in any field.", "problems": []})
    report = meetings_services.import_people(data=as_csv(rows), by=viewer)
    answer = {
        "detail": "Nobody was changed: fix every problem and send the list again."
        if report.problems
        else "Saved.",
        "applied": report.applied,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        # The file's line 2 is the list's first person (index 0).
        "problems": [
            {"index": max(problem.line - 2, -1), "message": problem.message}
            for problem in report.problems
        ],
    }
    return Status(200 if report.applied else 400, answer)
