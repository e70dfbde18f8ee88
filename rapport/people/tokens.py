"""The invitation link's token: Django's password-reset token with its own salt and lifetime.

Like a reset token it is signed with SECRET_KEY, names the person, and stops working once the
password is set (the hash covers the password and the last sign-in), so it works once. Its own
salt keeps an invitation token from serving as a reset token and back; it lives
RAPPORT_INVITATION_DAYS instead of PASSWORD_RESET_TIMEOUT (three hours are too short for a
first email that may wait over a weekend)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int

from rapport.people.models import Person


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "rapport.people.tokens.InvitationTokenGenerator"

    def check_token(self, user: Person | None, token: str | None) -> bool:
        if not (user and token):
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        lifetime = settings.RAPPORT_INVITATION_DAYS * 24 * 60 * 60
        return self._num_seconds(self._now()) - timestamp <= lifetime


invitation_token_generator = InvitationTokenGenerator()
