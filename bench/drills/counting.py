"""Emails per outbox row: what the SMTP sink received, matched to the rows that should go out.

A message names its row by its Message-ID when Rapport derives that from the outbox key
(`<outbox-...@...>`: every send of one row carries the same id); otherwise, as today, by its
subject and recipient, which the drills make unique per row. Both ways give, for each row, how
many copies arrived: 0 is a lost email, 2 or more a duplicated one.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

OUTBOX_ID_PREFIX = "<outbox-"


def identity(subject: str, to: Iterable[str]) -> tuple[str, str]:
    return (subject.strip(), ",".join(sorted(a.strip().lower() for a in to)))


def count_emails(rows: list[dict[str, Any]], received: list[dict[str, Any]]) -> dict[str, Any]:
    """rows: {"key", "subject", "to"} of every row the drill expects delivered; received: the
    sink's lines {"message_id", "subject", "to"}. Returns copies per row and the totals."""
    rows_by_identity: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in rows:
        rows_by_identity[identity(row["subject"], [row["to"]])].append(row["key"])
    messages: dict[tuple[str, str], list[str]] = defaultdict(list)
    unexpected = 0
    for message in received:
        key = identity(message["subject"], message["to"])
        if key in rows_by_identity:
            messages[key].append(message.get("message_id", "") or "")
        else:
            unexpected += 1
    copies: dict[str, int] = {}
    for key, row_keys in rows_by_identity.items():
        ids = messages.get(key, [])
        if ids and all(i.startswith(OUTBOX_ID_PREFIX) for i in ids):
            # One id per row: distinct ids are rows delivered, repeats are duplicates.
            per_id = Counter(ids)
            counts = sorted(per_id.values(), reverse=True)
        else:
            # Ids differ on every send (or are absent): n messages over m rows of one identity.
            delivered = min(len(ids), len(row_keys))
            counts = [1] * delivered + [0] * (len(row_keys) - delivered)
            counts[0] += len(ids) - delivered
        counts += [0] * (len(row_keys) - len(counts))
        if len(counts) > len(row_keys):  # more distinct ids than rows: the extra are copies too
            extra = sum(counts[len(row_keys) :])
            counts = counts[: len(row_keys)]
            counts[0] += extra
        for row_key, count in zip(sorted(row_keys), counts, strict=True):
            copies[row_key] = count
    histogram = Counter(copies.values())
    return {
        "rows": len(copies),
        "received": len(received),
        "delivered_once": histogram.get(1, 0),
        "lost": histogram.get(0, 0),
        "duplicated_rows": sum(n for c, n in histogram.items() if c > 1),
        "extra_copies": sum(c - 1 for c in copies.values() if c > 1),
        "unexpected": unexpected,
        "copies_histogram": {str(c): n for c, n in sorted(histogram.items())},
    }
