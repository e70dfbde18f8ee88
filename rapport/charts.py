"""Server-rendered SVG charts. Geometry is computed here; templates/charts/ draws it, so user
text in labels is escaped like any other template text. No script, no inline style."""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
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
    return SafeString(
        render_to_string(
            "charts/bars.html",
            {
                "bars": drawn,
                "title": title,
                "description": description,
                "width": width,
                "height": height,
                "baseline": height - axis,
                "label_y": height - 4,
                "show_values": len(bars) <= 12,
            },
        )
    )
