"""Talking points and action items on the meeting page. Each view answers an htmx request
with the fresh fragment, and a plain form post with a redirect back to the meeting."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from rapport.goals.selectors import active_goal_of_pair
from rapport.goals.services import action_add_for_goal
from rapport.http import SignedInRequest
from rapport.meetings import selectors, services
from rapport.meetings.forms import ActionDoneForm, ActionForm, PointForm
from rapport.meetings.models import Meeting, TalkingPoint
from rapport.meetings.views.meeting import actions_context, agenda_context


def _answer_agenda(request: SignedInRequest, meeting: Meeting) -> HttpResponse:
    """After a change to the points: the fresh agenda block for htmx, else back to the page."""
    if request.htmx:
        context = agenda_context(request.user, meeting)
        return render(request, "meetings/meeting.html#agenda-block", context)
    return redirect("meetings:meeting", meeting_uuid=meeting.uuid)


def _answer_actions(request: SignedInRequest, meeting: Meeting) -> HttpResponse:
    """After a change to the actions: the fresh actions block for htmx, else back to the page."""
    if request.htmx:
        context = actions_context(request.user, meeting)
        return render(request, "meetings/meeting.html#actions-block", context)
    return redirect("meetings:meeting", meeting_uuid=meeting.uuid)


def _point_for(request: SignedInRequest, meeting: Meeting, point_uuid: str) -> TalkingPoint:
    visible = selectors.visible_points(request.user, meeting.one_on_one)
    return get_object_or_404(visible.select_related("one_on_one"), uuid=point_uuid)


def _show_error(request: SignedInRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@require_POST
def point_add(request: SignedInRequest, meeting_uuid: str) -> HttpResponse:
    meeting = selectors.get_meeting_for(request.user, meeting_uuid)
    form = PointForm(request.POST)
    if form.is_valid():
        try:
            services.point_add(
                one_on_one=meeting.one_on_one, author=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _show_error(request, error)
    else:
        messages.error(request, gettext("Write the point in a few words (500 characters at most)."))
    return _answer_agenda(request, meeting)


@require_POST
def point_discuss(request: SignedInRequest, meeting_uuid: str, point_uuid: str) -> HttpResponse:
    meeting = selectors.get_meeting_for(request.user, meeting_uuid)
    point = _point_for(request, meeting, point_uuid)
    try:
        services.point_set_discussed(
            point=point,
            meeting=meeting,
            discussed=request.POST.get("discussed") == "1",
            by=request.user,
        )
    except ValidationError as error:
        _show_error(request, error)
    return _answer_agenda(request, meeting)


@require_POST
def point_move(request: SignedInRequest, meeting_uuid: str, point_uuid: str) -> HttpResponse:
    meeting = selectors.get_meeting_for(request.user, meeting_uuid)
    point = _point_for(request, meeting, point_uuid)
    try:
        services.point_move(
            point=point, meeting=meeting, up=request.POST.get("direction") == "up", by=request.user
        )
    except ValidationError as error:
        _show_error(request, error)
    return _answer_agenda(request, meeting)


@require_POST
def point_delete(request: SignedInRequest, meeting_uuid: str, point_uuid: str) -> HttpResponse:
    meeting = selectors.get_meeting_for(request.user, meeting_uuid)
    point = _point_for(request, meeting, point_uuid)
    try:
        services.point_delete(point=point, by=request.user)
    except ValidationError as error:
        _show_error(request, error)
    return _answer_agenda(request, meeting)


@require_POST
def action_add(request: SignedInRequest, meeting_uuid: str) -> HttpResponse:
    meeting = selectors.get_meeting_for(request.user, meeting_uuid)
    one_on_one = meeting.one_on_one
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, gettext("Describe the action (500 characters at most) and give a valid date.")
        )
        return _answer_actions(request, meeting)
    data = form.cleaned_data
    owner = request.user if data["owner"] == "me" else one_on_one.other_person(request.user)
    fields = {
        "meeting": meeting,
        "owner": owner,
        "text": data["text"],
        "due_on": data["due_on"],
        "already_late": data["already_late"],
    }
    try:
        if data["goal"]:
            goal = active_goal_of_pair(request.user, one_on_one, data["goal"])
            if goal is None:
                raise ValidationError(gettext("That goal is not an active goal of this 1:1."))
            action_add_for_goal(goal=goal, by=request.user, **fields)
        else:
            services.action_add(one_on_one=one_on_one, by=request.user, **fields)
    except ValidationError as error:
        _show_error(request, error)
    return _answer_actions(request, meeting)


@require_POST
def action_done(request: SignedInRequest, action_uuid: str) -> HttpResponse:
    action = selectors.get_action_for(request.user, action_uuid)
    form = ActionDoneForm(request.POST)
    if not form.is_valid():
        raise Http404("No such meeting.")  # the only field that can be wrong is the meeting's id
    # Everything that can answer 404 is looked up before the write, so a 404 changes nothing.
    meeting = None
    if form.cleaned_data["meeting"]:
        meeting = selectors.get_meeting_for(request.user, form.cleaned_data["meeting"])
        if meeting.one_on_one_id != action.one_on_one_id:
            raise Http404("That meeting belongs to another 1:1.")
    try:
        services.action_set_done(action=action, done=form.cleaned_data["done"], by=request.user)
    except ValidationError as error:
        _show_error(request, error)
    if meeting is not None:
        return _answer_actions(request, meeting)
    if form.cleaned_data["done"]:
        # My actions offers to undo the tick: the ticked item is named by the address.
        return redirect(reverse("meetings:my_actions") + f"?done={action.uuid}")
    return redirect("meetings:my_actions")
