"""axe-core over every route of the access matrix, as every role that may see it, at desktop and
phone widths, in the light and dark themes: no violation of WCAG 2.2 AA.

The routes come from the access matrix itself (tests/test_access_matrix.py), so a new page is
checked as soon as it has its row. What is not a page is counted and named, not checked: files
(calendar feeds, exports, CSV), JSON, and htmx fragments, which axe checks inside the pages that
show them. Private content is planted first, so the pages show what they hold in real use."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from pytest_django.live_server_helper import LiveServer

from tests.browser.test_accessibility import AXE, SCHEMES, WIDTHS, violations_in_every_state
from tests.browser.test_meeting_flow import sign_in
from tests.canaries import plant_canaries
from tests.cast import ROLES, build_cast
from tests.test_access_matrix import MATRIX


# One run per role, so xdist can spread them.
@pytest.mark.parametrize("role", ROLES)
def test_every_route_each_role_may_see_has_no_wcag_22_aa_violations(
    live_server: LiveServer, open_page: Any, role: str
) -> None:
    cast = build_cast()
    plant_canaries(cast)
    base = live_server.url
    page = open_page(1366)
    viewer = cast.person(role)
    if viewer is not None:
        sign_in(page, base, viewer.email)
    axe_source = AXE.read_text(encoding="utf-8")

    found: list[str] = []
    skipped: Counter[str] = Counter()
    checked: list[str] = []
    states = 0
    for name, row in sorted(MATRIX.items()):
        if row.token or row.expected[role] != 200:
            continue
        url = f"{base}{row.url(cast)}"
        response = page.request.get(url)
        assert response.status == 200, f"{name} as {role}: {response.status}"
        kind = response.headers.get("content-type", "")
        if not kind.startswith("text/html"):
            skipped[kind.split(";")[0]] += 1
            continue
        if "<html" not in response.text()[:500]:
            skipped["htmx fragment"] += 1
            continue
        page_found, page_states = violations_in_every_state(page, url, axe_source)
        found += [f"{name} as {role}: {problem}" for problem in page_found]
        checked.append(name)
        states += page_states
    assert page.console_problems == []
    print(
        f"\naxe-core as {role}: {len(checked)} pages x {len(WIDTHS) * len(SCHEMES)} states = "
        f"{states} checked; not pages: {dict(skipped)}"
    )
    assert checked, f"no page checked as {role}"
    assert states == len(checked) * len(WIDTHS) * len(SCHEMES)
    assert found == [], "\n".join(found)
