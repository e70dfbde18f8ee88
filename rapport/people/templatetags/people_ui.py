from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from rapport.people.models import Person

register = template.Library()

TONES = 8


@register.filter
def tone(person: Person) -> str:
    """A stable avatar colour class for a person, so the same face keeps the same colour."""
    return f"tone-{person.uuid.int % TONES}"


@register.inclusion_tag("people/_avatar.html")
def avatar(person: Person, size: str = "") -> dict[str, object]:
    return {"person": person, "size": size}


@register.simple_tag
def nav_current(request: object, prefix: str, exclude: str = "") -> SafeString:
    """aria-current for the navigation link of the section being shown."""
    path = getattr(request, "path", "")
    current = path == "/" if prefix == "/" else path.startswith(prefix)
    if exclude and path.startswith(exclude):
        current = False
    return SafeString('aria-current="page"' if current else "")
