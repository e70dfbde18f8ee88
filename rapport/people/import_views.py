"""The admins' upload page for the org-chart import (the same import as `rapport import-people`)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from rapport import access
from rapport.meetings.services import import_people
from rapport.people.forms import ImportUploadForm
from rapport.people.importing import ImportReport
from rapport.people.models import Person

# A file full of mistakes would make a page too long to use; the first ones are enough to
# start fixing, and the command line shows them all.
PROBLEMS_SHOWN = 500


@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    viewer = request.user
    assert isinstance(viewer, Person)  # LoginRequiredMiddleware guarantees a person
    if not access.can_import_people(viewer):
        raise Http404
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    report: ImportReport | None = None
    if request.method == "POST" and form.is_valid():
        report = import_people(
            data=form.cleaned_data["file"].read(),
            deactivate_missing=form.cleaned_data["deactivate_missing"],
            dry_run=form.cleaned_data["dry_run"],
            by=viewer,
        )
    problems = report.problems if report else []
    context = {
        "form": form,
        "report": report,
        "problems": problems[:PROBLEMS_SHOWN],
        "problems_hidden": max(0, len(problems) - PROBLEMS_SHOWN),
    }
    return render(request, "people/import.html", context)
