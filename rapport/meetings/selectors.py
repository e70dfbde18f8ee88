"""Reads about 1:1s, always on behalf of a viewer (see rapport/access.py)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    Min,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.http import Http404
from django.utils import timezone
from django.utils.timezone import now
from django.utils.translation import gettext

from rapport import access
from rapport.meetings import slots, timing
from rapport.meetings.models import (
    ActionItem,
    Meeting,
    Note,
    NoteConflictCopy,
    OneOnOne,
    PersonCard,
    Section,
    TalkingPoint,
)
from rapport.people.models import DayAway, Person


def get_one_on_one_for(viewer: Person, one_on_one_uuid: uuid.UUID | str) -> OneOnOne:
    try:
        return (
            access.one_on_ones_visible_to(viewer)
            .select_related("manager", "report")
            .get(uuid=one_on_one_uuid)
        )
    except (OneOnOne.DoesNotExist, ValueError) as missing:
        raise Http404("No such 1:1.") from missing


def get_meeting_for(
    viewer: Person, meeting_uuid: uuid.UUID | str, *, also_related: tuple[str, ...] = ()
) -> Meeting:
    """The meeting with its pair and both people; `also_related` names more one-to-one
    relations to read in the same query (a higher app's, such as its check-in)."""
    try:
        return (
            access.meetings_visible_to(viewer)
            .select_related("one_on_one__manager", "one_on_one__report", *also_related)
            .get(uuid=meeting_uuid)
        )
    except (Meeting.DoesNotExist, ValueError) as missing:
        raise Http404("No such meeting.") from missing


def get_meeting_with_previous_start(viewer: Person, meeting_uuid: uuid.UUID | str) -> Meeting:
    """`get_meeting_for`, with `previous_start` (below) read in the same query as
    `meeting.previous_start`: the polled agenda fragment reads the meeting and its points and
    nothing else."""
    previous = (
        Meeting.objects.filter(
            one_on_one_id=OuterRef("one_on_one_id"), scheduled_for__lt=OuterRef("scheduled_for")
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-scheduled_for")
        .values("scheduled_for")[:1]
    )
    try:
        return (
            access.meetings_visible_to(viewer)
            .select_related("one_on_one__manager", "one_on_one__report")
            .annotate(previous_start=Subquery(previous))
            .get(uuid=meeting_uuid)
        )
    except (Meeting.DoesNotExist, ValueError) as missing:
        raise Http404("No such meeting.") from missing


def meetings_between(viewer: Person, start: datetime, end: datetime) -> QuerySet[Meeting]:
    """The viewer's meetings in a window (as manager or as report), with both people loaded."""
    return (
        access.meetings_visible_to(viewer)
        .filter(scheduled_for__gte=start, scheduled_for__lt=end)
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("one_on_one__manager", "one_on_one__report")
        .order_by("scheduled_for")
    )


def active_one_on_ones_managed_by(manager: Person) -> QuerySet[OneOnOne]:
    return OneOnOne.objects.filter(manager=manager, status=OneOnOne.Status.ACTIVE).select_related(
        "report"
    )


def visible_points(viewer: Person, one_on_one: OneOnOne) -> QuerySet[TalkingPoint]:
    return TalkingPoint.objects.filter(one_on_one=one_on_one).filter(
        access.private_content_filter(viewer)
    )


@dataclass
class AgendaSection:
    section: str
    label: str
    recurring: list[tuple[TalkingPoint, bool]] = field(default_factory=list)
    points: list[TalkingPoint] = field(default_factory=list)


def agenda_for(viewer: Person, meeting: Meeting) -> list[AgendaSection]:
    """Connection first, then performance. An open meeting shows every point not yet
    discussed (that is the carry-over) and the ones discussed in it; a past meeting shows what
    was discussed in it. Recurring points show on every meeting, marked when discussed there.
    One query: the one-off points and the recurring ones come together."""
    # A closed 1:1 keeps its open points readable on the meetings the closing cancelled.
    left_open_by_closing = (
        not meeting.one_on_one.is_active and meeting.status != Meeting.Status.HELD
    )
    if meeting.is_open or left_open_by_closing:
        here = Q(discussed_in=meeting) | Q(discussed_in__isnull=True)
    else:
        here = Q(discussed_in=meeting)
    one_off = Q(is_recurring=False, recurring_source__isnull=True) & here
    # Ticking a recurring point in a meeting records a copy of it (same author, same privacy)
    # discussed there: read with the points, they mark their templates, no subquery needed.
    ticked_here = Q(recurring_source__isnull=False, discussed_in=meeting)
    points = (
        visible_points(viewer, meeting.one_on_one)
        .filter(one_off | Q(is_recurring=True) | ticked_here)
        .select_related("author")
    )
    sections = {
        value: AgendaSection(section=value, label=str(label)) for value, label in Section.choices
    }
    templates: list[TalkingPoint] = []
    ticked: set[int] = set()
    for point in points:
        if point.recurring_source_id is not None:
            ticked.add(point.recurring_source_id)
        elif point.is_recurring:
            templates.append(point)
        else:
            sections[point.section].points.append(point)
    for template in templates:
        sections[template.section].recurring.append((template, template.pk in ticked))
    return list(sections.values())


def actions_for_meeting(meeting: Meeting) -> list[ActionItem]:
    """Open actions of the pair (they follow every meeting until done), and those done in
    this meeting's week. Action items are shared content: both people see all of them."""
    return actions_of_meeting_and_last_time(meeting, None)[0]


def actions_of_meeting_and_last_time(
    meeting: Meeting, previous: Meeting | None
) -> tuple[list[ActionItem], list[ActionItem]]:
    """actions_for_meeting, and the actions agreed in `previous` (the pair's last held meeting,
    for "last time"; in the order they were created), in one query."""
    if meeting.is_open:
        wanted = Q(done_at__isnull=True) | Q(created_in=meeting)
    else:
        wanted = Q(created_in=meeting)
    if previous is not None:
        wanted |= Q(created_in=previous)
    actions = list(
        ActionItem.objects.filter(wanted, one_on_one_id=meeting.one_on_one_id)
        .select_related("owner", "goal")
        .order_by("done_at", "due_on", "created_at")
    )
    here = [
        action
        for action in actions
        if action.created_in_id == meeting.pk or (meeting.is_open and action.done_at is None)
    ]
    agreed_then = (
        sorted(
            (action for action in actions if action.created_in_id == previous.pk),
            key=lambda action: action.created_at,
        )
        if previous is not None
        else []
    )
    return here, agreed_then


def open_actions_of(viewer: Person) -> QuerySet[ActionItem]:
    """One list of everything the viewer owns and has not done, across all their 1:1s."""
    visible = access.one_on_ones_visible_to(viewer)
    return (
        ActionItem.objects.filter(owner=viewer, done_at__isnull=True, one_on_one__in=visible)
        .select_related("one_on_one__manager", "one_on_one__report")
        # Overdue first (the earliest dates), then the rest by date, undated last.
        .order_by(F("due_on").asc(nulls_last=True), "created_at")
    )


def open_action_counts(viewer: Person, *, today: date) -> tuple[int, int]:
    """How many actions `open_actions_of` lists, and how many of them are overdue: counted in
    SQL, for pages that show only the numbers."""
    counts = (
        ActionItem.objects.filter(
            owner=viewer,
            done_at__isnull=True,
            one_on_one__in=access.one_on_ones_visible_to(viewer),
        )
        .order_by()
        .aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    )
    return counts["open"], counts["overdue"]


@dataclass(frozen=True)
class PairActions:
    """The open actions of one of the manager's 1:1s, split by who owes them."""

    one_on_one: OneOnOne
    they_owe: list[ActionItem]
    i_owe: list[ActionItem]


def team_open_actions(
    manager: Person, *, report_uuid: uuid.UUID | None = None, overdue_on: date | None = None
) -> list[PairActions]:
    """Follow-through across the manager's active 1:1s: per report, what they owe and what the
    manager owes them, each overdue first (earliest date), undated last. Pairs whose earliest
    item is due soonest come first; pairs with nothing open are left out. With `overdue_on`
    (the viewer's today), only the items overdue by then. Two queries."""
    pairs = active_one_on_ones_managed_by(manager)
    if report_uuid is not None:
        pairs = pairs.filter(report__uuid=report_uuid)
    by_pair = {pair.pk: pair for pair in pairs}
    actions = ActionItem.objects.filter(
        one_on_one_id__in=list(by_pair), done_at__isnull=True
    ).order_by(F("due_on").asc(nulls_last=True), "created_at")
    if overdue_on is not None:
        actions = actions.overdue(overdue_on)
    grouped: dict[int, PairActions] = {}
    for action in actions:
        pair = by_pair[action.one_on_one_id]
        action.one_on_one = pair
        group = grouped.setdefault(pair.pk, PairActions(pair, [], []))
        (group.they_owe if action.owner_id == pair.report_id else group.i_owe).append(action)
    far = date.max

    def soonest(group: PairActions) -> tuple[date, str]:
        dates = [a.due_on for a in (*group.they_owe, *group.i_owe) if a.due_on is not None]
        return (min(dates, default=far), group.one_on_one.report.name)

    return sorted(grouped.values(), key=soonest)


def get_action_for(viewer: Person, action_uuid: uuid.UUID | str) -> ActionItem:
    """An action of a 1:1 the viewer sees, or 404."""
    visible = access.one_on_ones_visible_to(viewer)
    try:
        return (
            ActionItem.objects.filter(one_on_one__in=visible)
            .select_related("one_on_one")
            .get(uuid=action_uuid)
        )
    except (ActionItem.DoesNotExist, ValueError) as missing:
        raise Http404("No such action.") from missing


def done_action_of(viewer: Person, action_uuid: uuid.UUID) -> ActionItem | None:
    """A done action the viewer may have just ticked on the actions page (for its undo): their
    own, or one of a 1:1 they lead, in a 1:1 they see."""
    visible = access.one_on_ones_visible_to(viewer)
    return (
        ActionItem.objects.filter(uuid=action_uuid, done_at__isnull=False, one_on_one__in=visible)
        .filter(Q(owner=viewer) | Q(one_on_one__manager=viewer))
        .first()
    )


def timeline_for(
    viewer: Person, one_on_one: OneOnOne, *, query: str = "", limit: int = 200
) -> QuerySet[Meeting]:
    """Past meetings of the pair, newest first; with a query, only those whose text the viewer
    may see (shared points and notes, their own private ones, actions) contains it."""
    # The past, and meetings held already (marked held before their time): a meeting skipped
    # ahead of time shows under "coming up" instead.
    meetings = Meeting.objects.filter(one_on_one=one_on_one).filter(
        Q(scheduled_for__lt=now()) & ~Q(status=Meeting.Status.UPCOMING)
        | Q(status=Meeting.Status.HELD)
    )
    if query:
        # Points and notes are encrypted at rest (rapport/crypto): the pair's texts the viewer
        # may see are read (two queries) and matched here.
        points = visible_points(viewer, one_on_one).filter(discussed_in__isnull=False)
        notes = Note.objects.filter(meeting__one_on_one=one_on_one).filter(
            Q(kind=Note.Kind.SHARED) | Q(author=viewer)
        )
        matched = [
            meeting_id
            for meeting_id, text in [
                *points.values_list("discussed_in", "text"),
                *notes.values_list("meeting", "body"),
            ]
            if contains(text, query)
        ]
        actions = ActionItem.objects.filter(one_on_one=one_on_one, text__icontains=query)
        meetings = meetings.filter(
            Q(pk__in=matched)
            | Q(pk__in=actions.values("created_in"))
            | Q(status_reason__icontains=query)
        )
    shared_points = Prefetch(
        "discussed_points",
        queryset=TalkingPoint.objects.filter(access.private_content_filter(viewer)).order_by(
            "section",
            "position",  # connection sorts before performance
        ),
        to_attr="visible_points",
    )
    return meetings.prefetch_related(shared_points).order_by("-scheduled_for")[:limit]


@dataclass(frozen=True)
class LastTime:
    """What the pair's previous held meeting left: its shared notes (never private ones), the
    actions agreed in it, and how many of the points raised by then are still open."""

    meeting: Meeting
    shared_notes: list[Note]
    actions: list[ActionItem]
    still_open: int


def last_time_for(viewer: Person, meeting: Meeting) -> LastTime | None:
    """The last held meeting of the pair before `meeting`, for preparing this one (four
    queries, whatever the history)."""
    previous = last_held_before(meeting)
    if previous is None:
        return None
    notes = list(
        Note.objects.filter(meeting=previous, kind=Note.Kind.SHARED)
        .exclude(body="")
        .select_related("author")
        .order_by("author__name")
    )
    actions = list(
        ActionItem.objects.filter(created_in=previous)
        .select_related("owner")
        .order_by("created_at")
    )
    still_open = (
        visible_points(viewer, meeting.one_on_one)
        .filter(discussed_in__isnull=True, is_recurring=False, created_at__lt=previous.ends_at)
        .count()
    )
    return LastTime(previous, notes, actions, still_open)


def last_held_before(meeting: Meeting) -> Meeting | None:
    """The pair's last held meeting before `meeting` (one query)."""
    return (
        Meeting.objects.filter(
            one_on_one_id=meeting.one_on_one_id,
            status=Meeting.Status.HELD,
            scheduled_for__lt=meeting.scheduled_for,
        )
        .order_by("-scheduled_for")
        .first()
    )


def still_open_since(agenda: list[AgendaSection], previous: Meeting) -> int:
    """last_time_for's count of the points raised by the end of `previous` and still open, read
    from an open meeting's agenda (which lists every open one-off point the viewer sees)."""
    return sum(
        1
        for section in agenda
        for point in section.points
        if point.discussed_in_id is None and point.created_at < previous.ends_at
    )


@dataclass(frozen=True)
class Neighbours:
    previous: Meeting | None
    next: Meeting | None


def neighbours_of(meeting: Meeting) -> Neighbours:
    """The meetings before and after this one in the pair's series (cancelled ones skipped)."""
    series = Meeting.objects.filter(one_on_one_id=meeting.one_on_one_id).exclude(
        status=Meeting.Status.CANCELLED
    )
    return Neighbours(
        previous=series.filter(scheduled_for__lt=meeting.scheduled_for)
        .order_by("-scheduled_for")
        .first(),
        next=series.filter(scheduled_for__gt=meeting.scheduled_for)
        .order_by("scheduled_for")
        .first(),
    )


def previous_start(meeting: Meeting) -> datetime | None:
    """When neighbours_of(meeting).previous is: what marks a point "carried over" on an open
    meeting's agenda. One short query."""
    return (
        Meeting.objects.filter(
            one_on_one_id=meeting.one_on_one_id, scheduled_for__lt=meeting.scheduled_for
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-scheduled_for")
        .values_list("scheduled_for", flat=True)
        .first()
    )


@dataclass(frozen=True)
class Landmarks:
    """Where a meeting stands in its pair's series, for the meeting page: its neighbours, the
    last held meeting before it ("last time") and its growth rhythm."""

    neighbours: Neighbours
    last_held: Meeting | None
    growth: GrowthRhythm


def landmarks_of(meeting: Meeting, *, now: datetime) -> Landmarks:
    """neighbours_of, last_held_before and growth_rhythm_of in two queries, whatever the
    pair's history: one aggregate finds when each of them is, one reads those meetings."""
    series = ~Q(status=Meeting.Status.CANCELLED)
    at = meeting.scheduled_for
    facts = Meeting.objects.filter(one_on_one_id=meeting.one_on_one_id).aggregate(
        previous=Max("scheduled_for", filter=series & Q(scheduled_for__lt=at)),
        next=Min("scheduled_for", filter=series & Q(scheduled_for__gt=at)),
        held=Max("scheduled_for", filter=Q(status=Meeting.Status.HELD, scheduled_for__lt=at)),
        **_growth_aggregates(meeting, now),
    )
    moments = [facts[name] for name in ("previous", "next", "held") if facts[name] is not None]
    found: dict[datetime, list[Meeting]] = {}
    if moments:
        for row in (
            Meeting.objects.filter(one_on_one_id=meeting.one_on_one_id, scheduled_for__in=moments)
            .filter(series)
            .order_by("pk")
        ):
            found.setdefault(row.scheduled_for, []).append(row)

    def at_moment(name: str, *, held: bool = False) -> Meeting | None:
        rows = found.get(facts[name], []) if facts[name] is not None else []
        return next((row for row in rows if not held or row.status == Meeting.Status.HELD), None)

    return Landmarks(
        neighbours=Neighbours(previous=at_moment("previous"), next=at_moment("next")),
        last_held=at_moment("held", held=True),
        growth=_growth_from(meeting, facts, now),
    )


@dataclass(frozen=True)
class TeamRow:
    report: Person
    one_on_one: OneOnOne | None
    # The 1:1's next time on the report's clock ("Tue 17:00"), when their zone differs.
    report_time: str = ""


def team_one_on_ones(manager: Person) -> list[TeamRow]:
    """Each active report of the manager with their active 1:1, if any (two queries)."""
    pairs = {pair.report_id: pair for pair in active_one_on_ones_managed_by(manager)}
    reports = manager.reports.filter(is_active=True).order_by("name")
    return [
        TeamRow(report=report, one_on_one=pairs.get(report.pk), report_time=_report_time(pair))
        if (pair := pairs.get(report.pk))
        else TeamRow(report=report, one_on_one=None)
        for report in reports
    ]


def _report_time(pair: OneOnOne) -> str:
    if pair.report.timezone == pair.timezone:
        return ""
    start = slots.moment_of(
        slots.Slot(pair.weekday, pair.start_time),
        starts_on=max(pair.starts_on, now().date()),
        zone=pair.timezone,
    )
    return slots.local_label(start, pair.report.timezone)


def upcoming_of(one_on_one: OneOnOne, moment: datetime, *, limit: int = 5) -> list[Meeting]:
    """The next meetings, including ones already skipped or cancelled ahead of time; one marked
    held before its time is history already (timeline_for)."""
    return list(
        Meeting.objects.filter(one_on_one=one_on_one, scheduled_for__gte=moment)
        .exclude(status=Meeting.Status.HELD)
        .order_by("scheduled_for")[:limit]
    )


# --- Search across every 1:1 the viewer sees --------------------------------------------------


def contains(text: str, query: str) -> bool:
    """Case-insensitive containment, as SQL's icontains, for text matched after decryption."""
    return query.casefold() in text.casefold()


def first_matching[Row: Model](
    rows: QuerySet[Row], text_of: Callable[[Row], str], query: str, limit: int
) -> list[Row]:
    """The first `limit` rows whose text contains `query`, reading `rows` in one query."""
    found: list[Row] = []
    for row in rows.iterator(chunk_size=500):
        if contains(text_of(row), query):
            found.append(row)
            if len(found) == limit:
                break
    return found


SEARCH_LIMIT_PER_KIND = 50


@dataclass(frozen=True)
class SearchHit:
    """One place a search matched: `where` says which kind of text ("agenda", "shared note",
    "private note", "action", "meeting"), `text` is the whole text that matched (the template
    cuts and highlights it). `meeting` is the meeting it belongs to, or for an open agenda point
    the pair's next meeting (None when the pair has none)."""

    where: str
    text: str
    one_on_one: OneOnOne
    meeting: Meeting | None
    at: datetime
    is_private: bool = False


@dataclass(frozen=True)
class SearchResult:
    hits: list[SearchHit]
    # Some kind of text had more matches than SEARCH_LIMIT_PER_KIND: only the newest are shown.
    capped: bool


def search_hits(viewer: Person, query: str) -> SearchResult:
    """Everything the viewer may see that contains `query`, in every 1:1 they see: open agenda
    points of upcoming meetings, points discussed, shared notes (both people's), the viewer's own
    private notes, actions and the reasons a meeting was moved or skipped. The other person's
    private points and notes are never searched. Newest first; five queries whatever the sizes."""
    pairs = access.one_on_ones_visible_to(viewer)
    limit = SEARCH_LIMIT_PER_KIND
    pair_fields = ("one_on_one__manager", "one_on_one__report")
    # Points and notes are encrypted at rest (rapport/crypto), so SQL cannot match them: the
    # ones the viewer may see are read newest first, in one query each, and matched here until
    # `limit` are found. The cost grows with the viewer's history when few texts match
    # (docs/privacy.md#encryption-at-rest).
    points = first_matching(
        TalkingPoint.objects.filter(one_on_one__in=pairs)
        .filter(access.private_content_filter(viewer))
        .select_related("discussed_in", *pair_fields)
        .order_by("-created_at"),
        lambda point: point.text,
        query,
        limit,
    )
    notes = first_matching(
        Note.objects.filter(meeting__one_on_one__in=pairs)
        .exclude(body="")
        .filter(Q(kind=Note.Kind.SHARED) | Q(author=viewer))
        .select_related("meeting__one_on_one__manager", "meeting__one_on_one__report")
        .order_by("-meeting__scheduled_for"),
        lambda note: note.body,
        query,
        limit,
    )
    actions = list(
        ActionItem.objects.filter(one_on_one__in=pairs, text__icontains=query)
        .select_related("created_in", *pair_fields)
        .order_by("-created_at")[:limit]
    )
    reasons = list(
        Meeting.objects.filter(one_on_one__in=pairs, status_reason__icontains=query)
        .select_related(*pair_fields)
        .order_by("-scheduled_for")[:limit]
    )
    open_pairs = {point.one_on_one_id for point in points if point.discussed_in_id is None}
    next_meeting = _next_meetings(open_pairs)
    hits = [
        SearchHit(
            where="agenda" if point.discussed_in is None else "discussed point",
            text=point.shown_text,
            one_on_one=point.one_on_one,
            meeting=point.discussed_in or next_meeting.get(point.one_on_one_id),
            at=point.discussed_in.scheduled_for if point.discussed_in else point.created_at,
            is_private=point.is_private,
        )
        for point in points
    ]
    hits += [
        SearchHit(
            where="private note" if note.kind == Note.Kind.PRIVATE else "shared note",
            text=note.body,
            one_on_one=note.meeting.one_on_one,
            meeting=note.meeting,
            at=note.meeting.scheduled_for,
            is_private=note.kind == Note.Kind.PRIVATE,
        )
        for note in notes
    ]
    hits += [
        SearchHit(
            where="action",
            text=action.text,
            one_on_one=action.one_on_one,
            meeting=action.created_in,
            at=action.created_in.scheduled_for if action.created_in else action.created_at,
        )
        for action in actions
    ]
    hits += [
        SearchHit(
            where="meeting",
            text=meeting.shown_status_reason,
            one_on_one=meeting.one_on_one,
            meeting=meeting,
            at=meeting.scheduled_for,
        )
        for meeting in reasons
    ]
    capped = any(len(found) == limit for found in (points, notes, actions, reasons))
    return SearchResult(sorted(hits, key=lambda hit: hit.at, reverse=True), capped=capped)


def _next_meetings(pair_ids: set[int]) -> dict[int, Meeting]:
    """Each pair's next open meeting: the one under way, else the next to come (one query)."""
    if not pair_ids:
        return {}
    moment = now()
    upcoming = Meeting.objects.filter(
        one_on_one_id__in=pair_ids,
        status=Meeting.Status.UPCOMING,
        # A meeting lasts at most 4 hours (OneOnOne.duration_minutes).
        scheduled_for__gte=moment - timedelta(hours=4),
    ).order_by("scheduled_for")
    found: dict[int, Meeting] = {}
    for meeting in upcoming.only("uuid", "scheduled_for", "duration_minutes", "one_on_one_id"):
        if meeting.ends_at > moment:
            found.setdefault(meeting.one_on_one_id, meeting)
    return found


@dataclass(frozen=True)
class Week:
    """What the week view shows, as data: the viewer's 1:1s of one week (every status, so a
    skipped or cancelled one can be shown as such) and the schedules the viewer may see."""

    viewer: Person
    monday: date
    meetings: list[Meeting]
    # Direct reports of the viewer's active pairs: whose hours the viewer may shade.
    reports: list[Person]
    # The report whose hours are shaded as a band, if one was chosen.
    selected: Person | None
    # Days away touching the week, by person id: only the viewer's own and their reports'.
    days_away: dict[int, list[DayAway]]

    def schedule_visible(self, person: Person) -> bool:
        """Whether the week may show `person`'s working hours and days away."""
        return person.pk == self.viewer.pk or any(report.pk == person.pk for report in self.reports)


def week_of(viewer: Person, monday: date, *, person: uuid.UUID | None = None) -> Week:
    """The week starting on `monday` on the viewer's own calendar (three queries). `person`
    chooses a report whose hours to shade: anyone but a direct report of an active pair is a 404."""
    zone = viewer.zone
    start = datetime.combine(monday, time(0), tzinfo=zone)
    end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone)
    meetings = list(
        access.meetings_visible_to(viewer)
        .filter(scheduled_for__gte=start, scheduled_for__lt=end)
        .select_related("one_on_one__manager", "one_on_one__report")
        .order_by("scheduled_for", "pk")
    )
    reports = [
        pair.report
        for pair in active_one_on_ones_managed_by(viewer).order_by("report__name")
        if access.can_see_schedule_of(viewer, pair.report)
    ]
    selected = None
    if person is not None:
        selected = next((report for report in reports if report.uuid == person), None)
        if selected is None:
            raise Http404("No such report.")
    # A day away is on its person's own calendar: a day either side covers every zone.
    away = DayAway.objects.filter(
        person_id__in=[viewer.pk, *(report.pk for report in reports)],
        ends_on__gte=monday - timedelta(days=1),
        starts_on__lte=monday + timedelta(days=7),
    ).order_by("starts_on", "pk")
    days_away: dict[int, list[DayAway]] = {}
    for day_away in away:
        days_away.setdefault(day_away.person_id, []).append(day_away)
    return Week(
        viewer=viewer,
        monday=monday,
        meetings=meetings,
        reports=reports,
        selected=selected,
        days_away=days_away,
    )


def busy_slots_of(
    manager: Person, *, excluding: Collection[int], starts_on: date
) -> list[slots.Busy]:
    """The manager's other active 1:1s as weekly slots on the manager's current clock, for the
    planner: those of the reports in `excluding` are being planned again and do not count."""
    busy = []
    zone = ZoneInfo(manager.timezone)
    for pair in active_one_on_ones_managed_by(manager).exclude(report__in=excluding):
        start = slots.moment_of(
            slots.Slot(pair.weekday, pair.start_time), starts_on=starts_on, zone=pair.timezone
        ).astimezone(zone)
        busy.append(slots.Busy(slots.Slot(start.weekday(), start.time()), pair.duration_minutes))
    return busy


def team_plan(
    manager: Person,
    reports: list[Person],
    *,
    duration_minutes: int,
    starts_on: date,
    max_per_day: int,
) -> slots.Plan:
    """The planner's proposal for `reports` (keyed by their id), around the manager's other 1:1s."""
    busy = busy_slots_of(manager, excluding=[report.pk for report in reports], starts_on=starts_on)
    return slots.plan_team(
        manager=slots.Hours.of(manager),
        reports=[(str(report.pk), slots.Hours.of(report)) for report in reports],
        busy=busy,
        duration_minutes=duration_minutes,
        starts_on=starts_on,
        max_per_day=max_per_day,
    )


# --- Meeting mode -------------------------------------------------------------------------------


def clock_spans(meeting: Meeting) -> list[timing.Span]:
    """The meeting's time segments as spans, oldest first (one query)."""
    return [
        timing.Span(segment.section, segment.started_at, segment.ended_at)
        for segment in meeting.segments.all()
    ]


def clock_of(meeting: Meeting, *, now: datetime | None = None) -> timing.ClockState:
    """The meeting-mode clock as of `now`: the server's reading, which every screen shows."""
    return timing.clock_state(
        clock_spans(meeting),
        started=meeting.started_at is not None,
        ended=meeting.ended_at is not None,
        now=now or timezone.now(),
    )


def points_covered_in(viewer: Person, meeting: Meeting) -> list[TalkingPoint]:
    """The points ticked as discussed in this meeting that the viewer may see, connection
    first (for the summary)."""
    return list(
        visible_points(viewer, meeting.one_on_one)
        .filter(discussed_in=meeting)
        .select_related("author")
        .order_by("section", "position", "created_at")
    )


def actions_created_in(meeting: Meeting) -> list[ActionItem]:
    """The action items added during this meeting (shared content: both people see them)."""
    return list(
        ActionItem.objects.filter(one_on_one=meeting.one_on_one, created_in=meeting)
        .select_related("owner")
        .order_by("created_at")
    )


def points_left_after(viewer: Person, meeting: Meeting) -> list[TalkingPoint]:
    """The one-off points the viewer may see that were on this meeting's agenda and not
    discussed: they carry over to the next meeting. Connection first."""
    until = meeting.ended_at or meeting.ends_at
    return list(
        visible_points(viewer, meeting.one_on_one)
        .filter(
            discussed_in__isnull=True,
            is_recurring=False,
            recurring_source__isnull=True,
            created_at__lte=until,
        )
        .select_related("author")
        .order_by("section", "position", "created_at")
    )


# --- Notes: what a viewer sees ---------------------------------------------------------------


@dataclass
class NoteSlot:
    """One note as the viewer meets it on the meeting page."""

    kind: str
    label: str
    note: Note | None
    editable: bool
    conflicts: list[NoteConflictCopy] = field(default_factory=list)

    @property
    def body(self) -> str:
        return self.note.body if self.note else ""

    @property
    def version(self) -> int:
        return self.note.version if self.note else 0


@dataclass
class NotesView:
    meeting: Meeting
    other: Person
    editable: bool
    shared: NoteSlot
    private: NoteSlot
    theirs: NoteSlot

    @property
    def mine(self) -> list[NoteSlot]:
        return [self.shared, self.private]


def notes_for(viewer: Person, meeting: Meeting) -> NotesView:
    """The viewer's own shared and private notes, the other person's shared note, and the
    viewer's kept conflict copies. `meeting` must come from get_meeting_for(viewer, ...):
    this selector trusts that the viewer is one of the pair. One query, and one more when
    the viewer has kept copies."""
    return notes_and_last_shared(viewer, meeting, None)[0]


def notes_and_last_shared(
    viewer: Person, meeting: Meeting, previous: Meeting | None
) -> tuple[NotesView, list[Note]]:
    """notes_for, and the shared notes (never private ones) written on `previous` (the pair's
    last held meeting, for "last time"; by author name, empty ones left out), in one query."""
    one_on_one = meeting.one_on_one
    other = one_on_one.other_person(viewer)
    wanted = Q(meeting=meeting) & (Q(author=viewer) | Q(author=other, kind=Note.Kind.SHARED))
    if previous is not None:
        wanted |= Q(meeting=previous, kind=Note.Kind.SHARED)
    kept = NoteConflictCopy.objects.filter(note=OuterRef("pk"), author=viewer)
    found = list(
        Note.objects.filter(wanted)
        .select_related("author")
        .annotate(has_copies=Exists(kept))
        .order_by("author__name")
    )
    notes = {(note.author_id, note.kind): note for note in found if note.meeting_id == meeting.pk}
    copies_by_note: dict[int, list[NoteConflictCopy]] = {}
    if any(note.has_copies for note in notes.values() if note.author_id == viewer.pk):
        copies = NoteConflictCopy.objects.filter(note__meeting=meeting, author=viewer)
        for copy in copies:
            copies_by_note.setdefault(copy.note_id, []).append(copy)
    editable = access.can_write_in(viewer, one_on_one)

    def own(kind: str, label: str) -> NoteSlot:
        note = notes.get((viewer.pk, kind))
        conflicts = copies_by_note.get(note.pk, []) if note else []
        return NoteSlot(kind=kind, label=label, note=note, editable=editable, conflicts=conflicts)

    view = NotesView(
        meeting=meeting,
        other=other,
        editable=editable,
        shared=own(
            Note.Kind.SHARED, gettext("Shared with %(name)s") % {"name": other.get_short_name()}
        ),
        private=own(Note.Kind.PRIVATE, gettext("Only you")),
        theirs=NoteSlot(
            kind=Note.Kind.SHARED,
            label=gettext("Shared by %(name)s") % {"name": other.get_short_name()},
            note=notes.get((other.pk, Note.Kind.SHARED)),
            editable=False,
        ),
    )
    last_shared: list[Note] = [
        note
        for note in found
        if previous is not None and note.meeting_id == previous.pk and note.body != ""
    ]
    return view, last_shared


def conflict_copy_for(
    viewer: Person, meeting: Meeting, kind: str, copy_uuid: str
) -> NoteConflictCopy | None:
    """One of the viewer's own kept copies on this note, or None (the view answers 404)."""
    try:
        return (
            NoteConflictCopy.objects.select_related("note__meeting__one_on_one")
            .filter(author=viewer, note__meeting=meeting, note__kind=kind, note__author=viewer)
            .get(uuid=copy_uuid)
        )
    except (NoteConflictCopy.DoesNotExist, ValueError):
        return None


# --- The person card ---------------------------------------------------------------------------


CARD_FIELDS = ("motivators", "struggles", "outside_work", "working_style", "recognition")


def person_card_for(viewer: Person, one_on_one: OneOnOne) -> PersonCard | None:
    """None for anyone but the manager of the active 1:1. The manager gets the saved card, or
    an unsaved blank one when there is none yet, so pages can invite them to fill it in."""
    if not access.can_see_person_card(viewer, one_on_one):
        return None
    card = PersonCard.objects.filter(one_on_one=one_on_one).first()
    return card or PersonCard(one_on_one=one_on_one)


def card_is_empty(card: PersonCard) -> bool:
    return not any(getattr(card, name).strip() for name in CARD_FIELDS)


# How long before a growth conversation falls due the meeting page proposes one.
GROWTH_PROPOSED_BEFORE = timedelta(days=14)


@dataclass(frozen=True)
class GrowthRhythm:
    """Where a meeting stands in its pair's growth rhythm, for the meeting page."""

    every_weeks: int  # 0: the pair turned the rhythm off
    last_on: date | None  # the last growth conversation held
    due_on: date | None
    planned_on: date | None  # a coming meeting already made the growth conversation
    # This meeting is the one to propose: the first open one from two weeks before it falls due.
    proposed: bool


def growth_rhythm_of(meeting: Meeting, *, now: datetime) -> GrowthRhythm:
    """One query, whatever the pair's history: the last growth conversation held, the next one
    planned, and the latest open meeting before this one (which would be proposed instead)."""
    facts = Meeting.objects.filter(one_on_one=meeting.one_on_one).aggregate(
        **_growth_aggregates(meeting, now)
    )
    return _growth_from(meeting, facts, now)


def _from_today(now: datetime) -> datetime:
    return datetime.combine(timezone.localdate(now), time(), tzinfo=timezone.get_current_timezone())


def _growth_aggregates(meeting: Meeting, now: datetime) -> dict[str, Max | Min]:
    upcoming = Q(status=Meeting.Status.UPCOMING, scheduled_for__gte=_from_today(now))
    return {
        "last": Max(
            "scheduled_for",
            filter=Q(status=Meeting.Status.HELD, is_growth=True, scheduled_for__lt=now),
        ),
        "planned": Min("scheduled_for", filter=upcoming & Q(is_growth=True)),
        "before": Max(
            "scheduled_for", filter=upcoming & Q(scheduled_for__lt=meeting.scheduled_for)
        ),
    }


def _growth_from(meeting: Meeting, facts: dict[str, Any], now: datetime) -> GrowthRhythm:
    pair = meeting.one_on_one
    from_today = _from_today(now)
    last_on = timezone.localdate(facts["last"]) if facts["last"] else None
    planned_on = timezone.localdate(facts["planned"]) if facts["planned"] else None
    due_on = pair.growth_due_on(last_on)
    proposed = False
    if due_on is not None and planned_on is None and meeting.is_open and not meeting.is_growth:
        opens = max(
            from_today,
            datetime.combine(
                due_on - GROWTH_PROPOSED_BEFORE, time(), tzinfo=timezone.get_current_timezone()
            ),
        )
        proposed = meeting.scheduled_for >= opens and (
            facts["before"] is None or facts["before"] < opens
        )
    return GrowthRhythm(pair.growth_every_weeks, last_on, due_on, planned_on, proposed)


# --- What a departure does to the person's 1:1s (the confirmation step) ----------------------


@dataclass(frozen=True)
class EndingPair:
    """One of the person's active 1:1s that a departure ends: the other person and how many of
    the pair's upcoming meetings are cancelled."""

    other: Person
    upcoming: int


@dataclass(frozen=True)
class DepartureConsequences:
    person: Person
    # Where their reports go: the person's own manager (None: the top of the chart).
    new_manager: Person | None
    # The pairs where the person is the manager (each report moves to `new_manager`).
    as_manager: list[EndingPair]
    # The pair where the person is the report (at most one).
    as_report: EndingPair | None
    # Active reports without a 1:1 with the person, who move all the same.
    other_reports: list[Person]

    @property
    def meetings_cancelled(self) -> int:
        pairs = [*self.as_manager, *([self.as_report] if self.as_report else [])]
        return sum(pair.upcoming for pair in pairs)


def departure_consequences(
    viewer: Person, person: Person, *, now: datetime
) -> DepartureConsequences:
    """What recording `person`'s departure would change, as of `now`: for HR and admins (a 404
    for anyone else). Facts about pairs only, never their content."""
    if not access.can_record_departure(viewer):
        raise Http404
    pairs = list(
        OneOnOne.objects.filter(status=OneOnOne.Status.ACTIVE)
        .filter(Q(manager=person) | Q(report=person))
        .select_related("manager", "report")
        .annotate(
            upcoming=Count(
                "meetings",
                filter=Q(meetings__status=Meeting.Status.UPCOMING, meetings__scheduled_for__gt=now),
            )
        )
        .order_by("report__name", "pk")
    )
    as_manager = [
        EndingPair(other=pair.report, upcoming=pair.upcoming)
        for pair in pairs
        if pair.manager_id == person.pk
    ]
    as_report = next(
        (
            EndingPair(other=pair.manager, upcoming=pair.upcoming)
            for pair in pairs
            if pair.report_id == person.pk
        ),
        None,
    )
    paired = {pair.report_id for pair in pairs}
    other_reports = list(
        Person.objects.filter(manager=person, is_active=True)
        .exclude(pk__in=paired)
        .order_by("name")
    )
    return DepartureConsequences(
        person=person,
        new_manager=person.manager,
        as_manager=as_manager,
        as_report=as_report,
        other_reports=other_reports,
    )
