from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport import access
from rapport.http import SignedInRequest
from rapport.meetings import services as meeting_services
from rapport.people import selectors, services
from rapport.people.forms import (
    DayAwayForm,
    DepartureForm,
    PeopleSearchForm,
    PersonForm,
    ProfileForm,
    WorkingHoursForm,
)
from rapport.people.models import DayAway, LeftReason


@require_GET
def org_chart(request: SignedInRequest) -> HttpResponse:
    viewer = request.user
    form = PeopleSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    context = {
        "form": form,
        "query": query,
        "results": selectors.search_people_for(viewer, query) if query else None,
        "roots": None if query else selectors.org_chart_for(viewer),
    }
    template = "people/org_chart.html"
    if request.htmx and request.htmx.target == "people-results":
        template += "#results"
    return render(request, template, context)


@require_GET
def person_detail(request: SignedInRequest, person_uuid: str) -> HttpResponse:
    viewer = request.user
    person = selectors.get_person_for(viewer, person_uuid)
    context = {
        "person": person,
        "chain": selectors.management_chain(person),
        "reports": selectors.direct_reports_for(viewer, person),
        "show_employment": access.can_see_employment_details(viewer, person),
        "can_edit": access.can_edit_person(viewer, person),
        "can_record_departure": access.can_record_departure(viewer) and person.is_active,
    }
    return render(request, "people/person_detail.html", context)


@require_http_methods(["GET", "POST"])
def person_edit(request: SignedInRequest, person_uuid: str) -> HttpResponse:
    viewer = request.user
    person = selectors.get_person_for(viewer, person_uuid)
    if not access.can_edit_person(viewer, person):
        raise Http404
    initial = {
        "name": person.name,
        "title": person.title,
        "timezone": person.timezone,
        "role": person.role,
        "manager": person.manager,
        "started_on": person.started_on,
    }
    form = PersonForm(request.POST or None, initial=initial, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            meeting_services.person_update(person=person, by=viewer, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("manager" if error.code == "cycle" else None, error)
        else:
            messages.success(request, f"Saved {person.name}.")
            return redirect("people:detail", person_uuid=person.uuid)
    return render(request, "people/person_edit.html", {"person": person, "form": form})


@require_http_methods(["GET", "POST"])
def person_departure(request: SignedInRequest, person_uuid: str) -> HttpResponse:
    viewer = request.user
    person = selectors.get_person_for(viewer, person_uuid)
    if not access.can_record_departure(viewer) or not person.is_active:
        raise Http404
    form = DepartureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting_services.person_record_departure(
            person=person,
            left_on=form.cleaned_data["left_on"],
            left_reason=LeftReason(form.cleaned_data["left_reason"]),
            by=viewer,
        )
        messages.success(request, f"Recorded that {person.name} has left.")
        return redirect("people:detail", person_uuid=person.uuid)
    return render(request, "people/person_departure.html", {"person": person, "form": form})


def _account_page(
    request: SignedInRequest,
    *,
    profile: ProfileForm | None = None,
    hours: WorkingHoursForm | None = None,
    away: DayAwayForm | None = None,
) -> HttpResponse:
    viewer = request.user
    today = timezone.now().astimezone(viewer.zone).date()
    context = {
        "form": profile or ProfileForm(initial={"name": viewer.name, "timezone": viewer.timezone}),
        "hours_form": hours
        or WorkingHoursForm(initial=WorkingHoursForm.initial_for(viewer), zone=viewer.timezone),
        "away_form": away or DayAwayForm(initial={"kind": DayAway.Kind.HOLIDAY}),
        "days_away": selectors.days_away_of(viewer, viewer, today=today),
        "working_days": ", ".join(viewer.working_day_names()),
    }
    return render(request, "people/account.html", context)


@require_http_methods(["GET", "POST"])
def account(request: SignedInRequest) -> HttpResponse:
    viewer = request.user
    form = ProfileForm(
        request.POST or None, initial={"name": viewer.name, "timezone": viewer.timezone}
    )
    if request.method == "POST" and form.is_valid():
        viewer.name = form.cleaned_data["name"]
        viewer.timezone = form.cleaned_data["timezone"]
        viewer.save(update_fields=["name", "timezone"])
        messages.success(request, "Your profile is saved.")
        return redirect("account")
    return _account_page(request, profile=form)


@require_POST
def account_hours(request: SignedInRequest) -> HttpResponse:
    viewer = request.user
    form = WorkingHoursForm(request.POST, zone=viewer.timezone)
    if form.is_valid():
        try:
            services.working_hours_set(person=viewer, by=viewer, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your working hours are saved.")
            return redirect(reverse("account") + "#hours-heading")
    return _account_page(request, hours=form)


@require_POST
def account_days_away(request: SignedInRequest) -> HttpResponse:
    viewer = request.user
    form = DayAwayForm(request.POST)
    if form.is_valid():
        try:
            away = meeting_services.day_away_add(person=viewer, by=viewer, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            skipped = away.skipped_meetings.count()
            messages.success(
                request,
                f"Added your days away. {skipped} 1:1{pluralize(skipped)} on those days "
                f"{pluralize(skipped, 'is,are')} skipped; open points move on to the next one.",
            )
            return redirect(reverse("account") + "#away-heading")
    return _account_page(request, away=form)


@require_POST
def account_day_away_remove(request: SignedInRequest, day_away_uuid: str) -> HttpResponse:
    viewer = request.user
    away = selectors.get_own_day_away(viewer, day_away_uuid)
    meeting_services.day_away_remove(day_away=away, by=viewer)
    messages.success(request, "Removed those days away; the 1:1s they skipped are back on.")
    return redirect(reverse("account") + "#away-heading")
