"""Every read of the export: what one person may see, gathered for their copy of their data,
and their own export requests.

Everything goes through rapport/access.py and the apps' selectors, exactly as the pages do: a
person's export holds what they could read on Rapport's pages, and nothing more. Not in it:
anyone else's private points, notes, coaching notes or kept answers; person cards about them
(the card is their manager's own); HR-only or admin-only data; aggregates.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from rapport import access
from rapport.checkins.models import CheckIn
from rapport.export.models import DataExport
from rapport.goals import selectors as goal_selectors
from rapport.goals.models import Goal, GoalUpdate
from rapport.insights import selectors as insight_selectors
from rapport.meetings import selectors as meeting_selectors
from rapport.meetings.models import ActionItem, Meeting, Note, NoteConflictCopy, OneOnOne
from rapport.people import selectors as people_selectors
from rapport.people.models import DayAway, Person, WorkingProfile

# The version of the JSON layout (data.json's "schema"); docs/export-schema.md and the
# schema.json shipped in every zip describe it. Raise it when a field changes meaning.
SCHEMA_VERSION = "rapport-export/1"

Json = dict[str, Any]


def exports_of(viewer: Person) -> list[DataExport]:
    """The viewer's own export requests, newest first (the account page's section)."""
    return list(DataExport.objects.filter(person=viewer)[:5])


def get_export_for(viewer: Person, export_uuid: uuid.UUID | str) -> DataExport:
    """One of the viewer's own exports, or 404: nobody else's, whatever their role."""
    try:
        return DataExport.objects.get(uuid=export_uuid, person=viewer)
    except (DataExport.DoesNotExist, ValueError, ValidationError) as missing:
        raise Http404("No such export.") from missing


def _when(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _number(value: Decimal | None) -> str | None:
    # Decimals as strings: exact, and JSON numbers would round them.
    return str(value) if value is not None else None


def _name(person: Person) -> str:
    return person.name


def export_contents(viewer: Person, *, now: datetime | None = None) -> Json:
    """Everything about `viewer` that `viewer` may see, as plain JSON-ready data."""
    now = now or timezone.now()
    return {
        "schema": SCHEMA_VERSION,
        "generated_at": now.isoformat(),
        "person": _person(viewer),
        "working_profile": _working_profile(viewer),
        "days_away": _days_away(viewer),
        "one_on_ones": [
            _one_on_one(viewer, pair)
            for pair in access.one_on_ones_visible_to(viewer)
            .select_related("manager", "report")
            .order_by("created_at", "pk")
        ],
    }


def _person(viewer: Person) -> Json:
    details = access.can_see_employment_details(viewer, viewer)
    return {
        "uuid": str(viewer.uuid),
        "name": viewer.name,
        "preferred_name": viewer.preferred_name,
        "email": viewer.email,
        "title": viewer.title,
        "timezone": viewer.timezone,
        "manager": _name(viewer.manager) if viewer.manager else None,
        "role": viewer.role if details else None,
        "started_on": _when(viewer.started_on) if details else None,
        "left_on": _when(viewer.left_on) if details else None,
        "work_days": viewer.work_days,
        "work_starts": viewer.work_starts.isoformat(),
        "work_ends": viewer.work_ends.isoformat(),
        "video_link": viewer.video_link,
        "created_at": _when(viewer.created_at),
    }


def _working_profile(viewer: Person) -> Json | None:
    if not access.can_see_whole_working_profile(viewer, viewer):
        return None
    profile = people_selectors.own_working_profile(viewer)
    if profile.pk is None:
        return None
    return {
        "answers": [
            {
                "question": question,
                "answer": profile.answer(name),
                "shared_with_manager": profile.is_shared(name),
            }
            for name, question, _ in WorkingProfile.ANSWERS
        ],
        "updated_at": _when(profile.updated_at),
    }


def _days_away(viewer: Person) -> list[Json]:
    if not access.can_see_schedule_of(viewer, viewer):
        return []
    return [
        {"starts_on": _when(d.starts_on), "ends_on": _when(d.ends_on), "kind": d.kind}
        for d in DayAway.objects.filter(person=viewer).order_by("starts_on", "pk")
    ]


def _one_on_one(viewer: Person, pair: OneOnOne) -> Json:
    """One 1:1 of the viewer's, with what they see of it (the caller got `pair` from
    access.one_on_ones_visible_to)."""
    meetings = list(pair.meetings.order_by("scheduled_for", "pk"))
    dates = {m.pk: m.scheduled_for.isoformat() for m in meetings}
    card = meeting_selectors.person_card_for(viewer, pair)
    return {
        "uuid": str(pair.uuid),
        "my_role": "manager" if viewer.pk == pair.manager_id else "report",
        "manager": _name(pair.manager),
        "report": _name(pair.report),
        "status": pair.status,
        "cadence": pair.cadence,
        "starts_on": _when(pair.starts_on),
        "closed_at": _when(pair.closed_at),
        "meetings": [_meeting(m) for m in meetings],
        "talking_points": _points(viewer, pair, dates),
        "notes": _notes(viewer, pair),
        "note_conflict_copies": _conflict_copies(viewer, pair),
        "action_items": _actions(pair, dates),
        "goals": _goals(viewer, pair),
        "check_ins": _checkins(viewer, pair),
        "person_card": (
            None
            if card is None or card.pk is None
            else {name: getattr(card, name) for name in meeting_selectors.CARD_FIELDS}
            | {"updated_at": _when(card.updated_at)}
        ),
        "dismissed_signals": [
            {
                "title": d.title,
                "evidence": d.evidence,
                "reason": d.reason,
                "dismissed_at": _when(d.dismissed_at),
                "restored_at": _when(d.restored_at),
            }
            for d in insight_selectors.dismissal_history(viewer, pair)
        ],
    }


def _meeting(meeting: Meeting) -> Json:
    return {
        "uuid": str(meeting.uuid),
        "scheduled_for": meeting.scheduled_for.isoformat(),
        "duration_minutes": meeting.duration_minutes,
        "status": meeting.status,
        "status_reason": meeting.status_reason,
        "started_at": _when(meeting.started_at),
        "ended_at": _when(meeting.ended_at),
        "connection_seconds": meeting.connection_seconds,
        "performance_seconds": meeting.performance_seconds,
        "is_growth": meeting.is_growth,
    }


def _points(viewer: Person, pair: OneOnOne, dates: dict[int, str]) -> list[Json]:
    points = meeting_selectors.visible_points(viewer, pair).select_related("author")
    return [
        {
            "text": p.text,
            "section": p.section,
            "author": _name(p.author),
            "private": p.is_private,
            "recurring": p.is_recurring,
            "discussed_in_meeting_of": dates.get(p.discussed_in_id) if p.discussed_in_id else None,
            "created_at": _when(p.created_at),
        }
        for p in points.order_by("created_at", "pk")
    ]


def _notes(viewer: Person, pair: OneOnOne) -> list[Json]:
    """The viewer's own shared and private notes and the other person's shared ones (the
    rule of meetings.selectors.notes_for, over every meeting of the pair)."""
    other = pair.other_person(viewer)
    notes = (
        Note.objects.filter(meeting__one_on_one=pair)
        .filter(Q(author=viewer) | Q(author=other, kind=Note.Kind.SHARED))
        .select_related("author", "meeting")
        .order_by("meeting__scheduled_for", "author_id", "kind")
    )
    return [
        {
            "meeting_of": n.meeting.scheduled_for.isoformat(),
            "author": _name(n.author),
            "kind": n.kind,
            "body": n.body,
            "version": n.version,
            "updated_at": _when(n.updated_at),
        }
        for n in notes
    ]


def _conflict_copies(viewer: Person, pair: OneOnOne) -> list[Json]:
    copies = (
        NoteConflictCopy.objects.filter(note__meeting__one_on_one=pair)
        .select_related("note__meeting")
        .order_by("created_at", "pk")
    )
    return [
        {
            "meeting_of": c.note.meeting.scheduled_for.isoformat(),
            "kind": c.note.kind,
            "body": c.body,
            "created_at": _when(c.created_at),
        }
        for c in copies
        if access.can_settle_note_copy(viewer, c)
    ]


def _actions(pair: OneOnOne, dates: dict[int, str]) -> list[Json]:
    # Action items are shared content: both people of the 1:1 see all of them.
    actions = ActionItem.objects.filter(one_on_one=pair).select_related("owner", "created_by")
    return [
        {
            "text": a.text,
            "owner": _name(a.owner),
            "created_by": _name(a.created_by),
            "created_in_meeting_of": dates.get(a.created_in_id) if a.created_in_id else None,
            "due_on": _when(a.due_on),
            "done_at": _when(a.done_at),
            "created_at": _when(a.created_at),
        }
        for a in actions.order_by("created_at", "pk")
    ]


def _goals(viewer: Person, pair: OneOnOne) -> list[Json]:
    goals = access.goals_visible_to(viewer).filter(one_on_one=pair).order_by("created_at", "pk")
    return [_goal(viewer, goal) for goal in goals.select_related("proposed_by")]


def _goal(viewer: Person, goal: Goal) -> Json:
    updates = GoalUpdate.objects.filter(goal=goal).select_related("by").order_by("created_at", "pk")
    return {
        "uuid": str(goal.uuid),
        "title": goal.title,
        "kind": goal.kind,
        "status": goal.status,
        "proposed_by": _name(goal.proposed_by),
        "specific": goal.specific,
        "metric": goal.metric,
        "unit": goal.unit,
        "baseline": _number(goal.baseline),
        "target": _number(goal.target),
        "current": _number(goal.current),
        "confidence": goal.confidence,
        "realistic_because": goal.realistic_because,
        "why": goal.why,
        "due_on": _when(goal.due_on),
        "reflection": goal.reflection,
        "closed_at": _when(goal.closed_at),
        "created_at": _when(goal.created_at),
        "progress": [
            {
                "by": _name(u.by),
                "value": _number(u.value),
                "confidence": u.confidence,
                "obstacle": u.obstacle,
                "obstacle_kind": u.obstacle_kind,
                "note": u.note,
                "created_at": _when(u.created_at),
            }
            for u in updates
        ],
        "coaching": [
            {
                "obstacle": c.obstacle,
                "options": c.options,
                "decision": c.decision,
                # The coaching note is its author's alone: empty for anyone else.
                "private_note": c.private_note_for(viewer),
                "created_at": _when(c.created_at),
                "finished_at": _when(c.finished_at),
            }
            for c in goal_selectors.coaching_of_goal(viewer, goal)
        ],
    }


def _checkins(viewer: Person, pair: OneOnOne) -> list[Json]:
    checkins = (
        access.checkins_visible_to(viewer)
        .filter(one_on_one=pair)
        .select_related("meeting", "one_on_one")
        .order_by("submitted_at", "pk")
    )
    return [_checkin(viewer, c) for c in checkins]


def _checkin(viewer: Person, checkin: CheckIn) -> Json:
    outside = access.can_see_outside_work(viewer, checkin)
    return {
        "meeting_of": checkin.meeting.scheduled_for.isoformat(),
        "mood": checkin.mood,
        "energy": checkin.energy,
        "workload": checkin.workload,
        "wins": checkin.wins,
        "challenges": checkin.challenges,
        "topics": checkin.topics,
        "outside_work": checkin.outside_work if outside else None,
        "outside_work_shared": checkin.outside_work_shared,
        "submitted_at": _when(checkin.submitted_at),
    }
