"""Meeting mode: the focused page for running a 1:1, its clock controls and the summary.

The clock lives on the server (rapport/meetings/meeting_mode.py); these views only start,
switch, pause, resume and end it, and report its state. Every control is a real form: a plain
post is answered with a redirect, a fetch() from meeting_mode.js (Accept: application/json)
with the clock state as JSON.

Statuses of the controls: 200 done; 400 bad input; 403 the report, or anyone when the 1:1 is
closed (they can read the meeting, so 403 reveals nothing); 404 outside the pair; 405 to a
GET; 409 the meeting has ended.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from rapport import access
from rapport.http import SignedInRequest
from rapport.meetings import meeting_mode, selectors, timing
from rapport.meetings.models import ActionItem, Meeting, Section, TalkingPoint
from rapport.meetings.views import meeting_context
from rapport.people.models import Person
from rapport.questions.presentation import question_panel_for

SECTION_HINTS = {
    Section.CONNECTION: "The person: how they are, at work and outside it.",
    Section.PERFORMANCE: "The work: standards, effort, deadlines, outcomes.",
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
        return f"No time measured yet; target {target}% connection"
    return f"{connection}% connection, {100 - connection}% performance; target {target}%"


def clock_payload(meeting: Meeting, clock: timing.ClockState, now: datetime) -> dict[str, Any]:
    target = meeting.one_on_one.target_connection_share
    return {
        "running": clock.running,
        "totals": clock.totals,
        "running_since": clock.running_since.isoformat() if clock.running_since else None,
        "started": clock.started,
        "ended": clock.ended,
        "paused": clock.paused,
        "server_now": now.isoformat(),
        "target": {"connection": target, "performance": 100 - target},
        "share": {section: clock.share(section) for section in timing.SECTIONS},
        "summary_url": reverse("meetings:meeting_summary", args=[meeting.uuid]),
    }


def _state_label(clock: timing.ClockState) -> str:
    if clock.ended:
        return "Ended"
    if clock.running:
        return f"{Section(clock.running).label} running"
    return "Paused" if clock.paused else "Not started"


def mode_context(request: SignedInRequest, meeting: Meeting) -> dict[str, Any]:
    """The meeting page's context (so its agenda and actions partials work unchanged) plus
    the clock. `person_card` and `question_panel` are the right column's slots."""
    now = timezone.now()
    clock = meeting_mode.clock_of(meeting, now=now)
    target = meeting.one_on_one.target_connection_share
    context = meeting_context(request, meeting)
    context.update(
        {
            "clock": clock,
            "clock_state": clock_payload(meeting, clock, now),
            "state_label": _state_label(clock),
            "total_text": clock_text(clock.total),
            "sections": [
                {
                    "value": value,
                    "label": label,
                    "step": step,
                    "hint": SECTION_HINTS[Section(value)],
                    "time": clock_text(clock.totals[value]),
                    "running": clock.running == value,
                }
                for step, (value, label) in enumerate(Section.choices, start=1)
            ],
            "split": Split(
                clock.share("connection"), target, split_label(clock.share("connection"), target)
            ),
            "can_run": access.can_run_meeting_mode(request.user, meeting),
            # The right column: the manager's own card and question prompts (None for the
            # report, who follows the clock without them).
            "person_card": context.get("person_card"),
            "question_panel": question_panel_for(request.user, meeting),
        }
    )
    return context


@require_GET
def mode(request: SignedInRequest, meeting_uuid: str) -> HttpResponse:
    meeting = selectors.get_meeting_for(request.user, meeting_uuid)
    return render(request, "meetings/mode.html", mode_context(request, meeting))


@require_GET
@never_cache
def mode_clock(request: SignedInRequest, meeting_uuid: str) -> JsonResponse:
    """Polled by the page, so a second device and the report follow the same clock."""
    meeting = selectors.get_meeting_for(request.user, meeting_uuid)
    now = timezone.now()
    return JsonResponse(clock_payload(meeting, meeting_mode.clock_of(meeting, now=now), now))


# --- Controls ---------------------------------------------------------------------------------

Change = Callable[[Meeting, Person], Meeting]


def _wants_json(request: SignedInRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _refuse(request: SignedInRequest, meeting: Meeting, status: int, error: str) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"error": error}, status=status)
    messages.error(request, error)
    return redirect("meetings:mode", meeting_uuid=meeting.uuid)


