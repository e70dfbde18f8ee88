"""For the apps' migrations that turn columns into encrypted ones: seal the rows already
there (legacy plaintext), and open them again when migrating backwards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models

from rapport.crypto import envelope

Step = Callable[[Any, Any], None]


def seal_existing(app_label: str, model_name: str, fields: tuple[str, ...]) -> tuple[Step, Step]:
    def forward(apps: Any, schema_editor: Any) -> None:
        envelope.ensure_data_key(using=schema_editor.connection.alias)
        model = apps.get_model(app_label, model_name)
        rows = model._base_manager.using(schema_editor.connection.alias).order_by("pk")
        last = 0
        while page := list(rows.filter(pk__gt=last)[:500]):
            # Read through the new field (legacy text passes through), written back sealed.
            rows.bulk_update(page, list(fields))
            last = page[-1].pk

    def backward(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        rows = model._base_manager.using(schema_editor.connection.alias)
        for row in rows.iterator():
            plain = {
                name: models.Value(getattr(row, name), output_field=models.TextField())
                for name in fields
            }
            rows.filter(pk=row.pk).update(**plain)

    return forward, backward
