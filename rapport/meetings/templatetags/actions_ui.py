"""How due dates read: the year only when it is not this year, and "overdue since" for open
items past their date."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from django import template
from django.utils.translation import gettext

from rapport.display import format_date

register = template.Library()


class Dated(Protocol):
    due_on: date | None

    def is_overdue(self, today: date) -> bool: ...


@register.filter
def day_label(day: date | None, today: date) -> str:
    """29 Jan this year, 29 Jan 2025 any other year."""
    if day is None:
        return ""
    return format_date(day, "j M" if day.year == today.year else "j M Y")


@register.filter
def overdue_on(item: Dated, today: date) -> bool:
    return item.is_overdue(today)


@register.filter
def due_phrase(item: Dated, today: date) -> str:
    """ "due today", "due 3 Feb", "overdue since 29 Jan 2025"; empty without a date."""
    if item.due_on is None:
        return ""
    if item.is_overdue(today):
        return gettext("overdue since %(date)s") % {"date": day_label(item.due_on, today)}
    if item.due_on == today:
        return gettext("due today")
    return gettext("due %(date)s") % {"date": day_label(item.due_on, today)}


@register.filter
def owe_columns(they_owe: list[Dated], i_owe: list[Dated]) -> list[tuple[str, list[Dated]]]:
    """The two columns of one report on the team's actions page."""
    return [(gettext("They owe you"), they_owe), (gettext("You owe them"), i_owe)]
