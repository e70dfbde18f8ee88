"""Search results: a short excerpt around the first match, with every match marked. The text
is escaped piece by piece, so a match can never open a tag."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Characters of context on each side of the first match.
CONTEXT = 80


@register.filter
def excerpt(text: str, query: str) -> str:
    """The text around the first match of `query` (case-insensitive), with an ellipsis where it
    was cut; the whole text when short."""
    flat = " ".join(text.split())
    if len(flat) <= 2 * CONTEXT + len(query):
        return flat
    found = flat.lower().find(query.lower())
    if found < 0:
        return flat[: 2 * CONTEXT] + "…"
    start = max(found - CONTEXT, 0)
    end = min(found + len(query) + CONTEXT, len(flat))
    return ("…" if start else "") + flat[start:end] + ("…" if end < len(flat) else "")


@register.filter
def highlight(text: str, query: str) -> SafeString:
    """`text` escaped, with each case-insensitive match of `query` inside <mark>."""
    if not query:
        return mark_safe(escape(text))  # noqa: S308 - escaped just here
    pieces = re.split(f"({re.escape(query)})", text, flags=re.IGNORECASE)
    marked = (
        f"<mark>{escape(piece)}</mark>" if index % 2 else escape(piece)
        for index, piece in enumerate(pieces)
    )
    return mark_safe("".join(marked))  # noqa: S308 - every piece escaped above
