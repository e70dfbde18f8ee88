"""The organisation view: 1:1 cadence per manager, check-in averages of groups of 5 or more,
and whether people whose 1:1s were kept stayed longer. Aggregates only; see
docs/organisation-view.md."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from rapport.http import SignedInRequest
from rapport.insights import org, selectors_org
from rapport.insights.charts_org import share_bar


def _percent(share: float) -> int:
    return round(share * 100)


@require_GET
def organisation(request: SignedInRequest) -> HttpResponse:
    now = timezone.now()
    view = selectors_org.organisation_view(request.user, now=now, today=timezone.localdate())
    cadence = [
        (
            row,
            _percent(row.cadence.held_share),
            share_bar(
                row.cadence.held_share,
                marker=org.KEPT_SHARE,
                label=f"{row.label}: {row.cadence.held} of {row.cadence.due} 1:1s held "
                f"({_percent(row.cadence.held_share)}%)",
            )
            if row.blocks
            else "",
        )
        for row in view.cadence
    ]
    retention = view.retention
    groups = (
        ("whose 1:1s were kept", retention.kept, "accent"),
        ("whose 1:1s lapsed", retention.lapsed, "warn"),
    )
    retention_rows = [
        (
            label,
            group,
            _percent(group.left_share),
            share_bar(
                group.left_share,
                tone=tone,
                label=f"People {label}: {group.left} of {group.people} left "
                f"({_percent(group.left_share)}%)",
            ),
        )
        for label, group, tone in groups
    ]
    context = {
        "view": view,
        "cadence": cadence,
        "retention_rows": retention_rows if retention.shown else [],
        "minimum": org.MINIMUM_GROUP,
        "kept_percent": _percent(org.KEPT_SHARE),
        "window_weeks": selectors_org.WINDOW.days // 7,
    }
    return render(request, "insights/org.html", context)
