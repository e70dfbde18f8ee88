"""What Rapport itself writes into a 1:1: talking points it puts on an agenda and the reasons it
gives a meeting it skips or cancels. They are stored in British English, as written below, so
services can compare with them (`NEXT_GOAL_PROMPT in open_texts`) and searches find them; pages
show them in the reader's language through `shown_point` and `shown_reason` (the models'
`shown_text` and `shown_status_reason`). Anything else, as people wrote it, stays as it is."""

from __future__ import annotations

import re

from django.utils.translation import gettext, gettext_noop

# A pair without an active goal has this on its agenda (goals/services.py keeps it there).
NEXT_GOAL_PROMPT = gettext_noop("Define the next goal")
# A new pair's first 1:1: this point for the report, and once it is held, the first goals.
PROFILE_PROMPT = gettext_noop("Fill in your working-with-me profile")
FIRST_GOALS_PROMPT = gettext_noop("Define your first goals")
SYSTEM_POINTS = frozenset({NEXT_GOAL_PROMPT, PROFILE_PROMPT, FIRST_GOALS_PROMPT})

# Why a meeting was cancelled or skipped, as stored.
MANAGER_CHANGED = gettext_noop("The 1:1 closed: the manager changed.")
_PERSON_LEFT = re.compile(r"The 1:1 ended: (?P<name>.+) has left\.")
_AWAY = re.compile(r"(?P<name>.+) is away")
_AWAY_KIND = re.compile(r"(?P<name>.+) is away \((?P<kind>holiday|leave)\)")


def person_left_reason(name: str) -> str:
    """The stored reason of a meeting cancelled by a departure (British English)."""
    return f"The 1:1 ended: {name} has left."


def away_reason_text(name: str, kind: str | None) -> str:
    """The stored reason of a meeting skipped for a day away: `kind` is DayAway.Kind's value
    ("holiday", "leave"), or None when the reader may not know it."""
    return f"{name} is away ({kind})" if kind else f"{name} is away"


def shown_point(text: str) -> str:
    """A talking point's text in the active language: Rapport's own points translated."""
    return gettext(text) if text in SYSTEM_POINTS else text


def shown_reason(reason: str) -> str:
    """A meeting's status reason in the active language: the reasons Rapport writes are
    translated (the names in them kept); one a person wrote is shown as written."""
    if reason == MANAGER_CHANGED:
        return gettext(MANAGER_CHANGED)
    if match := _PERSON_LEFT.fullmatch(reason):
        return gettext("The 1:1 ended: %(name)s has left.") % {"name": match["name"]}
    if match := _AWAY_KIND.fullmatch(reason):
        if match["kind"] == "holiday":
            return gettext("%(name)s is away (holiday)") % {"name": match["name"]}
        return gettext("%(name)s is away (leave)") % {"name": match["name"]}
    if match := _AWAY.fullmatch(reason):
        return gettext("%(name)s is away") % {"name": match["name"]}
    return reason
