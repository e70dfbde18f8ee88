"""The organisation view in a real browser: HR signs in, follows the navigation, and sees the
charts drawn, on a desktop and on a phone-sized screen."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from rapport.people.models import LeftReason
from tests.browser.conftest import screenshot
from tests.browser.test_meeting_flow import sign_in
from tests.cast import build_cast
from tests.insights.test_org_page import leader, team


def build_organisation() -> str:
    """Three teams under the cast's skip-level, one of them too small to show, and leavers in
    both retention groups. Returns HR's email."""
    cast = build_cast()
    today = timezone.localdate()
    platform = leader("Maya Platform", cast.skip_level)
    team(platform, 9, prefix="Platform", held=11, scores=(4, 4, 3))
    team(platform, 3, prefix="Platform Gone", held=12, left_on=today - timedelta(days=90))
    mobile = leader("Elif Mobile", cast.skip_level)
    team(mobile, 6, prefix="Mobile", held=7, scores=(3, 3, 4))
    team(
        mobile,
        3,
        prefix="Mobile Gone",
        held=4,
        left_on=today - timedelta(days=45),
        reason=LeftReason.INVOLUNTARY,
    )
    design = leader("Anouk Design", cast.skip_level)
    team(design, 3, prefix="Design", held=12, scores=(2, 5, 5))
    return cast.hr.email


def test_hr_sees_the_organisation_charts(live_server: LiveServer, open_page: Any) -> None:
    hr_email = build_organisation()
    for width, name in ((1280, "org-view-hr"), (390, "org-view-hr-phone")):
        page = open_page(width)
        sign_in(page, live_server.url, hr_email)
        if width > 600:
            page.get_by_role("link", name="Organisation").click()
        else:
            page.goto(f"{live_server.url}/insights/organisation/")
        page.get_by_role("heading", name="Organisation", exact=True).wait_for()
        bars = page.locator("svg.org-bar[role='img']")
        # One per team of 5 or more with 1:1s due (Maya's, Elif's; Anouk's 3 are counted with
        # the skip-level's block, hidden), and the two retention bars.
        assert bars.count() == 4
        for name_of_bar in (
            "Team of Maya Platform: 99 of 108 1:1s held (92%)",
            "People whose 1:1s lapsed: 3 of 9 left (33%)",
        ):
            assert page.get_by_role("img", name=name_of_bar).is_visible()
        assert page.get_by_text("Fewer than 5 people: hidden").first.is_visible()
        assert "Design Person" not in page.content()
        assert not page.console_problems
        screenshot(page, name)
