"""Display helpers for pages that show many rows: an address reversed once per page and filled
in per row (`{{ row.meeting.uuid|fill:urls.meeting }}`, see people_ui.fill), instead of a
`{% url %}` per row."""

from __future__ import annotations

from django.urls import reverse

# Stands for the object's UUID in a reversed address; `fill` puts the real one in its place.
MARKER = "00000000-0000-0000-0000-00000000f111"


def url_patterns(**names: str) -> dict[str, str]:
    """Each URL name (taking one UUID) reversed once: {"meeting": "/meetings/<marker>/"}."""
    return {key: reverse(name, args=[MARKER]) for key, name in names.items()}
