"""The export's two pages: asking for a copy of one's data (from the account page) and the
signed download link. Thin: the services decide; a link that is not the viewer's is a 404
(`access.Refused` through the middleware), an expired one of theirs says so."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from rapport.export import services
from rapport.http import SignedInRequest

SECTION = "#export-heading"


@require_POST
def export_request(request: SignedInRequest) -> HttpResponse:
    try:
        services.export_request(by=request.user)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(
            request,
            gettext(
                "We are preparing a copy of your data. It takes a minute or two: the download "
                "link appears here when it is ready."
            ),
        )
    return redirect(reverse("account") + SECTION)


@require_GET
def export_download(request: SignedInRequest, token: str) -> HttpResponse:
    try:
        download = services.export_download(token=token, by=request.user)
    except services.LinkExpired:
        return render(request, "export/expired.html", status=410)
    response = HttpResponse(download.content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{download.file_name}"'
    return response
