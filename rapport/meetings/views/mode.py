"""Meeting mode: the one screen for running a 1:1 (clock, agenda, notes, last time and the
manager's context), its clock controls and the summary.

The clock lives on the server (clock_of in selectors.py, its changes in services.py) and so do
its texts: the page and `mode_clock` render the same fragment (mode.html#clock), which htmx
swaps in after each press and every few seconds. Every control is a real form: a plain post is
answered with a redirect back, an htmx post with the fresh fragment (or, after the end, an
HX-Redirect to the summary).

Statuses of the controls: 200/302 done; 400 bad input; 403 the report, or anyone when the 1:1
is closed (they can read the meeting, so 403 reveals nothing); 404 outside the pair; 405 to a
GET; 409 the meeting has ended. A refused htmx press gets the fragment with the reason in it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from rapport import access
from rapport.checkins.selectors import meeting_with_checkin_for
from rapport.goals.presentation_coaching import coaching_panel_for
from rapport.http import SignedInRequest
from rapport.meetings import selectors, services, timing
from rapport.meetings.models import Meeting, Section
from rapport.meetings.selectors import notes_for
from rapport.meetings.views.meeting import meeting_context
from rapport.people.models import Person
from rapport.questions.presentation import question_panel_for
from rapport.questions.selectors import asked_in

SECTION_HINTS = {
    Section.CONNECTION: gettext_lazy("The person: how they are, at work and outside it."),
    Section.PERFORMANCE: gettext_lazy("The work: standards, effort, deadlines, outcomes."),
}


class SectionForm(forms.Form):
    section = forms.ChoiceField(choices=Section.choices)


def clock_text(seconds: int) -> str:
    """m:ss, or h:mm:ss from an hour on: what the page shows and the JS counts on from."""
    hours, rest = divmod(max(seconds, 0), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass(frozen=True)
class Split:
    """A connection/performance split in whole percent, drawn as a horizontal bar."""

    connection: int | None
    target: int
    label: str

    @property
    def performance(self) -> int | None:
        return None if self.connection is None else 100 - self.connection


def split_label(connection: int | None, target: int) -> str:
    if connection is None:
        return gettext("No time measured yet; target %(target)s%% connection") % {"target": target}
    return gettext(
        "%(connection)s%% connection, %(performance)s%% performance; target %(target)s%%"
    ) % {"connection": connection, "performance": 100 - connection, "target": target}


def _state(clock: timing.ClockState) -> tuple[str, str]:
    """(name for CSS and the script, words for people)."""
    if clock.ended:
        return "ended", gettext("Ended")
    if clock.running:
        if clock.running == Section.CONNECTION:
            return "running", gettext("Connection running")
        return "running", gettext("Performance running")
    return ("paused", gettext("Paused")) if clock.paused else ("idle", gettext("Not started"))


def clock_context(
    viewer: Person, meeting: Meeting, *, now: datetime, error: str = ""
) -> dict[str, Any]:
    """Everything the clock fragment shows, rendered by the server. The script only counts
    the running section's seconds on from `seconds` until the next swap."""
    clock = selectors.clock_of(meeting, now=now)
    target = meeting.one_on_one.target_connection_share
    state, state_label = _state(clock)
    share = clock.share("connection")
    return {
        "meeting": meeting,
        "one_on_one": meeting.one_on_one,
        "clock": clock,
        "state": state,
        "state_label": state_label,
        "total_text": clock_text(clock.total),
        "total_seconds": clock.total,
        "running_since": clock.running_since.isoformat() if clock.running_since else "",
        "sections": [
            {
                "value": value,
                "label": label,
                "step": step,
                "hint": SECTION_HINTS[Section(value)],
                "time": clock_text(clock.totals[value]),
                "seconds": clock.totals[value],
                "running": clock.running == value,
            }
            for step, (value, label) in enumerate(Section.choices, start=1)
        ],
        "split": Split(share, target, split_label(share, target)),
        "can_run": access.can_run_meeting_mode(viewer, meeting),
        "clock_error": error,
    }


