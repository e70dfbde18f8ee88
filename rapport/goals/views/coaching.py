"""Coaching conversations (GROW) on a goal: start one, save a step and move on, and the will
step's decision that becomes an action. Run from meeting mode's coaching panel; every control
is a real form, so a plain post is answered with a redirect back (to meeting mode, or the goal
page) and an htmx post with the fresh panel; a refused htmx post gets the panel with the reason
in it (200, as goals:progress does, so htmx swaps it in without script). 404 outside the pair."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from rapport.goals import selectors, services
from rapport.goals.forms import CoachingDecideForm, CoachingStartForm, CoachingStepForm
from rapport.goals.models import CoachingConversation
from rapport.goals.presentation_coaching import FlowView, coaching_panel_for, flow_view
from rapport.http import SignedInRequest
from rapport.meetings.models import Meeting, OneOnOne
from rapport.meetings.selectors import get_meeting_for


def _back(conversation: CoachingConversation) -> str:
    if conversation.meeting is not None and conversation.meeting.is_open:
        url = reverse("meetings:mode", kwargs={"meeting_uuid": conversation.meeting.uuid})
        return url + "#coaching-panel"
    return reverse("goals:detail", args=[conversation.goal.uuid]) + "#coaching"


def _answer(
    request: SignedInRequest,
    conversation: CoachingConversation,
    *,
    flow: FlowView | None = None,
) -> HttpResponse:
    """The fresh panel for htmx (when the conversation belongs to a meeting the viewer runs),
    else a redirect back."""
    meeting = conversation.meeting
    if request.htmx and meeting is not None:
        panel = coaching_panel_for(request.user, meeting, flow=flow)
        if panel is not None:
            context = {"coaching": panel, "meeting": meeting}
            return render(request, "goals/_coaching_flow.html", context)
    if flow is not None and flow.error:
        messages.error(request, flow.error)
    return redirect(_back(conversation))


def _errors(*forms: CoachingStepForm | CoachingDecideForm) -> str:
    return " ".join(str(e) for form in forms for errors in form.errors.values() for e in errors)


@require_POST
def coaching_start(request: SignedInRequest, goal_uuid: str) -> HttpResponse:
    goal = selectors.get_goal_for(request.user, goal_uuid)
    form = CoachingStartForm(request.POST)
    meeting: Meeting | None = None
    if form.is_valid() and form.cleaned_data["meeting"]:
        meeting = get_meeting_for(request.user, form.cleaned_data["meeting"])
    try:
        conversation = services.coaching_start(goal=goal, by=request.user, meeting=meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("goals:detail", goal_uuid=goal.uuid)
    return _answer(request, conversation)


@require_POST
def coaching_step(request: SignedInRequest, coaching_uuid: str) -> HttpResponse:
    viewer = request.user
    conversation = selectors.get_coaching_for(viewer, coaching_uuid)
    form = CoachingStepForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            conversation = services.coaching_save(
                conversation=conversation,
                by=viewer,
                move=data["move"],
                # A step's form sends only the fields it shows; the others stay as they are.
                obstacle_kind=data["obstacle_kind"] if "obstacle_kind" in request.POST else None,
                options=data["options"] if "options" in request.POST else None,
                # Only the author writes the note; anyone else's form has no such field.
                private_note=data["private_note"]
                if conversation.created_by_id == viewer.pk and "private_note" in request.POST
                else None,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _answer(request, conversation)
    flow = flow_view(viewer, _fresh(conversation), form=form, error=_errors(form))
    return _answer(request, conversation, flow=flow)


@require_POST
def coaching_decide(request: SignedInRequest, coaching_uuid: str) -> HttpResponse:
    viewer = request.user
    conversation = selectors.get_coaching_for(viewer, coaching_uuid)
    one_on_one: OneOnOne = conversation.goal.one_on_one
    form = CoachingDecideForm(request.POST, today=timezone.localdate(), auto_id="id_decide_%s")
    if form.is_valid():
        data = form.cleaned_data
        owner = one_on_one.manager if data["owner"] == "manager" else one_on_one.report
        try:
            conversation = services.coaching_decide(
                conversation=conversation,
                by=viewer,
                decision=data["decision"],
                owner=owner,
                due_on=data["due_on"],
                private_note=data["private_note"]
                if conversation.created_by_id == viewer.pk and "private_note" in request.POST
                else None,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext("Decided: the action is on the list, with its date."))
            # The whole page changes (the actions list too): load it again.
            if request.htmx:
                return HttpResponse(status=204, headers={"HX-Refresh": "true"})
            return redirect(_back(conversation))
    flow = flow_view(viewer, _fresh(conversation), decide_form=form, error=_errors(form))
    return _answer(request, conversation, flow=flow)


def _fresh(conversation: CoachingConversation) -> CoachingConversation:
    # A refused save may have changed the object in memory: show what is stored.
    conversation.refresh_from_db()
    return conversation
