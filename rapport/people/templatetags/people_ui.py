from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

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
