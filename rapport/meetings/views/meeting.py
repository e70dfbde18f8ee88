"""The meeting page and what can happen to one meeting."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport import access, pagecache, versions
from rapport.checkins.selectors import checkin_panel_for, meeting_with_checkin_for
from rapport.display import url_patterns
from rapport.goals.selectors import GoalRow, open_goal_rows_of_pair, open_goals_of_pair
from rapport.http import SignedInRequest
from rapport.insights.rules import SignalGroup
from rapport.insights.selectors import team_member_cached
from rapport.meetings import selectors, services
from rapport.meetings.forms import (
    ActionForm,
    GrowthForm,
    MoveForm,
    PointForm,
    SearchForm,
    StatusForm,
)
from rapport.meetings.models import ActionItem, Meeting, PersonCard
from rapport.meetings.services import PROFILE_PROMPT
from rapport.people.models import Person
from rapport.people.selectors import SharedProfile, shared_working_profile

# Each fragment of the meeting page has its own context, holding what that fragment renders
# and no more; the page and meeting mode compose them. The agenda fragment, polled every 15
# seconds by each open meeting page, reads the meeting with when the one before it was (what
# makes a point "carried over"), in one query, and the points.

# A meeting not read by `selectors.get_meeting_with_previous_start` has no `previous_start`.
NOT_READ = object()


# The header in which the meeting page's poll sends back the tag of the agenda it shows.
AGENDA_SEEN_HEADER = "X-Rapport-Agenda-Seen"


def agenda_tag(
    viewer: Person, meeting_uuid: uuid.UUID | str, *, version: str | None = None
) -> str | None:
    """The tag of the meeting's agenda as `viewer` sees it now (pagecache.viewer_tag): every
    write to a point, to the meeting or to either person's name moves both people's versions.
    By the meeting's uuid, which the poll has before it reads the meeting."""
    return pagecache.viewer_tag(viewer.pk, "agenda", str(meeting_uuid), version=version)


def agenda_context(
    viewer: Person, meeting: Meeting, *, tag: str | None = None
) -> dict[str, object]:
    """meeting.html#agenda and #agenda-block. The polled agenda's meeting comes with when the
    one before it was (`get_meeting_with_previous_start`), and its tag, read before the meeting;
    other callers' are asked for here."""
    if tag is None:
        tag = agenda_tag(viewer, meeting.uuid)  # before the points: they are at least as new as it
    carried_before: datetime | None = None
    if meeting.is_open:
        read = getattr(meeting, "previous_start", NOT_READ)
        if read is None or isinstance(read, datetime):
            carried_before = read
        else:
            carried_before = selectors.previous_start(meeting)
    return _agenda_context(
        viewer, meeting, selectors.agenda_for(viewer, meeting), carried_before, tag
    )


def _agenda_context(
    viewer: Person,
    meeting: Meeting,
    agenda: list[selectors.AgendaSection],
    carried_before: datetime | None,
    tag: str | None,
) -> dict[str, object]:
    one_on_one = meeting.one_on_one
    return {
        "meeting": meeting,
        "one_on_one": one_on_one,
        "other": one_on_one.other_person(viewer),
        "agenda": agenda,
        # Sent back by the page's poll (AGENDA_SEEN_HEADER): an unchanged agenda is not sent.
        "agenda_tag": tag,
        "agenda_seen_header": AGENDA_SEEN_HEADER,
        "can_write": access.can_write_in(viewer, one_on_one),
        # Points raised before the previous meeting and still open came over from it.
        "carried_before": carried_before,
        "point_form": PointForm(),
        "profile_prompt": PROFILE_PROMPT,
        # Each point's forms post to these, with its uuid filled in (`fill`).
        "point_urls": url_patterns(
            meeting.uuid,
            discuss="meetings:point_discuss",
            move="meetings:point_move",
            delete="meetings:point_delete",
        ),
    }


def actions_context(viewer: Person, meeting: Meeting) -> dict[str, object]:
    """meeting.html#actions-block: the actions and, for the add form, the pair's goals."""
    one_on_one = meeting.one_on_one
    return {
        "meeting": meeting,
        "one_on_one": one_on_one,
        "other": one_on_one.other_person(viewer),
        "actions": selectors.actions_for_meeting(meeting),
        "action_urls": url_patterns(done="meetings:action_done"),
        "today": timezone.localdate(),
        "can_write": access.can_write_in(viewer, one_on_one),
        "pair_goals": open_goals_of_pair(viewer, one_on_one),
    }


