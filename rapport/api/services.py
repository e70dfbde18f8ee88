"""Writes about API tokens: make one, revoke one, note its use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from rapport import access
from rapport.api.models import (
    LAST_USED_PRECISION,
    MAX_LIFETIME_DAYS,
    ApiToken,
    Scope,
    hash_secret,
    new_secret,
)
from rapport.audit import services as audit
from rapport.audit.models import Action as AuditAction
from rapport.people.models import Person

MAX_LIVE_TOKENS = 20


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    # The token itself: shown to its owner once, never stored.
    secret: str


def token_create(*, person: Person, by: Person, name: str, scope: str, days: int) -> NewToken:
    access.require(access.can_manage_api_tokens_of(by, person))
    name = name.strip()
    if not name:
        raise ValidationError(
            gettext("Give the token a name, such as the script that will use it.")
        )
    if scope not in Scope.values:
        raise ValidationError(gettext("Choose read only, or read and write."))
    if not 1 <= days <= MAX_LIFETIME_DAYS:
        raise ValidationError(
            gettext("A token lives between 1 and %(days)s days.") % {"days": MAX_LIFETIME_DAYS}
        )
    now = timezone.now()
    live = ApiToken.objects.filter(person=person, revoked_at__isnull=True, expires_at__gt=now)
    if live.count() >= MAX_LIVE_TOKENS:
        raise ValidationError(
            gettext("You have %(count)s live tokens. Revoke one you no longer use first.")
            % {"count": MAX_LIVE_TOKENS}
        )
    secret = new_secret()
    token = ApiToken.objects.create(
        person=person,
        name=name[:80],
        scope=scope,
        secret_hash=hash_secret(secret),
        hint=secret[:8],
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    audit.record(
        action=AuditAction.API_TOKEN_CREATED,
        actor=by,
        subject=person,
        details={"scope": scope, "days": days, "hint": token.hint},
    )
    return NewToken(token=token, secret=secret)


def token_revoke(*, token: ApiToken, by: Person) -> ApiToken:
    access.require(access.can_manage_api_tokens_of(by, token.person))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            action=AuditAction.API_TOKEN_REVOKED,
            actor=by,
            subject=token.person,
            details={"hint": token.hint},
        )
    return token


def token_mark_used(*, token: ApiToken, now: datetime) -> None:
    """Record that the token was used, at most once per LAST_USED_PRECISION (one UPDATE that
    matches nothing on most requests). The token's own request is its authority: no actor."""
    stale = now - LAST_USED_PRECISION
    updated = (
        ApiToken.objects.filter(pk=token.pk)
        .exclude(last_used_at__gt=stale)
        .update(last_used_at=now)
    )
    if updated:
        token.last_used_at = now
