"""Access rows for the notify feature (see tests/test_access_matrix.py). Everyone signed in
has their own email choices; an unsubscribe link works for whoever holds it, signed in or not
(the signed link is the credential); the outbox is for admins only."""

from __future__ import annotations

from django.urls import reverse

from rapport.notify.models import Kind
from rapport.notify.unsubscribe import unsubscribe_token
from tests.access_rows.base import (
    PUBLIC,
    SIGNED_IN,
    Row,
    Write,
    data,
    everyone,
    fixed,
    only,
    person,
)
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
    # Chat webhooks: each person's own is posted here from the email choices page; admins see
    # and set anyone's (on the person's page) and the organisation's.
    "notify:chat": Row(fixed("notify:chat"), everyone(405)),
    "notify:person_chat": Row(person("notify:person_chat"), only(("admin",))),
    "notify:organisation_chat": Row(fixed("notify:organisation_chat"), only(("admin",))),
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
    "notify:chat": Write(
        fixed("notify:chat"),
        data(flavour="slack", url="https://hooks.slack.com/services/T0/B0/secret"),
        allowed=SIGNED_IN,
    ),
    "notify:person_chat": Write(
        person("notify:person_chat"),
        data(flavour="teams", url="https://example.webhook.office.com/workflows/secret"),
        allowed=("admin",),
    ),
    "notify:organisation_chat": Write(
        fixed("notify:organisation_chat"),
        data(flavour="json", url="https://router.example.com/rapport/secret"),
        allowed=("admin",),
    ),
}
