"""The audit trail's page: admins read who did what to people data, filtered and paged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from rapport import access
from rapport.audit import selectors
from rapport.audit.forms import AuditFilterForm
from rapport.audit.models import AuditEvent
from rapport.http import SignedInRequest

EVENTS_PER_PAGE = 50
# A person deleted since (the demo's people): the event keeps their number, not their name.
DELETED = _("A deleted person")
DETAIL_LABELS = {
    "address": _("address"),
    "step": _("step"),
    "second_factor": _("second factor"),
    "codes_left": _("recovery codes left"),
    "from_role": _("role before"),
    "to_role": _("role after"),
    "fields": _("changed"),
    "created": _("created"),
    "updated": _("updated"),
    "unchanged": _("unchanged"),
    "deactivated": _("deactivated"),
    "problems": _("problems"),
    "dry_run": _("preview only"),
    "left_on": _("left on"),
    "left_reason": _("reason"),
    "emails": _("emails"),
    "by": _("by"),
    "events": _("events"),
    "retention_days": _("retention (days)"),
}


def _detail_order(key: str) -> tuple[int, str]:
    known = list(DETAIL_LABELS)
    return (known.index(key), "") if key in known else (len(known), key)


@dataclass(frozen=True)
class EventRow:
    at: datetime
    action: str
    actor: str
    actor_url: str
    subject: str
    subject_url: str
    details: list[tuple[str, str]]


def _row(event: AuditEvent) -> EventRow:
    def shown(value: object) -> str:
        if isinstance(value, bool):
            return "yes" if value else "no"
        return "none" if value is None or value == "" else str(value)

    actor, subject = event.actor, event.subject
    if actor:
        actor_name = actor.name
    elif event.actor_id:
        actor_name = str(DELETED)
    else:
        actor_name = gettext("The system") if event.details.get("by") else gettext("Nobody known")
    return EventRow(
        at=event.at,
        action=event.get_action_display(),
        actor=actor_name,
        actor_url=reverse("people:detail", args=[actor.uuid]) if actor else "",
        subject=subject.name if subject else (str(DELETED) if event.subject_id else ""),
        subject_url=reverse("people:detail", args=[subject.uuid]) if subject else "",
        # In the labels' order: PostgreSQL's jsonb keeps keys in an order of its own.
        details=[
            (DETAIL_LABELS.get(key, key.replace("_", " ")), shown(event.details[key]))
            for key in sorted(event.details, key=_detail_order)
            if key != "by"
        ],
    )


@require_GET
def events(request: SignedInRequest) -> HttpResponse:
    viewer = request.user
    if not access.can_see_audit_trail(viewer):
        raise Http404
    form = AuditFilterForm(request.GET)
    form.is_valid()  # a field in error filters nothing; the others still apply
    filters = form.cleaned_data
    found = selectors.events_for(
        viewer,
        action=filters.get("action") or "",
        actor=filters.get("actor") or "",
        subject=filters.get("subject") or "",
        since=filters.get("since"),
        until=filters.get("until"),
        zone=viewer.zone,
    )
    page = Paginator(found, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": [_row(event) for event in page.object_list],
        "query": query.urlencode(),
        "retention_days": settings.RAPPORT_AUDIT_RETENTION_DAYS,
    }
    return render(request, "audit/events.html", context)
