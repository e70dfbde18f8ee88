from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rapport import env

ROOT = Path(__file__).resolve().parents[2]


def test_a_bad_boolean_names_the_variable_and_what_it_expects(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RAPPORT_DEBUG", "maybe")
    with pytest.raises(env.ConfigError, match=r"RAPPORT_DEBUG must be one of true/false.*'maybe'"):
        env.env_bool("RAPPORT_DEBUG")


def test_a_bad_number_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMAIL_PORT", "twenty-five")
    with pytest.raises(env.ConfigError, match="EMAIL_PORT must be a whole number"):
        env.env_int("EMAIL_PORT", 25)


def test_a_number_out_of_range_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMAIL_PORT", "70000")
    with pytest.raises(env.ConfigError, match="at most 65535"):
        env.env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)


def test_postgres_urls_become_django_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(
        "DATABASE_URL", "postgres://rapport:s%40cret@db.internal:6543/rapport?sslmode=require"
    )
    config = env.database("DATABASE_URL", sqlite_path=tmp_path / "x.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("rapport", "rapport", "s@cret")
    assert (config["HOST"], config["PORT"]) == ("db.internal", "6543")
    assert config["OPTIONS"] == {"sslmode": "require"}


def test_an_unknown_database_scheme_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://root@localhost/rapport")
    with pytest.raises(
        env.ConfigError, match="DATABASE_URL must be a postgres:// or sqlite:// URL"
    ):
        env.database("DATABASE_URL", sqlite_path=tmp_path / "x.sqlite3")


def test_sqlite_is_the_default_and_is_set_up_for_concurrent_writers(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = env.database("DATABASE_URL", sqlite_path=tmp_path / "var" / "rapport.sqlite3")
    assert config["NAME"] == str(tmp_path / "var" / "rapport.sqlite3")
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert config["OPTIONS"]["timeout"] >= 5
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_the_local_secret_key_is_generated_once_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = env.secret_key(production=False, keep_in=tmp_path / "secret_key")
    second = env.secret_key(production=False, keep_in=tmp_path / "secret_key")
    assert first == second and len(first) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_requires_a_secret_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(env.ConfigError, match="SECRET_KEY must be set in production"):
        env.secret_key(production=True, keep_in=tmp_path / "secret_key")


def run_rapport(*args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    # The test run's own settings (and the browser tests' async override) must not leak in.
    ours = ("RAPPORT_", "DATABASE_URL", "EMAIL_", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_")
    clean = {key: value for key, value in os.environ.items() if not key.startswith(ours)}
    return subprocess.run(
        [sys.executable, "-m", "rapport.manage", *args],
        env={**clean, "DJANGO_SETTINGS_MODULE": "rapport.settings", **variables},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION = {
    "RAPPORT_PRODUCTION": "true",
    "SECRET_KEY": "x" * 20 + "-production-secret-key-for-the-deploy-check-0123456789",
    "ALLOWED_HOSTS": "rapport.example.com",
    "EMAIL_HOST": "smtp.example.com",
    "RAPPORT_MASTER_KEY": base64.b64encode(bytes(range(32, 64))).decode(),
}


def test_start_up_stops_on_a_bad_value_and_says_which(tmp_path: Path) -> None:
    result = run_rapport("check", RAPPORT_DEBUG="perhaps", RAPPORT_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "RAPPORT_DEBUG must be one of true/false" in result.stderr


def test_check_deploy_is_clean_under_production_settings(tmp_path: Path) -> None:
    result = run_rapport(
        "check", "--deploy", "--fail-level", "WARNING", RAPPORT_VAR_DIR=str(tmp_path), **PRODUCTION
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_allowed_hosts(tmp_path: Path) -> None:
    settings = {**PRODUCTION, "ALLOWED_HOSTS": ""}
    result = run_rapport("check", RAPPORT_VAR_DIR=str(tmp_path), **settings)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be a comma-separated list" in result.stderr


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"RAPPORT_BEHIND_PROXY": "perhaps"}, "RAPPORT_BEHIND_PROXY must be one of true/false"),
        ({"RAPPORT_PROXY_HOPS": "0"}, "RAPPORT_PROXY_HOPS must be at least 1"),
    ],
)
def test_proxy_settings_are_read_strictly(
    tmp_path: Path, variables: dict[str, str], message: str
) -> None:
    result = run_rapport("check", RAPPORT_VAR_DIR=str(tmp_path), **variables)
    assert result.returncode != 0
    assert message in result.stderr
