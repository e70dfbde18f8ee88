"""Display helpers for pages that show many rows: an address reversed once per page and filled
in per row (`{{ row.meeting.uuid|fill:urls.meeting }}`, see people_ui.fill), instead of a
`{% url %}` per row."""

from __future__ import annotations

import functools
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import reverse
from django.utils import dateformat
from django.utils.translation import get_language, pgettext, pgettext_lazy

# Stands for the object's UUID in a reversed address; `fill` puts the real one in its place.
MARKER = "00000000-0000-0000-0000-00000000f111"


def url_patterns(*before: object, **names: str) -> dict[str, str]:
    """Each URL name (taking one UUID, after the arguments `before` that are the same for every
    row) reversed once: {"meeting": "/meetings/<marker>/"}."""
    return {key: reverse(name, args=[*before, MARKER]) for key, name in names.items()}


# --- Dates in the reader's language ---------------------------------------------------------
#
# Templates and Python write display formats in British English (`|date:"D j M"`); each format
# below is also a msgid (context "date format") that translators render in their language's
# order and punctuation ("D., j. M." in German), while Django's own catalogue names the days and
# months. The `date` and `time` filters (rapport/templatetags/locale_dates.py, a built-in of
# every template) and `format_date` look the format up in the active language. Formats for
# machines ("c", "Y-m-d") are not in this list and never change. `make i18n-check` fails on a
# display format used in a template and missing here.
DISPLAY_FORMATS = (
    pgettext_lazy("date format", "j"),
    pgettext_lazy("date format", "D j"),
    pgettext_lazy("date format", "D j M"),
    pgettext_lazy("date format", "D j M Y"),
    pgettext_lazy("date format", "D j M, H:i"),
    pgettext_lazy("date format", "j M"),
    pgettext_lazy("date format", "j M H:i"),
    pgettext_lazy("date format", "j M, H:i"),
    pgettext_lazy("date format", "j M Y"),
    pgettext_lazy("date format", "j M Y, H:i"),
    pgettext_lazy("date format", "j M Y, H:i:s"),
    pgettext_lazy("date format", "j F"),
    pgettext_lazy("date format", "j F, H:i"),
    pgettext_lazy("date format", "j F Y"),
    pgettext_lazy("date format", "j F Y, H:i"),
    pgettext_lazy("date format", "F Y"),
    pgettext_lazy("date format", "l"),
    pgettext_lazy("date format", "l j F"),
    pgettext_lazy("date format", "l j F, H:i"),
    pgettext_lazy("date format", "l j F Y"),
    pgettext_lazy("date format", "l j F Y, H:i"),
)
# Formats that are the same in every language (24-hour clock) or meant for machines.
UNIVERSAL_FORMATS = frozenset({"H:i", "H:i:s", "c", "Y-m-d", "U", "G", "N", "w"})


# ZoneInfo keeps only its last eight zones for good: a team spread over thirty zones would read
# their files again on every page.
zone_named = functools.lru_cache(maxsize=1024)(ZoneInfo)


def language_to_activate(code: str) -> str:
    """The language to activate for a chosen code: English is British English (the source text
    and its date formats), the others as they are."""
    return settings.LANGUAGE_CODE if code in ("en", settings.LANGUAGE_CODE) else code


def localised_format(format_string: str) -> str:
    """The active language's version of a display format (itself when it has none)."""
    return pgettext("date format", format_string)


def format_date(value: date | datetime | time, format_string: str) -> str:
    """`value` in a display format of DISPLAY_FORMATS, in the active language: Python's
    counterpart of `{{ value|date:"..." }}` (an aware datetime is shown as it is: convert it to
    the reader's zone first)."""
    if type(value) is date:
        return _day_in(get_language(), value, format_string)
    return dateformat.format(value, localised_format(format_string))


@functools.lru_cache(maxsize=4096)
def _day_in(language: str | None, value: date, format_string: str) -> str:
    """A day written out, kept by language: it reads the same in every zone, and a team's
    signals write the same few days again and again ("since 3 Nov 2026"). A datetime is never
    kept here: two equal instants in different zones are written differently."""
    return dateformat.format(value, localised_format(format_string))


@receiver(setting_changed)
def _forget_days_on_language_settings(*, setting: str, **kwargs: object) -> None:
    # Django forgets its loaded catalogues on these (tests change them); so does this.
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"}:
        _day_in.cache_clear()
