"""Signs people in for the benchmarks without a password round trip (inside Django only)."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.utils import timezone

from rapport.people import selectors, services, totp
from rapport.people.models import Person


def session_cookie(person: Person) -> str:
    """A `Cookie` header value holding a new signed-in session of `person`. Someone whose role
    must use an authenticator app (HR and admins by default) gets one first, set up through the
    service as they would: without it every page sends them to set one up."""
    if selectors.second_factor_required(person) and not selectors.has_second_factor(person):
        secret = totp.new_secret()
        code = totp.code_at(secret, totp.step_at(timezone.now()))
        services.second_factor_enrol(person=person, by=person, secret=secret, code=code)
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(person.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = person.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
