"""A missing, malformed or wrong RAPPORT_MASTER_KEY stops every way of starting Rapport with
a message that says what to do; outside production a development key is made once."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rapport import env
from tests.config.test_env import PRODUCTION, ROOT, run_rapport
from tests.helpers import template_db

KEY_A = base64.b64encode(bytes(range(32))).decode()
KEY_B = base64.b64encode(bytes(range(1, 33))).decode()


def test_a_development_key_is_made_once_and_kept_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RAPPORT_MASTER_KEY", raising=False)
    first, made = env.master_keys(production=False, keep_in=tmp_path / "master_key")
    second, made_again = env.master_keys(production=False, keep_in=tmp_path / "master_key")
    assert made and not made_again and first == second and len(first[0]) == 32
    assert (tmp_path / "master_key").stat().st_mode & 0o077 == 0


def test_production_requires_the_key_and_several_keys_are_read_newest_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RAPPORT_MASTER_KEY", raising=False)
    with pytest.raises(env.ConfigError, match="RAPPORT_MASTER_KEY must be set in production"):
        env.master_keys(production=True, keep_in=tmp_path / "master_key")
    monkeypatch.setenv("RAPPORT_MASTER_KEY", f"{KEY_B}, {KEY_A}")
    keys, made = env.master_keys(production=True, keep_in=tmp_path / "master_key")
    assert keys == [bytes(range(1, 33)), bytes(range(32))] and not made
    monkeypatch.setenv("RAPPORT_MASTER_KEY", base64.b64encode(b"too short").decode())
    with pytest.raises(env.ConfigError, match="base64 of exactly 32 bytes"):
        env.master_keys(production=True, keep_in=tmp_path / "master_key")


def test_production_without_the_key_does_not_start(tmp_path: Path) -> None:
    settings = {**PRODUCTION, "RAPPORT_MASTER_KEY": ""}
    result = run_rapport("check", "--deploy", RAPPORT_VAR_DIR=str(tmp_path), **settings)
    assert result.returncode != 0
    assert "RAPPORT_MASTER_KEY must be set in production" in result.stderr


def test_a_wrong_key_stops_check_the_worker_and_the_web_server(tmp_path: Path) -> None:
    var = {"RAPPORT_VAR_DIR": str(tmp_path)}
    _migrate_under_key_a(tmp_path)
    assert run_rapport("check", RAPPORT_MASTER_KEY=KEY_A, **var).returncode == 0

    wrong = run_rapport("check", "--deploy", RAPPORT_MASTER_KEY=KEY_B, **var)
    assert wrong.returncode != 0
    assert "rapport.crypto.E001" in wrong.stderr
    assert "RAPPORT_MASTER_KEY cannot open data key" in wrong.stderr
    worker = run_rapport("worker", "--once", RAPPORT_MASTER_KEY=KEY_B, **var)
    assert worker.returncode != 0 and "RAPPORT_MASTER_KEY cannot open" in worker.stderr
    # What gunicorn imports: the WSGI application refuses to load.
    web = subprocess.run(
        [sys.executable, "-c", "import rapport.wsgi"],
        env={**clean_env(), **var, "RAPPORT_MASTER_KEY": KEY_B},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert web.returncode != 0 and "RAPPORT_MASTER_KEY cannot open data key" in web.stderr
    # The new key first and the old one after it: everything starts (rotation's first step).
    both = run_rapport("check", RAPPORT_MASTER_KEY=f"{KEY_B},{KEY_A}", **var)
    assert both.returncode == 0, both.stderr


def _migrate_under_key_a(var: Path) -> None:
    """The var folder's database, migrated with its data key sealed under KEY_A. On SQLite the
    test run's template database is just that (tests/helpers/template_db.py; the run's own key
    is KEY_A): a copy spares a `migrate` of every migration, about 5 s. Else, or before any
    test of the run has saved the template, `rapport migrate`."""
    assert os.environ["RAPPORT_MASTER_KEY"] == KEY_A
    template = template_db.template_path()
    if template is not None and template.exists():
        shutil.copyfile(template, var / "rapport.sqlite3")
        return
    migrated = run_rapport(
        "migrate", "--no-input", RAPPORT_MASTER_KEY=KEY_A, RAPPORT_VAR_DIR=str(var)
    )
    assert migrated.returncode == 0, migrated.stderr


def clean_env() -> dict[str, str]:
    """The environment without the test run's own settings, as run_rapport starts with."""
    ours = ("RAPPORT_", "DATABASE_URL", "EMAIL_", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_")
    clean = {key: value for key, value in os.environ.items() if not key.startswith(ours)}
    return {**clean, "DJANGO_SETTINGS_MODULE": "rapport.settings"}
