"""Sign-in throttling: after LOGIN_FAILURE_LIMIT failures for an account or for an address
within the window, further tries are refused until the window has passed.

The refusal is decided before the password is checked and reads the same whether or not the
account exists, so throttling cannot be used to learn who has an account.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from rapport.people.models import LoginFailure, normalise_email


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def _window_start() -> datetime:
    return timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def is_throttled(*, email: str, address: str) -> bool:
    recent = LoginFailure.objects.filter(at__gte=_window_start())
    limit = settings.LOGIN_FAILURE_LIMIT
    for_account = recent.filter(email=normalise_email(email)).count() if email else 0
    for_address = recent.filter(address=address).count() if address else 0
    return for_account >= limit or for_address >= limit


def record_failure(*, email: str, address: str) -> None:
    LoginFailure.objects.create(email=normalise_email(email), address=address)
    # Old rows carry no meaning once outside the window; drop them as we go.
    LoginFailure.objects.filter(at__lt=_window_start() - timedelta(days=1)).delete()


def clear_failures(*, email: str) -> None:
    LoginFailure.objects.filter(Q(email=normalise_email(email))).delete()
