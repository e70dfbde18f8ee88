"""What each email may show, read on behalf of its recipient.

Every read goes through the viewer-scoped selectors of rapport/meetings with the recipient as
the viewer, and then drops anything private, even the recipient's own private points and notes:
an email can be forwarded, printed or read over a shoulder, so it carries shared content only.
The manager's person card is never read here; emails link to the meeting page where it shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import QuerySet

from rapport.insights.team import team_view
from rapport.meetings import selectors as meeting_selectors
from rapport.meetings.models import ActionItem, Meeting, OneOnOne
from rapport.meetings.notes import notes_for
from rapport.people.models import Person


@dataclass
class SharedSection:
    label: str
    points: list[str] = field(default_factory=list)


def shared_agenda(viewer: Person, meeting: Meeting) -> list[SharedSection]:
    """The agenda of an open meeting, or what was discussed in a held one: shared points only.
    Connection first, as everywhere."""
    sections = []
    for section in meeting_selectors.agenda_for(viewer, meeting):
        texts = [point.text for point in section.points if not point.is_private]
        texts += [
            template.text
            for template, discussed in section.recurring
            if not template.is_private and (meeting.is_open or discussed)
        ]
        sections.append(SharedSection(label=section.label, points=texts))
    return sections


def shared_notes(viewer: Person, meeting: Meeting) -> list[tuple[str, str]]:
    """(who, Markdown body) of the shared notes of both people; never a private note."""
    view = notes_for(viewer, meeting)
    notes = []
    for slot, who in ((view.shared, viewer), (view.theirs, view.other)):
        if slot.note is not None and slot.note.kind == "shared" and slot.body.strip():
            notes.append((who.name, slot.body))
    return notes


def meeting_actions(meeting: Meeting) -> list[ActionItem]:
    """Action items are shared content: both people of the pair see all of them."""
    return meeting_selectors.actions_for_meeting(meeting)


def overdue_team_actions(manager: Person, today: date) -> list[ActionItem]:
    """Open actions past their due date in the manager's active 1:1s (owned by either person)."""
    return list(
        ActionItem.objects.filter(
            one_on_one__in=meeting_selectors.active_one_on_ones_managed_by(manager),
            done_at__isnull=True,
            due_on__lt=today,
        )
        .select_related("owner", "one_on_one__report")
        .order_by("due_on", "created_at")
    )


def week_meetings(manager: Person, start: datetime) -> list[Meeting]:
    """The manager's own 1:1s as the manager, in the week from `start`."""
    return [
        meeting
        for meeting in meeting_selectors.meetings_between(manager, start, start + timedelta(days=7))
        if meeting.one_on_one.manager_id == manager.pk
    ]


@dataclass(frozen=True)
class DigestSignal:
    text: str


def team_signals_for_digest(manager: Person) -> list[DigestSignal]:
    """The team view's open signals (dismissed ones stay out), one sentence each: the person
    and the rule's title. Titles name the rule, never anything the report wrote."""
    return [
        DigestSignal(text=f"{member.report.name}: {signal.title}")
        for member in team_view(manager).members
        for signal in member.signals
    ]


def managers_with_active_pairs() -> QuerySet[Person]:
    return Person.objects.filter(
        is_active=True,
        pk__in=OneOnOne.objects.filter(status=OneOnOne.Status.ACTIVE).values("manager_id"),
    )
