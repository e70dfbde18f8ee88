"""Access rows for the notify feature (see tests/test_access_matrix.py). Everyone signed in
has their own email choices; an unsubscribe link works for whoever holds it, signed in or not
(the signed link is the credential); the outbox is for admins only."""

from __future__ import annotations

from django.urls import reverse

from rapport.notify.models import Kind
from rapport.notify.unsubscribe import unsubscribe_token
from tests.access_rows.base import PUBLIC, SIGNED_IN, Row, Write, data, everyone, fixed, only
from tests.cast import ROLES, Cast

ROWS: dict[str, Row] = {
    "notify:preferences": Row(fixed("notify:preferences"), everyone(200)),
    "notify:unsubscribe": Row(
        lambda cast: reverse(
            "notify:unsubscribe", args=[unsubscribe_token(cast.report, Kind.REPORT_REMINDER)]
        ),
        PUBLIC,
    ),
    "notify:outbox": Row(fixed("notify:outbox"), only(("admin",))),
}


def unsubscribe_url(cast: Cast) -> str:
    return reverse(
        "notify:unsubscribe", args=[unsubscribe_token(cast.report, Kind.REPORT_REMINDER)]
    )


WRITES: dict[str, Write] = {
    # Each person's own choices: switching every kind off is a change for anyone.
    "notify:preferences": Write(
        fixed("notify:preferences"), data(kinds=["meeting_recap"]), allowed=SIGNED_IN
    ),
    # The signed link is the credential, whoever sends it.
    "notify:unsubscribe": Write(unsubscribe_url, data(), allowed=ROLES, ok=200),
    "notify:outbox": Write(fixed("notify:outbox"), data(to="ops@example.com"), allowed=("admin",)),
}
