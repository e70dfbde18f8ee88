from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from rapport.meetings.views import meeting as meeting_views
from tests.browser.conftest import screenshot
from tests.cast import PASSWORD, Cast, build_cast


def sign_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/sign-in/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Hello").wait_for()


def meeting_url(base: str, cast: Cast, index: int = 0) -> str:
    meeting = cast.one_on_one.meetings.order_by("scheduled_for")[index]
    return f"{base}/meetings/{meeting.uuid}/"


def test_a_point_added_by_the_report_is_discussed_or_carried_over(
    live_server: LiveServer, open_page: Any
) -> None:
    cast = build_cast()
    report, manager = open_page(), open_page()

    sign_in(report, live_server.url, cast.report.email)
    report.goto(meeting_url(live_server.url, cast))
    report.get_by_placeholder("Add a talking point…").fill("Could I lead the next design review?")
    report.get_by_label("Section").select_option("performance")
    report.get_by_role("button", name="Add", exact=True).first.click()
    report.get_by_text("Could I lead the next design review?").wait_for()

    sign_in(manager, live_server.url, cast.manager.email)
    manager.goto(meeting_url(live_server.url, cast))
    expect(manager.get_by_text("Could I lead the next design review?")).to_be_visible()
    manager.get_by_role(
        "button", name="Mark discussed: Could I lead the next design review?"
    ).click()
    manager.get_by_role(
        "button", name="Mark not discussed: Could I lead the next design review?"
    ).wait_for()
    # "How the move went" (from the cast) stays open.
    screenshot(manager, "meeting-as-manager")
    manager.get_by_role("button", name="Mark held").click()
    manager.get_by_text("Marked held.").wait_for()

    manager.goto(meeting_url(live_server.url, cast, index=1))
    expect(manager.get_by_text("How the move went")).to_be_visible()
    assert manager.get_by_text("carried over").count() >= 1
    assert manager.get_by_text("Could I lead the next design review?").count() == 0

    # Once saved, the manager's new point is on the report's copy of the agenda too.
    manager.get_by_placeholder("Add a talking point…").fill("Your wins this week")
    manager.get_by_role("button", name="Add", exact=True).first.click()
    expect(manager.get_by_text("Your wins this week")).to_be_visible()
    report.goto(meeting_url(live_server.url, cast, index=1))
    expect(report.get_by_text("Your wins this week")).to_be_visible()


def test_a_typed_note_survives_a_reload(
    live_server: LiveServer, page: Any, transactional_db: None
) -> None:
    cast = build_cast()
    sign_in(page, live_server.url, cast.report.email)
    page.goto(meeting_url(live_server.url, cast))
    editor = page.locator("#note-shared")
    editor.click()
    # Enter at the end of a list item starts the next item by itself.
    page.keyboard.type("- Shipped the **search** rewrite\nWant feedback on my talk")
    status = page.locator('[data-note][data-kind="shared"] [data-status]')
    status.filter(has_text=re.compile(r"^Saved \d")).wait_for()
    page.reload()
    assert (
        page.locator("#note-shared").input_value()
        == "- Shipped the **search** rewrite\n- Want feedback on my talk"
    )
    screenshot(page, "meeting-notes-after-reload")
    assert page.console_problems == []


def test_the_polled_agenda_stays_put_until_the_other_person_adds_a_point(
    live_server: LiveServer, open_page: Any, settings: Any
) -> None:
    # As in production: with the page cache on, the page's poll sends back the tag of the
    # agenda it shows, and an unchanged agenda is answered 204, which htmx leaves in place.
    settings.RAPPORT_PAGE_CACHE = True
    cast = build_cast()
    manager = open_page()
    manager.clock.install()  # the 15-second poll, run on demand
    sign_in(manager, live_server.url, cast.manager.email)
    manager.goto(meeting_url(live_server.url, cast))
    manager.evaluate("document.getElementById('agenda').dataset.mark = 'first'")

    def poll() -> int:
        with manager.expect_response(lambda response: "/agenda/" in response.url) as answer:
            manager.clock.run_for(16_000)
        return int(answer.value.status)

    assert poll() == 204
    # Nothing was swapped: the agenda is the element the page had.
    assert manager.evaluate("document.getElementById('agenda').dataset.mark") == "first"

    report = open_page()
    sign_in(report, live_server.url, cast.report.email)
    report.goto(meeting_url(live_server.url, cast))
    report.get_by_placeholder("Add a talking point…").fill("News from the offsite")
    report.get_by_role("button", name="Add", exact=True).first.click()
    report.get_by_text("News from the offsite").wait_for()

    assert poll() == 200
    expect(manager.locator("#agenda")).to_contain_text("News from the offsite")
    assert poll() == 204
    assert manager.console_problems == []


def test_a_meeting_page_served_from_the_page_cache_works_like_a_fresh_one(
    live_server: LiveServer, open_page: Any, settings: Any, monkeypatch: Any
) -> None:
    # As in production: a second visit within the minute, nothing written meanwhile, is served
    # from the kept parts (rapport/meetings/views/meeting.py, KeptPage). Their forms must post
    # with this session's CSRF token, htmx's and plain ones alike; the notes, read on each
    # visit, must load their editors (their scripts carry the request's CSP nonce).
    settings.RAPPORT_PAGE_CACHE = True
    builds: list[int] = []
    build_kept = meeting_views._kept

    def counted(*args: Any) -> Any:
        builds.append(1)
        return build_kept(*args)

    monkeypatch.setattr(meeting_views, "_kept", counted)
    cast = build_cast()
    manager = open_page()
    sign_in(manager, live_server.url, cast.manager.email)
    url = meeting_url(live_server.url, cast)
    manager.goto(url)
    manager.goto(url)
    assert len(builds) == 1, "the second visit was built again, not served from the cache"

    # The note's editor works on a kept page. Its save moves no version (nothing kept shows
    # notes): the page is still served as kept, the note read anew.
    manager.locator("#note-shared").click()
    manager.keyboard.type("Typed on a kept page")
    saved = manager.locator('[data-note][data-kind="shared"] [data-status]')
    saved.filter(has_text=re.compile(r"^Saved \d")).wait_for()
    manager.goto(url)
    assert len(builds) == 1
    assert manager.locator("#note-shared").input_value() == "Typed on a kept page"

    manager.goto(url)  # kept: the agenda's forms below come from the cache
    assert len(builds) == 1
    manager.get_by_placeholder("Add a talking point…").fill("Raised on a kept page")
    manager.get_by_role("button", name="Add", exact=True).first.click()
    manager.get_by_role("button", name="Mark discussed: Raised on a kept page").click()
    ticked = manager.get_by_role("button", name="Mark not discussed: Raised on a kept page")
    ticked.wait_for()
    manager.goto(url)
    manager.goto(url)
    assert len(builds) == 2  # built after the writes, then kept
    expect(ticked).to_be_visible()
    screenshot(manager, "meeting-from-the-page-cache")
    manager.set_viewport_size({"width": 390, "height": 844})
    screenshot(manager, "meeting-from-the-page-cache-390")
    manager.set_viewport_size({"width": 1280, "height": 900})
    # The status form is a plain POST, its token from the kept side column.
    manager.get_by_role("button", name="Mark held").click()
    manager.get_by_text("Marked held.").wait_for()
    expect(manager.locator(".page-head .badge").first).to_have_text("Held")
    assert manager.console_problems == []
