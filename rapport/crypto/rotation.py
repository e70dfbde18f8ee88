"""Key rotation without downtime (`rapport rotate-key`, docs/operations.md).

Re-wrapping changes only the few DataKey rows: the data keys themselves, and so every sealed
value, stay as they are, and running processes keep working (they hold the unwrapped keys).
A new data key retires the old ones without deleting them: rows are moved to the new key in
small locked batches while the app runs, and rows a process still writes under a retired key
stay readable until a later `--re-encrypt` moves them too."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import models, transaction
from django.db.models.functions import Cast

from rapport.crypto import envelope
from rapport.crypto.fields import EncryptedCharField, EncryptedTextField
from rapport.crypto.models import DataKey

BATCH = 200


@dataclass(frozen=True)
class Column:
    model: type[models.Model]
    fields: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.model._meta.label}.{'/'.join(self.fields)}"


def encrypted_columns() -> list[Column]:
    found = []
    for model in apps.get_models():
        names = tuple(
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, EncryptedTextField | EncryptedCharField)
        )
        if names:
            found.append(Column(model, names))
    return found


def rewrap() -> int:
    """Wrap every data key under the newest master key; how many were wrapped otherwise."""
    masters = envelope.master_keys()
    newest_id = envelope.master_key_id(masters[0])
    changed = 0
    with transaction.atomic():
        for row in DataKey.objects.select_for_update():
            if row.master_key_id == newest_id:
                continue
            row.wrapped = envelope.wrap(envelope.unwrap(row, masters), row.kid, masters[0])
            row.master_key_id = newest_id
            row.save(update_fields=["wrapped", "master_key_id"])
            changed += 1
    return changed


def start_new_data_key() -> DataKey:
    """A new current data key; the others are retired (kept to read what they sealed)."""
    with transaction.atomic():
        row = envelope.new_data_key()
        envelope.retire_all_but(row.kid)
    envelope.ensure_data_key()
    return row


def _raw(name: str) -> str:
    return f"stored_{name}"


def _pages(column: Column) -> Iterator[list[int]]:
    last = 0
    while True:
        page = list(
            column.model._base_manager.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not page:
            return
        yield page
        last = page[-1]


def _stored(column: Column) -> models.QuerySet[models.Model]:
    casts = {_raw(name): Cast(name, output_field=models.TextField()) for name in column.fields}
    return column.model._base_manager.annotate(**casts)


def reencrypt() -> int:
    """Seal every value that is not sealed under the current data key (older keys, legacy
    plaintext) under it; how many rows changed. Each batch is locked while it is rewritten, so
    a save made meanwhile is never overwritten with older text."""
    current, _ = envelope._current()
    moved = 0
    for column in encrypted_columns():
        for page in _pages(column):
            with transaction.atomic():
                rows = list(_stored(column).select_for_update().filter(pk__in=page))
                stale = [
                    row
                    for row in rows
                    if any(
                        (stored := getattr(row, _raw(name))) and envelope.kid_of(stored) != current
                        for name in column.fields
                    )
                ]
                if stale:
                    column.model._base_manager.bulk_update(stale, list(column.fields))
                moved += len(stale)
    return moved


def values_per_key() -> Counter[str]:
    """How many stored values each data key sealed ("plaintext": legacy values not sealed)."""
    counts: Counter[str] = Counter()
    for column in encrypted_columns():
        names = [_raw(name) for name in column.fields]
        for page in _pages(column):
            for stored_values in _stored(column).filter(pk__in=page).values_list(*names):
                for stored in stored_values:
                    if stored:
                        counts[envelope.kid_of(stored) or "plaintext"] += 1
    return counts


def forget_retired() -> list[str]:
    """Delete the retired data keys no stored value uses any more; their kids."""
    in_use = values_per_key()
    gone = [
        row.kid for row in DataKey.objects.filter(retired_at__isnull=False) if not in_use[row.kid]
    ]
    DataKey.objects.filter(kid__in=gone).delete()
    envelope.ensure_data_key()
    return gone