def mode_context(request: SignedInRequest, meeting: Meeting) -> dict[str, Any]:
    """The meeting page's context (so its agenda, actions, notes, last time and signals
    partials work unchanged) plus the clock and the context column. The person card, the
    question prompts and the signals are the manager's alone: None or empty for the report."""
    viewer = request.user
    context = meeting_context(request, meeting)
    context.update(clock_context(viewer, meeting, now=timezone.now()))
    context["question_panel"] = question_panel_for(viewer, meeting)
    context["coaching"] = coaching_panel_for(viewer, meeting)
    return context


@require_GET
def mode(request: SignedInRequest, meeting_uuid: str) -> HttpResponse:
    meeting = meeting_with_checkin_for(request.user, meeting_uuid)
    return render(request, "meetings/mode.html", mode_context(request, meeting))


@require_GET
@never_cache
def mode_clock(request: SignedInRequest, meeting_uuid: str) -> HttpResponse:
    """The clock fragment alone: swapped in every few seconds, so a second device and the
    report follow the same clock."""
    meeting = selectors.get_meeting_for(request.user, meeting_uuid)
    context = clock_context(request.user, meeting, now=timezone.now())
    return render(request, "meetings/mode.html#clock", context)


# --- Controls ---------------------------------------------------------------------------------

Change = Callable[[Meeting, Person], Meeting]


def _refuse(request: SignedInRequest, meeting: Meeting, status: int, error: str) -> HttpResponse:
    if request.htmx:
        context = clock_context(request.user, meeting, now=timezone.now(), error=error)
        return render(request, "meetings/mode.html#clock", context, status=status)
    messages.error(request, error)
    return redirect("meetings:mode", meeting_uuid=meeting.uuid)


def _control(request: SignedInRequest, meeting_uuid: str, change: Change) -> HttpResponse:
    meeting = selectors.get_meeting_for(request.user, meeting_uuid)
    if not access.can_run_meeting_mode(request.user, meeting):
        return _refuse(
            request, meeting, 403, gettext("Only the manager of an active 1:1 runs its clock.")
        )
    try:
        meeting = change(meeting, request.user)
    except ValidationError as error:
        return _refuse(request, meeting, 409, " ".join(error.messages))
    if meeting.ended_at is not None:
        summary = reverse("meetings:meeting_summary", kwargs={"meeting_uuid": meeting.uuid})
        if request.htmx:
            return HttpResponse(status=204, headers={"HX-Redirect": summary})
        return redirect(summary)
    if request.htmx:
        context = clock_context(request.user, meeting, now=timezone.now())
        return render(request, "meetings/mode.html#clock", context)
    return redirect("meetings:mode", meeting_uuid=meeting.uuid)


@require_POST
def mode_start(request: SignedInRequest, meeting_uuid: str) -> HttpResponse:
    return _control(
        request, meeting_uuid, lambda meeting, by: services.mode_start(meeting=meeting, by=by)
    )


@require_POST
def mode_switch(request: SignedInRequest, meeting_uuid: str) -> HttpResponse:
    form = SectionForm(request.POST)
    if not form.is_valid():
        meeting = selectors.get_meeting_for(request.user, meeting_uuid)
        return _refuse(request, meeting, 400, gettext("Choose connection or performance."))
    section = form.cleaned_data["section"]
    return _control(
        request,
        meeting_uuid,
        lambda meeting, by: services.mode_switch(meeting=meeting, section=section, by=by),
    )


@require_POST
def mode_pause(request: SignedInRequest, meeting_uuid: str) -> HttpResponse:
    return _control(
        request, meeting_uuid, lambda meeting, by: services.mode_pause(meeting=meeting, by=by)
    )


@require_POST
def mode_resume(request: SignedInRequest, meeting_uuid: str) -> HttpResponse:
    return _control(
        request, meeting_uuid, lambda meeting, by: services.mode_resume(meeting=meeting, by=by)
    )


@require_POST
def mode_end(request: SignedInRequest, meeting_uuid: str) -> HttpResponse:
    return _control(
        request, meeting_uuid, lambda meeting, by: services.mode_end(meeting=meeting, by=by)
    )


