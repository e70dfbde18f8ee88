"""No input gives a 5xx: signed-in people send junk to every route of the access matrix.

For each route, a signed-in role that can reach it (manager, report, HR or admin from the cast)
sends a GET with a malformed query string and a POST of malformed form fields, to the route's
real address or to one with junk in its path parameters (unknown UUIDs, odd text where the
converter takes any text). The names are the project's real form field names and random ones;
the values are huge numbers, NUL characters, unicode, empty strings and random text, next to
valid values for the other fields (so that one bad field is not hidden behind another).

Every route gets the same probes first (every field set to "x", to a number past 64 bits, to a
NUL character; path parameters set to an unknown UUID and to text with a NUL character), then a
few drawn examples, seeded by the route's name. Each example runs in
a savepoint that is rolled back, so every example meets the same cast. It runs in the fast tier
on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote
from uuid import UUID

from django import forms
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import resolve, reverse
from hypothesis import HealthCheck, example, given, seed, settings
from hypothesis import strategies as st

from rapport.meetings.services import note_save
from tests.access_rows.base import Row
from tests.cast import Cast
from tests.helpers.urls import route_names
from tests.test_access_matrix import MATRIX

ROLES = ("manager", "report", "hr", "admin")
DRAWN_EXAMPLES_PER_ROUTE = 2
# Parameters some views read without a form (each checked there) and the upload's file field.
EXTRA_NAMES = ("discussed", "direction", "done", "meeting", "next", "file")
HUGE = "999999999999999999999"
PROBES = ("x", HUGE, "\x00")

NASTY = (
    "",
    " ",
    "0",
    "-1",
    HUGE,
    "-" + HUGE,
    "9223372036854775808",
    "32768",
    "1e309",
    "NaN",
    "Infinity",
    "x",
    "\x00",
    "a\x00b",
    "00000000-0000-0000-0000-000000000000",
    "2026-02-30",
    "10000-01-01",
    "0001-01-01",
    "25:61",
    "on",
    "'; DROP TABLE people_person; --",
    "../../etc/passwd",
    "\u202etxt.exe",
    "😀😀😀",
    "ǅ\u0301\u200b",
    "a" * 5000,
)


def _project_forms() -> Iterator[type[forms.BaseForm]]:
    """The project's forms (and Django's sign-in and password forms)."""
    reverse("home")  # importing the URL configuration imports every view, and so every form
    pending: list[type[forms.BaseForm]] = [forms.BaseForm]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith(("rapport.", "django.contrib.auth")):
            yield cls


def _plausible(field: forms.Field) -> str | None:
    """A value the field would accept, so that junk in one field meets valid others."""
    if isinstance(field, forms.ModelChoiceField | forms.FileField):
        return None
    if isinstance(field, forms.ChoiceField):
        choices: Any = field.choices
        values = [str(value) for value, _ in choices if value != ""]
        return values[0] if values else None
    by_type: list[tuple[type[forms.Field], str]] = [
        (forms.BooleanField, "on"),
        (forms.IntegerField, "1"),
        (forms.DecimalField, "1"),
        (forms.FloatField, "1"),
        (forms.DateTimeField, "2026-12-02T10:00"),
        (forms.DateField, "2026-12-02"),
        (forms.TimeField, "10:00"),
        (forms.EmailField, "someone@example.com"),
        (forms.UUIDField, "00000000-0000-4000-8000-000000000000"),
        (forms.CharField, "Words a person might write"),
    ]
    return next((value for kind, value in by_type if isinstance(field, kind)), None)


def _plausible_fields() -> dict[str, str]:
    fields: dict[str, str] = {}
    for form in _project_forms():
        declared: dict[str, forms.Field] = getattr(form, "base_fields", {})
        for name, field in declared.items():
            value = _plausible(field)
            if value is not None:
                fields.setdefault(name, value)
    return fields


PLAUSIBLE = _plausible_fields()
FIELD_NAMES = tuple(sorted({*PLAUSIBLE, *EXTRA_NAMES, "reports", "manager"}))

junk_text = st.one_of(
    st.sampled_from(NASTY), st.text(max_size=30), st.integers().map(str), st.uuids().map(str)
)
junk_name = st.one_of(st.sampled_from(FIELD_NAMES), st.text(min_size=1, max_size=10))
junk_value = st.one_of(junk_text, st.lists(junk_text, min_size=2, max_size=3))
junk_fields = st.dictionaries(junk_name, junk_value, min_size=1, max_size=5)
junk_file = st.builds(
    lambda content: SimpleUploadedFile("people.csv", content),
    st.one_of(
        st.binary(max_size=120),
        st.text(max_size=120).map(lambda text: f"email,name\n{text}".encode()),
    ),
)


def _header_safe(value: str) -> str:
    return re.sub(r"[\x00-\x1f\x7f]", "", value)


def _roles_that_reach(row: Row) -> tuple[str, ...]:
    # A role that gets a 404 on a GET is stopped before any input is read; POST-only routes
    # answer 405 to everyone's GET, so all four try them.
    return tuple(role for role in ROLES if row.expected[role] != 404) or ROLES


def _with_parameters(path: str, values: dict[str, Any]) -> str:
    """The address with each path parameter replaced (percent-encoded), whether or not its
    converter would let the new value through: the resolver must then answer 404."""
    real = resolve(path).kwargs
    for name, value in values.items():
        path = path.replace(str(real[name]), quote(str(value), safe=""), 1)
    return path


def _probe_path(path: str) -> str | None:
    """The address with an unknown UUID, or text with a NUL character (PostgreSQL refuses NUL
    in a query), in each path parameter; None for a route without parameters."""
    kwargs = resolve(path).kwargs
    if not kwargs:
        return None
    junk = {
        name: UUID(int=1) if isinstance(value, UUID) else "a\x00b" for name, value in kwargs.items()
    }
    return _with_parameters(path, junk)


def _junk_path(path: str) -> st.SearchStrategy[str]:
    """The address with unknown UUIDs or junk text in its path parameters."""
    kwargs = resolve(path).kwargs
    if not kwargs:
        return st.just(path)
    junk_segment = st.one_of(st.sampled_from(NASTY), st.text(min_size=1, max_size=40)).filter(
        lambda text: text.strip(".") != ""
    )
    choices = st.fixed_dictionaries(
        {
            name: st.one_of(st.uuids(), junk_segment) if isinstance(value, UUID) else junk_segment
            for name, value in kwargs.items()
        }
    )
    return choices.map(lambda chosen: _with_parameters(path, chosen))


class Sender:
    """One signed-in client per role, kept signed in across examples (a POST to sign-out
    ends the session, and the savepoint brings it back)."""

    def __init__(self, cast: Cast) -> None:
        self.cast = cast
        # Saved notes, so that note saves with junk versions reach the conflict path.
        for author in (cast.manager, cast.report):
            note_save(
                meeting=cast.meeting, author=author, kind="shared", body="Notes", base_version=0
            )
        self.clients: dict[str, Client] = {}
        for role in ROLES:
            client = Client()
            client.force_login(cast.person(role))  # type: ignore[arg-type]
            self.clients[role] = client
        self.sessions = {
            role: client.cookies[django_settings.SESSION_COOKIE_NAME].value
            for role, client in self.clients.items()
        }

    def base(self) -> dict[str, Any]:
        return {
            **PLAUSIBLE,
            "one_on_one": str(self.cast.one_on_one.uuid),
            "meeting": str(self.cast.meeting.uuid),
            "reports": str(self.cast.report.pk),
        }

    def send(self, role: str, path: str, drawn: dict[str, Any]) -> None:
        client = self.clients[role]
        base = self.base() if drawn["plausible"] else {}
        form = {**base, **drawn["fields"]}
        if drawn["file"] is not None:
            form["file"] = drawn["file"]
        headers = {"HX-Request": "true", "HX-Target": drawn["hx_target"]} if drawn["htmx"] else {}
        with transaction.atomic():
            try:
                query = {**base, **drawn["fields"]}
                response = client.get(path, query, headers=headers)
                assert response.status_code < 500, f"GET {path} answered {response.status_code}"
                response = client.post(path, form, headers=headers)
                assert response.status_code < 500, f"POST {path} answered {response.status_code}"
            finally:
                transaction.set_rollback(True)
                client.cookies[django_settings.SESSION_COOKIE_NAME] = self.sessions[role]


def _probe(role: str, value: str) -> dict[str, Any]:
    """Every field name set to the same bad value, the route's own address."""
    return {
        "role": role,
        "path": None,
        "plausible": False,
        "fields": dict.fromkeys(FIELD_NAMES, value),
        "file": None,
        "htmx": False,
        "hx_target": "",
    }


