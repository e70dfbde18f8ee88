"""`{{ text|shown_point }}`: a talking point's text kept as a plain string (home's own points),
in the reader's language when Rapport wrote it (rapport/meetings/system_texts.py). A built-in of
every template, so data cached as plain text is translated at display."""

from __future__ import annotations

from django import template

from rapport.meetings import system_texts

register = template.Library()


@register.filter
def shown_point(text: str) -> str:
    return system_texts.shown_point(text)
