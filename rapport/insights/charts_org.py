"""The organisation view's charts: one horizontal share bar per row (a manager's 1:1s held, a
group's share who left), server-rendered SVG like rapport/charts.py: geometry here, drawing in
templates/insights/org_bar.html, no script and no inline style."""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

WIDTH = 200
HEIGHT = 14


@dataclass(frozen=True)
class ShareBar:
    width: float
    marker_x: float | None


def share_bar(
    share: float, *, label: str, marker: float | None = None, tone: str = "accent"
) -> SafeString:
    """A bar filled to `share` (0 to 1); `label` is its accessible name and tooltip, so it must
    say the figure in words. `marker` draws a thin line at a threshold (e.g. 75% kept)."""
    share = min(max(share, 0.0), 1.0)
    bar = ShareBar(
        width=round(WIDTH * share, 2),
        marker_x=round(WIDTH * marker, 2) if marker is not None else None,
    )
    return SafeString(
        render_to_string(
            "insights/org_bar.html",
            {"bar": bar, "label": label, "width": WIDTH, "height": HEIGHT, "tone": tone},
        )
    )
