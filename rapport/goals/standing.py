"""Where a goal stands, in one word: the rule every page and email reads (through
Goal.standing). Pure: no database, no clock; the caller passes what it knows.

The order is the rule, and docs/goals.md says it in words:
1. a closed goal reads only how it ended (achieved or dropped), a draft reads draft;
2. a stalled goal reads stalled (the stall rule is Goal.stall_reason);
3. low confidence, an obstacle on the latest update, a due date passed, or progress behind
   the share of time gone by more than BEHIND_BY read at risk;
4. progress ahead of the share of time by AHEAD_BY or more (or the target reached) reads ahead;
5. anything else reads on track.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Confidence at or under this (out of 10) puts a goal at risk: the person doubts it.
LOW_CONFIDENCE = 4
# Progress this far behind the share of time gone (0.2 = 20 percentage points) is at risk...
BEHIND_BY = Decimal("0.2")
# ...and this far ahead of it reads ahead.
AHEAD_BY = Decimal("0.2")


class Standing(StrEnum):
    DRAFT = "draft"
    AHEAD = "ahead"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    STALLED = "stalled"
    ACHIEVED = "achieved"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return str(LABELS[self])


LABELS = {
    Standing.DRAFT: _("Draft"),
    Standing.AHEAD: _("Ahead"),
    Standing.ON_TRACK: _("On track"),
    Standing.AT_RISK: _("At risk"),
    Standing.STALLED: _("Stalled"),
    Standing.ACHIEVED: _("Achieved"),
    Standing.DROPPED: _("Dropped"),
}


@dataclass(frozen=True)
class Reading:
    """The standing and, when it is not plain good news, why, in words."""

    standing: Standing
    reason: str = ""

    @property
    def label(self) -> str:
        return self.standing.label


def read_standing(
    *,
    status: str,
    confidence: int | None,
    has_obstacle: bool,
    stall_reason: str | None,
    progress_share: Decimal | None,
    time_share: Decimal | None,
    overdue: bool,
) -> Reading:
    """`status` is the goal's stored status (draft, active, achieved, dropped);
    `progress_share` how far from baseline to target (0 to 1, beyond 1 when exceeded);
    `time_share` how much of the time from start to due date has gone (0 to 1)."""
    if status in (Standing.ACHIEVED, Standing.DROPPED, Standing.DRAFT):
        return Reading(Standing(status))
    if stall_reason:
        return Reading(Standing.STALLED, stall_reason)
    reached = progress_share is not None and progress_share >= 1
    if overdue and not reached:
        return Reading(Standing.AT_RISK, gettext("The due date has passed."))
    if confidence is not None and confidence <= LOW_CONFIDENCE:
        return Reading(
            Standing.AT_RISK,
            gettext("Confidence is %(confidence)s of 10.") % {"confidence": confidence},
        )
    if has_obstacle:
        return Reading(Standing.AT_RISK, gettext("An obstacle is in the way."))
    if progress_share is not None and time_share is not None:
        if time_share - progress_share > BEHIND_BY:
            return Reading(
                Standing.AT_RISK,
                gettext("%(progress)s of the way with %(time)s of the time gone.")
                % {"progress": _percent(progress_share), "time": _percent(time_share)},
            )
        if reached or progress_share - time_share >= AHEAD_BY:
            return Reading(Standing.AHEAD)
    return Reading(Standing.ON_TRACK)


def _percent(share: Decimal) -> str:
    return f"{round(share * 100)}%"
