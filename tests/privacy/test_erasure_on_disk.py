"""Erased text (sealed, as all private text is at rest) leaves the SQLite file itself, not
only the rows: SQLite would otherwise keep deleted values in free pages until they are reused
(PRAGMA secure_delete, rapport/env.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from rapport.privacy.services import erasure_apply
from tests import canaries
from tests.cast import build_cast
from tests.privacy.helpers import has_left, sealed_values_holding

MARKERS = [canaries.MANAGER_NOTE, canaries.PERSON_CARD, canaries.COACHING_NOTE]


def file_bytes() -> bytes:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = Path(connection.settings_dict["NAME"])
    return b"".join(
        candidate.read_bytes()
        for candidate in (path, path.with_name(path.name + "-wal"))
        if candidate.exists()
    )


@pytest.mark.django_db(transaction=True)
def test_erased_private_text_is_not_left_in_the_database_file() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the file of an SQLite database; PostgreSQL's VACUUM is its own matter")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        assert cursor.fetchone() == (1,)  # set by rapport/env.py, whatever SQLite's build says
    cast = build_cast()
    canaries.plant_canaries(cast)
    has_left(cast.manager, by=cast.hr)
    # The text is encrypted at rest (rapport/crypto), so the file holds the sealed values.
    sealed = sealed_values_holding(MARKERS)
    assert len(sealed) >= len(MARKERS)
    assert all(value.encode() in file_bytes() for value in sealed)

    erasure_apply(person=cast.manager, by=cast.admin)

    found = [value for value in sealed if value.encode() in file_bytes()]
    assert found == []
