"""rapport rotate-key: re-wrap the data keys under the newest master key; with --new-data-key,
also encrypt every private value again under a new data key (docs/operations.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from rapport.crypto import envelope, rotation


class Command(BaseCommand):
    help = (
        "Re-wrap the data keys under the newest master key (the first of RAPPORT_MASTER_KEY). "
        "--new-data-key also starts a new data key and re-encrypts every private value under "
        "it; --re-encrypt only re-encrypts what is not under the current data key yet; "
        "--forget-retired deletes retired data keys no value uses any more."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--new-data-key", action="store_true")
        parser.add_argument("--re-encrypt", action="store_true")
        parser.add_argument("--forget-retired", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        newest = envelope.master_key_id(envelope.master_keys()[0])
        rewrapped = rotation.rewrap()
        self.stdout.write(f"Re-wrapped {rewrapped} data key(s) under master key {newest}.")
        if options["new_data_key"]:
            row = rotation.start_new_data_key()
            self.stdout.write(f"New data key {row.kid}; the others are retired (kept to read).")
        if options["new_data_key"] or options["re_encrypt"]:
            moved = rotation.reencrypt()
            self.stdout.write(f"Re-encrypted {moved} row(s) under the current data key.")
        if options["forget_retired"]:
            gone = rotation.forget_retired()
            self.stdout.write(f"Forgot {len(gone)} retired data key(s) no value uses.")
        envelope.forget_keys()
        self.stdout.write(
            self.style.SUCCESS(
                "Done. Every data key is wrapped by the newest master key: older master keys "
                "may now be removed from RAPPORT_MASTER_KEY."
            )
        )
