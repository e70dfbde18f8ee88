"""Goal pages: one's own goals, the team's at a glance, the guided form, one goal, and recording
progress on a goal (from the goal page or from a meeting)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport import access
from rapport.goals import selectors, services
from rapport.goals.forms import CloseForm, GoalForm, NewGoalForForm, PairForm, ProgressForm
from rapport.goals.models import Status
from rapport.goals.presentation import progress_panel_for
from rapport.goals.presentation_coaching import coaching_history_for
from rapport.goals.smart import SmartResult, check
from rapport.http import SignedInRequest
from rapport.meetings.models import Meeting, OneOnOne
from rapport.meetings.selectors import (
    active_one_on_ones_managed_by,
    get_meeting_for,
    get_one_on_one_for,
)
from rapport.people.models import Person


def smart_context(smart: SmartResult) -> dict[str, object]:
    # Templates look names up with [] first, and SmartResult's [] raises StopIteration for an
    # unknown key (which the template engine does not swallow): hand over plain values.
    return {"criteria": smart.criteria, "score": smart.score, "all_met": smart.met}


def _for_name(typist: Person, one_on_one: OneOnOne) -> str:
    """Whose why the goal form asks for: "" when the report types their own."""
    return "" if typist.pk == one_on_one.report_id else one_on_one.report.get_short_name()


@require_GET
def mine(request: SignedInRequest) -> HttpResponse:
    viewer = request.user
    today = timezone.localdate()
    rows = selectors.goal_rows_of_report(viewer, viewer)
    current = selectors.current_one_on_one_of(viewer)
    reports = list(active_one_on_ones_managed_by(viewer).order_by("report__name"))
    # The link to the team page uses the navigation's "leads anyone?" (no extra query).
    context = {
        "rows": rows,
        "today": today,
        "current": current,
        "chooser": NewGoalForForm(own=current, reports=reports),
    }
    return render(request, "goals/mine.html", context)


@require_GET
def team(request: SignedInRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = selectors.team_goals(request.user, today=today)
    return render(request, "goals/team.html", {"rows": rows, "today": today})


@require_http_methods(["GET", "POST"])
def new(request: SignedInRequest) -> HttpResponse:
    pair = PairForm(request.GET)
    if not pair.is_valid():
        raise Http404("Which 1:1 is this goal for?")
    one_on_one = get_one_on_one_for(request.user, pair.cleaned_data["one_on_one"])
    if not access.can_write_in(request.user, one_on_one):
        raise Http404
    form = GoalForm(
        request.POST or None,
        today=timezone.localdate(),
        for_name=_for_name(request.user, one_on_one),
    )
    if request.method == "POST" and form.is_valid():
        goal = services.goal_propose(
            one_on_one=one_on_one, by=request.user, **form.service_fields()
        )
        other = one_on_one.other_person(request.user)
        messages.success(
            request, gettext("Drafted. It starts when %(name)s agrees too.") % {"name": other.name}
        )
        return redirect("goals:detail", goal_uuid=goal.uuid)
    context = {
        "form": form,
        "one_on_one": one_on_one,
        "smart": smart_context(check(form.draft(), today=timezone.localdate())),
    }
    return render(request, "goals/form.html", context)


@require_http_methods(["GET", "POST"])
def check_live(request: SignedInRequest) -> HttpResponse:
    """The SMART check of a goal being written, as the partial the form swaps in. Reads only
    what was sent and saves nothing, so anyone signed in may ask."""
    form = GoalForm(request.POST if request.method == "POST" else request.GET)
    smart = check(form.draft(), today=timezone.localdate())
    return render(request, "goals/_smart_check.html", {"smart": smart_context(smart)})


@require_GET
def detail(request: SignedInRequest, goal_uuid: str) -> HttpResponse:
    viewer = request.user
    goal = selectors.get_goal_for(viewer, goal_uuid)
    meeting = selectors.meeting_of_goal(goal, request.GET.get("meeting"))
    today = timezone.localdate()
    one_on_one = goal.one_on_one
    can_change = access.can_change_goal(viewer, goal)
    context = {
        "goal": goal,
        "one_on_one": one_on_one,
        "other": one_on_one.other_person(viewer),
        "today": today,
        "smart": smart_context(goal.smart(today)),
        "can_change": can_change,
        "viewer_agreed": goal.has_agreed(viewer),
        "blockers": goal.activation_blockers(today) if goal.status == Status.DRAFT else [],
        "close_form": CloseForm(
            can_achieve=goal.status == Status.ACTIVE, open_actions=selectors.open_actions_of(goal)
        )
        if can_change and goal.is_open
        else None,
        "can_move": access.can_move_goal_to_new_one_on_one(viewer, goal)
        and selectors.current_one_on_one_of(viewer) is not None,
        "meeting": meeting,
        "progress": progress_panel_for(viewer, goal, meeting),
        "coaching": coaching_history_for(viewer, goal),
    }
    return render(request, "goals/detail.html", context)


@require_http_methods(["GET", "POST"])
def edit(request: SignedInRequest, goal_uuid: str) -> HttpResponse:
    goal = selectors.get_goal_for(request.user, goal_uuid)
    if not access.can_change_goal(request.user, goal):
        raise Http404
    if goal.status != Status.DRAFT:
        messages.error(
            request, gettext("Only a draft can be rewritten; an agreed goal keeps its words.")
        )
        return redirect("goals:detail", goal_uuid=goal.uuid)
    form = GoalForm(
        request.POST or None,
        instance=goal,
        today=timezone.localdate(),
        for_name=_for_name(request.user, goal.one_on_one),
    )
    if request.method == "POST" and form.is_valid():
        services.goal_update_draft(goal=goal, by=request.user, **form.service_fields())
        messages.success(
            request, gettext("Saved. The other person's agreement is asked for again.")
        )
        return redirect("goals:detail", goal_uuid=goal.uuid)
    context = {
        "form": form,
        "goal": goal,
        "one_on_one": goal.one_on_one,
        "smart": smart_context(check(form.draft(), today=timezone.localdate())),
    }
    return render(request, "goals/form.html", context)


@require_POST
def agree(request: SignedInRequest, goal_uuid: str) -> HttpResponse:
    goal = selectors.get_goal_for(request.user, goal_uuid)
    try:
        services.goal_agree(goal=goal, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if goal.status == Status.ACTIVE:
            messages.success(request, gettext("You both agreed: the goal is active."))
        else:
            messages.success(
                request, gettext("Agreed. It starts when the other person agrees too.")
            )
    return redirect("goals:detail", goal_uuid=goal.uuid)


@require_POST
def close(request: SignedInRequest, goal_uuid: str) -> HttpResponse:
    goal = selectors.get_goal_for(request.user, goal_uuid)
    form = CloseForm(
        request.POST,
        can_achieve=goal.status == Status.ACTIVE,
        open_actions=selectors.open_actions_of(goal),
    )
    if not form.is_valid():
        errors = [str(error) for errors in form.errors.values() for error in errors]
        messages.error(request, " ".join(errors))
        return redirect("goals:detail", goal_uuid=goal.uuid)
    try:
        services.goal_close(
            goal=goal,
            by=request.user,
            outcome=form.cleaned_data["outcome"],
            reflection=form.cleaned_data["reflection"],
            close_actions=form.chosen_action_ids(),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if goal.status == Status.ACHIEVED:
            messages.success(
                request, gettext("Achieved! Your next 1:1 will start on the next goal.")
            )
        else:
            messages.success(request, gettext("Dropped, with what you learned kept."))
    return redirect("goals:detail", goal_uuid=goal.uuid)


@require_POST
def move(request: SignedInRequest, goal_uuid: str) -> HttpResponse:
    goal = selectors.get_goal_for(request.user, goal_uuid)
    try:
        services.goal_move_to_current_one_on_one(goal=goal, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, gettext("Brought to your current 1:1. Your manager can now see it.")
        )
    return redirect("goals:detail", goal_uuid=goal.uuid)


@require_POST
def goal_progress(request: SignedInRequest, goal_uuid: str) -> HttpResponse:
    viewer = request.user
    goal = selectors.get_goal_for_progress(viewer, goal_uuid)
    form = ProgressForm(request.POST)
    meeting: Meeting | None = None
    recorded = False
    if form.is_valid():
        data = form.cleaned_data
        meeting = get_meeting_for(viewer, data["meeting"]) if data["meeting"] else None
        try:
            services.goal_record_progress(
                goal=goal,
                by=viewer,
                meeting=meeting,
                value=data["value"],
                confidence=data["confidence"],
                obstacle=data["obstacle"],
                obstacle_kind=data.get("obstacle_kind") or "",
                note=data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            recorded = True
    if request.htmx:
        # After a success the panel comes back with an empty form; after a refusal, with this
        # one and its errors.
        panel = progress_panel_for(viewer, goal, meeting, form=None if recorded else form)
        if panel is None:
            raise Http404
        return render(request, "goals/_progress.html", {"progress": panel})
    if recorded:
        messages.success(request, gettext("Progress recorded."))
    else:
        errors = [str(error) for errors in form.errors.values() for error in errors]
        messages.error(request, " ".join(errors) or gettext("Progress was not recorded."))
    return redirect("goals:detail", goal.uuid)
