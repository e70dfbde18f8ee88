"""The check-in page: the report answers it; the manager reads it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from rapport.checkins import selectors, services
from rapport.checkins.forms import CheckInForm
from rapport.http import SignedInRequest
from rapport.meetings.selectors import get_meeting_for


@require_http_methods(["GET", "POST"])
def checkin(request: SignedInRequest, meeting_uuid: str) -> HttpResponse:
    """404 outside the pair; the manager reads (a POST of theirs is refused with 403: they
    can see the meeting, so that reveals nothing)."""
    meeting = get_meeting_for(request.user, meeting_uuid)
    panel = selectors.checkin_panel_for(request.user, meeting, now=timezone.now())
    manager = meeting.one_on_one.manager
    form = CheckInForm(
        request.POST if request.method == "POST" else None,
        instance=panel.checkin,
        manager_name=manager.get_short_name(),
    )
    if request.method == "POST":
        if not panel.is_author:
            raise PermissionDenied("Only the report checks in.")
        if not panel.is_open:
            messages.error(request, gettext("This check-in is closed; nothing was saved."))
            return redirect("checkins:checkin", meeting_uuid=meeting.uuid)
        if form.is_valid():
            try:
                services.checkin_submit(meeting=meeting, by=request.user, **form.service_fields())
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    gettext("Thanks. %(name)s will see it.") % {"name": manager.get_short_name()},
                )
                return redirect("meetings:meeting", meeting_uuid=meeting.uuid)
    context = {"meeting": meeting, "panel": panel, "form": form, "manager": manager}
    return render(request, "checkins/checkin.html", context)
