"""Signed one-click unsubscribe links: the link itself is the credential, so it works without
signing in, names one person and one kind of email, and any change to it breaks the signature."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from rapport.notify.models import CHOOSABLE_KINDS
from rapport.people.models import Person

SALT = "rapport.notify.unsubscribe"


def unsubscribe_token(person: Person, kind: str) -> str:
    return signing.dumps([str(person.uuid), kind], salt=SALT)


def unsubscribe_url(person: Person, kind: str) -> str:
    path = reverse("notify:unsubscribe", kwargs={"token": unsubscribe_token(person, kind)})
    return settings.BASE_URL + path


def read_unsubscribe_token(token: str) -> tuple[Person, str] | None:
    """The person and kind the token was made for, or None if it is not one of ours."""
    try:
        person_uuid, kind = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if kind not in CHOOSABLE_KINDS:
        return None
    person = Person.objects.filter(uuid=person_uuid).first()
    return (person, kind) if person is not None else None
