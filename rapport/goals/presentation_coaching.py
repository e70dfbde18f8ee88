"""What coaching shows, built for the templates: the GROW flow in meeting mode (goals with a
fresh obstacle to coach, the conversation under way at its step, the stretch prompts) and the
finished conversations on a goal's page.

The private coaching note is read through CoachingConversation.private_note_for(viewer): it
reaches the page of its author and nobody else's."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rapport import access
from rapport.goals.coaching import goal_states, questions_for, stretch_questions
from rapport.goals.forms import CoachingDecideForm, CoachingStartForm, CoachingStepForm
from rapport.goals.models import (
    COACHING_ORDER,
    STALL_AFTER,
    CoachingConversation,
    CoachingStep,
    Goal,
    GoalUpdate,
    ObstacleKind,
    Status,
    stretch_reason,
)
from rapport.goals.selectors import coaching_of_goal, coaching_open_in_pair, stretch_inputs
from rapport.meetings.models import Meeting
from rapport.people.models import Person

# An achieved goal still invites a stretch in meeting mode this long after it was closed.
STRETCH_SHOWN_FOR = timedelta(days=28)

STEP_HINTS = {
    CoachingStep.GOAL: _("What they want from this goal now."),
    CoachingStep.REALITY: _("What is actually happening."),
    CoachingStep.OPTIONS: _("Every way forward they can think of."),
    CoachingStep.WILL: _("What they will do, and by when."),
}


def kind_label(kind: str) -> str:
    return str(ObstacleKind(kind).label) if kind in ObstacleKind.values else gettext("Not sure yet")


@dataclass(frozen=True)
class StepRow:
    value: str
    label: str
    number: int
    hint: str
    state: str  # "done", "current" or "todo"


@dataclass(frozen=True)
class FlowView:
    """One coaching conversation under way, at its step."""

    conversation: CoachingConversation
    goal_title: str
    goal_url: str
    steps: list[StepRow]
    step: str
    step_label: str
    step_number: int
    questions: list[str]
    obstacle: str
    kind: str
    form: CoachingStepForm
    decide_form: CoachingDecideForm | None
    can_note: bool
    save_url: str
    decide_url: str
    error: str = ""

    @property
    def is_first(self) -> bool:
        return self.step == CoachingStep.GOAL

    @property
    def is_options(self) -> bool:
        return self.step == CoachingStep.OPTIONS


@dataclass(frozen=True)
class Offer:
    goal_title: str
    obstacle: str
    kind: str
    start_url: str
    form: CoachingStartForm


@dataclass(frozen=True)
class StretchPrompt:
    goal_title: str
    goal_url: str
    reason: str
    questions: list[str]


@dataclass(frozen=True)
class CoachingPanel:
    """What goals/_coaching_flow.html renders (its context: `coaching`)."""

    meeting: Meeting
    offers: list[Offer] = field(default_factory=list)
    flows: list[FlowView] = field(default_factory=list)
    stretches: list[StretchPrompt] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.offers or self.flows or self.stretches)


def _steps(current: str) -> list[StepRow]:
    at = COACHING_ORDER.index(CoachingStep(current))
    return [
        StepRow(
            value=step.value,
            label=str(step.label),
            number=index + 1,
            hint=str(STEP_HINTS[step]),
            state="done" if index < at else "current" if index == at else "todo",
        )
        for index, step in enumerate(COACHING_ORDER[:-1])
    ]


def flow_view(
    viewer: Person,
    conversation: CoachingConversation,
    *,
    form: CoachingStepForm | None = None,
    decide_form: CoachingDecideForm | None = None,
    error: str = "",
) -> FlowView:
    can_note = viewer.pk == conversation.created_by_id
    note = conversation.private_note_for(viewer)
    if form is None:
        form = CoachingStepForm(
            initial={
                "obstacle_kind": conversation.obstacle_kind,
                "options": conversation.options,
                "private_note": note,
            }
        )
    if not can_note:
        form.fields.pop("private_note", None)
    if conversation.step == CoachingStep.WILL and decide_form is None:
        decide_form = CoachingDecideForm(
            initial={"owner": "report", "private_note": note},
            auto_id="id_decide_%s",
        )
    if decide_form is not None and not can_note:
        decide_form.fields.pop("private_note", None)
    step = CoachingStep(conversation.step)
    goal = conversation.goal
    return FlowView(
        conversation=conversation,
        goal_title=goal.title,
        goal_url=reverse("goals:detail", args=[goal.uuid]),
        steps=_steps(step),
        step=step.value,
        step_label=str(step.label),
        step_number=conversation.step_number(),
        questions=questions_for(step.value, conversation.obstacle_kind),
        obstacle=conversation.obstacle,
        kind=kind_label(conversation.obstacle_kind),
        form=form,
        decide_form=decide_form if step == CoachingStep.WILL else None,
        can_note=can_note,
        save_url=reverse("goals:coaching_step", args=[conversation.uuid]),
        decide_url=reverse("goals:coaching_decide", args=[conversation.uuid]),
        error=error,
    )


def _stretches(meeting: Meeting, today: date) -> list[StretchPrompt]:
    """Active goals held at 9-10 for weeks, and goals achieved easily in the last weeks. Two
    queries: the goals and their updates."""
    since = timezone.now() - STRETCH_SHOWN_FOR
    goals = list(
        Goal.objects.filter(one_on_one_id=meeting.one_on_one_id, status=Status.ACTIVE)
        | Goal.objects.filter(
            one_on_one_id=meeting.one_on_one_id, status=Status.ACHIEVED, closed_at__gte=since
        )
    )
    if not goals:
        return []
    updates: dict[int, list[tuple[date, int | None]]] = defaultdict(list)
    rows = GoalUpdate.objects.filter(goal__in=goals).order_by("created_at", "pk")
    for goal_id, at, confidence in rows.values_list("goal_id", "created_at", "confidence"):
        updates[goal_id].append((timezone.localdate(at), confidence))
    prompts = []
    for goal in goals:
        reason = goal_stretch_reason(goal, updates[goal.pk], today)
        if reason:
            prompts.append(
                StretchPrompt(
                    goal_title=goal.title,
                    goal_url=reverse("goals:detail", args=[goal.uuid]),
                    reason=reason,
                    questions=stretch_questions(),
                )
            )
    return prompts


def goal_stretch_reason(
    goal: Goal, updates: list[tuple[date, int | None]], today: date
) -> str | None:
    return stretch_reason(
        status=goal.status,
        started_on=timezone.localdate(goal.started_at),
        due_on=goal.due_on,
        closed_on=timezone.localdate(goal.closed_at) if goal.closed_at else None,
        updates=updates,
        today=today,
    )


def _coached_since(coached_at: datetime | None, updated_at: datetime | None) -> bool:
    return coached_at is not None and (updated_at is None or coached_at >= updated_at)


def coaching_panel_for(
    viewer: Person,
    meeting: Meeting,
    *,
    flow: FlowView | None = None,
) -> CoachingPanel | None:
    """The coaching column of meeting mode, for the manager who runs it (the report follows the
    meeting but the prompts are the manager's). `flow` replaces the conversation it shows (a
    refused step, with its errors)."""
    if not meeting.is_open or not access.can_run_meeting_mode(viewer, meeting):
        return None
    today = timezone.localdate()
    recent = coaching_open_in_pair(
        viewer, meeting.one_on_one, finished_since=timezone.now() - STALL_AFTER
    )
    open_flows = [conversation for conversation in recent if not conversation.is_finished]
    under_way = {conversation.goal_id for conversation in open_flows}
    # The last time each goal was coached: an obstacle recorded before that was talked through.
    coached_at: dict[int, datetime] = {}
    for conversation in recent:
        when = coached_at.get(conversation.goal_id)
        if when is None or conversation.created_at > when:
            coached_at[conversation.goal_id] = conversation.created_at
    offers = [
        Offer(
            goal_title=state.goal.title,
            obstacle=state.obstacle,
            kind=kind_label(state.obstacle_kind),
            start_url=reverse("goals:coaching_start", args=[state.goal.uuid]),
            form=CoachingStartForm(initial={"meeting": meeting.uuid}),
        )
        for state in goal_states(meeting)
        if state.fresh_obstacle
        and state.goal.pk not in under_way
        and not _coached_since(coached_at.get(state.goal.pk), state.updated_at)
    ]
    flows = [
        flow if flow is not None and flow.conversation.pk == conversation.pk
        else flow_view(viewer, conversation)
        for conversation in open_flows
    ]  # fmt: skip
    return CoachingPanel(
        meeting=meeting, offers=offers, flows=flows, stretches=_stretches(meeting, today)
    )


@dataclass(frozen=True)
class HistoryRow:
    when: date
    kind: str
    obstacle: str
    options: list[str]
    decision: str
    action_text: str
    action_owner: str
    action_due: date | None
    private_note: str
    by: str


@dataclass(frozen=True)
class CoachingHistory:
    """What goals/_coaching_history.html renders on a goal's page (its context: `coaching`)."""

    rows: list[HistoryRow]
    under_way: int
    stretch: StretchPrompt | None


