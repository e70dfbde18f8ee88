"""Backing up and restoring Rapport's database (docs/operations.md#backups). A leaf: it imports
no app, and reads the database it is given as Django's settings dictionary or as a URL.

- SQLite: the online backup API (`sqlite3.Connection.backup`), which copies a consistent
  snapshot page by page while the application keeps writing (a plain file copy of a live WAL
  database can be torn).
- PostgreSQL: `pg_dump --format=custom` (one consistent snapshot, restorable with
  `pg_restore`), from the PostgreSQL client tools on the machine.

Restoring refuses a database that already holds people unless `force` is given.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

SQLITE_HEADER = b"SQLite format 3\x00"
PG_CUSTOM_HEADER = b"PGDMP"
# The table that says a database holds an organisation (a freshly migrated one has none).
PEOPLE_TABLE = "people_person"
COUNT_PEOPLE = "SELECT count(*) FROM people_person"


class BackupError(Exception):
    """Something the operator must fix; the message says what."""


@dataclass(frozen=True)
class Target:
    """One database: SQLite by its file, or PostgreSQL by libpq parameters."""

    kind: str  # "sqlite" or "postgresql"
    sqlite_path: Path | None = None
    pg: Mapping[str, str] | None = None

    @property
    def label(self) -> str:
        if self.kind == "sqlite":
            return f"SQLite database {self.sqlite_path}"
        assert self.pg is not None
        host = self.pg.get("host") or "localhost"
        return f"PostgreSQL database {self.pg.get('dbname', '')!r} on {host}"


def target_from_settings(database: Mapping[str, Any]) -> Target:
    engine = str(database["ENGINE"])
    if engine.endswith("sqlite3"):
        return Target(kind="sqlite", sqlite_path=Path(str(database["NAME"])))
    if engine.endswith("postgresql"):
        pg = {
            "dbname": str(database["NAME"]),
            "user": str(database.get("USER") or ""),
            "password": str(database.get("PASSWORD") or ""),
            "host": str(database.get("HOST") or ""),
            "port": str(database.get("PORT") or ""),
        }
        options = database.get("OPTIONS") or {}
        if "sslmode" in options:
            pg["sslmode"] = str(options["sslmode"])
        return Target(kind="postgresql", pg={k: v for k, v in pg.items() if v})
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine}.")


def target_from_url(url: str) -> Target:
    """sqlite:////absolute/file.sqlite3, sqlite:///relative.sqlite3 or postgres://user@host/db."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = parts.path[1:] if parts.path.startswith("/") else parts.path
        if not path:
            raise BackupError("A SQLite URL needs a file path, like sqlite:////var/rapport.sqlite3")
        return Target(kind="sqlite", sqlite_path=Path(path))
    if parts.scheme in ("postgres", "postgresql", "pgsql"):
        name = unquote(parts.path.strip("/"))
        if not name:
            raise BackupError(
                "A PostgreSQL URL needs a database name, like postgres://host/rapport"
            )
        pg = {
            "dbname": name,
            "user": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "host": parts.hostname or "",
            "port": str(parts.port or ""),
        }
        return Target(kind="postgresql", pg={k: v for k, v in pg.items() if v})
    raise BackupError(f"Expected a sqlite:// or postgres:// URL, got {parts.scheme or url!r}.")


# --- Backup ---------------------------------------------------------------------------------


def backup(target: Target, destination: Path, *, overwrite: bool = False) -> str:
    """Write a backup of `target` to `destination`; returns a sentence saying what was done."""
    if destination.exists() and not overwrite:
        raise BackupError(f"{destination} exists already; choose a new file name (or --force).")
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    how = _sqlite_backup(target, partial) if target.kind == "sqlite" else _pg_dump(target, partial)
    partial.chmod(0o600)
    partial.replace(destination)
    size = destination.stat().st_size
    return f"{how} of the {target.label} written to {destination} ({size:,} bytes)."


def _sqlite_backup(target: Target, into: Path) -> str:
    assert target.sqlite_path is not None
    if not target.sqlite_path.is_file():
        raise BackupError(f"There is no SQLite database at {target.sqlite_path}.")
    source = sqlite3.connect(f"file:{target.sqlite_path}?mode=ro", uri=True, timeout=30)
    copy = sqlite3.connect(into)
    try:
        # Every page in one step, inside one read transaction: a consistent snapshot. In WAL
        # mode (Rapport's) readers and writers do not block each other, so the application
        # keeps saving meanwhile; copying in several steps would restart at every write.
        source.backup(copy, pages=-1)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        copy.close()
        source.close()
    return "SQLite online backup (sqlite3 backup API)"


