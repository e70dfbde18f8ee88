"""Recording progress on a goal, from the goal page or from a meeting."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from rapport.goals import progress
from rapport.goals.forms_progress import ProgressForm
from rapport.http import SignedInRequest
from rapport.meetings.models import Meeting
from rapport.meetings.selectors import get_meeting_for


@require_POST
def goal_progress(request: SignedInRequest, goal_uuid: str) -> HttpResponse:
    viewer = request.user
    goal = progress.get_goal_for_progress(viewer, goal_uuid)
    form = ProgressForm(request.POST)
    meeting: Meeting | None = None
    recorded = False
    if form.is_valid():
        data = form.cleaned_data
        meeting = get_meeting_for(viewer, data["meeting"]) if data["meeting"] else None
        try:
            progress.goal_record_progress(
                goal=goal,
                by=viewer,
                meeting=meeting,
                value=data["value"],
                confidence=data["confidence"],
                obstacle=data["obstacle"],
                note=data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            recorded = True
    if request.htmx:
        # After a success the panel comes back with an empty form; after a refusal, with this
        # one and its errors.
        panel = progress.progress_panel_for(viewer, goal, meeting, form=None if recorded else form)
        if panel is None:
            raise Http404
        return render(request, "goals/_progress.html", {"progress": panel})
    if recorded:
        messages.success(request, "Progress recorded.")
    else:
        errors = [str(error) for errors in form.errors.values() for error in errors]
        messages.error(request, " ".join(errors) or "Progress was not recorded.")
    return redirect("goals:detail", goal.uuid)
