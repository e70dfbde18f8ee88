"""A pair's 1:1 (its history and set-up), setting up a whole team, and one's open actions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from rapport import access
from rapport.checkins.charts import pair_trends
from rapport.checkins.selectors import checkin_trend
from rapport.http import SignedInRequest
from rapport.meetings import selectors, services
from rapport.meetings.balance import split_history
from rapport.meetings.charts import split_chart
from rapport.meetings.forms import (
    HistorySearchForm,
    JustDoneForm,
    OneOnOneRuleForm,
    TeamSetupFilterForm,
    TeamSetupForm,
)
from rapport.people.selectors import get_person_for


@require_GET
def one_on_one_detail(request: SignedInRequest, one_on_one_uuid: str) -> HttpResponse:
    viewer = request.user
    one_on_one = selectors.get_one_on_one_for(viewer, one_on_one_uuid)
    form = HistorySearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    splits = split_history(one_on_one)
    context = {
        "one_on_one": one_on_one,
        "other": one_on_one.other_person(viewer),
        "form": form,
        "query": query,
        "history": selectors.timeline_for(viewer, one_on_one, query=query),
        "upcoming": selectors.upcoming_of(one_on_one, timezone.now()),
        "can_change": access.can_change_one_on_one(viewer, one_on_one),
        "split_chart": split_chart(splits, target=one_on_one.target_connection_share),
        "checkin_trends": pair_trends(checkin_trend(viewer, one_on_one), splits),
    }
    template = "meetings/one_on_one.html"
    if request.htmx and request.htmx.target == "history":
        template += "#history"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def one_on_one_edit(request: SignedInRequest, one_on_one_uuid: str) -> HttpResponse:
    one_on_one = selectors.get_one_on_one_for(request.user, one_on_one_uuid)
    if not access.can_change_one_on_one(request.user, one_on_one):
        raise Http404
    initial = {
        "cadence": one_on_one.cadence,
        "weekday": one_on_one.weekday,
        "start_time": one_on_one.start_time,
        "duration_minutes": one_on_one.duration_minutes,
        "starts_on": timezone.localdate(),
        "target_connection_share": one_on_one.target_connection_share,
    }
    form = OneOnOneRuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.one_on_one_change_rule(
            one_on_one=one_on_one,
            rule=services.rule_from(data),
            by=request.user,
            target_connection_share=data["target_connection_share"],
        )
        messages.success(request, "Saved. Future meetings follow the new rhythm.")
        return redirect("meetings:one_on_one", one_on_one_uuid=one_on_one.uuid)
    return render(
        request, "meetings/one_on_one_edit.html", {"one_on_one": one_on_one, "form": form}
    )


@require_http_methods(["GET", "POST"])
def team_setup(request: SignedInRequest) -> HttpResponse:
    """A manager sets up the 1:1s of their team in one form; an admin can for any manager
    (?manager=<uuid>)."""
    viewer = request.user
    manager = viewer
    chosen = TeamSetupFilterForm(request.GET)
    if not chosen.is_valid():
        raise Http404("No such person.")
    if chosen.cleaned_data["manager"]:
        manager = get_person_for(viewer, chosen.cleaned_data["manager"])
    if not access.can_set_up_one_on_ones(viewer, manager):
        raise Http404
    rows = selectors.team_one_on_ones(manager)
    without = [row.report.pk for row in rows if row.one_on_one is None]
    form = TeamSetupForm(request.POST or None, manager=manager, initial={"reports": without})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        spacing = data["duration_minutes"] + max(data["spacing"], 0) if data["spacing"] else 0
        try:
            done = services.one_on_ones_set_up_for_team(
                manager=manager,
                reports=data["reports"],
                rule=services.rule_from(data),
                by=viewer,
                spacing_minutes=spacing,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{len(done)} 1:1{'s' if len(done) != 1 else ''} set up.")
            return redirect(request.get_full_path())
    context = {"manager": manager, "rows": rows, "form": form, "is_self": manager == viewer}
    return render(request, "meetings/team_setup.html", context)


@require_GET
def my_actions(request: SignedInRequest) -> HttpResponse:
    actions = list(selectors.open_actions_of(request.user))
    today = timezone.localdate()
    just_done = JustDoneForm(request.GET)
    undo = None
    if just_done.is_valid() and just_done.cleaned_data["done"]:
        undo = selectors.done_action_of(request.user, just_done.cleaned_data["done"])
    context = {
        "undo": undo,
        "actions": actions,
        "today": today,
        "overdue": sum(action.is_overdue(today) for action in actions),
    }
    return render(request, "meetings/my_actions.html", context)
