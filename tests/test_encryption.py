"""Private content encrypted at rest (rapport/crypto): a raw copy of the database holds none of
it, the app reads it as before, keys rotate, legacy plaintext is sealed, search still finds it."""

from __future__ import annotations

import base64
import io
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django import Settings

from rapport.crypto import envelope, rotation
from rapport.crypto.migrating import seal_existing
from rapport.crypto.models import DataKey
from rapport.meetings.models import Note, TalkingPoint
from rapport.meetings.selectors import search_hits, timeline_for
from tests.canaries import MANAGER_NOTE, REPORT_NOTE, plant_canaries
from tests.cast import Cast, build_cast
from tests.conftest import TEST_MASTER_KEY

PAIR = {"manager", "report"}
OTHER_MASTER_KEY = bytes(range(100, 132))


def private_and_shared(planted: dict[str, tuple[str, ...]]) -> tuple[set[str], set[str]]:
    """A marker is private content unless both people of the pair may see it."""
    private = {marker for marker, roles in planted.items() if not set(roles) >= PAIR}
    return private, set(planted) - private


def every_table_as_text() -> str:
    """Every row of every table, read with raw SQL: what the database itself holds."""
    parts: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            parts.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(parts)


def raw_dump(folder: Path) -> bytes:
    """The database as a backup would copy it: the SQLite file's bytes (VACUUM INTO a copy),
    or pg_dump's output for PostgreSQL (raw SQL over every table when pg_dump is missing)."""
    if connection.vendor == "sqlite":
        copy = folder / "copy.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(copy)])
        return copy.read_bytes()
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        return every_table_as_text().encode()
    settings = connection.settings_dict
    variables = {**os.environ, "PGPASSWORD": settings["PASSWORD"] or ""}
    command = [pg_dump, "--data-only", "-h", settings["HOST"] or "127.0.0.1"]
    command += ["-p", str(settings["PORT"] or 5432), "-U", settings["USER"] or "postgres"]
    command.append(settings["NAME"])
    return subprocess.run(command, env=variables, capture_output=True, check=True).stdout


@pytest.fixture
def keys_kept() -> Iterator[None]:
    """Tests that rotate put this process's keys back as they were for the tests after."""
    saved = (dict(envelope._keys.by_kid), envelope._keys.current)
    yield
    envelope._keys.by_kid.clear()
    envelope._keys.by_kid.update(saved[0])
    envelope._keys.current = saved[1]


@pytest.mark.django_db(transaction=True)
def test_a_raw_copy_of_the_database_holds_no_private_canary(tmp_path: Path) -> None:
    private, shared = private_and_shared(plant_canaries(build_cast()))
    assert len(private) >= 9  # points, notes, card, check-in, dismissal, profile, coaching
    dump = raw_dump(tmp_path)
    # The scan sees plain text: the pair's shared content that stays readable is there.
    assert {m for m in shared if m.encode() in dump} >= {
        "CANARY-PERSONAL-GOAL-PAIR-3d92",
        "CANARY-GOAL-OBSTACLE-PAIR-e7b5",
        "CANARY-COACHING-OPTIONS-PAIR-b7c4",
    }
    assert sorted(m for m in private if m.encode() in dump) == []
    rows = every_table_as_text()
    assert "CANARY-PERSONAL-GOAL-PAIR-3d92" in rows
    assert sorted(m for m in private if m in rows) == []


def test_the_app_reads_private_content_as_it_was_written(cast: Cast) -> None:
    plant_canaries(cast)
    note = Note.objects.get(author=cast.manager, kind="private")
    assert note.body == MANAGER_NOTE
    stored = Note.objects.filter(pk=note.pk).values_list("body", flat=True)
    assert list(stored) == [MANAGER_NOTE]
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM meetings_note WHERE id = %s", [note.pk])
        [(raw,)] = cursor.fetchall()
    assert raw.startswith("enc:v1:") and MANAGER_NOTE not in raw


def test_empty_text_stays_empty_and_the_database_refuses_to_compare_ciphertext(
    cast: Cast,
) -> None:
    Note.objects.create(meeting=cast.meeting, author=cast.manager, kind="shared", body="")
    assert Note.objects.filter(body="").count() == 1
    with pytest.raises(FieldError, match="encrypted at rest"):
        Note.objects.filter(body="anything").count()
    with pytest.raises(FieldError):
        TalkingPoint.objects.filter(text__icontains="family").count()


def test_reading_many_rows_asks_the_database_for_no_key(cast: Cast) -> None:
    plant_canaries(cast)
    for number in range(20):
        TalkingPoint.objects.create(
            one_on_one=cast.one_on_one, author=cast.manager, text=f"{number}"
        )
    with CaptureQueriesContext(connection) as context:
        texts = [point.text for point in TalkingPoint.objects.all()]
    assert len(texts) >= 22
    assert len(context.captured_queries) == 1
    assert not any("crypto_datakey" in q["sql"] for q in context.captured_queries)


def test_search_still_finds_the_authors_private_notes_and_only_theirs(cast: Cast) -> None:
    plant_canaries(cast)
    mine = search_hits(cast.manager, "manager-private-note").hits
    assert [(hit.where, hit.text) for hit in mine] == [("private note", MANAGER_NOTE)]
    assert search_hits(cast.report, "manager-private-note").hits == []
    assert [hit.text for hit in search_hits(cast.report, "REPORT-PRIVATE-NOTE").hits] == [
        REPORT_NOTE
    ]
    cast.meeting.status = "held"
    cast.meeting.save()
    assert list(timeline_for(cast.manager, cast.one_on_one, query="private-note-9b20")) == [
        cast.meeting
    ]
    assert list(timeline_for(cast.report, cast.one_on_one, query="private-note-9b20")) == []


