"""Model fields whose values are sealed in the database and plain in Python.

They seal in get_prep_value and open in from_db_value, so services, selectors, bulk writers and
exports read and write plain text as before. The database cannot compare ciphertext: the only
lookups left are `isnull` and `exact` against the empty string (empty values are stored empty);
match text in Python after reading it (rapport/meetings/selectors.py, search)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldError
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.lookups import Exact

from rapport.crypto import envelope


class EmptyOnlyExact(Exact):
    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None) and not hasattr(self.rhs, "resolve_expression"):
            raise FieldError(
                f"{self.lhs.target} is encrypted at rest: compare its text in Python after "
                "reading it (only `exact` with the empty string and `isnull` reach the database)."
            )
        return super().get_prep_lookup()


def _open(value: Any) -> Any:
    return value if value is None else envelope.open_text(value)


def _seal(value: Any) -> Any:
    if value is None or value == "":
        return value
    return envelope.seal(str(value))


class _Sealed(models.Field):
    """What both fields do: seal on the way in, open on the way out, and refuse lookups the
    database cannot answer on ciphertext."""

    def from_db_value(self, value: Any, expression: Any, connection: BaseDatabaseWrapper) -> Any:
        return _open(value)

    def get_prep_value(self, value: Any) -> Any:
        return _seal(super().get_prep_value(value))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return EmptyOnlyExact
        return super().get_lookup(lookup_name) if lookup_name == "isnull" else None


class EncryptedTextField(_Sealed, models.TextField):
    description = "Text encrypted at rest"


class EncryptedCharField(_Sealed, models.CharField):
    """A one-line text with a maximum length (checked on the plain text, as before), kept in
    a text column: the sealed value is longer than the text."""

    description = "One-line text encrypted at rest"

    def db_type(self, connection: BaseDatabaseWrapper) -> str | None:
        return str(connection.data_types["TextField"])
