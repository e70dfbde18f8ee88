"""The API token pages in a real browser: the report makes a token on the account pages, sees it
once, calls the API with it, and revokes it; axe-core finds no WCAG 2.2 AA violation on the
token pages (the list, a refused form, the token shown once) at either width or theme."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytest_django.live_server_helper import LiveServer

from rapport.api.models import ApiToken
from tests.browser.test_accessibility import violations_in_every_state, violations_now
from tests.browser.test_meeting_flow import sign_in
from tests.cast import build_cast

AXE = Path(__file__).with_name("vendor") / "axe-4.14.1.min.js"


def test_a_token_is_made_used_and_revoked_and_its_pages_pass_axe(
    live_server: LiveServer, open_page: Any
) -> None:
    cast = build_cast()
    base = live_server.url
    axe_source = AXE.read_text(encoding="utf-8")
    page = open_page(1366)
    sign_in(page, base, cast.report.email)
    page.goto(f"{base}/account/")
    page.get_by_role("link", name="Manage API tokens").click()
    found, states = violations_in_every_state(page, page.url, axe_source)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_role("button", name="Make token").click()
    assert page.get_by_text("Give the token a name").is_visible()
    found += violations_now(page, "token form refused", axe_source)
    page.get_by_label("Name").fill("Dashboard")
    page.get_by_label("Read only").check()
    page.get_by_role("button", name="Make token").click()
    secret = page.get_by_label("Token").input_value()
    assert secret.startswith("rpt_")
    found += violations_now(page, "token shown once", axe_source)
    answer = page.request.get(f"{base}/api/me", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status == 200 and answer.json()["email"] == cast.report.email
    page.get_by_role("link", name="Done").click()
    assert secret not in page.content()
    page.get_by_role("button", name="Revoke the token Dashboard").click()
    assert page.get_by_text("is revoked").is_visible()
    assert ApiToken.objects.get().revoked_at is not None
    refused = page.request.get(f"{base}/api/me", headers={"Authorization": f"Bearer {secret}"})
    assert refused.status == 401
    assert states == 4
    assert found == [], "\n".join(found)
    assert page.console_problems == []