def test_search_makes_as_many_queries_however_many_notes_there_are(cast: Cast) -> None:
    plant_canaries(cast)

    def measure() -> int:
        with CaptureQueriesContext(connection) as context:
            search_hits(cast.manager, "private")
        return len(context.captured_queries)

    before = measure()
    for meeting in cast.one_on_one.meetings.all()[1:6]:
        Note.objects.create(meeting=meeting, author=cast.manager, kind="private", body="private x")
    assert measure() == before


def test_a_wrong_master_key_stops_start_up_with_the_reason(cast: Cast, settings: Settings) -> None:
    settings.RAPPORT_MASTER_KEYS = [OTHER_MASTER_KEY]
    with pytest.raises(SystemCheckError, match="RAPPORT_MASTER_KEY cannot open data key"):
        call_command("check")
    with pytest.raises(envelope.MasterKeyMismatch, match="RAPPORT_MASTER_KEY"):
        envelope.verify_at_start()
    settings.RAPPORT_MASTER_KEYS = [OTHER_MASTER_KEY, TEST_MASTER_KEY]
    call_command("check")  # the old key after the new one: it still opens the data key
    envelope.verify_at_start()


def test_rotation_keeps_every_value_readable(
    cast: Cast, settings: Settings, keys_kept: None
) -> None:
    plant_canaries(cast)
    columns = rotation.encrypted_columns()
    assert {str(column) for column in columns} >= {
        "meetings.Note.body",
        "meetings.TalkingPoint.text",
        "checkins.CheckIn.outside_work",
        "goals.CoachingConversation.private_note",
        "insights.SignalDismissal.reason",
    }

    def every_value() -> dict[str, list[tuple[object, ...]]]:
        return {
            str(c): list(c.model._base_manager.order_by("pk").values_list("pk", *c.fields))
            for c in columns
        }

    before = every_value()
    old_kid = envelope._current()[0]
    # A new master key first, the old one after it while rotating.
    settings.RAPPORT_MASTER_KEYS = [OTHER_MASTER_KEY, TEST_MASTER_KEY]
    said = io.StringIO()
    call_command("rotate-key", "--new-data-key", "--forget-retired", stdout=said)
    assert "New data key" in said.getvalue() and "Forgot 1 retired" in said.getvalue()
    # Only the new master key now: everything opens, nothing is left under the old data key.
    settings.RAPPORT_MASTER_KEYS = [OTHER_MASTER_KEY]
    envelope.forget_keys()
    assert envelope.key_problems() == []
    assert every_value() == before
    in_use = rotation.values_per_key()
    assert old_kid not in in_use and "plaintext" not in in_use
    assert list(DataKey.objects.values_list("kid", flat=True)) == list(in_use)
    settings.RAPPORT_MASTER_KEYS = [TEST_MASTER_KEY]
    assert envelope.key_problems()  # the old master key alone opens nothing any more


def test_rewrapping_alone_changes_no_stored_value(
    cast: Cast, settings: Settings, keys_kept: None
) -> None:
    plant_canaries(cast)
    stored = every_table_as_text()
    settings.RAPPORT_MASTER_KEYS = [OTHER_MASTER_KEY, TEST_MASTER_KEY]
    assert rotation.rewrap() == DataKey.objects.count()
    assert rotation.rewrap() == 0
    settings.RAPPORT_MASTER_KEYS = [OTHER_MASTER_KEY]
    assert envelope.key_problems() == []
    assert Note.objects.get(author=cast.manager, kind="private").body == MANAGER_NOTE
    # Only the data key row changed: every sealed value is byte for byte the same.
    changed = set(every_table_as_text().splitlines()) ^ set(stored.splitlines())
    masters = {envelope.master_key_id(key) for key in (TEST_MASTER_KEY, OTHER_MASTER_KEY)}
    assert changed and all(any(m in line for m in masters) for line in changed)


def test_legacy_plaintext_rows_are_read_and_the_migration_seals_them(cast: Cast) -> None:
    plant_canaries(cast)
    note = Note.objects.get(author=cast.manager, kind="private")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE meetings_note SET body = %s WHERE id = %s", ["legacy text", note.pk])
    assert Note.objects.get(pk=note.pk).body == "legacy text"  # read as it is
    assert rotation.values_per_key()["plaintext"] == 1
    forward, backward = seal_existing("meetings", "note", ("body",))
    editor = SimpleNamespace(connection=connection)
    forward(django_apps, editor)
    assert "plaintext" not in rotation.values_per_key()
    assert Note.objects.get(pk=note.pk).body == "legacy text"
    assert "legacy text" not in every_table_as_text()
    backward(django_apps, editor)  # migrating backwards opens the rows again
    plain = every_table_as_text()
    assert "legacy text" in plain and REPORT_NOTE in plain  # every note of the table


def test_re_encrypting_seals_legacy_rows_too(cast: Cast) -> None:
    plant_canaries(cast)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE meetings_talkingpoint SET text = %s", ["old point"])
    assert rotation.reencrypt() == TalkingPoint.objects.count()
    assert rotation.reencrypt() == 0
    assert {point.text for point in TalkingPoint.objects.all()} == {"old point"}
    assert "old point" not in every_table_as_text()


def test_the_test_key_is_the_fixed_one() -> None:
    assert base64.b64decode(os.environ["RAPPORT_MASTER_KEY"]) == TEST_MASTER_KEY
