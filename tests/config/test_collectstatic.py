"""Production serves hashed static files: `collectstatic` with the manifest storage must find
every file a stylesheet or script refers to (a vendored file's source-map comment once broke
it, and with it every production start and the fault drills)."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command
from django.test import override_settings


def test_collectstatic_with_hashed_names_finds_every_referenced_file(tmp_path: Path) -> None:
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", "--no-input", "-v0")
    assert (tmp_path / "staticfiles.json").is_file()
    assert list(tmp_path.glob("vendor/swagger-ui-*/swagger-ui.*.css"))
