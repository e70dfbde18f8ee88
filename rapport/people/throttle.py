"""Sign-in throttling, after OWASP's "device cookies" scheme: failures are counted per account,
per client address, per trusted browser and in all, so that nobody can lock everyone out.

- An account with LOGIN_FAILURE_LIMIT failures in the window is paused for new browsers, so one
  person's password cannot be guessed quickly from many addresses.
- A client address with LOGIN_FAILURE_LIMIT failures is paused for every account, so one source
  cannot guess many accounts. The address is the real client's (see `client_address`), never
  the reverse proxy's that every request shares.
- Above LOGIN_FAILURE_CEILING failures across all accounts (a spread-out attack), each address
  waits LOGIN_CEILING_COOLDOWN_SECONDS after its own failures. An address with no recent failure
  may always try: the ceiling slows attackers down and never refuses everyone.
- A trusted browser (it signed in to this account before and keeps a signed cookie saying so)
  is counted by its cookie alone and skips the three counters above: a person signs in from
  their usual browser while their account, their office's address or the whole site is under
  attack. The cookie is only good for the account it names and its own failures are limited
  like an account's, so a stolen cookie buys no more guesses than the account already allows;
  once its limit is reached the browser is treated like any other.

Refusals are decided before the password is checked, do the same work for unknown addresses,
and read the same, so throttling cannot be used to learn who has an account.
"""

from __future__ import annotations

import ipaddress
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from rapport.people.models import LoginFailure, normalise_email

TRUSTED_BROWSER_COOKIE = "rapport_trusted"
_TRUSTED_SALT = "rapport.people.throttle.trusted-browser"
# Every IPv6 customer gets at least a /64: counted per address, one attacker would have 2^64.
_IPV6_PREFIX = 64


def _address_key(raw: str) -> str | None:
    try:
        address = ipaddress.ip_address(raw.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, _IPV6_PREFIX), strict=False))
    return str(address)


def client_address(request: HttpRequest) -> str:
    """The address failures are counted against. Behind a proxy (RAPPORT_BEHIND_PROXY) it is
    the X-Forwarded-For entry our own proxies appended, counted RAPPORT_PROXY_HOPS from the
    right: entries further left come from the client and may be forged. A header that is
    missing, too short or not an address falls back to the connecting address."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    if settings.BEHIND_PROXY:
        hops = str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        if len(hops) >= settings.PROXY_HOPS:
            forwarded = _address_key(hops[-settings.PROXY_HOPS])
            if forwarded is not None:
                return forwarded
    return (_address_key(remote) or remote or "unknown")[:64]


# --- Trusted browsers ---------------------------------------------------------------------


def _account_tag(email: str) -> str:
    # A keyed digest rather than the address itself: the cookie names the account without
    # carrying a readable email address.
    digest = salted_hmac(_TRUSTED_SALT, normalise_email(email), algorithm="sha256")
    return digest.hexdigest()[:32]


def trusted_browser(request: HttpRequest, *, email: str) -> str:
    """The nonce of the request's trusted-browser cookie when it is valid for `email`, else ""."""
    value = request.get_signed_cookie(
        TRUSTED_BROWSER_COOKIE,
        default="",
        salt=_TRUSTED_SALT,
        max_age=timedelta(days=settings.TRUSTED_BROWSER_DAYS),
    )
    tag, _, nonce = str(value).partition(":")
    if nonce and constant_time_compare(tag, _account_tag(email)):
        return nonce[:32]
    return ""


def trusted_browser_remember(response: HttpResponse, *, email: str) -> None:
    """Set at every successful sign-in; a new nonce each time starts a fresh failure count."""
    response.set_signed_cookie(
        TRUSTED_BROWSER_COOKIE,
        f"{_account_tag(email)}:{secrets.token_hex(16)}",
        salt=_TRUSTED_SALT,
        max_age=settings.TRUSTED_BROWSER_DAYS * 24 * 60 * 60,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


# --- Counting -----------------------------------------------------------------------------


def _window_start() -> datetime:
    return timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def _reached(failures: QuerySet[LoginFailure], limit: int) -> bool:
    # Counts at most `limit` rows: cheap even while an attack fills the table.
    return failures[:limit].count() >= limit


def is_throttled(*, email: str, address: str, browser: str = "") -> bool:
    recent = LoginFailure.objects.filter(at__gte=_window_start())
    limit = settings.LOGIN_FAILURE_LIMIT
    if browser and not _reached(recent.filter(browser=browser), limit):
        return False
    if _reached(recent.filter(email=normalise_email(email)), limit):
        return True
    if _reached(recent.filter(address=address), limit):
        return True
    if _reached(recent, settings.LOGIN_FAILURE_CEILING):
        cooldown = timedelta(seconds=settings.LOGIN_CEILING_COOLDOWN_SECONDS)
        return recent.filter(address=address, at__gte=timezone.now() - cooldown).exists()
    return False


def record_failure(*, email: str, address: str, browser: str = "") -> None:
    LoginFailure.objects.create(email=normalise_email(email), address=address, browser=browser)
    # Old rows carry no meaning once outside the window; drop them as we go.
    LoginFailure.objects.filter(at__lt=_window_start() - timedelta(days=1)).delete()


def clear_failures(*, email: str, address: str, browser: str = "") -> None:
    """Forget this client's own mistakes after a success. Failures from elsewhere stay: a
    person signing in must not hand an attacker a fresh budget of guesses."""
    mine = Q(email=normalise_email(email), address=address)
    if browser:
        mine |= Q(browser=browser)
    LoginFailure.objects.filter(mine).delete()
