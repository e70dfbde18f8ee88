"""The week view: the viewer's 1:1s of one week on a grid in their own time zone."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from rapport.http import SignedInRequest
from rapport.meetings import selectors
from rapport.meetings.forms_week import WeekForm
from rapport.meetings.week import lay_out_week, week_start


@require_GET
def week(request: SignedInRequest) -> HttpResponse:
    form = WeekForm(request.GET)
    form.is_valid()  # each field is used on its own; invalid ones are simply absent
    today = timezone.localdate()
    monday = week_start(form.cleaned_data.get("week"), today)
    data = selectors.week_of(request.user, monday, person=form.cleaned_data.get("person"))
    layout = lay_out_week(data, today=today)
    return render(request, "meetings/week.html", {"week": layout})