def conninfo(target: Target, **overrides: str) -> str:
    """A libpq connection string for the PostgreSQL target."""
    from psycopg.conninfo import make_conninfo

    return make_conninfo("", **{**(target.pg or {}), **overrides})


def _pg_env(target: Target) -> dict[str, str]:
    assert target.pg is not None
    names = {
        "host": "PGHOST",
        "port": "PGPORT",
        "user": "PGUSER",
        "password": "PGPASSWORD",
        "dbname": "PGDATABASE",
        "sslmode": "PGSSLMODE",
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update({names[key]: value for key, value in target.pg.items() if key in names})
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed; install the PostgreSQL client tools "
            "(Debian: apt install postgresql-client), of the server's major version or newer."
        )
    return found


def _run(command: list[str], target: Target) -> None:
    # Our own argument list (a tool found on PATH, fixed flags, a path): no shell, no input.
    done = subprocess.run(  # noqa: S603
        command, env=_pg_env(target), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()}")


def _pg_dump(target: Target, into: Path) -> str:
    _run([_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={into}"], target)
    return "PostgreSQL pg_dump (custom format)"


# --- Restore --------------------------------------------------------------------------------


def people_in(target: Target) -> int:
    """How many people the database holds (0 for a new or empty one)."""
    if target.kind == "sqlite":
        assert target.sqlite_path is not None
        if not target.sqlite_path.exists() or target.sqlite_path.stat().st_size == 0:
            return 0
        with sqlite3.connect(target.sqlite_path) as connection:
            exists = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (PEOPLE_TABLE,)
            ).fetchone()
            if not exists:
                return 0
            return int(connection.execute(COUNT_PEOPLE).fetchone()[0])
    import psycopg

    assert target.pg is not None
    with psycopg.connect(conninfo(target)) as connection:
        row = connection.execute("SELECT to_regclass(%s) IS NOT NULL", (PEOPLE_TABLE,)).fetchone()
        if not row or not row[0]:
            return 0
        counted = connection.execute(COUNT_PEOPLE).fetchone()
        return int(counted[0]) if counted else 0


def kind_of_file(path: Path) -> str:
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    with path.open("rb") as file:
        head = file.read(len(SQLITE_HEADER))
    if head.startswith(SQLITE_HEADER):
        return "sqlite"
    if head.startswith(PG_CUSTOM_HEADER):
        return "postgresql"
    raise BackupError(f"{path} is neither a SQLite backup nor a pg_dump custom-format archive.")


def restore(source: Path, target: Target, *, force: bool = False) -> str:
    """Replace `target`'s contents with the backup at `source`; returns what was done."""
    kind = kind_of_file(source)
    if kind != target.kind:
        raise BackupError(
            f"{source} is a {kind} backup and the target is a {target.label}: restore it into "
            f"a {kind} database (--database-url)."
        )
    people = people_in(target)
    if people and not force:
        raise BackupError(
            f"The {target.label} is not empty: it holds {_people(people)}. Restoring replaces "
            "everything in it. Restore into a new database, or add --force to overwrite it."
        )
    if kind == "sqlite":
        _sqlite_restore(source, target)
    else:
        _pg_restore(source, target)
    replaced = f" (replacing {_people(people)})" if people else ""
    now_holds = _people(people_in(target))
    return f"Restored {source} into the {target.label}{replaced}: it holds {now_holds}."


def _people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"


def _sqlite_restore(source: Path, target: Target) -> None:
    assert target.sqlite_path is not None
    backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        check = backup_db.execute("PRAGMA integrity_check").fetchone()
        if not check or check[0] != "ok":
            raise BackupError(f"{source} is damaged: {check[0] if check else 'unreadable'}.")
        if not backup_db.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='django_migrations'"
        ).fetchone():
            raise BackupError(f"{source} is a SQLite file but not a Rapport database.")
        target.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        live = sqlite3.connect(target.sqlite_path, timeout=30)
        try:
            backup_db.backup(live)
        finally:
            live.close()
    finally:
        backup_db.close()


def _pg_restore(source: Path, target: Target) -> None:
    _run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={(target.pg or {}).get('dbname', '')}",
            str(source),
        ],
        target,
    )
