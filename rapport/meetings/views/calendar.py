"""Calendars: the week view (the viewer's 1:1s of one week on a grid in their own time zone),
the calendar feed page, the secret feed itself, and one meeting as an invite file."""

from __future__ import annotations

import uuid
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST, require_safe

from rapport.http import SignedInRequest
from rapport.meetings import calendar, selectors, services
from rapport.meetings.forms import WeekForm
from rapport.meetings.week import lay_out_week, week_start

ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"


@require_GET
def calendar_page(request: SignedInRequest) -> HttpResponse:
    feed = services.feed_for(request.user)
    feed_url = settings.BASE_URL + reverse("meetings:calendar_feed", kwargs={"token": feed.token})
    return render(request, "meetings/calendar.html", {"feed_url": feed_url})


@require_POST
def calendar_regenerate(request: SignedInRequest) -> HttpResponse:
    services.feed_regenerate(person=request.user)
    messages.success(
        request, gettext("Your calendar has a new address. The old one no longer works.")
    )
    return redirect("meetings:calendar")


# Calendar programs cannot sign in: the secret token in the address is the credential.
@login_not_required
@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    person = calendar.feed_person(token)
    if person is None:
        raise Http404("No such calendar.")
    response = HttpResponse(
        calendar.calendar_for_person(person, now=timezone.now()), content_type=ICS_CONTENT_TYPE
    )
    # Private: the body is one person's schedule and must not sit in a shared cache.
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_safe
def meeting_invite(request: SignedInRequest, meeting_uuid: uuid.UUID) -> HttpResponse:
    viewer = request.user
    meeting = selectors.get_meeting_for(viewer, meeting_uuid)
    day = meeting.scheduled_for.astimezone(ZoneInfo(viewer.timezone)).date()
    response = HttpResponse(
        calendar.invite_for_meeting(viewer, meeting), content_type=ICS_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="1-1-{day.isoformat()}.ics"'
    return response


@require_GET
def week(request: SignedInRequest) -> HttpResponse:
    form = WeekForm(request.GET)
    form.is_valid()  # each field is used on its own; invalid ones are simply absent
    today = timezone.localdate()
    monday = week_start(form.cleaned_data.get("week"), today)
    data = selectors.week_of(request.user, monday, person=form.cleaned_data.get("person"))
    layout = lay_out_week(data, today=today)
    return render(request, "meetings/week.html", {"week": layout})