def _sweep(sender: Sender, name: str, row: Row) -> None:
    path = row.url(sender.cast).split("?", 1)[0]
    roles = _roles_that_reach(row)
    drawn = st.fixed_dictionaries(
        {
            "role": st.sampled_from(roles),
            "path": st.one_of(st.none(), _junk_path(path)),
            "plausible": st.booleans(),
            "fields": junk_fields,
            "file": st.one_of(st.none(), junk_file),
            "htmx": st.booleans(),
            "hx_target": junk_text.map(_header_safe),
        }
    )

    @seed(zlib.crc32(name.encode()))
    @settings(
        max_examples=DRAWN_EXAMPLES_PER_ROUTE,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(drawn)
    def sweep(request: dict[str, Any]) -> None:
        sender.send(request["role"], request["path"] or path, request)

    for value in PROBES:
        sweep = example(_probe(roles[0], value))(sweep)
    if (junk_path := _probe_path(path)) is not None:
        sweep = example({**_probe(roles[0], "x"), "path": junk_path})(sweep)
    sweep()


def test_no_input_to_any_route_gives_a_server_error(cast: Cast) -> None:
    assert route_names() <= MATRIX.keys(), "every route is swept: give new routes their row"
    sender = Sender(cast)
    failures = {}
    for name, row in sorted(MATRIX.items()):
        try:
            _sweep(sender, name, row)
        except Exception as error:  # every route is tried and all failures are reported
            failures[name] = f"{type(error).__name__}: {str(error)[:800]}"
    assert not failures, "\n\n".join(f"{name}: {error}" for name, error in failures.items())