def meeting_context(
    request: SignedInRequest,
    meeting: Meeting,
    *,
    now: datetime | None = None,
    built: tuple[Kept, str | None] | None = None,
) -> dict[str, object]:
    """Everything the meeting page shows, which meeting mode shows too: the fragments'
    contexts composed, the meeting's place in its series read at once (neighbours, last time,
    growth rhythm), "last time" read with the notes and actions it shares its queries with,
    and, for the manager, the person card, what the report shares and the pair's signals.
    `built`: `Kept` as of `now` and the viewer's version read before it (else both come from
    the page cache)."""
    viewer = request.user
    # As of the minute, as the meeting page keeps it (meetings start on whole minutes).
    now = pagecache.as_of(now or timezone.now())

    def build(moment: datetime) -> Kept:
        # What is kept is read after the viewer's version, the meeting again too (see
        # meeting_detail); without the page cache nothing is kept.
        current = meeting
        if settings.RAPPORT_PAGE_CACHE:
            current = meeting_with_checkin_for(viewer, meeting.uuid)
        return _kept(viewer, current, moment)

    kept, version = built or pagecache.page_data_and_version(
        f"meeting-{meeting.pk}", viewer.pk, now, build
    )
    landmarks = kept.landmarks
    previous = landmarks.neighbours.previous
    context = _agenda_context(
        viewer,
        meeting,
        kept.agenda,
        previous.scheduled_for if previous and meeting.is_open else None,
        agenda_tag(viewer, meeting.uuid, version=version),
    )
    last_held = _last_held(meeting, landmarks)
    notes, last_shared = selectors.notes_and_last_shared(viewer, meeting, last_held)
    context.update(
        neighbours=landmarks.neighbours,
        growth=landmarks.growth,
        actions=kept.actions,
        action_urls=url_patterns(done="meetings:action_done"),
        today=timezone.localdate(now),
        now_moment=now,
        action_form=ActionForm(),
        notes=notes,
        person_card=kept.person_card,
        pair_goals=[row.goal for row in kept.goal_rows],
        pair_goal_rows=kept.goal_rows,
        checkin=checkin_panel_for(viewer, meeting, now=now),
        shared_profile=kept.shared_profile,
    )
    if meeting.is_open:
        context["last_time"] = (
            selectors.LastTime(
                last_held,
                last_shared,
                kept.agreed_then,
                selectors.still_open_since(kept.agenda, last_held),
            )
            if last_held is not None
            else None
        )
        if kept.signal_groups is not None:
            context["signal_groups"] = kept.signal_groups
    return context


@dataclass(frozen=True)
class Kept:
    """What the meeting page shows that changes only with writes to the pair or to its report
    (which move the viewer's version) or with time, kept like the team view's data
    (rapport/pagecache.py). The notes are read on each request (`KeptPage`)."""

    landmarks: selectors.Landmarks  # the meeting's place in its series
    # The agenda as the viewer sees it: the polled agenda's tag relies on the same versions.
    agenda: list[selectors.AgendaSection]
    # The meeting's actions, and those agreed the last time the pair met.
    actions: list[ActionItem]
    agreed_then: list[ActionItem]
    goal_rows: list[GoalRow]  # the pair's open goals
    # For an open meeting the viewer may see them on, the pair's signals (the team view's facts
    # and rules for this one pair).
    signal_groups: list[SignalGroup] | None
    # The manager's person card of the active 1:1 and, beside it, never in it, what the report
    # chose to share of their working-with-me profile, in their words. None for anyone else.
    person_card: PersonCard | None
    shared_profile: SharedProfile | None


def _last_held(meeting: Meeting, landmarks: selectors.Landmarks) -> Meeting | None:
    """The pair's last held meeting, shown as "last time" on an open meeting."""
    return landmarks.last_held if meeting.is_open else None


