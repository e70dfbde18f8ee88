"""The erasure page: a dry run of what goes, then a confirmed erasure (admins only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from rapport import access
from rapport.http import SignedInRequest
from rapport.people import selectors as people_selectors
from rapport.privacy import services
from rapport.privacy.forms import ErasureConfirmForm


@require_http_methods(["GET", "POST"])
def person_erase(request: SignedInRequest, person_uuid: str) -> HttpResponse:
    viewer = request.user
    if not access.can_erase_person(viewer):
        raise Http404
    person = people_selectors.get_person_for(viewer, person_uuid)
    today = timezone.localdate()
    refusal = services.erasure_refusal(person, today=today)
    form = ErasureConfirmForm(request.POST if request.method == "POST" else None)
    if refusal is None and request.method == "POST" and form.is_valid():
        name = person.name
        try:
            erased = services.erasure_apply(person=person, by=viewer, today=today)
        except ValidationError as error:
            refusal = " ".join(error.messages)
        else:
            messages.success(
                request,
                ngettext(
                    "Erased %(name)s: %(count)s item removed or emptied. They now appear as "
                    '"%(placeholder)s".',
                    "Erased %(name)s: %(count)s items removed or emptied. They now appear as "
                    '"%(placeholder)s".',
                    erased.total,
                )
                % {"name": name, "count": erased.total, "placeholder": services.PLACEHOLDER_NAME},
            )
            return redirect("people:detail", person_uuid=person.uuid)
    summary = None if refusal else services.erasure_preview(person=person, by=viewer, today=today)
    context = {
        "person": person,
        "refusal": refusal,
        "summary": summary,
        "form": form,
        "placeholder": services.PLACEHOLDER_NAME,
    }
    status = 409 if refusal and request.method == "POST" else 200
    return render(request, "privacy/person_erase.html", context, status=status)
