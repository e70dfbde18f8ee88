"""How a Person authenticates: Django's model backend, less the demo accounts in production,
and less passwords when single sign-on replaces them (RAPPORT_PASSWORD_SIGN_IN=false) for
everyone but the break-glass administrators. Sign-in through the provider (rapport/people/sso.py)
asks `user_can_authenticate` too, so both ways in share these rules."""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from rapport.people.models import Person, normalise_email


def password_sign_in_allowed(email: str) -> bool:
    """Whether a password may be tried for this address at all. With RAPPORT_PASSWORD_SIGN_IN
    off, only the addresses in RAPPORT_PASSWORD_SIGN_IN_ADMINS may, and only while they belong
    to an admin (PersonBackend checks the role)."""
    if settings.PASSWORD_SIGN_IN:
        return True
    allowed = {normalise_email(address) for address in settings.PASSWORD_SIGN_IN_ADMINS}
    return normalise_email(email) in allowed


class PersonBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Person | None:
        address = username if username is not None else kwargs.get(Person.USERNAME_FIELD)
        if address is not None and not password_sign_in_allowed(str(address)):
            return None
        person = super().authenticate(request, username=username, password=password, **kwargs)
        # The break-glass address must still be an admin's: a demoted one loses the way in.
        is_admin = isinstance(person, Person) and person.is_admin
        if person is not None and not settings.PASSWORD_SIGN_IN and not is_admin:
            return None
        return person

    async def aauthenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Person | None:
        # Django's own async version would skip the rules above.
        return await sync_to_async(self.authenticate)(request, username, password, **kwargs)

    def user_can_authenticate(self, user: Person | AnonymousUser | None) -> bool:
        # Every demo account shares a password printed in our own documentation. Refusing them
        # here covers the sign-in form, a password set later by reset, and sessions that were
        # open before the switch to production (get_user asks this too).
        if settings.PRODUCTION and isinstance(user, Person) and user.is_demo:
            return False
        return super().user_can_authenticate(user)
