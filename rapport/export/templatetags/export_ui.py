"""The account page's "Your data" section: the viewer's latest export and its link."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone

from rapport.export import selectors, services
from rapport.export.models import DataExport

register = template.Library()


@register.inclusion_tag("export/_section_body.html", takes_context=True)
def export_section(context: dict[str, Any]) -> dict[str, Any]:
    viewer = context["request"].user
    latest = next(iter(selectors.exports_of(viewer)), None)
    now = timezone.now()
    link = None
    state = "none"
    if latest is not None:
        if latest.in_progress:
            state = "preparing"
        elif latest.status == DataExport.Status.FAILED:
            state = "failed"
        elif latest.is_expired(now):
            state = "expired"
        else:
            state = "ready"
            link = reverse("export:download", args=[services.download_token(latest)])
    return {"latest": latest, "state": state, "link": link, "csrf_token": context.get("csrf_token")}
