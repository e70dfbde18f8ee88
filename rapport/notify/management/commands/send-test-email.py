"""`rapport send-test-email someone@example.com`: send one test email now, through the outbox,
and say whether the mail server took it."""

from __future__ import annotations

import uuid
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.utils import timezone

from rapport.notify import emails, services
from rapport.notify.models import Outbox


class Command(BaseCommand):
    help = "Send a test email to check the email settings."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("address")

    def handle(self, *args: Any, **options: Any) -> None:
        address = options["address"].strip()
        try:
            validate_email(address)
        except ValidationError:
            raise CommandError(f"{address!r} is not an email address.") from None
        email = emails.sample_email(to=address, by=None, nonce=uuid.uuid4().hex)
        services.outbox_add(email)
        row = Outbox.objects.get(key=email.key)
        services.outbox_claim(row.pk, now=timezone.now())
        if not services.outbox_deliver(row):
            row.refresh_from_db()
            raise CommandError(f"Not sent: {row.last_error}")
        self.stdout.write(f"Sent a test email to {address}.")
