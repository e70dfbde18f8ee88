"""The team view's mood sparkline: geometry here, drawing in templates/insights/team_sparkline.html
(house chart style: server-rendered SVG, role="img", a <title>, no script, no inline style)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

LOW, HIGH = 1, 5


def mood_sparkline(
    moods: Sequence[tuple[date, int]], *, name: str, width: int = 96, height: int = 24
) -> SafeString:
    """The last check-ins' mood (1-5), oldest on the left; the last point is marked."""
    pad = 3
    step = (width - 2 * pad) / max(len(moods) - 1, 1)

    def y(score: int) -> float:
        return round(height - pad - (score - LOW) * (height - 2 * pad) / (HIGH - LOW), 2)

    points = [(round(pad + index * step, 2), y(score)) for index, (_, score) in enumerate(moods)]
    path = "M" + " L".join(f"{x:g} {py:g}" for x, py in points)
    scores = ", ".join(str(score) for _, score in moods)
    first, last = moods[0][0], moods[-1][0]
    description = (
        f"mood of the last {len(moods)} check-ins from {first.day} {first:%b} to "
        f"{last.day} {last:%b}, on a scale of 1 to 5: {scores}"
    )
    return SafeString(
        render_to_string(
            "insights/team_sparkline.html",
            {
                "title": f"{name}: mood trend",
                "description": description,
                "width": width,
                "height": height,
                "path": path,
                "last": points[-1],
                "mid_y": y(3),
            },
        )
    )
