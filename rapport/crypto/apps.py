from __future__ import annotations

import logging
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_migrate

logger = logging.getLogger("rapport.crypto")


class CryptoConfig(AppConfig):
    name = "rapport.crypto"
    label = "crypto"
    verbose_name = "Encryption at rest"

    def ready(self) -> None:
        from rapport.crypto import checks  # noqa: F401  (registers the start-up check)

        if settings.RAPPORT_MASTER_KEY_GENERATED:
            logger.warning(
                "RAPPORT_MASTER_KEY is not set: generated a development master key in %s. "
                "Keep it with the database; production requires RAPPORT_MASTER_KEY.",
                settings.VAR_DIR / "master_key",
            )
        post_migrate.connect(_data_key_after_migrate, sender=self)


def _data_key_after_migrate(using: str = "default", **_: Any) -> None:
    # After `migrate` (and after `flush`, which empties the table): there is always a data key,
    # made outside any request, and this process has it in memory.
    from rapport.crypto import envelope

    envelope.ensure_data_key(using=using)
