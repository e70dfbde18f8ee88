"""Typed reading of configuration from environment variables.

Every helper fails loudly with `ConfigError`, naming the variable and what it expects, so a
typo in a deployment stops start-up instead of silently running with a default.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class ConfigError(Exception):
    def __init__(self, name: str, expected: str, got: str | None = None) -> None:
        shown = f" (got {got!r})" if got is not None else ""
        super().__init__(f"Configuration error: {name} must be {expected}{shown}.")


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(name, "one of true/false, yes/no, on/off, 1/0", raw)


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(name, "a whole number", raw) from None
    if value < minimum or (maximum is not None and value > maximum):
        upper = f" and at most {maximum}" if maximum is not None else ""
        raise ConfigError(name, f"at least {minimum}{upper}", raw)
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def origin_of(url: str) -> str:
    """scheme://host[:port] of an absolute URL, as a Content-Security-Policy source."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    raw = os.environ.get(name, default).strip().lower()
    if raw not in choices:
        raise ConfigError(name, "one of " + ", ".join(choices), raw)
    return raw


ROLES_WITH_SECOND_FACTOR = ("member", "hr", "admin")


def totp_required_for(name: str, default: tuple[str, ...]) -> frozenset[str]:
    """The roles that must use a second factor: a comma-separated list of member, hr and admin,
    "everyone" for all three, or "nobody"."""
    raw = os.environ.get(name)
    if raw is None:
        return frozenset(default)
    items = {item.strip().lower() for item in raw.split(",") if item.strip()}
    if items == {"everyone"}:
        return frozenset(ROLES_WITH_SECOND_FACTOR)
    if items in ({"nobody"}, set()):
        return frozenset()
    if not items <= set(ROLES_WITH_SECOND_FACTOR):
        raise ConfigError(name, "hr,admin (any of member, hr, admin), everyone or nobody", raw)
    return frozenset(items)


def secret_key(*, production: bool, keep_in: Path) -> str:
    """The SECRET_KEY from the environment; locally, one generated once and kept in a file."""
    key = os.environ.get("SECRET_KEY", "")
    if key:
        if len(key) < 50:
            raise ConfigError("SECRET_KEY", "at least 50 characters long", "<hidden>")
        return key
    if production:
        raise ConfigError("SECRET_KEY", "set in production (50+ random characters)")
    if keep_in.exists():
        return keep_in.read_text().strip()
    keep_in.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(60)
    keep_in.write_text(key)
    keep_in.chmod(0o600)
    return key


MASTER_KEY_BYTES = 32


def master_keys(*, production: bool, keep_in: Path) -> tuple[list[bytes], bool]:
    """The master keys from RAPPORT_MASTER_KEY (base64 of 32 bytes each, comma-separated, the
    newest first), and whether a local one was generated just now. Outside production a key is
    generated once and kept in a file, as for SECRET_KEY; production requires the variable."""
    raw = os.environ.get("RAPPORT_MASTER_KEY", "").strip()
    if raw:
        return [_master_key(part.strip()) for part in raw.split(",") if part.strip()], False
    if production:
        raise ConfigError(
            "RAPPORT_MASTER_KEY",
            "set in production (base64 of 32 random bytes: "
            "python3 -c 'import os, base64; print(base64.b64encode(os.urandom(32)).decode())')",
        )
    if keep_in.exists():
        return [_master_key(keep_in.read_text().strip())], False
    keep_in.parent.mkdir(parents=True, exist_ok=True)
    keep_in.write_text(base64.b64encode(secrets.token_bytes(MASTER_KEY_BYTES)).decode())
    keep_in.chmod(0o600)
    return [_master_key(keep_in.read_text().strip())], True


def _master_key(text: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != MASTER_KEY_BYTES:
        raise ConfigError(
            "RAPPORT_MASTER_KEY", "base64 of exactly 32 bytes per key, comma-separated", "<hidden>"
        )
    return key


def database(name: str, *, sqlite_path: Path) -> dict[str, Any]:
    """Django DATABASES['default'] from a URL; SQLite under var/ when the variable is unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return sqlite_config(sqlite_path)
    url = urlsplit(raw)
    if url.scheme == "sqlite":
        # sqlite:///relative/path.db or sqlite:////absolute/path.db
        path = url.path[1:] if url.path.startswith("/") else url.path
        if not path:
            raise ConfigError(name, "a SQLite URL with a file path, like sqlite:///var/db.sqlite3")
        return sqlite_config(Path(path))
    if url.scheme in ("postgres", "postgresql", "pgsql"):
        if not url.path.strip("/"):
            raise ConfigError(name, "a PostgreSQL URL with a database name", raw)
        options = {key: values[-1] for key, values in parse_qs(url.query).items()}
        try:
            port = url.port
        except ValueError:
            raise ConfigError(name, "a PostgreSQL URL with a numeric port", raw) from None
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(url.path.strip("/")),
            "USER": unquote(url.username or ""),
            "PASSWORD": unquote(url.password or ""),
            "HOST": url.hostname or "",
            "PORT": str(port or ""),
            "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ConfigError(name, "a postgres:// or sqlite:// URL", raw)


def sqlite_config(path: Path) -> dict[str, Any]:
    path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        # Tests use a file too, not the in-memory default: in memory, SQLite's shared cache
        # fails at once with "table is locked" where a file waits out the busy timeout, and the
        # browser tests' live server writes from its own thread.
        "TEST": {"NAME": str(path.with_name(path.stem + "-test.sqlite3"))},
        # Kept open between requests, as for PostgreSQL: a new connection starts with an empty
        # page cache and parses the schema again.
        "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            # IMMEDIATE takes the write lock when a transaction starts, so concurrent writers
            # wait (up to the timeout) instead of failing with "database is locked".
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            # secure_delete: deleted text (an erasure, the retention policy) is overwritten in
            # the file, not left in free pages; Debian's SQLite does it by default, others not.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                " PRAGMA secure_delete=ON;"
            ),
        },
    }


# Django's database cache keeps its entries in this table; the people app's migration
# 0014_shared_cache_table creates it, so every database migrated has it.
CACHE_TABLE = "rapport_cache"


def cache(name: str) -> dict[str, Any]:
    """Django CACHES['default'] from a URL: the database cache (shared by every process on the
    same database) when the variable is unset, Django's Redis backend for redis:// or rediss://,
    and a per-process memory cache for locmem:// (one process only: tests, a quick look)."""
    return cache_from(os.environ.get(name, "").strip(), name=name)


def cache_from(raw: str, *, name: str = "RAPPORT_CACHE_URL") -> dict[str, Any]:
    if not raw:
        return {
            # Values sealed like the columns they come from (rapport/crypto/cache.py).
            "BACKEND": "rapport.crypto.cache.SealedDatabaseCache",
            "LOCATION": CACHE_TABLE,
            # Culling is a DELETE over a third of the table; page data is small and per viewer.
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    scheme = urlsplit(raw).scheme
    if scheme in ("redis", "rediss"):
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": raw,
            "OPTIONS": {"serializer": "rapport.crypto.cache.SealedRedisSerializer"},
        }
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rapport"}
    raise ConfigError(name, "a redis://, rediss:// or locmem:// URL (unset: the database)", raw)
