"""The person card, estimating a meeting's split afterwards, and the team balance view."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.http import SignedInRequest
from rapport.meetings import balance, selectors, services
from rapport.meetings.charts import balance_bar
from rapport.meetings.forms import EstimateForm, PersonCardForm
from rapport.meetings.models import Meeting
from rapport.people.selectors import shared_working_profile


def _back_to(request: SignedInRequest, fallback: str) -> str:
    """Where the card was opened from (the meeting page, meeting mode), if it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_http_methods(["GET", "POST"])
def person_card(request: SignedInRequest, one_on_one_uuid: str) -> HttpResponse:
    viewer = request.user
    one_on_one = selectors.get_one_on_one_for(viewer, one_on_one_uuid)
    card = selectors.person_card_for(viewer, one_on_one)
    if card is None:
        # The report, and anyone else who can open the 1:1, learns nothing of a card.
        raise Http404
    initial = {name: getattr(card, name) for name in selectors.CARD_FIELDS}
    form = PersonCardForm(request.POST or None, initial=initial)
    back = _back_to(request, reverse("meetings:one_on_one", args=[one_on_one.uuid]))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.person_card_save(
            one_on_one=one_on_one, by=viewer, **{name: data[name] for name in selectors.CARD_FIELDS}
        )
        messages.success(
            request,
            gettext("Saved. Only you see this card about %(name)s.")
            % {"name": one_on_one.report.get_short_name()},
        )
        return redirect(back)
    context = {
        "one_on_one": one_on_one,
        "person_card": card,
        "form": form,
        "next": back,
        "shared_profile": shared_working_profile(viewer, one_on_one.report),
    }
    return render(request, "meetings/person_card.html", context)


@require_POST
def meeting_estimate(request: SignedInRequest, meeting_uuid: str) -> HttpResponse:
    meeting = selectors.get_meeting_for(request.user, meeting_uuid)
    form = EstimateForm(request.POST)
    if meeting.status != Meeting.Status.HELD:
        messages.error(request, gettext("Only a meeting that was held can get an estimate."))
    elif not form.is_valid():
        errors = [str(error) for errors in form.errors.values() for error in errors]
        messages.error(request, " ".join(errors) or gettext("Give the minutes of each part."))
    else:
        data = form.cleaned_data
        try:
            services.meeting_estimate(
                meeting=meeting,
                connection_minutes=data["connection_minutes"],
                performance_minutes=data["performance_minutes"],
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                gettext(
                    "Estimate saved: %(connection)s min connection, %(performance)s min "
                    "performance."
                )
                % {
                    "connection": data["connection_minutes"],
                    "performance": data["performance_minutes"],
                },
            )
    return redirect("meetings:meeting", meeting_uuid=meeting.uuid)


@require_GET
def team_balance(request: SignedInRequest) -> HttpResponse:
    """The viewer's own team only. Someone who leads no active 1:1 gets the page with an
    empty state rather than a 404: it is about their own team, so there is nothing to hide."""
    team = balance.team_balance(request.user)
    context = {
        "team": team,
        "rows": [(row, balance_bar(row)) for row in team.rows],
        "window_weeks": balance.BALANCE_WINDOW.days // 7,
        "has_reports": not team.rows and request.user.reports.filter(is_active=True).exists(),
    }
    return render(request, "meetings/team_balance.html", context)
