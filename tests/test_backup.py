"""`rapport backup` and `rapport restore` (docs/operations.md#backups): the drill backs up a
running database while people's autosaves and new points keep arriving, restores it into a new
database and finds every save acknowledged before the backup began. On PostgreSQL when the
suite runs there (DATABASE_URL), on SQLite otherwise."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from rapport import backup
from rapport.crypto import envelope
from rapport.meetings.services import note_save, point_add
from rapport.people.models import Person
from tests.cast import build_cast

SAVES_BEFORE_BACKUP = 8  # per writer, acknowledged before the backup starts
SAVES_AFTER_BACKUP = 4  # per writer, to show the application kept writing


def _engine() -> str:
    return "sqlite" if connection.vendor == "sqlite" else "postgresql"


@pytest.fixture
def new_database(tmp_path: Path) -> Iterator[str]:
    """A URL of a database that does not hold anything yet, of the suite's own kind."""
    if _engine() == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump/pg_restore are not installed (apt install postgresql-client)")
    import psycopg
    from psycopg.conninfo import make_conninfo

    settings = connection.settings_dict
    params = {
        "host": settings["HOST"] or "",
        "port": str(settings["PORT"] or ""),
        "user": settings["USER"] or "",
        "password": settings["PASSWORD"] or "",
    }
    params = {k: v for k, v in params.items() if v}
    name = f"rapport_restore_{uuid.uuid4().hex[:12]}"
    admin_info = make_conninfo("", dbname="postgres", **params)
    with psycopg.connect(admin_info, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    user = f"{params.get('user', '')}:{params.get('password', '')}@" if params.get("user") else ""
    host = params.get("host", "") + (f":{params['port']}" if "port" in params else "")
    try:
        yield f"postgres://{user}{host}/{name}"
    finally:
        with psycopg.connect(admin_info, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    target = backup.target_from_url(url)
    if target.kind == "sqlite":
        assert target.sqlite_path is not None
        with sqlite3.connect(target.sqlite_path) as db:
            return db.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(backup.conninfo(target)) as db:
        return db.execute(sql.encode()).fetchall()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_backup_of_a_running_instance_restores_every_acknowledged_save(
    tmp_path: Path, new_database: str, capsys: Any
) -> None:
    cast = build_cast()
    meeting = cast.meeting
    writers = [(p, kind) for p in (cast.manager, cast.report) for kind in ("shared", "private")]
    # What each writer was told was saved, in order: (version, body) of its note.
    acknowledged: dict[tuple[int, str], list[tuple[int, str]]] = {
        (p.pk, kind): [] for p, kind in writers
    }
    points: list[str] = []  # acknowledged new points, in order
    errors: list[BaseException] = []
    stop = threading.Event()

    def autosave(author: Person, kind: str) -> None:
        try:
            version = 0
            step = 0
            while not stop.is_set():
                body = f"{author.pk}-{kind}-{step} " + "typing along " * 40
                version = note_save(
                    meeting=meeting, author=author, kind=kind, body=body, base_version=version
                ).version
                acknowledged[(author.pk, kind)].append((version, body))
                step += 1
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    def add_points() -> None:
        try:
            step = 0
            while not stop.is_set():
                text = f"Drill point {step}"
                point_add(
                    one_on_one=cast.one_on_one,
                    author=cast.report,
                    text=text,
                    section="performance",
                    is_private=step % 2 == 0,
                )
                points.append(text)
                step += 1
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=autosave, args=w) for w in writers]
    threads.append(threading.Thread(target=add_points))
    for thread in threads:
        thread.start()

    def wait_for(count: int) -> None:
        # Only a writer that stopped for good fails here: on a busy two-core machine, beside the
        # browser tests, five threads writing to one SQLite file once took over 60 s for the
        # four saves after the backup (and this whole test up to 51 s in three runs after).
        deadline = time.monotonic() + 300
        while min(len(a) for a in acknowledged.values()) < count or len(points) < count:
            assert not errors, errors
            assert time.monotonic() < deadline, "the writers stalled"
            time.sleep(0.01)

    try:
        wait_for(SAVES_BEFORE_BACKUP)
        # Everything acknowledged up to here must be in the backup.
        before = {key: list(saves) for key, saves in acknowledged.items()}
        points_before = list(points)
        path = tmp_path / "rapport.backup"
        call_command("backup", str(path))
        wait_for(max(map(len, before.values())) + SAVES_AFTER_BACKUP)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert not errors, errors
    said = capsys.readouterr().out
    expected = "SQLite online backup" if _engine() == "sqlite" else "pg_dump (custom format)"
    assert expected in said

    call_command("restore", str(path), "--database-url", new_database)
    assert "Restored" in capsys.readouterr().out
    # Note bodies and point texts are sealed at rest (rapport/crypto): opened with the same key.
    notes = {
        (author, kind): (version, envelope.open_text(body))
        for author, kind, version, body in _rows(
            new_database,
            f"SELECT author_id, kind, version, body FROM meetings_note "
            f"WHERE meeting_id = {meeting.pk}",
        )
    }
    for key, saves in before.items():
        last_version, _ = saves[-1]
        version, body = notes[key]
        assert version >= last_version, f"{key}: restored v{version}, acknowledged v{last_version}"
        assert (version, body) in acknowledged[key], f"{key}: v{version} was never saved so"
    restored_points = {
        envelope.open_text(text)
        for (text,) in _rows(new_database, "SELECT text FROM meetings_talkingpoint")
    }
    lost = [text for text in points_before if text not in restored_points]
    assert not lost, f"acknowledged points missing from the backup: {lost}"
    assert len(points) > len(points_before)  # the application kept writing meanwhile


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_holds_people_unless_forced(tmp_path: Path) -> None:
    if _engine() != "sqlite":
        pytest.skip("the refusal is the same code for both; the drill covers PostgreSQL")
    build_cast()
    path = tmp_path / "one.backup"
    call_command("backup", str(path))
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(path))
    copy = f"sqlite:///{tmp_path / 'copy.sqlite3'}"
    call_command("restore", str(path), "--database-url", copy)
    with pytest.raises(CommandError, match=r"not empty: it holds 9 people.*--force"):
        call_command("restore", str(path), "--database-url", copy)
    call_command("restore", str(path), "--database-url", copy, "--force")
    assert _rows(copy, "SELECT count(*) FROM people_person") == [(9,)]


def test_restore_names_what_is_wrong_with_a_file(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("not a backup")
    target = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    with pytest.raises(CommandError, match="neither a SQLite backup nor a pg_dump"):
        call_command("restore", str(junk), "--database-url", target)
    with pytest.raises(CommandError, match="no backup file"):
        call_command("restore", str(tmp_path / "missing"), "--database-url", target)
    dump = tmp_path / "pg.dump"
    dump.write_bytes(b"PGDMP\x01\x0e\x00")
    with pytest.raises(CommandError, match="postgresql backup and the target is a SQLite"):
        call_command("restore", str(dump), "--database-url", target)
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(CommandError, match="not a Rapport database"):
        call_command("restore", str(other), "--database-url", target)
    with pytest.raises(CommandError, match="sqlite:// or postgres://"):
        call_command("restore", str(other), "--database-url", "mysql://x/y")
