"""Sparklines of a pair's check-ins (mood, energy, workload) and of its connection share.
Geometry is a pure function here; templates/charts/sparkline.html draws it (see
rapport/charts.py for the house rules: role="img", a title, no inline style)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext, pgettext

from rapport.checkins.scales import ENERGY, MOOD, WORKLOAD, Scale
from rapport.checkins.selectors import TrendPoint
from rapport.display import format_date
from rapport.meetings.balance import SplitPoint

WIDTH, HEIGHT, PAD = 120, 32, 4


@dataclass(frozen=True)
class Point:
    x: float
    y: float


def spark_geometry(
    values: Sequence[float | None],
    *,
    low: float,
    high: float,
    width: float = WIDTH,
    height: float = HEIGHT,
    pad: float = PAD,
) -> list[Point | None]:
    """One point per value, evenly spread left to right (oldest first), `low` at the bottom
    and `high` at the top, `pad` clear on every side; values outside are clamped. A None value
    (nothing recorded) keeps its slot and has no point. A single value sits in the middle."""
    span = (high - low) or 1
    count = len(values)
    inner_width, inner_height = width - 2 * pad, height - 2 * pad
    points: list[Point | None] = []
    for index, value in enumerate(values):
        if value is None:
            points.append(None)
            continue
        x = pad + inner_width * (index / (count - 1) if count > 1 else 0.5)
        clamped = min(max(value, low), high)
        y = pad + inner_height * (high - clamped) / span
        points.append(Point(round(x, 2), round(y, 2)))
    return points


def polyline(points: Sequence[Point | None]) -> str:
    return " ".join(f"{point.x:g},{point.y:g}" for point in points if point is not None)


@dataclass(frozen=True)
class Trend:
    key: str
    label: str
    latest: str
    chart: SafeString


def _sparkline(
    key: str, values: list[float | None], *, low: float, high: float, title: str, description: str
) -> SafeString:
    points = spark_geometry(values, low=low, high=high)
    drawn = [point for point in points if point is not None]
    return SafeString(
        render_to_string(
            "charts/sparkline.html",
            {
                "key": key,
                "width": WIDTH,
                "height": HEIGHT,
                "line": polyline(points),
                "last": drawn[-1] if drawn else None,
                "title": title,
                "description": description,
            },
        )
    )


def _scale_trend(scale: Scale, label: str, points: list[TrendPoint]) -> Trend:
    values = [getattr(point, scale.name) for point in points]
    last = points[-1]
    latest = f"{values[-1]} {scale.word(values[-1])}"
    description = gettext(
        "Oldest to newest: %(values)s (1 to 5). Latest %(latest)s on %(day)s."
    ) % {
        "values": ", ".join(str(value) for value in values),
        "latest": latest,
        "day": format_date(last.day, "j M"),
    }
    title = ngettext(
        "%(label)s in the last %(count)d check-in",
        "%(label)s in the last %(count)d check-ins",
        len(values),
    ) % {"label": label, "count": len(values)}
    chart = _sparkline(scale.name, values, low=1, high=5, title=title, description=description)
    return Trend(scale.name, label, latest, chart)


def _connection_trend(splits: list[SplitPoint]) -> Trend | None:
    shares: list[float | None] = [split.share for split in splits]
    recorded = [share for share in shares if share is not None]
    if not recorded:
        return None
    none = pgettext("no value", "none")
    listed = ", ".join(none if share is None else f"{share}%" for share in shares)
    description = gettext("Oldest to newest: %(values)s. Latest recorded %(latest)s%%.") % {
        "values": listed,
        "latest": recorded[-1],
    }
    title = ngettext(
        "Connection share in the last %(count)d held meeting",
        "Connection share in the last %(count)d held meetings",
        len(shares),
    ) % {"count": len(shares)}
    chart = _sparkline("connection", shares, low=0, high=100, title=title, description=description)
    return Trend("connection", gettext("Connection"), f"{recorded[-1]}%", chart)


def pair_trends(points: list[TrendPoint], splits: list[SplitPoint]) -> list[Trend]:
    """The sparklines of the pair's page: the three scales once there is a check-in, and the
    connection share once a held meeting has recorded time."""
    trends = []
    if points:
        trends = [
            _scale_trend(MOOD, gettext("Mood"), points),
            _scale_trend(ENERGY, gettext("Energy"), points),
            _scale_trend(WORKLOAD, gettext("Workload"), points),
        ]
    connection = _connection_trend(splits)
    if connection is not None:
        trends.append(connection)
    return trends
