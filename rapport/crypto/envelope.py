"""Sealing and opening private text under the installation's data key.

A sealed value reads `enc:v1:<kid>:<base64 of nonce and ciphertext>`; a value without the prefix
is legacy plaintext (written before encryption) and is returned as it is. The data keys live in
DataKey, wrapped by the master key; once unwrapped they stay in this process's memory, so
reading or writing a row costs no query for its key (one query on the first use of a key)."""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import threading
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, transaction
from django.utils import timezone

from rapport.crypto.models import DataKey

PREFIX = "enc:v1:"
NONCE_BYTES = 12
DATA_KEY_BYTES = 32
HOW_TO_FIX = (
    "Set RAPPORT_MASTER_KEY to the master key this database was set up with (while rotating, "
    "the new key first and the old one after it, comma-separated); see docs/operations.md."
)


class MasterKeyMismatch(ImproperlyConfigured):
    """The configured master keys cannot open a data key of the database."""


@dataclass
class _Keys:
    by_kid: dict[str, AESGCM] = field(default_factory=dict)
    current: str | None = None


_keys = _Keys()
_lock = threading.Lock()


def master_keys() -> list[bytes]:
    return list(settings.RAPPORT_MASTER_KEYS)


def master_key_id(key: bytes) -> str:
    """A fingerprint naming a master key in the database and in messages; not the key."""
    return hashlib.sha256(b"rapport-master-key:" + key).hexdigest()[:12]


def _aad(kid: str) -> bytes:
    return f"rapport-data-key:{kid}".encode()


def wrap(data_key: bytes, kid: str, master: bytes) -> str:
    nonce = os.urandom(NONCE_BYTES)
    return base64.b64encode(nonce + AESGCM(master).encrypt(nonce, data_key, _aad(kid))).decode()


def unwrap(row: DataKey, masters: list[bytes]) -> bytes:
    by_id = {master_key_id(key): key for key in masters}
    master = by_id.get(row.master_key_id)
    if master is None:
        raise MasterKeyMismatch(
            f"RAPPORT_MASTER_KEY cannot open data key {row.kid}: it was wrapped by master key "
            f"{row.master_key_id}, and the configured keys are {', '.join(by_id) or 'none'}. "
            + HOW_TO_FIX
        )
    raw = base64.b64decode(row.wrapped)
    try:
        return AESGCM(master).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(row.kid))
    except InvalidTag:
        raise MasterKeyMismatch(
            f"RAPPORT_MASTER_KEY does not open data key {row.kid} (master key "
            f"{row.master_key_id} fails its integrity check). " + HOW_TO_FIX
        ) from None


def new_data_key(*, using: str = "default") -> DataKey:
    kid = secrets.token_hex(6)
    newest = master_keys()[0]
    return DataKey.objects.using(using).create(
        kid=kid,
        wrapped=wrap(secrets.token_bytes(DATA_KEY_BYTES), kid, newest),
        master_key_id=master_key_id(newest),
    )


def _newest_row(using: str) -> DataKey | None:
    return (
        DataKey.objects.using(using)
        .filter(retired_at__isnull=True)
        .order_by("-created_at", "-pk")
        .first()
    )


def _remember(row: DataKey) -> AESGCM:
    key = AESGCM(unwrap(row, master_keys()))
    with _lock:
        _keys.by_kid[row.kid] = key
    return key


def _make_current(kid: str) -> None:
    with _lock:
        _keys.current = kid


def _current() -> tuple[str, AESGCM]:
    kid = _keys.current
    if kid is not None and kid in _keys.by_kid:
        return kid, _keys.by_kid[kid]
    row = _newest_row("default")
    if row is None:
        row = new_data_key()
        key = _remember(row)
        # Remembered as the current key only once it is committed: a key made in a transaction
        # that rolls back must never encrypt a row that outlives it.
        transaction.on_commit(lambda: _make_current(row.kid))
        return row.kid, key
    key = _remember(row)
    _make_current(row.kid)
    return row.kid, key


def _key_of(kid: str) -> AESGCM:
    key = _keys.by_kid.get(kid)
    if key is not None:
        return key
    row = DataKey.objects.filter(kid=kid).first()
    if row is None:
        raise MasterKeyMismatch(f"Data key {kid} is not in the database. " + HOW_TO_FIX)
    return _remember(row)


def _encrypted(data: bytes) -> tuple[str, bytes]:
    """The current data key's id, and `data` encrypted under it: the nonce, then the
    ciphertext."""
    kid, key = _current()
    nonce = os.urandom(NONCE_BYTES)
    return kid, nonce + key.encrypt(nonce, data, None)


def _decrypted(kid: str, raw: bytes) -> bytes:
    return _key_of(kid).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], None)


def seal(text: str) -> str:
    kid, raw = _encrypted(text.encode())
    return f"{PREFIX}{kid}:{base64.urlsafe_b64encode(raw).decode()}"


def seal_bytes(data: bytes) -> bytes:
    """`data` sealed as bytes, `<kid>:<nonce><ciphertext>` with no text encoding, for stores
    that keep bytes (the shared cache): no base64 to undo on every read."""
    kid, raw = _encrypted(data)
    return kid.encode("ascii") + b":" + raw


def open_bytes(sealed: bytes) -> bytes:
    kid, _, raw = sealed.partition(b":")
    return _decrypted(kid.decode("ascii"), raw)


def is_sealed(value: str) -> bool:
    return value.startswith(PREFIX)


def kid_of(value: str) -> str | None:
    return value[len(PREFIX) :].split(":", 1)[0] if is_sealed(value) else None


def open_text(value: str) -> str:
    if not is_sealed(value):
        return value  # legacy plaintext, from before encryption (the migrations seal it)
    kid, body = value[len(PREFIX) :].split(":", 1)
    return _decrypted(kid, base64.urlsafe_b64decode(body)).decode()


def forget_keys() -> None:
    """Drop every unwrapped key from memory (after a rotation in this process)."""
    with _lock:
        _keys.by_kid.clear()
        _keys.current = None


def ensure_data_key(*, using: str = "default") -> None:
    """There is a current data key, and this process holds it (and every other) in memory."""
    try:
        rows = list(DataKey.objects.using(using).all())
    except DatabaseError:
        return  # the table is not there (migrating backwards): nothing to hold
    forget_keys()
    if not any(row.retired_at is None for row in rows):
        rows.append(new_data_key(using=using))
    for row in rows:
        _remember(row)
    newest = _newest_row(using)
    if newest is not None:
        _make_current(newest.kid)


def key_problems() -> list[str]:
    """Why the configured master keys cannot open the database's data keys (none: they can).
    Reads the database afresh, whatever this process holds in memory."""
    problems = []
    for row in DataKey.objects.all():
        try:
            unwrap(row, master_keys())
        except MasterKeyMismatch as problem:
            problems.append(str(problem))
    return problems


def verify_at_start() -> None:
    """For the web server: stop at once, with the reason, on a wrong key; else hold the keys."""
    try:
        problems = key_problems()
    except DatabaseError:
        return  # no database yet, or not reachable: the first use says what is wrong
    if problems:
        raise MasterKeyMismatch("\n".join(problems))
    # Held from the start, so no request pays for the first look-up of a key.
    for row in DataKey.objects.all():
        _remember(row)
    newest = _newest_row("default")
    if newest is not None:
        _make_current(newest.kid)


def retire_all_but(kid: str) -> int:
    return (
        DataKey.objects.exclude(kid=kid)
        .filter(retired_at__isnull=True)
        .update(retired_at=timezone.now())
    )