def _kept(viewer: Person, meeting: Meeting, moment: datetime) -> Kept:
    one_on_one = meeting.one_on_one
    landmarks = selectors.landmarks_of(meeting, now=moment)
    agenda = selectors.agenda_for(viewer, meeting)
    actions, agreed_then = selectors.actions_of_meeting_and_last_time(
        meeting, _last_held(meeting, landmarks)
    )
    goal_rows = open_goal_rows_of_pair(viewer, one_on_one)
    signal_groups = None
    if meeting.is_open and access.can_see_team_signals(viewer, one_on_one):
        member = team_member_cached(viewer, one_on_one, now=moment)
        signal_groups = member.groups if member is not None else None
    person_card = selectors.person_card_for(viewer, one_on_one)
    return Kept(
        landmarks=landmarks,
        agenda=agenda,
        actions=actions,
        agreed_then=agreed_then,
        goal_rows=goal_rows,
        signal_groups=signal_groups,
        person_card=person_card,
        shared_profile=(shared_working_profile(viewer, one_on_one.report) if person_card else None),
    )


# The meeting page's parts that `Kept` and the meeting decide, kept rendered (`KeptPage`): by
# name, the template partial.
KEPT_PARTS = {
    "head": "meetings/meeting.html#head-part",
    "agenda": "meetings/meeting.html#agenda-block",
    "aside": "meetings/meeting.html#aside-part",
}


@dataclass(frozen=True)
class KeptPage:
    """The meeting page as kept per viewer (rapport/pagecache.py): its parts rendered, all but
    the notes, whose editors' scripts carry the request's CSP nonce, and "last time", read with
    them in one query; and what those two read of `Kept`."""

    parts: dict[str, list[str]]  # each split where its CSRF token goes (pagecache.filled_in)
    last_held: Meeting | None
    agreed_then: list[ActionItem]
    still_open: int


@require_GET
def meeting_detail(request: SignedInRequest, meeting_uuid: str) -> HttpResponse:
    """The page, its parts but "last time" and the notes kept rendered per viewer (`KeptPage`)
    with the page cache on. Asked by htmx, its fragments would show the request's messages:
    then nothing is kept."""
    meeting = meeting_with_checkin_for(request.user, meeting_uuid)
    if request.htmx or not settings.RAPPORT_PAGE_CACHE:
        return render(request, "meetings/meeting.html", meeting_context(request, meeting))
    viewer = request.user
    now = timezone.now()

    # The whole context when the page is built in this request (its notes are this request's).
    fresh: dict[str, object] = {}

    def build(moment: datetime) -> KeptPage:
        # Everything kept is read after the viewer's version (the page cache read it before
        # calling this; the agenda's tag is made of it, read here first): the meeting too, read
        # again, since a write between the request's read and the version's would otherwise
        # be kept under a version that already counts it.
        version = versions.of_person(viewer.pk)
        current = meeting_with_checkin_for(viewer, meeting_uuid)
        kept = _kept(viewer, current, moment)
        fresh.update(meeting_context(request, current, now=moment, built=(kept, version)))
        last_time = fresh.get("last_time")
        assert last_time is None or isinstance(last_time, selectors.LastTime)
        return KeptPage(
            parts={
                name: pagecache.rendered_apart(request, partial, fresh)
                for name, partial in KEPT_PARTS.items()
            },
            last_held=last_time.meeting if last_time else None,
            agreed_then=last_time.actions if last_time else [],
            still_open=last_time.still_open if last_time else 0,
        )

    # The person card's link comes back to this address, kept as a digest (any query string
    # may come with it; a key has a length limit).
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:16]
    page = pagecache.page_data(f"meeting-page-{meeting.pk}", viewer.pk, now, build, variant=(path,))
    kept_html = {name: pagecache.filled_in(request, page.parts[name]) for name in KEPT_PARTS}
    if fresh:
        return render(request, "meetings/meeting.html", {**fresh, "kept_html": kept_html})
    notes, last_shared = selectors.notes_and_last_shared(viewer, meeting, page.last_held)
    one_on_one = meeting.one_on_one
    context = {
        "meeting": meeting,
        "one_on_one": one_on_one,
        "other": one_on_one.other_person(viewer),
        "notes": notes,
        "today": timezone.localdate(pagecache.as_of(now)),
        "kept_html": kept_html,
    }
    if page.last_held is not None:
        context["last_time"] = selectors.LastTime(
            page.last_held, last_shared, page.agreed_then, page.still_open
        )
    return render(request, "meetings/meeting.html", context)


