"""What a meeting's context says is worth asking about: the shared type of every context source.

The check-ins and goals compute hints (checkins/coaching.py, goals/coaching.py) and the question
suggestions read them (questions/selectors.py). The type lives here, below all three, so none of
them imports the others to name it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rapport.meetings.models import Meeting


@dataclass(frozen=True)
class ContextHint:
    category: str
    reason: str


ContextSource = Callable[[Meeting], list[ContextHint]]