def coaching_history_for(viewer: Person, goal: Goal) -> CoachingHistory | None:
    """The goal's finished coaching conversations (options and decision for the pair, the
    private note for its author alone) and a stretch prompt when the goal invites one."""
    if not access.can_see_goal(viewer, goal):
        return None
    conversations = coaching_of_goal(viewer, goal)
    rows = [
        HistoryRow(
            when=timezone.localdate(c.finished_at or c.created_at),
            kind=kind_label(c.obstacle_kind),
            obstacle=c.obstacle,
            options=[line.strip() for line in c.options.splitlines() if line.strip()],
            decision=c.decision,
            action_text=c.action.text if c.action else "",
            action_owner=c.action.owner.name if c.action else "",
            action_due=c.action.due_on if c.action else None,
            private_note=c.private_note_for(viewer),
            by=c.created_by.get_short_name(),
        )
        for c in conversations
        if c.is_finished
    ]
    reason = goal_stretch_reason(goal, stretch_inputs(goal), timezone.localdate())
    stretch = (
        StretchPrompt(
            goal_title=goal.title,
            goal_url=reverse("goals:detail", args=[goal.uuid]),
            reason=reason,
            questions=stretch_questions(),
        )
        if reason
        else None
    )
    under_way = sum(1 for c in conversations if not c.is_finished)
    return CoachingHistory(rows=rows, under_way=under_way, stretch=stretch)
