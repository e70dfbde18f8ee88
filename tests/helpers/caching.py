"""What a private answer's Cache-Control must say (rapport.middleware.PrivateResponseMiddleware):
no page a signed-in person gets may sit in a shared or browser cache."""

from __future__ import annotations

from django.http.response import HttpResponseBase

# Views that set their own private Cache-Control on purpose: calendar programs poll the feed,
# and five minutes in the subscriber's own cache spares the server.
OWN_CACHE_CONTROL = {"meetings:calendar_feed": {"private", "max-age=300"}}
PRIVATE_NO_STORE = {"private", "no-store"}


def directives(response: HttpResponseBase) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def may_be_stored(route_name: str, response: HttpResponseBase) -> bool:
    """A 200 from the named route whose Cache-Control lacks what it must say. never_cache views
    (sign-in, meeting mode's clock) say more, and no less."""
    must = OWN_CACHE_CONTROL.get(route_name, PRIVATE_NO_STORE)
    return response.status_code == 200 and not must <= directives(response)
