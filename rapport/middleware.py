from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.cache import has_vary_header, patch_vary_headers

from rapport import access
from rapport.database import RETRY_AFTER_S, drop_refused_connections, is_refused_write
from rapport.display import language_to_activate
from rapport.people.models import Person
from rapport.people.selectors import has_second_factor, second_factor_required
from rapport.people.sso import SESSION_ID_TOKEN


class ViewerTimezoneMiddleware:
    """Shows every time in the signed-in person's own time zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = getattr(request.user, "timezone", None)
        if zone:
            timezone.activate(ZoneInfo(zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class LanguageMiddleware:
    """Speaks the signed-in person's own language (Person.language), else the browser's
    (Accept-Language, among settings.LANGUAGES), else British English. URLs carry no language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = getattr(request.user, "language", "") if hasattr(request, "user") else ""
        code = chosen or translation.get_language_from_request(request)
        translation.activate(language_to_activate(code))
        request.LANGUAGE_CODE = translation.get_language()
        try:
            response = self.get_response(request)
        finally:
            translation.deactivate()
        if not chosen:
            # The answer depends on the browser's language: caches must keep one per language.
            patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class SecondFactorEnrolmentMiddleware:
    """Someone whose role needs a second factor (RAPPORT_TOTP_REQUIRED_FOR) and has none yet
    reaches nothing but the page that sets one up, and signing out: every other page, fragment
    and write answers with a redirect there, so nothing is read or changed before it is done.
    Pages open to the signed-out (sign-in, resets, health, feeds) are not its business."""

    ALLOWED = frozenset({"account_second_factor", "logout"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., HttpResponse], *args: object
    ) -> HttpResponse | None:
        viewer = getattr(request, "user", None)
        if not isinstance(viewer, Person) or not getattr(view, "login_required", True):
            return None
        match = request.resolver_match
        if match is not None and match.url_name in self.ALLOWED:
            return None
        if request.session.get(SESSION_ID_TOKEN):
            # Signed in through the organisation's identity provider (docs/sso.md): its own
            # second factor is the one that counts, as for every other app behind it.
            return None
        if second_factor_required(viewer) and not has_second_factor(viewer):
            target = reverse("account_second_factor")
            if getattr(request, "htmx", False):
                # htmx would follow a 302 into a fragment's place: it loads the page instead.
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return HttpResponseRedirect(target)
        return None


# Route parameters that carry a credential: whoever holds the address is let in (the calendar
# feed, unsubscribe links, password reset links), so the answer is as private as a signed-in one.
CREDENTIAL_PARAMETERS = frozenset({"token", "uidb64"})


class PrivateResponseMiddleware:
    """Keeps private answers out of every cache: a response to a signed-in request, one that
    read the session (Vary: Cookie), or one whose address carries a credential is sent with
    `Cache-Control: private, no-store` unless its view chose its own Cache-Control.

    It sits above SessionMiddleware so it sees the Vary header that middleware adds. Static
    files never reach it: WhiteNoise, above it, answers them with their own long-lived headers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control") and _is_private(request, response):
            response["Cache-Control"] = "private, no-store"
        return response


def _is_private(request: HttpRequest, response: HttpResponse) -> bool:
    session = getattr(request, "session", None)
    if session is not None and (session.accessed or session.modified):
        return True
    if has_vary_header(response, "Cookie"):
        return True
    # A session cookie is what makes a request signed in; reading it here costs no query.
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return True
    match = request.resolver_match
    return match is not None and not CREDENTIAL_PARAMETERS.isdisjoint(match.kwargs)


class RefusedAsNotFoundMiddleware:
    """A write service that refuses its actor (access.Refused) gets the answer a selector gives
    an outsider: 404, never 403, so nobody learns that the object exists. The one place."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, access.Refused):
            raise Http404 from exception


class RefusedWriteMiddleware:
    """A script asking for JSON whose request the database refused (read-only, disk full,
    restarting, locked) is answered 503 with the reason and a Retry-After, so it keeps its data
    and sends it again; it never gets the HTML 500 page. Everyone else, and every bug, still
    gets the ordinary 500. The one place for the notes' autosave and any other JSON write."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return refused_write_answer(request, exception)


def refused_write_answer(request: HttpRequest, exception: BaseException) -> HttpResponse | None:
    """503 JSON with Retry-After for a script whose request the database refused, else None.
    Also called by the 500 handler (rapport/views.py), for refusals that happen before the view
    runs: a PostgreSQL restart or an unreadable SQLite file fails the session lookup first."""
    if not isinstance(exception, DatabaseError) or not is_refused_write(exception):
        return None
    drop_refused_connections()
    match = request.resolver_match
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None
    view = match.func if match is not None else None
    prefers_json = request.get_preferred_type(["text/html", "application/json"])
    if prefers_json != "application/json" and not getattr(view, "answers_json", False):
        return None
    response = JsonResponse(
        {
            "error": translation.gettext(
                "The server cannot save right now (its database refuses writes). Your text is"
                " kept on this device and sent again in %(seconds)d s."
            )
            % {"seconds": RETRY_AFTER_S},
            "retry_after": RETRY_AFTER_S,
        },
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER_S)
    return response
