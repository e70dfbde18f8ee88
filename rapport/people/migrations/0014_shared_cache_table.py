"""The database cache's table (rapport.env.CACHE_TABLE), made by migrate so that every database
has it without a separate `createcachetable`: development, the test databases, PostgreSQL in
production. With RAPPORT_CACHE_URL=redis://... it stays empty."""

from __future__ import annotations

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from rapport.env import CACHE_TABLE


def create_table(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    # Django's own command builds the table and its index; it skips a table that exists.
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


def drop_table(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("people", "0013_person_language")]

    operations = [migrations.RunPython(create_table, drop_table)]
