"""axe-core (vendored from the npm registry: tests/browser/vendor/, MPL-2.0) over the main pages,
as each role that uses them, at desktop and phone widths, in the light and dark themes: no
violation of WCAG 2.2 AA may be reported."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from pytest_django.live_server_helper import LiveServer

from rapport.goals.services import goal_record_progress
from tests.browser.test_meeting_flow import meeting_url, sign_in
from tests.cast import build_cast
from tests.goals.test_lifecycle import active_goal
from tests.insights.test_org_page import leader, team
from tests.privacy.helpers import has_left

AXE = Path(__file__).with_name("vendor") / "axe-4.14.1.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDTHS = (1366, 390)
SCHEMES = ("light", "dark")

RUN_AXE = """(tags) => axe.run(document, {runOnly: {type: "tag", values: tags}}).then((result) =>
  result.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    nodes: violation.nodes.slice(0, 3).map((node) => node.target.join(" ")),
  })))"""


NEXT_FRAMES = (
    "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
)


def violations_in_every_state(page: Any, url: str, axe_source: str) -> tuple[list[str], int]:
    """Opens the page once and runs axe at each width and theme. Returns the violations found,
    described, and the number of states checked."""
    page.goto(url)
    page.wait_for_load_state("networkidle")
    found: list[str] = []
    states = 0
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        # The page answers a new size in its next frame (ui.js makes a table that now scrolls
        # focusable): wait for two, as a person could not act sooner. Checking at once raced
        # that answer, and a wide table was sometimes found out of the keyboard's reach.
        page.evaluate(NEXT_FRAMES)
        # Nothing wider than the screen: a phone never scrolls sideways.
        if page.evaluate("document.documentElement.scrollWidth") > width:
            found.append(f"{url} at {width}px: wider than the screen")
        for scheme in SCHEMES:
            page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
            # Through the DevTools protocol, so the page's strict CSP stays in force.
            if not page.evaluate("typeof axe !== 'undefined'"):
                page.evaluate(axe_source)
            for violation in page.evaluate(RUN_AXE, WCAG_22_AA):
                found.append(
                    f"{url} at {width}px, {scheme}: {violation['id']} ({violation['impact']}) "
                    f"on {violation['nodes']}"
                )
            states += 1
    return found, states


def test_the_main_pages_have_no_wcag_22_aa_violations_in_either_theme_or_width(
    live_server: LiveServer, open_page: Any
) -> None:
    cast = build_cast()
    # A team big enough to show on HR's organisation view.
    team(leader("Elif Mobile", cast.skip_level), 6, prefix="Mobile", held=7, scores=(3, 3, 4))
    goal = active_goal(cast)
    goal_record_progress(goal=goal, by=cast.report, value=Decimal(1), confidence=6)
    base = live_server.url
    meeting = meeting_url(base, cast)
    axe_source = AXE.read_text(encoding="utf-8")
    assert axe_source.startswith("/*! axe v4.14.1")

    plan: list[tuple[str | None, list[str]]] = [
        (None, ["/sign-in/"]),
        (
            cast.manager.email,
            [
                "/",
                meeting,
                f"{meeting}mode/",
                "/goals/team/",
                f"/goals/{goal.uuid}/",
                "/insights/team/",
            ],
        ),
        (cast.report.email, ["/", meeting, "/goals/", "/account/"]),
        (cast.hr.email, ["/insights/organisation/"]),
        (cast.admin.email, ["/people/"]),
    ]
    found: list[str] = []
    pages = states = 0
    for email, paths in plan:
        page = open_page(1366)
        if email:
            sign_in(page, base, email)
        for path in paths:
            url = path if path.startswith("http") else f"{base}{path}"
            page_found, page_states = violations_in_every_state(page, url, axe_source)
            found += page_found
            pages += 1
            states += page_states
        assert page.console_problems == []
    print(f"axe-core: {pages} pages x {len(WIDTHS) * len(SCHEMES)} states = {states} checked")
    assert (pages, states) == (13, 52)
    assert found == [], "\n".join(found)


def violations_now(page: Any, label: str, axe_source: str) -> list[str]:
    """axe over the page as it stands (after a click or a refused form), in both themes."""
    # A refused form answers with a new page: its alert can be found before its style sheet has
    # loaded, and axe then measured unstyled links and summaries as too small to tap (a CI run
    # failed so). Wait for the page's load and its next frames, as a person would see it.
    page.wait_for_load_state("load")
    page.evaluate(NEXT_FRAMES)
    found: list[str] = []
    for scheme in SCHEMES:
        page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
        if not page.evaluate("typeof axe !== 'undefined'"):
            page.evaluate(axe_source)
        for violation in page.evaluate(RUN_AXE, WCAG_22_AA):
            found.append(f"{label}, {scheme}: {violation['id']} on {violation['nodes']}")
    return found


def test_the_other_pages_and_the_error_and_menu_states_have_no_wcag_22_aa_violations(
    live_server: LiveServer, open_page: Any
) -> None:
    cast = build_cast()
    goal = active_goal(cast)
    # Rosa has left, so the admin's erasure page shows its dry run.
    has_left(cast.report_two, by=cast.hr)
    base = live_server.url
    pair = f"/one-on-ones/{cast.one_on_one.uuid}/"
    axe_source = AXE.read_text(encoding="utf-8")
    plan: list[tuple[str, list[str]]] = [
        (
            cast.manager.email,
            [
                "/week/",
                "/actions/",
                "/search/?q=move",
                "/one-on-ones/",
                pair,
                "/one-on-ones/balance/",
                "/questions/",
                "/calendar/",
                "/notifications/",
                f"/people/{cast.report.uuid}/",
                f"/goals/new/?one_on_one={cast.one_on_one.uuid}",
            ],
        ),
        (
            cast.report.email,
            [f"/check-ins/{cast.meeting.uuid}/", "/actions/", "/account/two-factor/"],
        ),
        (
            cast.admin.email,
            [
                "/people/import/",
                f"/people/{cast.report.uuid}/edit/",
                f"/privacy/people/{cast.report_two.uuid}/erase/",
                "/audit/",
            ],
        ),
    ]
    found: list[str] = []
    pages = states = 0
    for email, paths in plan:
        page = open_page(1366)
        sign_in(page, base, email)
        for path in paths:
            response = page.request.get(f"{base}{path}")
            assert response.status == 200, path
            page_found, page_states = violations_in_every_state(page, f"{base}{path}", axe_source)
            found += page_found
            pages += 1
            states += page_states
        assert page.console_problems == []

    # States a page load does not show: the phone menu open, forms refused with their errors.
    report = open_page(390)
    sign_in(report, base, cast.report.email)
    report.get_by_role("button", name="Menu").click()
    found += violations_now(report, "phone menu open", axe_source)
    report.goto(f"{base}/account/")
    report.get_by_label("Full name").fill("")
    report.get_by_role("button", name="Save").first.click()
    report.locator(".errorlist").first.wait_for()
    found += violations_now(report, "account form refused", axe_source)
    report.goto(f"{base}/goals/{goal.uuid}/")
    report.get_by_text("Record progress").first.click()
    report.locator("#goal-progress input[type=number]").first.fill("-99999999999999")
    report.locator("#goal-progress button[type=submit]").click()
    report.locator("#goal-progress .errorlist").first.wait_for()
    found += violations_now(report, "progress form refused", axe_source)
    # A refused sign-in, and the page an outsider gets for someone else's meeting.
    visitor = open_page(390)
    visitor.goto(f"{base}/sign-in/")
    visitor.get_by_label("Email").fill(cast.report.email)
    visitor.get_by_label("Password").fill("not the password")
    visitor.get_by_role("button", name="Sign in").click()
    visitor.get_by_role("alert").wait_for()
    found += violations_now(visitor, "sign-in refused", axe_source)
    outsider = open_page(1366)
    sign_in(outsider, base, cast.outsider.email)
    assert outsider.goto(meeting_url(base, cast)).status == 404
    found += violations_now(outsider, "not found", axe_source)
    states += 10
    print(f"axe-core: {pages} more pages x 4 states + 5 states x 2 themes = {states} checked")
    assert found == [], "\n".join(found)
