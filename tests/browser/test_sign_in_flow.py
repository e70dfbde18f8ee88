from __future__ import annotations

from typing import Any

from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import screenshot
from tests.cast import PASSWORD, build_cast


def test_a_manager_signs_in_and_reaches_their_team(
    live_server: LiveServer, page: Any, transactional_db: None
) -> None:
    cast = build_cast()
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/sign-in/")

    page.get_by_label("Email").fill(cast.manager.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("heading", name="Hello, Mia").wait_for()
    # The whole team is one click away on the triage board (docs/home.md).
    team = page.locator("details#team")
    team.get_by_text("Your team").click()
    expect(team.get_by_text("Rui Report")).to_be_visible()
    expect(team.get_by_text("Rosa Report")).to_be_visible()
    assert page.console_problems == [], "the page logged errors (a CSP violation shows up here)"
    assert screenshot(page, "home-as-manager").stat().st_size > 10_000


def test_the_people_search_updates_as_you_type_with_the_keyboard_only(
    live_server: LiveServer, page: Any, transactional_db: None
) -> None:
    cast = build_cast()
    page.goto(f"{live_server.url}/sign-in/")
    # The email field takes focus on arrival; wait for it, or fast typing can land nowhere.
    expect(page.get_by_label("Email")).to_be_focused()
    page.keyboard.type(cast.report.email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    expect(page.get_by_label("Password")).to_have_value(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Hello, Rui").wait_for()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    # htmx wires the search box up once the page has loaded; typing before that is lost.
    page.wait_for_url("**/people/")
    page.wait_for_load_state("load")
    page.get_by_role("searchbox", name="Search people").fill("pete")
    page.get_by_text("1 match for “pete”").wait_for()
    expect(page.get_by_role("link", name="Pete Peer")).to_be_visible()
    assert "q=pete" in page.url, "the search is kept in the address for reload and back"
    assert page.console_problems == []
    screenshot(page, "people-search")
