"""What the goal pages show, built for the templates: the progress panel next to a goal's chart.

Reads come from goals/selectors.py; this module turns them into display-ready objects (the
chart as SVG, the form to record progress). Views call it; nothing of the domain layer does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.safestring import SafeString

from rapport import access
from rapport.goals.charts import ValuePoint, on_track, progress_chart
from rapport.goals.forms import ProgressForm
from rapport.goals.models import Goal, GoalUpdate, Status
from rapport.goals.selectors import held_meetings
from rapport.goals.standing import Reading
from rapport.meetings.models import ActionItem, Meeting
from rapport.people.models import Person

# The panel shows this many updates; older ones stay in the record and on the chart.
UPDATES_SHOWN = 12


@dataclass(frozen=True)
class ProgressPanel:
    """What goals/_progress.html renders (its context: `progress`)."""

    goal: Goal
    chart: SafeString
    updates: list[GoalUpdate]
    can_record: bool
    stalled_reason: str | None
    on_track: bool | None
    # The obstacle of the latest update, while it is the latest: coaching is under way.
    open_obstacle: str | None
    # Where the goal stands in one word (goals/standing.py), the badge of the panel.
    reading: Reading
    actions: list[ActionItem] = field(default_factory=list)
    meeting: Meeting | None = None
    # The "Record progress" form; None for a viewer who may only read (or a closed goal).
    form: ProgressForm | None = None

    @property
    def is_stalled(self) -> bool:
        return self.stalled_reason is not None


def progress_panel_for(
    viewer: Person,
    goal: Goal,
    meeting: Meeting | None = None,
    *,
    form: ProgressForm | None = None,
) -> ProgressPanel | None:
    """The goal's chart, updates and tied actions; None for anyone who may not see the goal.
    `form` is a submitted form to show again with its errors."""
    if not access.goals_visible_to(viewer).filter(pk=goal.pk).exists():
        return None
    can_record = goal.status == Status.ACTIVE and access.can_change_goal(viewer, goal)
    if can_record and form is None:
        form = ProgressForm(initial={"meeting": meeting.uuid if meeting else None})
    updates = list(goal.updates.select_related("by").order_by("-created_at", "-pk"))
    today = timezone.localdate()
    start = timezone.localdate(goal.started_at)
    values = [
        ValuePoint(timezone.localdate(u.created_at), u.value)
        for u in reversed(updates)
        if u.value is not None
    ]
    latest = updates[0] if updates else None
    since = latest.created_at if latest else goal.started_at
    stalled_reason = goal.stall_reason(
        updates_at=[since] if latest else [],
        meetings_since_last_update=held_meetings(
            [goal.one_on_one_id], since, timezone.now()
        ).count(),
        today=today,
    )
    return ProgressPanel(
        goal=goal,
        chart=progress_chart(
            title=goal.title,
            unit=goal.unit,
            baseline=goal.baseline,
            target=goal.target,
            start=start,
            due=goal.due_on,
            values=values,
            today=today,
        ),
        updates=updates[:UPDATES_SHOWN],
        can_record=can_record,
        stalled_reason=stalled_reason,
        on_track=on_track(goal.baseline, goal.target, goal.current, start, goal.due_on, today),
        open_obstacle=(latest.obstacle or None) if latest else None,
        reading=goal.standing(
            today=today,
            stall_reason=stalled_reason,
            obstacle=latest.obstacle if latest else "",
        ),
        actions=list(goal.actions.order_by("done_at", "due_on", "created_at")),
        meeting=meeting,
        form=form if can_record else None,
    )
