"""A migrated SQLite test database kept as a template between runs.

Building the test database runs every migration: about 2 s of CPU for each xdist worker of every
run. The first run saves the freshly migrated database (before any test touches it) as a
template in the var folder, named by a digest of everything the migrations depend on: every
migration file of the project, every installed distribution's version (Django's and the
third-party apps' migrations) and the master key (the data key is sealed under it). Later runs
copy the template into place and let Django keep it (`keepdb`): `migrate` then finds nothing to
apply. A changed migration changes the digest, and the next run builds a new template.
PostgreSQL builds its test database the usual way.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from importlib import metadata
from pathlib import Path

from django.conf import settings

SQLITE = "django.db.backends.sqlite3"


def _digest() -> str:
    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR)
    for path in sorted(root.glob("rapport/**/migrations/*.py")):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    versions = sorted(
        f"{dist.metadata['Name']}=={dist.version}" for dist in metadata.distributions()
    )
    digest.update("\n".join(versions).encode())
    digest.update(os.environ.get("RAPPORT_MASTER_KEY", "").encode())
    return digest.hexdigest()[:16]


def template_path() -> Path | None:
    """Where this code's template lives, or None when the tests do not run on SQLite."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != SQLITE:
        return None
    return Path(settings.VAR_DIR) / f"rapport-test-template-{_digest()}.sqlite3"


def test_database_path() -> Path:
    # pytest-django has already given each xdist worker its own name (…-test.sqlite3_gw0).
    return Path(settings.DATABASES["default"]["TEST"]["NAME"])


def copy_template_into_place(template: Path) -> bool:
    """Put a copy of the template where the test database goes; False when there is none yet."""
    if not template.exists():
        return False
    target = test_database_path()
    partial = target.with_name(target.name + ".copying")
    shutil.copyfile(template, partial)
    partial.replace(target)
    return True


def save_as_template(connection: sqlite3.Connection, template: Path) -> None:
    """Save the open, freshly migrated test database as the template (atomically: two workers
    may both build it on the first run)."""
    partial = template.with_name(f"{template.name}.{os.getpid()}.partial")
    copy = sqlite3.connect(partial)
    try:
        connection.backup(copy)
    finally:
        copy.close()
    partial.replace(template)
