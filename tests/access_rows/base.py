"""Building blocks of access-matrix rows: a URL maker and the status each role must get, for
reads (Row) and for writes with their payload (Write)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django.urls import reverse

from tests.cast import ROLES, Cast


@dataclass(frozen=True)
class Row:
    url: Callable[[Cast], str]
    expected: dict[str, int]
    # An API row: sent with a token of this scope (tests/access_rows/api.py) instead of a session.
    token: str | None = None


def everyone(status: int, **overrides: int) -> dict[str, int]:
    signed_in = {role: status for role in ROLES if role != "anonymous"}
    return {"anonymous": 302, **signed_in, **overrides}


def only(allowed: tuple[str, ...], status: int = 200) -> dict[str, int]:
    return everyone(404, **dict.fromkeys(allowed, status))


def fixed(path: str) -> Callable[[Cast], str]:
    return lambda cast: reverse(path)


def person(route: str) -> Callable[[Cast], str]:
    return lambda cast: reverse(route, kwargs={"person_uuid": cast.report.uuid})


PUBLIC = dict.fromkeys(ROLES, 200)
SIGNED_IN = tuple(role for role in ROLES if role != "anonymous")


Payload = dict[str, Any]


@dataclass(frozen=True)
class Write:
    """A write route (POST) with a payload that the roles in `allowed` may send: each of them gets
    `ok` and the database changes; everyone else gets `refused` (302 to sign-in when signed out)
    and the database stays exactly as it was.

    `arrange` prepares what the write needs (an active goal, a running clock) inside the test's
    rolled-back transaction; `prime` runs a request first with the same client (a reset link).
    `changes=False` marks the writes that only read or touch the session (the live SMART check,
    signing out)."""

    url: Callable[[Cast], str]
    payload: Callable[[Cast], Payload]
    allowed: tuple[str, ...]
    ok: int = 302
    refused: int = 404
    htmx: bool = False
    changes: bool = True
    arrange: Callable[[Cast], None] | None = None
    prime: Callable[[Client, Cast], None] | None = None
    overrides: dict[str, int] = field(default_factory=dict)
    # An API write: a JSON body, sent with a token of this scope instead of a session.
    token: str | None = None

    def expected(self, role: str) -> int:
        if role in self.overrides:
            return self.overrides[role]
        if role in self.allowed:
            return self.ok
        return 302 if role == "anonymous" else self.refused


def data(**values: Any) -> Callable[[Cast], Payload]:
    return lambda cast: values
