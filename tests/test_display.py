"""Display helpers for long pages: an address reversed once and filled in per row, and dates
formatted once per distinct value (rapport/display.py, people_ui's fill and date_once)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import dateformat, timezone, translation

from rapport.display import format_date, localised_format, url_patterns


def test_a_filled_in_address_is_the_one_url_reverses() -> None:
    key = uuid.uuid4()
    patterns = url_patterns(meeting="meetings:meeting", person="people:detail")
    html = Template("{% load people_ui %}{{ key|fill:urls.meeting }} {{ key|fill:urls.person }}")
    rendered = html.render(Context({"key": key, "urls": patterns}))
    assert (
        rendered
        == f"{reverse('meetings:meeting', args=[key])} {reverse('people:detail', args=[key])}"
    )


@pytest.mark.parametrize("zone", ["Pacific/Tongatapu", "America/Los_Angeles", "UTC"])
def test_date_once_gives_what_the_date_filter_gives_in_each_zone(zone: str) -> None:
    moments = [datetime(2026, 12, 31, 10, 30, tzinfo=UTC), date(2027, 2, 28), None]
    both = Template(
        '{% load people_ui %}{% for m in moments %}{{ m|date:"D j M Y" }}|'
        '{{ m|date_once:"D j M Y" }};{% endfor %}'
    )
    with timezone.override(zone):
        rendered = both.render(Context({"moments": moments}))
        again = both.render(Context({"moments": moments}))
    pairs = [part.split("|") for part in rendered.split(";") if part]
    assert all(plain == once for plain, once in pairs)
    assert rendered == again
    # The same instant in another zone is another text: the zone is part of the key.
    with timezone.override("Pacific/Tongatapu"):
        far = Template('{% load people_ui %}{{ m|date_once:"j M H:i" }}').render(
            Context({"m": moments[0]})
        )
    assert far == "31 Dec 23:30"


def test_a_day_is_written_in_each_language_as_dateformat_writes_it() -> None:
    day = date(2026, 12, 3)
    both_ways = [("en-gb", "UTC"), ("de", "UTC"), ("en-gb", "Pacific/Tongatapu"), ("de", "UTC")]
    for language, zone in both_ways:
        with translation.override(language), timezone.override(zone):
            expected = dateformat.format(day, localised_format("D j M Y"))
            assert format_date(day, "D j M Y") == expected
            assert format_date(day, "D j M Y") == expected
    with translation.override("de"):
        assert format_date(day, "D j M Y") != format_date(day, "j M Y")
        assert format_date(day, "D j M Y").startswith("Do")
    # An instant is never kept as a day: the same one reads differently in another zone.
    instant = datetime(2026, 12, 3, 23, 30, tzinfo=UTC)
    in_tonga = format_date(instant.astimezone(ZoneInfo("Pacific/Tongatapu")), "j M, H:i")
    assert format_date(instant, "j M, H:i") == "3 Dec, 23:30"
    assert in_tonga == "4 Dec, 12:30"