@require_GET
def meeting_agenda(request: SignedInRequest, meeting_uuid: str) -> HttpResponse:
    """The agenda alone, polled by the meeting page so each person sees the other's points.
    The poll sends back the tag of the agenda the page shows: while it is still the viewer's,
    nothing concerning them was written since, and the answer is 204 (htmx keeps the agenda
    as it is) without reading the meeting or its points. It tells nothing to anyone else: a
    tag is made from the viewer's own random version."""
    tag = agenda_tag(request.user, meeting_uuid)
    if tag is not None and request.headers.get(AGENDA_SEEN_HEADER) == tag:
        return HttpResponse(status=204)
    meeting = selectors.get_meeting_with_previous_start(request.user, meeting_uuid)
    context = agenda_context(request.user, meeting, tag=tag)
    return render(request, "meetings/meeting.html#agenda", context)


@require_POST
def meeting_status(request: SignedInRequest, meeting_uuid: str) -> HttpResponse:
    meeting = selectors.get_meeting_for(request.user, meeting_uuid)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_set_status(
                meeting=meeting,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            marked: dict[str, str] = {
                Meeting.Status.HELD: gettext("Marked held."),
                Meeting.Status.SKIPPED: gettext("Marked skipped."),
                Meeting.Status.CANCELLED: gettext("Marked cancelled."),
            }
            messages.success(request, marked.get(meeting.status, gettext("Marked upcoming.")))
    else:
        messages.error(request, gettext("Choose held, skipped or cancelled."))
    return redirect("meetings:meeting", meeting_uuid=meeting.uuid)


@require_POST
def meeting_growth(request: SignedInRequest, meeting_uuid: str) -> HttpResponse:
    """Make this coming meeting the pair's growth conversation (its template joins the agenda),
    or take the mark off again."""
    meeting = selectors.get_meeting_for(request.user, meeting_uuid)
    form = GrowthForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors["growth"]))
        return redirect("meetings:meeting", meeting_uuid=meeting.uuid)
    growth = form.cleaned_data["growth"]
    try:
        added = services.meeting_make_growth(meeting=meeting, by=request.user, growth=growth)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if growth:
            messages.success(
                request,
                ngettext(
                    "This is your growth conversation. %(count)d talking point about direction, "
                    "strengths and learning joined the agenda; change them as you like.",
                    "This is your growth conversation. %(count)d talking points about direction, "
                    "strengths and learning joined the agenda; change them as you like.",
                    len(added),
                )
                % {"count": len(added)},
            )
        else:
            messages.success(request, gettext("No longer the growth conversation."))
    return redirect("meetings:meeting", meeting_uuid=meeting.uuid)


@require_http_methods(["GET", "POST"])
def meeting_reschedule(request: SignedInRequest, meeting_uuid: str) -> HttpResponse:
    meeting = selectors.get_meeting_for(request.user, meeting_uuid)
    if not access.can_write_in(request.user, meeting.one_on_one) or not meeting.is_open:
        messages.error(request, gettext("Only an upcoming meeting of an active 1:1 can be moved."))
        return redirect("meetings:meeting", meeting_uuid=meeting.uuid)
    local = timezone.localtime(meeting.scheduled_for)
    form = MoveForm(
        request.POST or None,
        initial={"day": local.date(), "at": local.time()},
        meeting=meeting,
        zone=timezone.get_current_timezone_name(),
    )
    if request.method == "POST" and form.is_valid():
        services.meeting_reschedule(
            meeting=meeting,
            to=form.cleaned_data["moment"],
            by=request.user,
            confirmed_out_of_hours=form.cleaned_data["confirm_out_of_hours"],
        )
        messages.success(request, gettext("Moved. The agenda moves with it."))
        return redirect("meetings:meeting", meeting_uuid=meeting.uuid)
    return render(request, "meetings/reschedule.html", {"meeting": meeting, "form": form})


@require_GET
def search(request: SignedInRequest) -> HttpResponse:
    """Every 1:1 the viewer sees: upcoming agendas, discussed points, notes and actions."""
    form = SearchForm(request.GET if "q" in request.GET else None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    result = selectors.search_hits(request.user, query) if query else None
    context = {
        "form": form,
        "query": query,
        "hits": result.hits if result else [],
        "capped": result.capped if result else False,
        "limit": selectors.SEARCH_LIMIT_PER_KIND,
    }
    return render(request, "meetings/search.html", context)
