"""The meeting page and what can happen to one meeting."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport import access
from rapport.checkins.selectors import checkin_panel_for
from rapport.goals.selectors import open_goal_rows_of_pair
from rapport.http import SignedInRequest
from rapport.insights.selectors import team_view
from rapport.meetings import selectors, services
from rapport.meetings.forms import (
    ActionForm,
    GrowthForm,
    MoveForm,
    PointForm,
    SearchForm,
    StatusForm,
)
from rapport.meetings.models import Meeting
from rapport.meetings.services import PROFILE_PROMPT
from rapport.people.models import Person
from rapport.people.selectors import shared_working_profile


def meeting_context(request: SignedInRequest, meeting: Meeting) -> dict[str, object]:
    viewer = request.user
    one_on_one = meeting.one_on_one
    pair_goal_rows = open_goal_rows_of_pair(viewer, one_on_one)
    return {
        "meeting": meeting,
        "one_on_one": one_on_one,
        "other": one_on_one.other_person(viewer),
        "agenda": selectors.agenda_for(viewer, meeting),
        "actions": selectors.actions_for_meeting(meeting),
        "today": timezone.localdate(),
        "now_moment": timezone.now(),
        "can_write": access.can_write_in(viewer, one_on_one),
        "neighbours": selectors.neighbours_of(meeting),
        "point_form": PointForm(),
        "action_form": ActionForm(),
        "notes": selectors.notes_for(viewer, meeting),
        "person_card": selectors.person_card_for(viewer, one_on_one),
        "profile_prompt": PROFILE_PROMPT,
        "pair_goals": [row.goal for row in pair_goal_rows],
        "pair_goal_rows": pair_goal_rows,
        "checkin": checkin_panel_for(viewer, meeting, now=timezone.now()),
    }


def shared_profile_beside(context: dict[str, object], viewer: Person, meeting: Meeting) -> None:
    """Beside the person card, never in it: what the report chose to share, in their words.
    Only where the card is (the manager of the active 1:1), and only on whole pages."""
    report = meeting.one_on_one.report
    context["shared_profile"] = (
        shared_working_profile(viewer, report) if context["person_card"] else None
    )


@require_GET
def meeting_detail(request: SignedInRequest, meeting_uuid: str) -> HttpResponse:
    meeting = selectors.get_meeting_for(request.user, meeting_uuid)
    context = meeting_context(request, meeting)
    shared_profile_beside(context, request.user, meeting)
    # Only the whole page shows last time and the signals; the fragments it polls and swaps do
    # not need them.
    context["growth"] = selectors.growth_rhythm_of(meeting, now=timezone.now())
    if meeting.is_open:
        context["last_time"] = selectors.last_time_for(request.user, meeting)
        if access.can_see_team_signals(request.user, meeting.one_on_one):
            view = team_view(request.user, one_on_one=meeting.one_on_one)
            context["signal_groups"] = view.members[0].groups
    return render(request, "meetings/meeting.html", context)


@require_GET
def meeting_agenda(request: SignedInRequest, meeting_uuid: str) -> HttpResponse:
    """The agenda alone, polled by the meeting page so each person sees the other's points."""
    meeting = selectors.get_meeting_for(request.user, meeting_uuid)
    return render(request, "meetings/meeting.html#agenda", meeting_context(request, meeting))


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
