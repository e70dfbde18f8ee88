"""How a Person authenticates: Django's model backend, less the demo accounts in production."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser

from rapport.people.models import Person


class PersonBackend(ModelBackend):
    def user_can_authenticate(self, user: Person | AnonymousUser | None) -> bool:
        # Every demo account shares a password printed in our own documentation. Refusing them
        # here covers the sign-in form, a password set later by reset, and sessions that were
        # open before the switch to production (get_user asks this too).
        if settings.PRODUCTION and isinstance(user, Person) and user.is_demo:
            return False
        return super().user_can_authenticate(user)
