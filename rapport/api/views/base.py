"""The API object: token authentication, the per-token limit, scopes and the error answers.

Statuses (docs/api.md): 401 no usable token; 403 a read-only token asked to write (said before
anything is looked up, so it tells nothing about the object); 404 anything the token's person
may not see, exactly as in the UI; 400 a write the rules refuse; 409 a note saved on an older
version; 422 a body or parameter of the wrong shape; 429 over the per-token limit, with
Retry-After.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import HttpBearer

from rapport import access
from rapport.api import selectors, services, throttle
from rapport.api.models import ApiToken
from rapport.api.views.schemas import Error, InputError
from rapport.people.models import Person


class ScopeRefused(Exception):
    """A read-only token asked to write."""


class RateLimited(Exception):
    def __init__(self, wait: int) -> None:
        super().__init__(f"retry in {wait} s")
        self.wait = wait


class TokenAuth(HttpBearer):
    """`Authorization: Bearer rpt_...`: the token's person is the viewer of every request."""

    def authenticate(self, request: HttpRequest, token: str) -> Person | None:
        now = timezone.now()
        found = selectors.usable_token(token.strip(), now=now)
        if found is None:
            return None
        wait = throttle.wait_seconds(str(found.uuid), now=now)
        if wait:
            raise RateLimited(wait)
        services.token_mark_used(token=found, now=now)
        request.api_token = found  # type: ignore[attr-defined]
        timezone.activate(found.person.timezone)
        return found.person


class RapportApi(NinjaAPI):
    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        # A token's answers are as private as a signed-in page (PrivateResponseMiddleware
        # recognises sessions, not tokens): no cache keeps them.
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        response["Cache-Control"] = "private, no-store"
        return response

    def get_root_path(self, path_params: dict[str, Any]) -> str:
        # The OpenAPI document's paths start where it is served (/api/).
        return reverse("api:openapi").removesuffix("openapi.json")


api = RapportApi(
    title="Rapport API",
    version="1",
    description=(
        "Your 1:1s, meetings, agenda points, notes, action items, goals and check-ins, as you "
        "see them in Rapport; people, for admins. Authenticate with a personal access token "
        "made on your account page: `Authorization: Bearer rpt_...`. See docs/api.md."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url=None,
)


def viewer_of(request: HttpRequest) -> Person:
    person = request.auth  # type: ignore[attr-defined]
    assert isinstance(person, Person)
    return person


def token_of(request: HttpRequest) -> ApiToken:
    token = request.api_token  # type: ignore[attr-defined]
    assert isinstance(token, ApiToken)
    return token


def writer_of(request: HttpRequest) -> Person:
    """The viewer, for a write: a read-only token is refused (403) before anything is read."""
    if not token_of(request).may_write:
        raise ScopeRefused
    return viewer_of(request)


def _error(request: HttpRequest, status: int, detail: str) -> HttpResponse:
    return api.create_response(request, {"detail": detail}, status=status)


@api.exception_handler(access.Refused)
def _refused(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 404, "Not Found")


@api.exception_handler(ScopeRefused)
def _scope(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 403, "This token may only read. Make a read-write token to write.")


@api.exception_handler(RateLimited)
def _limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = _error(request, 429, f"Too many requests with this token: retry in {exc.wait} s.")
    response["Retry-After"] = str(exc.wait)
    return response


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _error(request, 400, " ".join(exc.messages))


def responses(ok: int, schema: Any, *, write: bool = False) -> dict[int, Any]:
    """The answers an operation documents: its success and every error it may give."""
    answers: dict[int, Any] = {ok: schema, 400: Error, 401: Error, 404: Error}
    answers |= {422: InputError, 429: Error}
    if write:
        answers[403] = Error
    return answers
