"""Personal access tokens for the JSON API (docs/api.md).

Only a SHA-256 of a token is stored. The token itself is 32 random bytes (256 bits) from
`secrets`, shown once when it is made: nobody can guess it, so a fast unsalted hash is enough to
make a stolen database useless for calling the API, and it lets each request find its token
with one indexed lookup. (Passwords need Argon2 because people choose guessable ones.)
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.people.models import Person

TOKEN_PREFIX = "rpt_"
# How long a token lives unless its owner chooses otherwise, and the longest they may choose.
DEFAULT_LIFETIME_DAYS = 90
MAX_LIFETIME_DAYS = 365
LIFETIME_CHOICES = ((7, "7 days"), (30, "30 days"), (90, "90 days"), (365, "1 year"))
# How often a token's "last used" moves: at most once a minute, not on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


class Scope(models.TextChoices):
    READ = "read", _("Read only")
    READ_WRITE = "read-write", _("Read and write")


def new_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", errors="replace")).hexdigest()


class ApiToken(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.READ)
    secret_hash = models.CharField(max_length=64, unique=True)
    # The first characters of the token, shown in the list so its owner can tell tokens apart.
    hint = models.CharField(max_length=12)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at

    @property
    def may_write(self) -> bool:
        return self.scope == Scope.READ_WRITE