def _control(request: SignedInRequest, meeting_uuid: str, change: Change) -> HttpResponse:
    meeting = selectors.get_meeting_for(request.user, meeting_uuid)
    if not access.can_run_meeting_mode(request.user, meeting):
        return _refuse(request, meeting, 403, "Only the manager of an active 1:1 runs its clock.")
    try:
        meeting = change(meeting, request.user)
    except ValidationError as error:
        return _refuse(request, meeting, 409, " ".join(error.messages))
    if _wants_json(request):
        now = timezone.now()
        return JsonResponse(clock_payload(meeting, meeting_mode.clock_of(meeting, now=now), now))
    if meeting.ended_at is not None:
        return redirect("meetings:meeting_summary", meeting_uuid=meeting.uuid)
    return redirect("meetings:mode", meeting_uuid=meeting.uuid)


@require_POST
def mode_start(request: SignedInRequest, meeting_uuid: str) -> HttpResponse:
    return _control(
        request, meeting_uuid, lambda meeting, by: meeting_mode.mode_start(meeting=meeting, by=by)
    )


@require_POST
def mode_switch(request: SignedInRequest, meeting_uuid: str) -> HttpResponse:
    form = SectionForm(request.POST)
    if not form.is_valid():
        meeting = selectors.get_meeting_for(request.user, meeting_uuid)
        return _refuse(request, meeting, 400, "Choose connection or performance.")
    section = form.cleaned_data["section"]
    return _control(
        request,
        meeting_uuid,
        lambda meeting, by: meeting_mode.mode_switch(meeting=meeting, section=section, by=by),
    )


@require_POST
def mode_pause(request: SignedInRequest, meeting_uuid: str) -> HttpResponse:
    return _control(
        request, meeting_uuid, lambda meeting, by: meeting_mode.mode_pause(meeting=meeting, by=by)
    )


@require_POST
def mode_resume(request: SignedInRequest, meeting_uuid: str) -> HttpResponse:
    return _control(
        request, meeting_uuid, lambda meeting, by: meeting_mode.mode_resume(meeting=meeting, by=by)
    )


@require_POST
def mode_end(request: SignedInRequest, meeting_uuid: str) -> HttpResponse:
    return _control(
        request, meeting_uuid, lambda meeting, by: meeting_mode.mode_end(meeting=meeting, by=by)
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
        return "No time was measured."
    gap = share - target
    if abs(gap) <= 5:
        return f"On target: {share}% connection against a target of {target}%."
    if gap < 0:
        return f"Connection was squeezed: {share}%, {-gap} points under the target of {target}%."
    return f"Connection took more room: {share}%, {gap} points over the target of {target}%."


def summary_context(request: SignedInRequest, meeting: Meeting) -> dict[str, Any]:
    viewer = request.user
    one_on_one = meeting.one_on_one
    target = one_on_one.target_connection_share
    measured = meeting.ended_at is not None and meeting.connection_seconds is not None
    context: dict[str, Any] = {
        "meeting": meeting,
        "one_on_one": one_on_one,
        "other": one_on_one.other_person(viewer),
        "measured": measured,
        "target": target,
    }
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
            measured_split=Split(share, target, "Measured: " + split_label(share, target)),
        )
    estimated = meeting.estimated_connection_minutes is not None
    if estimated and not measured:
        minutes_c = meeting.estimated_connection_minutes or 0
        minutes_p = meeting.estimated_performance_minutes or 0
        share = timing.connection_share(minutes_c, minutes_p)
        context.update(
            estimate={"connection": minutes_c, "performance": minutes_p},
            share=share,
            verdict=balance_verdict(share, target),
            measured_split=Split(share, target, "Estimated: " + split_label(share, target)),
        )
    context.update(
        target_split=Split(target, target, f"Target: {target}% connection"),
        covered=list(
            TalkingPoint.objects.filter(one_on_one=one_on_one, discussed_in=meeting)
            .filter(access.private_content_filter(viewer))
            .select_related("author")
            .order_by("section", "position", "created_at")  # connection sorts first
        ),
        actions=list(
            ActionItem.objects.filter(one_on_one=one_on_one, created_in=meeting)
            .select_related("owner")
            .order_by("created_at")
        ),
        running=meeting.started_at is not None and meeting.ended_at is None,
    )
    return context


@require_GET
def meeting_summary(request: SignedInRequest, meeting_uuid: str) -> HttpResponse:
    meeting = selectors.get_meeting_for(request.user, meeting_uuid)
    return render(request, "meetings/summary.html", summary_context(request, meeting))
