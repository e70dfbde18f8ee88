"""Request types for views: what the middleware guarantees, spelled out for the type checker."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from rapport.people.models import Person


class HtmxRequest(HttpRequest):
    htmx: HtmxDetails


class SignedInRequest(HtmxRequest):
    """Every view except sign-in and password reset: LoginRequiredMiddleware has run."""

    user: Person
