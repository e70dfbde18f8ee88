"""The organisation view's charts: one horizontal share bar per row (a manager's 1:1s held, a
group's share who left), server-rendered SVG like rapport/charts.py, no script and no inline
style.

Drawn here with format_html rather than in a template: the view has one bar per manager, over
a thousand in an organisation of 10,000, and a template render per bar took a third of a
second of the page.
"""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString

WIDTH = 200
HEIGHT = 14


def share_bar(
    share: float, *, label: str, marker: float | None = None, tone: str = "accent"
) -> SafeString:
    """A bar filled to `share` (0 to 1); `label` is its accessible name and tooltip, so it must
    say the figure in words. `marker` draws a thin line at a threshold (e.g. 75% kept)."""
    share = min(max(share, 0.0), 1.0)
    fill_width = round(WIDTH * share, 2)
    inner = HEIGHT - 4
    fill: SafeString | str = (
        format_html(
            '<rect class="org-bar-fill" x="0" y="2" width="{}" height="{}" rx="3"/>',
            f"{fill_width:g}",
            inner,
        )
        if fill_width
        else ""
    )
    line: SafeString | str = ""
    if marker is not None:
        x = f"{round(WIDTH * marker, 2):g}"
        line = format_html(
            '<line class="org-bar-marker" x1="{}" x2="{}" y1="0" y2="{}"/>', x, x, HEIGHT
        )
    return format_html(
        '<svg class="org-bar org-bar-{tone}" viewBox="0 0 {w} {h}" role="img" '
        'aria-label="{label}" preserveAspectRatio="none"><title>{label}</title>'
        '<rect class="org-bar-track" x="0" y="2" width="{w}" height="{inner}" rx="3"/>'
        "{fill}{line}</svg>",
        tone=tone,
        w=WIDTH,
        h=HEIGHT,
        inner=inner,
        label=label,
        fill=fill,  # already safe: built by format_html above
        line=line,
    )
