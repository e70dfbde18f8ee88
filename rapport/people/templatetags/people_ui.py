from __future__ import annotations

import functools
from datetime import datetime, timedelta

from django import template
from django.template import defaultfilters
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString

from rapport.display import MARKER, localised_format
from rapport.people.models import Person

register = template.Library()

TONES = 8


@register.filter
def tone(person: Person) -> str:
    """A stable avatar colour class for a person, so the same face keeps the same colour."""
    return f"tone-{person.uuid.int % TONES}"


@register.simple_tag
def avatar(person: Person, size: str = "") -> SafeString:
    """A person's initials in their colour. Built here, not from an included template: pages
    show dozens (a team of 30, a week of 1:1s) and a template each cost more than the rest of
    the row."""
    sized = f" avatar-{size}" if size else ""
    return format_html(
        '<span class="avatar {}{}" aria-hidden="true">{}</span>',
        tone(person),
        sized,
        person.initials,
    )


@register.simple_tag
def nav_current(request: object, prefix: str, exclude: str = "") -> SafeString:
    """aria-current for the navigation link of the section being shown."""
    path = getattr(request, "path", "")
    current = path == "/" if prefix == "/" else path.startswith(prefix)
    if exclude and path.startswith(exclude):
        current = False
    return SafeString('aria-current="page"' if current else "")


@register.filter
def fill(uuid: object, pattern: str) -> str:
    """An address from a pattern of rapport.display.url_patterns: the one reversal of the page,
    with this row's UUID in the marker's place (the same text as `{% url %}` gives)."""
    return pattern.replace(MARKER, str(uuid))


@register.filter(expects_localtime=True)
def date_once(value: object, arg: str) -> str:
    """Django's `date` filter, formatted once per distinct value, format, zone and language in
    this process: a team's rows repeat the same days."""
    if value in (None, ""):
        return ""
    zone = getattr(value, "tzinfo", None)
    offset = value.utcoffset() if isinstance(value, datetime) else None
    return _date_once(value, str(zone), offset, arg, translation.get_language())


@functools.lru_cache(maxsize=4096)
def _date_once(
    value: object, zone: str, offset: timedelta | None, arg: str, language: str | None
) -> str:
    return str(defaultfilters.date(value, localised_format(arg)))  # type: ignore[arg-type]
