"""A pair's 1:1 (its history and set-up), setting up a whole team, and one's open actions."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from rapport import access
from rapport.checkins.charts import pair_trends
from rapport.checkins.selectors import checkin_trend
from rapport.http import SignedInRequest
from rapport.meetings import selectors, services, slots
from rapport.meetings.balance import split_history
from rapport.meetings.charts import split_chart
from rapport.meetings.forms import (
    HistorySearchForm,
    JustDoneForm,
    ProposalsForm,
    RhythmForm,
    TeamActionsFilterForm,
    TeamPlanForm,
    TeamSetupFilterForm,
    proposals_initial,
)
from rapport.people.models import Person
from rapport.people.selectors import get_person_for
from rapport.questions.services import first_one_on_ones_agenda


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
        "video_link": one_on_one.video_link,
        "growth_every_weeks": one_on_one.growth_every_weeks,
    }
    form = RhythmForm(request.POST or None, initial=initial, one_on_one=one_on_one)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.one_on_one_change_rule(
                one_on_one=one_on_one,
                rule=services.rule_from(data),
                by=request.user,
                target_connection_share=data["target_connection_share"],
                confirmed_out_of_hours=data["confirm_out_of_hours"],
                video_link=data["video_link"],
                growth_every_weeks=data["growth_every_weeks"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext("Saved. Future meetings follow the new rhythm."))
            return redirect("meetings:one_on_one", one_on_one_uuid=one_on_one.uuid)
    return render(
        request, "meetings/one_on_one_edit.html", {"one_on_one": one_on_one, "form": form}
    )


@require_http_methods(["GET", "POST"])
def team_setup(request: SignedInRequest) -> HttpResponse:
    """A manager sets up the 1:1s of their team in one form; an admin can for any manager
    (?manager=<uuid>). Step 1 chooses who and how; step 2 shows a proposed time per report in
    both zones, which the manager may change, and books nothing before "Set up" is pressed with
    every out-of-hours time confirmed."""
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
    form = TeamPlanForm(request.POST or None, manager=manager, initial={"reports": without})
    context = {"manager": manager, "rows": rows, "form": form, "is_self": manager == viewer}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        reports = list(data["reports"])
        plan = selectors.team_plan(
            manager,
            reports,
            duration_minutes=data["duration_minutes"],
            starts_on=data["starts_on"],
            max_per_day=data["max_per_day"],
        )
        saving = request.POST.get("step") == "save"
        proposals = ProposalsForm(
            request.POST if saving else None,
            initial=proposals_initial(plan, reports),
            manager=manager,
            reports=reports,
            starts_on=data["starts_on"],
            duration_minutes=data["duration_minutes"],
            busy=selectors.busy_slots_of(
                manager, excluding=[report.pk for report in reports], starts_on=data["starts_on"]
            ),
        )
        if saving and proposals.is_valid():
            try:
                done = services.one_on_ones_set_up_planned(
                    manager=manager,
                    rules=proposals.rules(data["cadence"]),
                    confirmed=proposals.confirmed,
                    by=viewer,
                )
            except ValidationError as error:
                proposals.add_error(None, error)
            else:
                for pair in done:
                    if pair.report_id in without:
                        first_one_on_ones_agenda(one_on_one=pair, by=viewer)
                messages.success(request, set_up_message(len(done), len(proposals.confirmed)))
                return redirect(request.get_full_path())
        context.update(proposal_rows(plan, proposals, reports), proposals=proposals)
    return render(request, "meetings/team_setup.html", context)


def set_up_message(count: int, outside: int) -> str:
    if not outside:
        return ngettext(
            "%(count)d 1:1 set up, all inside both people's working hours.",
            "%(count)d 1:1s set up, all inside both people's working hours.",
            count,
        ) % {"count": count}
    return ngettext(
        "%(count)d 1:1 set up; %(outside)d outside someone's working hours, as you confirmed.",
        "%(count)d 1:1s set up; %(outside)d outside someone's working hours, as you confirmed.",
        count,
    ) % {"count": count, "outside": outside}


def proposal_rows(
    plan: slots.Plan, proposals: ProposalsForm, reports: list[Person]
) -> dict[str, object]:
    """Display-ready rows of step 2: the fields, both zones, and what the planner found."""
    by_key = plan.by_key()
    rows = []
    for report in reports:
        row = proposals.row(report)
        proposal = by_key[str(report.pk)]
        if row["check"] is None and proposal.slot is not None:
            row["check"] = proposals.check_row(report, proposal.slot.weekday, proposal.slot.start)
        alternating = proposal.alternating
        rows.append(
            {
                **row,
                "report": report,
                "proposal": proposal,
                "alternating": [slot.label() for slot in alternating] if alternating else None,
            }
        )
    return {
        "proposal_rows": rows,
        "outside_count": sum(1 for row in rows if row["check"] and row["check"].problems),
        "no_fit_count": sum(1 for row in rows if not row["proposal"].has_fitting_slot),
    }


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
        **_team_follow_through(request, today),
    }
    return render(request, "meetings/my_actions.html", context)


def _team_follow_through(request: SignedInRequest, today: date) -> dict[str, object]:
    """For a manager: per report, what they owe and what the manager owes them."""
    reports = list(
        selectors.active_one_on_ones_managed_by(request.user).values_list(
            "report__uuid", "report__name"
        )
    )
    if not reports:
        return {"team": None}
    form = TeamActionsFilterForm(request.GET)
    show, person = "open", None
    if form.is_valid():
        show = form.cleaned_data["show"] or "open"
        person = form.cleaned_data["person"]
    # Only one of the viewer's own reports can be chosen; anything else shows the whole team.
    chosen = next(((uuid, name) for uuid, name in reports if uuid == person), None)
    groups = selectors.team_open_actions(
        request.user,
        report_uuid=chosen[0] if chosen else None,
        overdue_on=today if show == "overdue" else None,
    )
    return {
        "team": groups,
        "team_form": form,
        "team_reports": reports,
        "team_show": show,
        "team_person": chosen[0] if chosen else None,
    }
