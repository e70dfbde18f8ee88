"""A fingerprint of everything in the database, to prove that a refused write changed nothing."""

from __future__ import annotations

import hashlib

from django.apps import apps

# Sessions change with every sign-in and sign-out and hold no content of the product.
IGNORED_TABLES = frozenset({"django_session"})


def database_digest() -> str:
    digest = hashlib.sha256()
    for model in sorted(apps.get_models(), key=lambda model: model._meta.db_table):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in IGNORED_TABLES:
            continue
        digest.update(meta.db_table.encode())
        for row in model._base_manager.order_by("pk").values_list():
            digest.update(repr(row).encode())
    return digest.hexdigest()
