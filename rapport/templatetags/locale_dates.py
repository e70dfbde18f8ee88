"""Django's `date` and `time` filters with display formats in the reader's language: a built-in
of every template (settings TEMPLATES "builtins"), so `{{ day|date:"D j M" }}` reads
"Mi., 2. Dez." for a German reader. See rapport.display.DISPLAY_FORMATS."""

from __future__ import annotations

from django import template
from django.template import defaultfilters
from django.template.context import Context

from rapport import pagecache
from rapport.display import localised_format

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(value: object, arg: str | None = None) -> str:
    return defaultfilters.date(value, localised_format(arg) if arg else arg)  # type: ignore[arg-type]


@register.filter(expects_localtime=True, is_safe=False)
def time(value: object, arg: str | None = None) -> str:
    return defaultfilters.time(value, localised_format(arg) if arg else arg)  # type: ignore[arg-type]


@register.simple_tag(takes_context=True)
def clock(context: Context, zone: str) -> str:
    """The time now where `zone` is, "H:i" (the same in every language): a person's local time
    beside their name. In content the page cache keeps, a hole that each request fills with its
    own time (rapport/pagecache.py), so that the content can outlive the minute."""
    hole = pagecache.clock_hole(context.get(pagecache.KEPT_MARK), zone)
    return hole if hole is not None else pagecache.clock_in(zone)
