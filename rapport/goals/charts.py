"""The picture of one goal's progress: where it started, every value recorded since, the target
and the due date, and the straight line between them that says whether it is on track.
Geometry is computed here and templates/charts/goal_progress.html draws it (see
rapport/charts.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from rapport.display import format_date


@dataclass(frozen=True)
class ValuePoint:
    day: date
    value: Decimal


@dataclass(frozen=True)
class DrawnPoint:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class DrawnTick:
    position: float
    label: str


def number(value: Decimal) -> str:
    """2.50 → "2.5", 100.00 → "100": the figures people typed, without storage padding."""
    text = f"{value.normalize():f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def expected_value(
    baseline: Decimal, target: Decimal, start: date, due: date, day: date
) -> Decimal:
    """Where a steady pace from baseline at the start to target at the due date puts `day`."""
    span = (due - start).days
    elapsed = min(max((day - start).days, 0), span)
    return baseline + (target - baseline) * Decimal(elapsed) / Decimal(span)


def on_track(
    baseline: Decimal | None,
    target: Decimal | None,
    current: Decimal | None,
    start: date | None,
    due: date | None,
    today: date,
) -> bool | None:
    """Whether `current` is at or beyond the steady pace for `today`. None when the goal does
    not say enough to tell (no numbers, no due date, or a due date not after the start)."""
    if None in (baseline, target, current, start, due):
        return None
    assert baseline is not None and target is not None and current is not None
    assert start is not None and due is not None
    if target == baseline or due <= start:
        return None
    expected = expected_value(baseline, target, start, due, today)
    # Goals can go down (fewer incidents, less time to review): "ahead" follows the target.
    return current >= expected if target > baseline else current <= expected


def _status_words(track: bool | None, reached: bool) -> str:
    if reached:
        return gettext("target reached")
    if track is None:
        return gettext("no pace to compare with")
    # The pace alone; where the goal stands overall (confidence, obstacles) is goals/standing.py.
    return gettext("at or ahead of the steady pace") if track else gettext("behind the steady pace")


def progress_chart(
    *,
    title: str,
    unit: str,
    baseline: Decimal | None,
    target: Decimal | None,
    start: date,
    due: date | None,
    values: list[ValuePoint],
    today: date,
    width: int = 360,
    height: int = 180,
) -> SafeString:
    """A step line of the recorded values from the baseline at `start`, a dashed target line,
    a marker at the due date and the ideal line from baseline to target. Empty (falsy) when
    there is no number to draw at all."""
    points = ([ValuePoint(start, baseline)] if baseline is not None else []) + sorted(
        values, key=lambda point: point.day
    )
    if not points:
        return SafeString("")
    left, right, top, bottom = 44, 12, 10, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    first = min(start, points[0].day)
    last = max([point.day for point in points] + ([due] if due else []) + [first])
    span_days = max((last - first).days, 1)
    figures = [point.value for point in points] + ([target] if target is not None else [])
    low, high = min(figures), max(figures)
    if low == high:
        low, high = low - 1, high + 1
    pad = (high - low) / 10
    low, high = low - pad, high + pad

    def x_of(day: date) -> float:
        return round(left + plot_w * (day - first).days / span_days, 2)

    def y_of(value: Decimal) -> float:
        return round(top + plot_h * float((high - value) / (high - low)), 2)

    drawn = [
        DrawnPoint(
            x_of(point.day),
            y_of(point.value),
            f"{format_date(point.day, 'j M Y')}: {number(point.value)}{_unit(unit)}",
        )
        for point in points
    ]
    # A value holds until the next one is recorded, so the line steps rather than slopes.
    path = f"M{drawn[0].x} {drawn[0].y}" + "".join(f" H{p.x} V{p.y}" for p in drawn[1:])
    latest = points[-1].value
    track = on_track(baseline, target, latest, start, due, today)
    reached = target is not None and baseline is not None and _reached(baseline, target, latest)
    # Label where it started and where it should end; the points carry the rest in titles.
    labelled = dict.fromkeys([figures[0], figures[-1]])
    y_ticks = [DrawnTick(y_of(value), number(value)) for value in labelled]
    x_ticks = [DrawnTick(x_of(first), format_date(first, "j M"))]
    if due is not None:
        x_ticks.append(DrawnTick(x_of(due), format_date(due, "j M")))
    description = _describe(
        baseline=baseline,
        latest=latest,
        target=target,
        due=due,
        unit=unit,
        status=_status_words(track, reached),
    )
    ideal = None
    if baseline is not None and target is not None and due is not None and due > start:
        ideal = (x_of(start), y_of(baseline), x_of(due), y_of(target))
    return SafeString(
        render_to_string(
            "charts/goal_progress.html",
            {
                "title": gettext("Progress on “%(title)s”") % {"title": title},
                "description": description,
                "width": width,
                "height": height,
                "left": left,
                "right_edge": width - right,
                "top": top,
                "axis_y": top + plot_h,
                "label_y": height - 6,
                "path": path,
                "points": drawn,
                "target_y": y_of(target) if target is not None else None,
                "due_x": x_of(due) if due is not None else None,
                "ideal": ideal,
                "y_ticks": y_ticks,
                "x_ticks": x_ticks,
                "on_track": track,
                "reached": reached,
            },
        )
    )


def _reached(baseline: Decimal, target: Decimal, latest: Decimal) -> bool:
    return latest >= target if target >= baseline else latest <= target


def _unit(unit: str) -> str:
    return f" {unit}" if unit else ""


def _describe(
    *,
    baseline: Decimal | None,
    latest: Decimal,
    target: Decimal | None,
    due: date | None,
    unit: str,
    status: str,
) -> str:
    parts = []
    if baseline is not None:
        parts.append(gettext("baseline %(value)s") % {"value": f"{number(baseline)}{_unit(unit)}"})
    parts.append(gettext("latest %(value)s") % {"value": f"{number(latest)}{_unit(unit)}"})
    if target is not None:
        parts.append(gettext("target %(value)s") % {"value": f"{number(target)}{_unit(unit)}"})
    parts.append(
        gettext("due %(day)s") % {"day": format_date(due, "j M Y")}
        if due
        else gettext("no due date")
    )
    return ", ".join(parts) + f"; {status}."
