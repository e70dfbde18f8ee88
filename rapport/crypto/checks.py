"""The start-up check: the master keys must open every data key of the database. `rapport
check`, `check --deploy`, runserver, migrate and the worker run it; gunicorn runs
envelope.verify_at_start from wsgi.py."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register
from django.db import DatabaseError

from rapport.crypto import envelope


@register()
def master_key_opens_the_data_keys(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        problems = envelope.key_problems()
    except DatabaseError:
        return []  # not migrated yet (nothing is encrypted) or not reachable
    return [Error(problem, id="rapport.crypto.E001") for problem in problems]
