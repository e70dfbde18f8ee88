"""The interactive API documentation: Swagger UI vendored under static/vendor/swagger-ui (from
the npm registry's swagger-ui-dist), started by a script file, never an inline one (strict CSP)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe


@login_not_required
@require_safe
def docs(request: HttpRequest) -> HttpResponse:
    return render(request, "api/docs.html")
