from __future__ import annotations

from django import template

from rapport.meetings.balance import SplitPoint, split_of
from rapport.meetings.models import Meeting

register = template.Library()


@register.simple_tag
def meeting_split(meeting: Meeting) -> SplitPoint:
    """The meeting's split, measured or estimated (or neither), for the meeting page."""
    return split_of(meeting)
