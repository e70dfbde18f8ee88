"""Question context from the check-in: low mood or a heavy workload steers the manager's
suggestions in meeting mode towards wellbeing and workload. Reasons name the score, never the
words the report wrote (and never the outside-work note, shared or not)."""

from __future__ import annotations

from django.utils.translation import gettext

from rapport.checkins.models import CheckIn
from rapport.checkins.scales import MOOD, WORKLOAD
from rapport.checkins.selectors import HIGH, LOW
from rapport.meetings.hints import ContextHint
from rapport.meetings.models import Meeting

LOW_MOOD_CATEGORIES = ("wellbeing", "checking_in")
HIGH_WORKLOAD_CATEGORIES = ("workload", "priorities")


def checkin_hints(meeting: Meeting) -> list[ContextHint]:
    """One query: the scores of this meeting's check-in. Scores are the manager's to see."""
    scores = CheckIn.objects.filter(meeting=meeting).values_list("mood", "workload").first()
    if scores is None:
        return []
    mood, workload = scores
    hints: list[ContextHint] = []
    if mood <= LOW:
        reason = gettext("The check-in says mood %(score)s of 5 (%(word)s).") % {
            "score": mood,
            "word": MOOD.word(mood).lower(),
        }
        hints.extend(ContextHint(category, reason) for category in LOW_MOOD_CATEGORIES)
    if workload >= HIGH:
        reason = gettext("The check-in says workload %(score)s of 5 (%(word)s).") % {
            "score": workload,
            "word": WORKLOAD.word(workload).lower(),
        }
        hints.extend(ContextHint(category, reason) for category in HIGH_WORKLOAD_CATEGORIES)
    return hints
