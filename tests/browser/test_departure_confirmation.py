"""HR records a departure in a real browser: the form, the confirmation that says what will
happen to the 1:1s (nothing changes before *Confirm*), then the person page and the leaver
filter. axe-core finds no WCAG 2.2 AA violation on the new pages, at both widths and in both
themes, and nothing is wider than a phone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from rapport.people.models import Departure
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_accessibility import AXE, violations_in_every_state, violations_now
from tests.browser.test_meeting_flow import sign_in
from tests.cast import build_cast


def test_hr_confirms_a_scheduled_departure_on_accessible_pages(
    live_server: LiveServer, open_page: Any
) -> None:
    cast = build_cast()
    base = live_server.url
    axe_source = AXE.read_text(encoding="utf-8")
    page = open_page(1366)
    sign_in(page, base, cast.hr.email)
    form_url = f"{base}/people/{cast.manager.uuid}/departure/"
    found, _ = violations_in_every_state(page, form_url, axe_source)
    leaves_on = timezone.localdate() + timedelta(days=14)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.fill("#id_leaves_on", leaves_on.isoformat())
    page.check("#id_reason_0")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="As a manager").wait_for()
    assert "Rui Report" in page.content() and "Sam Skiplevel" in page.content()
    assert not Departure.objects.exists()  # nothing before the confirmation
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=ARTIFACTS / f"departure-confirm-{width}.png", full_page=True)
        found += violations_now(page, f"departure confirmation at {width}px", axe_source)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_role("button", name="Confirm: schedule").click()
    page.get_by_role("heading", name="Leaving on").wait_for()
    assert Departure.objects.get().is_scheduled
    found += violations_now(page, "person page with a scheduled departure", axe_source)
    more, _ = violations_in_every_state(page, f"{base}/people/?status=leaving", axe_source)
    found += more
    assert page.console_problems == []
    assert found == [], "\n".join(found)
