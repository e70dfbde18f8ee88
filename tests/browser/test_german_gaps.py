"""What the first translation pass left in English, in a real browser: the time zone filter
ui.js adds (its label, placeholder and count come from the select's data-say-* attributes),
and the week page, which failed for anyone whose day names are not English."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import screenshot
from tests.browser.test_meeting_flow import sign_in
from tests.cast import build_cast


def test_a_german_reader_filters_time_zones_and_opens_the_week_in_german(
    live_server: LiveServer, open_page: Any
) -> None:
    cast = build_cast()
    base = live_server.url
    page = open_page()
    sign_in(page, base, cast.manager.email)
    cast.manager.language = "de"
    cast.manager.save(update_fields=["language"])

    page.goto(f"{base}/account/")
    box = page.get_by_label("Zeitzonen filtern")
    expect(box).to_have_attribute("placeholder", "Nach Stadt oder Region filtern")
    box.fill("berlin")
    status = page.locator("select[data-zone-filter] + [role=status]")
    expect(status).to_have_text("1 Zeitzone passt")
    box.fill("europe")
    expect(status).to_have_text(re.compile(r"^\d+ Zeitzonen passen$"))
    screenshot(page, "german-zone-filter")

    page.goto(f"{base}/week/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_text("Mo\u2013Fr", exact=False).first).to_be_visible()
    body = page.locator("main").inner_text()
    assert "Mon\u2013Fri" not in body and "This week" not in body
