"""The main navigation: one row of links on a desktop, a "Menu" button on a phone that opens
with the keyboard and closes with Escape."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import screenshot
from tests.browser.test_meeting_flow import sign_in
from tests.cast import PASSWORD, build_cast


def test_on_a_phone_the_links_open_from_a_menu_button_and_escape_closes_it(
    live_server: LiveServer, open_page: Any
) -> None:
    cast = build_cast()
    page = open_page(390)
    sign_in(page, live_server.url, cast.manager.email)
    nav = page.get_by_role("navigation", name="Main")
    toggle = nav.get_by_role("button", name="Menu")
    week = nav.get_by_role("link", name="Week")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(week).to_be_hidden()
    # The top bar is one row: brand, menu, account and sign-out share a line.
    boxes = [
        page.locator(selector).bounding_box()
        for selector in (".brand", ".nav-toggle", ".account-menu")
    ]
    assert all(box is not None for box in boxes)
    assert max(box["y"] for box in boxes if box) - min(box["y"] for box in boxes if box) < 20
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # Keyboard only: Tab to the button, Enter opens it and moves to the first link.
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(week).to_be_visible()
    expect(nav.get_by_role("link", name="Home")).to_be_focused()
    page.keyboard.press("Tab")
    expect(week).to_be_focused()
    screenshot(page, "phone-menu-open")

    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(week).to_be_hidden()
    expect(toggle).to_be_focused()

    # A click elsewhere closes it too; a link in it goes where it says.
    toggle.click()
    expect(week).to_be_visible()
    page.mouse.click(200, 880)  # below the open menu
    expect(week).to_be_hidden()
    toggle.click()
    week.click()
    page.wait_for_url(f"{live_server.url}/week/**")
    assert page.console_problems == []


def test_on_a_desktop_the_links_stay_in_one_row_without_a_menu_button(
    live_server: LiveServer, open_page: Any
) -> None:
    cast = build_cast()
    page = open_page(1366)
    sign_in(page, live_server.url, cast.manager.email)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("button", name="Menu")).to_be_hidden()
    links = nav.get_by_role("link")
    tops = {round(links.nth(index).bounding_box()["y"]) for index in range(links.count())}
    assert links.count() == 9  # a manager's links
    assert len(tops) == 1


def test_in_every_language_the_menu_button_is_uncovered_and_the_bar_fits_320_px(
    live_server: LiveServer, open_page: Any
) -> None:
    """ "Terminar sessão" and "Cerrar sesión" are twice as long as "Sign out": at 390 px they once
    slid the account menu over the Menu button, which then took no click."""
    cast = build_cast()
    for language in ("pt", "es", "de", "en"):
        cast.manager.language = language
        cast.manager.save(update_fields=["language"])
        for width in (390, 320):
            page = open_page(width)
            sign_in_any_language(page, live_server.url, cast.manager.email)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (language, width)
            toggle = page.locator(".nav-toggle")
            box = toggle.bounding_box()
            assert box is not None
            # What the middle of the button is: the button itself (or its icon or label).
            hit = page.evaluate(
                "([x, y]) => document.elementFromPoint(x, y).closest('.nav-toggle') !== null",
                [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
            )
            assert hit, f"the Menu button is covered in {language} at {width} px"
            toggle.click()
            expect(toggle).to_have_attribute("aria-expanded", "true")
            page.close()


def sign_in_any_language(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/sign-in/")
    page.locator("input[type=email]").fill(email)
    page.locator("input[type=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(f"{base}/")
