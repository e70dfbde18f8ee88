"""Signing in through the organisation's identity provider (rapport/people/sso.py), and signing
out, which also ends the provider's session when it offers RP-initiated logout."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from rapport.audit import services as audit
from rapport.audit.models import Action
from rapport.people import sso, throttle
from rapport.people.views import _safe_next

logger = logging.getLogger(__name__)

BACKEND = "rapport.people.backends.PersonBackend"


@login_not_required
@never_cache
@require_GET
def sso_start(request: HttpRequest) -> HttpResponse:
    if not sso.is_configured():
        raise Http404
    callback_url = request.build_absolute_uri(reverse("sso_callback"))
    try:
        return sso.start(request, callback_url=callback_url, next_url=_safe_next(request))
    except sso.SsoRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("login")


@login_not_required
@never_cache
@require_GET
def sso_callback(request: HttpRequest) -> HttpResponse:
    if not sso.is_configured():
        raise Http404
    try:
        person, next_url = sso.finish(request)
    except sso.SsoRefused as refusal:
        cause = refusal.__cause__
        logger.info(
            "single sign-on refused: %s", f"{type(cause).__name__}: {cause}" if cause else refusal
        )
        messages.error(request, str(refusal))
        return redirect("login")
    id_token = request.session.get(sso.SESSION_ID_TOKEN, "")
    login(request, person, backend=BACKEND)
    audit.record(
        action=Action.SSO_SIGN_IN,
        actor=person,
        subject=person,
        details={"address": throttle.client_address(request)},
    )
    # login() keeps the session's data across the new key; the token is needed at sign-out.
    request.session[sso.SESSION_ID_TOKEN] = id_token
    response = redirect(next_url if next_url.startswith("/") else "home")
    # Like a finished password reset: the provider proved the person, so this browser is
    # trusted for the account (rapport/people/throttle.py).
    throttle.trusted_browser_remember(response, email=person.email)
    return response


@never_cache
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    id_token = str(request.session.get(sso.SESSION_ID_TOKEN, ""))
    logout(request)
    after_url = request.build_absolute_uri(reverse("login"))
    provider_url = sso.end_session_url(id_token=id_token, after_url=after_url)
    return redirect(provider_url or "login")
