"""Server-rendered SVG charts. Geometry is computed here; templates/charts/ draws it, so user
text in labels is escaped like any other template text. No script, no inline style."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    highlight: bool = False


@dataclass(frozen=True)
class DrawnBar:
    x: float
    y: float
    width: float
    height: float
    label: str
    label_x: float
    value: int
    show_label: bool
    highlight: bool
    value_y: float


def bar_chart(
    bars: list[Bar],
    *,
    title: str,
    description: str,
    label_every: int = 1,
    width: int = 480,
    height: int = 120,
) -> SafeString:
    """A column chart. `title` and `description` become the accessible name and text."""
    axis = 22  # room for the labels under the bars
    top = 18  # room for the value over the tallest bar
    gap = 2 if len(bars) > 12 else 6
    slot = width / max(len(bars), 1)
    peak = max((bar.value for bar in bars), default=0) or 1
    drawn = []
    for index, bar in enumerate(bars):
        bar_height = (height - axis - top) * bar.value / peak
        drawn.append(
            DrawnBar(
                x=round(index * slot + gap / 2, 2),
                y=round(height - axis - bar_height, 2),
                width=round(slot - gap, 2),
                height=round(max(bar_height, 1 if bar.value else 0), 2),
                label=bar.label,
                label_x=round(index * slot + slot / 2, 2),
                value=bar.value,
                show_label=index % label_every == 0,
                highlight=bar.highlight,
                value_y=round(height - axis - bar_height - 4, 2),
            )
        )
    # A string, not a template: the home page draws one on every view (the same markup
    # charts/bars.html drew; labels and the title are escaped).
    show_values = len(bars) <= 12
    baseline = height - axis
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}: {escape(description)}" '
        f'preserveAspectRatio="xMidYMid meet"><title>{escape(title)}</title>'
        f"<desc>{escape(description)}</desc>\n"
        f'<line class="chart-axis" x1="0" x2="{width}" y1="{baseline}" y2="{baseline}"/>\n'
    ]
    for column in drawn:
        label = escape(column.label)
        parts.append(
            f'<g class="chart-bar{" is-highlight" if column.highlight else ""}">'
            f"<title>{label}: {column.value}</title>"
            f'<rect x="{column.x:g}" y="{column.y:g}" width="{column.width:g}" '
            f'height="{column.height:g}" rx="2"/>'
        )
        if show_values:
            parts.append(
                f'<text class="chart-value" x="{column.label_x:g}" y="{column.value_y:g}" '
                f'text-anchor="middle">{column.value}</text>'
            )
        if column.show_label:
            parts.append(
                f'<text class="chart-label" x="{column.label_x:g}" y="{height - 4}" '
                f'text-anchor="middle">{label}</text>'
            )
        parts.append("</g>")
    parts.append("\n</svg>\n")
    return SafeString("".join(parts))
