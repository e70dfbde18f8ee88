"""Access rows for the second factor (see tests/test_access_matrix.py). Everyone signed in sets
up their own authenticator app and renews their own recovery codes (there is no way to name
someone else's); the sign-in's code step belongs to whoever passed the password step in that
browser, signed in or not (a signed-in person switches account, as with the password)."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.people import totp
from rapport.people.models import SecondFactor
from tests.access_rows.base import SIGNED_IN, Payload, Row, Write, everyone, fixed
from tests.cast import PASSWORD, ROLES, Cast

# The base32 of "12345678901234567890", RFC 6238's own test secret.
SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

ROWS: dict[str, Row] = {
    # Without a password step in this browser there is no code to ask: back to the start.
    "sign_in_code": Row(fixed("sign_in_code"), dict.fromkeys(ROLES, 302)),
    "account_second_factor": Row(fixed("account_second_factor"), everyone(200)),
    "account_recovery_codes": Row(fixed("account_recovery_codes"), everyone(405)),
}


def code_now(secret: str = SECRET) -> str:
    return totp.code_at(secret, totp.step_at(timezone.now()))


def the_report_has_an_app(cast: Cast) -> None:
    SecondFactor.objects.create(person=cast.report, secret=SECRET)


def everyone_has_an_app(cast: Cast) -> None:
    for role in ROLES:
        person = cast.person(role)
        if person is not None:
            SecondFactor.objects.create(person=person, secret=SECRET)


def password_step_as_the_report(client: Client, cast: Cast) -> None:
    client.post(reverse("login"), {"email": cast.report.email, "password": PASSWORD})


# The set-up page carries its secret signed for the viewer; the prime reads it as a browser would.
_shown: dict[str, str] = {}


def open_the_set_up_page(client: Client, cast: Cast) -> None:
    _shown.clear()
    page = client.get(reverse("account_second_factor")).content.decode()
    token = re.search(r'name="enrolment" value="([^"]+)"', page)
    secret = re.search(r'class="totp-secret">([A-Z2-7 ]+)<', page)
    if token and secret:
        _shown.update(enrolment=token.group(1), secret=secret.group(1).replace(" ", ""))


def code_from_the_set_up_page(cast: Cast) -> Payload:
    if not _shown:
        return {"enrolment": "not-shown", "code": "000000"}
    return {"enrolment": _shown["enrolment"], "code": code_now(_shown["secret"])}


WRITES: dict[str, Write] = {
    "sign_in_code": Write(
        fixed("sign_in_code"),
        lambda cast: {"code": code_now()},
        allowed=ROLES,
        arrange=the_report_has_an_app,
        prime=password_step_as_the_report,
    ),
    # The page with the new recovery codes answers the write itself: they are shown once.
    "account_second_factor": Write(
        fixed("account_second_factor"),
        code_from_the_set_up_page,
        allowed=SIGNED_IN,
        ok=200,
        prime=open_the_set_up_page,
    ),
    "account_recovery_codes": Write(
        fixed("account_recovery_codes"),
        lambda cast: {"code": code_now()},
        allowed=SIGNED_IN,
        ok=200,
        arrange=everyone_has_an_app,
    ),
}
