"""Request types for views: what the middleware guarantees, spelled out for the type checker."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from rapport.people.models import Person


class HtmxRequest(HttpRequest):
    htmx: HtmxDetails


class SignedInRequest(HtmxRequest):
    """Every view except sign-in and password reset: LoginRequiredMiddleware has run."""

    user: Person


def answers_json[View: Callable[..., object]](view: View) -> View:
    """Marks a view that only ever answers JSON to scripts: if the database refuses its write,
    RefusedWriteMiddleware answers 503 JSON whatever the request's Accept header says."""
    view.answers_json = True  # type: ignore[attr-defined]
    return view
