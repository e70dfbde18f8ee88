"""The pictures of the split between connection and performance: one pair's last meetings as
stacked bars, and one small bar per pair in the team balance view. Geometry is computed here
and templates/charts/ draws it (see rapport/charts.py)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from rapport.display import format_date
from rapport.meetings.balance import BalanceRow, Source, SplitPoint
from rapport.meetings.timing import connection_share


@dataclass(frozen=True)
class DrawnSplit:
    x: float
    width: float
    label_x: float
    # Connection sits at the bottom (it comes first), performance on top of it.
    connection_y: float
    connection_height: float
    performance_y: float
    performance_height: float
    source: str
    label: str
    show_label: bool
    summary: str


def _minutes(value: float) -> str:
    return gettext("%(minutes)s min") % {"minutes": round(value)}


def _describe(point: SplitPoint, day: str) -> str:
    if point.source is Source.NONE or point.share is None:
        return gettext("%(day)s: no time recorded") % {"day": day}
    values = {
        "day": day,
        "share": point.share,
        "connection": _minutes(point.connection_minutes),
        "performance": _minutes(point.performance_minutes),
    }
    if point.source is Source.MEASURED:
        return (
            gettext(
                "%(day)s: %(share)s%% connection (%(connection)s connection, %(performance)s "
                "performance), measured"
            )
            % values
        )
    return (
        gettext(
            "%(day)s: %(share)s%% connection (%(connection)s connection, %(performance)s "
            "performance), estimated"
        )
        % values
    )


def split_chart(
    points: list[SplitPoint], *, target: int, width: int = 360, height: int = 160
) -> SafeString:
    """Stacked bars, one per held meeting, each the whole meeting (100%), split into its
    connection and performance shares; estimates hatched, a dashed line at the target. Comes
    with its legend and a one-line summary; empty (falsy) when there is no held meeting."""
    if not points:
        return SafeString("")
    top, axis = 6, 20
    base = height - axis
    plot = base - top
    # At least 8 slots, so two meetings do not become two huge slabs.
    slot = width / max(len(points), 8)
    bar = round(slot * 0.64, 2)
    label_every = max(1, math.ceil(len(points) / 6))
    drawn = []
    for index, point in enumerate(points):
        day = format_date(point.day, "j M")
        share = point.share
        connection = 0.0 if share is None else plot * share / 100
        x = round(index * slot + (slot - bar) / 2, 2)
        drawn.append(
            DrawnSplit(
                x=x,
                width=bar,
                label_x=round(index * slot + slot / 2, 2),
                connection_y=round(base - connection, 2),
                connection_height=round(connection, 2),
                performance_y=top,
                performance_height=round(plot - connection, 2),
                source=str(point.source) if share is not None else str(Source.NONE),
                label=day,
                # Count labels from the newest meeting, so the latest always has its date.
                show_label=(len(points) - 1 - index) % label_every == 0,
                summary=_describe(point, day),
            )
        )
    recorded = [point for point in points if point.share is not None]
    if recorded:
        description = gettext("Target %(target)s%% connection. %(bars)s.") % {
            "target": target,
            "bars": "; ".join(bar.summary for bar in drawn),
        }
    else:
        description = gettext(
            "Target %(target)s%% connection. No held meeting has recorded time yet."
        ) % {"target": target}
    return SafeString(
        render_to_string(
            "charts/split.html",
            {
                "bars": drawn,
                "title": ngettext(
                    "Connection and performance in the last %(count)d meeting",
                    "Connection and performance in the last %(count)d meetings",
                    len(points),
                )
                % {"count": len(points)},
                "description": description,
                "width": width,
                "height": height,
                "top": top,
                "plot": plot,
                "baseline": base,
                "target_y": round(base - plot * target / 100, 2),
                "label_y": height - 5,
                "target": target,
                "average": connection_share(
                    round(60 * sum(point.connection_minutes for point in recorded)),
                    round(60 * sum(point.performance_minutes for point in recorded)),
                ),
                "measured": sum(point.source is Source.MEASURED for point in recorded),
                "estimated": sum(point.source is Source.ESTIMATED for point in recorded),
                "unrecorded": len(points) - len(recorded),
            },
        )
    )


@dataclass(frozen=True)
class DrawnBalance:
    connection_width: float
    performance_x: float
    performance_width: float
    target_x: float
    band_x: float
    band_width: float
    has_data: bool


def balance_bar(row: BalanceRow, *, width: int = 200, height: int = 20) -> SafeString:
    """One pair's share over the window as a 100% bar, with its target and the band of
    tolerance around it drawn underneath."""
    share = row.share
    scale = width / 100
    low = max(0, row.target - row.tolerance)
    high = min(100, row.target + row.tolerance)
    connection = 0.0 if share is None else share * scale
    drawn = DrawnBalance(
        connection_width=round(connection, 2),
        performance_x=round(connection, 2),
        performance_width=round(width - connection, 2) if share is not None else 0,
        target_x=round(row.target * scale, 2),
        band_x=round(low * scale, 2),
        band_width=round((high - low) * scale, 2),
        has_data=share is not None,
    )
    meetings = row.measured + row.estimated
    if share is None:
        description = gettext("no held meeting with recorded time; target %(target)s%%") % {
            "target": row.target
        }
    else:
        description = ngettext(
            "%(share)s%% connection, %(performance)s%% performance over %(count)d meeting; "
            "target %(target)s%%, %(flag)s",
            "%(share)s%% connection, %(performance)s%% performance over %(count)d meetings; "
            "target %(target)s%%, %(flag)s",
            meetings,
        ) % {
            "share": share,
            "performance": 100 - share,
            "count": meetings,
            "target": row.target,
            "flag": row.flag_label,
        }
    # A string, not a template: the team view draws one per person (see charts_team.py).
    label = escape(
        gettext("%(name)s: connection share: %(description)s")
        % {"name": row.report.name, "description": description}
    )
    bar = drawn
    if bar.has_data:
        bars = (
            f'<rect class="balance-connection" x="0" y="3" width="{bar.connection_width:g}" '
            f'height="11"/><rect class="balance-performance" x="{bar.performance_x:g}" y="3" '
            f'width="{bar.performance_width:g}" height="11"/>'
        )
    else:
        bars = (
            f'<rect class="balance-empty" x="0.5" y="3.5" width="{width - 1}" height="10" rx="2"/>'
        )
    return SafeString(
        f'<svg class="balance-bar" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{label}" preserveAspectRatio="none"><title>{label}</title>\n'
        f'<rect class="balance-band" x="{bar.band_x:g}" y="{height - 4}" '
        f'width="{bar.band_width:g}" height="4" rx="2"/>\n'
        f"{bars}\n"
        f'<line class="balance-target" x1="{bar.target_x:g}" x2="{bar.target_x:g}" y1="0" '
        f'y2="{height - 4}"/>\n'
        "</svg>\n"
    )
