"""System checks of the people app (`rapport check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import DatabaseError

DEMO_ACCOUNTS_IN_PRODUCTION = "rapport.E001"


@register(Tags.security, deploy=True)
def demo_accounts_in_production(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not settings.PRODUCTION:
        return []
    from rapport.people.models import Person

    try:
        # An unusable password starts with "!" (Django's UNUSABLE_PASSWORD_PREFIX).
        count = Person.objects.filter(is_demo=True).exclude(password__startswith="!").count()
    except DatabaseError:
        # A database without our tables (before the first migrate) has no demo accounts.
        return []
    if not count:
        return []
    return [
        Error(
            f"{count} demo account(s) with the published demo password exist while "
            "RAPPORT_PRODUCTION is on.",
            hint="They cannot sign in in production, but this database was built with "
            "`rapport demo` or `rapport synth`. Start production from a new database, or make "
            'their passwords unusable: rapport shell -c "from rapport.fakedata.build import '
            'demo_passwords_disable; demo_passwords_disable()"',
            id=DEMO_ACCOUNTS_IN_PRODUCTION,
        )
    ]
