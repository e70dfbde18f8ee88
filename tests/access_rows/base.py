"""Building blocks of access-matrix rows: a URL maker and the status each role must get."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from tests.cast import ROLES, Cast


@dataclass(frozen=True)
class Row:
    url: Callable[[Cast], str]
    expected: dict[str, int]


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
