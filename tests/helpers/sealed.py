"""Point texts are encrypted at rest (rapport/crypto): tests find points by text in Python."""

from __future__ import annotations

from collections.abc import Iterable

from rapport.meetings.models import TalkingPoint


def with_text(points: Iterable[TalkingPoint], text: str) -> list[TalkingPoint]:
    return [point for point in points if point.text == text]
