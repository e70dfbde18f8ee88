"""The data keys, each stored only wrapped (encrypted) by a master key from the environment."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class DataKey(models.Model):
    """A data key of the installation. The newest one not retired encrypts new values; retired
    ones stay to read rows written under them until `rapport rotate-key --re-encrypt` moved
    those rows to the newest key. `kid` is random, so a key id is never reused."""

    kid = models.CharField(max_length=16, unique=True)
    # base64 of the AES-GCM nonce and the wrapped key.
    wrapped = models.TextField()
    # Which master key wrapped it: a fingerprint, never the key.
    master_key_id = models.CharField(max_length=16)
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return f"data key {self.kid}"
