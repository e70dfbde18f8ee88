from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from pytest_django import Settings

from rapport.export import services
from rapport.export.models import DataExport
from rapport.people.models import Person


@pytest.fixture(autouse=True)
def _exports_in_a_temporary_folder(settings: Settings, tmp_path: Path) -> None:
    settings.RAPPORT_EXPORT_DIR = tmp_path / "exports"


def built_export(person: Person) -> DataExport:
    export = services.export_request(by=person)
    assert services.export_build(export_id=export.pk)
    export.refresh_from_db()
    return export


def unzip(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def files_of(export: DataExport) -> dict[str, str]:
    return unzip((services.export_dir() / export.file_name).read_bytes())
