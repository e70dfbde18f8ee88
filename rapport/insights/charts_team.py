"""The team view's mood sparkline (house chart style: server-rendered SVG, role="img", a <title>,
no script, no inline style). Drawn as a string here, not through a template: the team view shows
thirty, and a template each cost more than the rest of the row. Names are escaped."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from rapport.display import format_date

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
    description = gettext(
        "mood of the last %(count)s check-ins from %(first)s to %(last)s, on a scale of 1 to 5: "
        "%(scores)s"
    ) % {
        "count": len(moods),
        "first": format_date(first, "j M"),
        "last": format_date(last, "j M"),
        "scores": scores,
    }
    label = escape(
        gettext("%(name)s: mood trend: %(description)s")
        % {"name": name, "description": description}
    )
    last_x, last_y = points[-1]
    mid = f"{y(3):g}"
    return SafeString(
        f'<svg class="sparkline" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{label}"><title>{label}</title>\n'
        f'<line class="sparkline-mid" x1="0" x2="{width}" y1="{mid}" y2="{mid}"/>\n'
        f'<path class="sparkline-line" d="{path}"/>\n'
        f'<circle class="sparkline-last" cx="{last_x:g}" cy="{last_y:g}" r="2.5"/>\n'
        "</svg>\n"
    )
