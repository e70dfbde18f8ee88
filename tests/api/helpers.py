"""Tokens for API tests, made through the service, as someone would on the account page."""

from __future__ import annotations

from django.utils import timezone

from rapport.api.models import ApiToken, Scope
from rapport.api.services import token_create
from rapport.people.models import Person


def token_for(person: Person, scope: str = Scope.READ_WRITE) -> str:
    """A live token of `person`, marked as just used, so a request with it in the next minute
    writes nothing of its own (the write matrix compares whole databases)."""
    made = token_create(person=person, by=person, name="tests", scope=scope, days=30)
    ApiToken.objects.filter(pk=made.token.pk).update(last_used_at=timezone.now())
    return made.secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}
