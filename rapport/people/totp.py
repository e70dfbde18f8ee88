"""Time-based one-time passwords (RFC 6238) as authenticator apps expect them: HMAC-SHA-1, a
30-second step, six digits. The standard library's hmac is all it takes (RFC 4226's dynamic
truncation is a few lines), so there is no dependency for the codes themselves; the QR code
that carries the secret to the app comes from segno (pure Python, no dependencies of its own).

Pure functions of their arguments: the clock is passed in, so tests pin it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from datetime import datetime
from urllib.parse import quote, urlencode

import segno

STEP_SECONDS = 30
DIGITS = 6
# A code is accepted one step early or late: a phone's clock drifts, people type slowly.
DRIFT_STEPS = 1
SECRET_BYTES = 20  # 160 bits, RFC 4226's recommendation for HMAC-SHA-1
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


def new_secret() -> str:
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def step_at(moment: datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def code_at(secret: str, step: int) -> str:
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def normalise_code(code: str) -> str:
    """What people type: spaces and dashes dropped ("123 456", "abcd-efgh")."""
    return "".join(code.split()).replace("-", "").lower()


def is_code_shaped(code: str) -> bool:
    return len(code) == DIGITS and code.isascii() and code.isdigit()


def matching_step(secret: str, code: str, moment: datetime) -> int | None:
    """The step whose code `code` is, within the drift around `moment`, or None."""
    code = normalise_code(code)
    if not is_code_shaped(code):
        return None
    now = step_at(moment)
    found = None
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        # Every candidate compared, in constant time: the answer's timing tells nothing.
        if hmac.compare_digest(code_at(secret, step), code):
            found = step
    return found


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    label = quote(f"{issuer}:{account}")
    query = urlencode(
        {
            "secret": secret,
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": DIGITS,
            "period": STEP_SECONDS,
        }
    )
    return f"otpauth://totp/{label}?{query}"


def qr_code_data_uri(uri: str) -> str:
    """An SVG image of the QR code as a data: address (the page's CSP allows data: images)."""
    return str(segno.make_qr(uri, error="m").svg_data_uri(scale=5, border=2))


def new_recovery_codes() -> list[str]:
    """Ten single-use codes, written "xxxxx-xxxxx" (about 49 bits each)."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def recovery_code_digest(code: str) -> str:
    """Stored instead of the code. A plain SHA-256 suffices: the codes are random and long, so
    there is no dictionary to try, and a slow hash would cost every sign-in ten times over."""
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()