# --- Summary ----------------------------------------------------------------------------------


def _section_rows(meeting: Meeting, seconds: dict[str, int]) -> list[dict[str, Any]]:
    target = meeting.one_on_one.target_connection_share
    total = sum(seconds.values())
    targets = {Section.CONNECTION: target, Section.PERFORMANCE: 100 - target}
    return [
        {
            "value": value,
            "label": label,
            "time": clock_text(seconds[value]),
            "seconds": seconds[value],
            "share": round(100 * seconds[value] / total) if total else None,
            "target": targets[Section(value)],
        }
        for value, label in Section.choices
    ]


def balance_verdict(share: int | None, target: int) -> str:
    """One sentence on the split, in the product's terms: connection is what gets squeezed."""
    if share is None:
        return gettext("No time was measured.")
    gap = share - target
    values = {"share": share, "gap": abs(gap), "target": target}
    if abs(gap) <= 5:
        return (
            gettext("On target: %(share)s%% connection against a target of %(target)s%%.") % values
        )
    if gap < 0:
        return (
            gettext(
                "Connection was squeezed: %(share)s%%, %(gap)s points under the target of "
                "%(target)s%%."
            )
            % values
        )
    return (
        gettext(
            "Connection took more room: %(share)s%%, %(gap)s points over the target of "
            "%(target)s%%."
        )
        % values
    )


def _split_context(meeting: Meeting) -> dict[str, Any]:
    """The measured (or estimated) split against the pair's target."""
    target = meeting.one_on_one.target_connection_share
    measured = meeting.ended_at is not None and meeting.connection_seconds is not None
    context: dict[str, Any] = {"measured": measured, "target": target}
    if measured:
        seconds = {
            Section.CONNECTION.value: meeting.connection_seconds or 0,
            Section.PERFORMANCE.value: meeting.performance_seconds or 0,
        }
        share = timing.connection_share(seconds["connection"], seconds["performance"])
        context.update(
            rows=_section_rows(meeting, seconds),
            total_text=clock_text(sum(seconds.values())),
            share=share,
            verdict=balance_verdict(share, target),
            measured_split=Split(
                share,
                target,
                gettext("Measured: %(split)s") % {"split": split_label(share, target)},
            ),
        )
    elif meeting.estimated_connection_minutes is not None:
        minutes_c = meeting.estimated_connection_minutes or 0
        minutes_p = meeting.estimated_performance_minutes or 0
        share = timing.connection_share(minutes_c, minutes_p)
        context.update(
            estimate={"connection": minutes_c, "performance": minutes_p},
            share=share,
            verdict=balance_verdict(share, target),
            measured_split=Split(
                share,
                target,
                gettext("Estimated: %(split)s") % {"split": split_label(share, target)},
            ),
        )
    context["target_split"] = Split(
        target, target, gettext("Target: %(target)s%% connection") % {"target": target}
    )
    return context


def summary_context(request: SignedInRequest, meeting: Meeting) -> dict[str, Any]:
    """What happened: the split, both of the viewer's notes (the private one marked as theirs
    alone) and the other's shared note, the questions asked (the manager's own), the points
    covered and left for next time, and the actions created."""
    viewer = request.user
    one_on_one = meeting.one_on_one
    context = _split_context(meeting)
    context.update(
        meeting=meeting,
        one_on_one=one_on_one,
        other=one_on_one.other_person(viewer),
        notes=notes_for(viewer, meeting),
        asked=asked_in(viewer, meeting),
        # The question prompts are the manager's own: only their summary lists what was asked.
        asks_questions=access.can_run_meeting_mode(viewer, meeting),
        covered=selectors.points_covered_in(viewer, meeting),
        left=selectors.points_left_after(viewer, meeting),
        actions=selectors.actions_created_in(meeting),
        running=meeting.started_at is not None and meeting.ended_at is None,
    )
    return context


@require_GET
def meeting_summary(request: SignedInRequest, meeting_uuid: str) -> HttpResponse:
    meeting = selectors.get_meeting_for(request.user, meeting_uuid)
    return render(request, "meetings/summary.html", summary_context(request, meeting))
