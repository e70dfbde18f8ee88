"""Chat reminders in a real browser: a person connects a webhook on their email choices page
(a refused address first), sees a failing webhook reported, and an admin sees it on the
person's chat page; axe-core finds no WCAG 2.2 AA violation on any of these pages, at either
width, in either theme, and no page is wider than a phone."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from rapport.notify import services
from rapport.notify.models import ChatWebhook
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_accessibility import AXE, violations_in_every_state, violations_now
from tests.browser.test_meeting_flow import sign_in
from tests.cast import build_cast

SLACK = "https://hooks.slack.com/services/T0/B0/BrowserSecret"


def test_a_person_connects_a_webhook_and_a_failure_is_reported_accessibly(
    live_server: LiveServer, open_page: Any
) -> None:
    cast = build_cast()
    base = live_server.url
    axe_source = AXE.read_text(encoding="utf-8")
    found: list[str] = []

    report = open_page(390)
    sign_in(report, base, cast.report.email)
    report.goto(f"{base}/notifications/")
    report.get_by_label("Slack incoming webhook").check()
    report.get_by_label("Webhook address").fill("http://hooks.example.com/x")
    report.get_by_role("button", name="Connect").click()
    report.get_by_text("Use an https:// address").wait_for()
    found += violations_now(report, "chat form refused", axe_source)
    report.get_by_label("Webhook address").fill(SLACK)
    report.get_by_role("button", name="Connect").click()
    report.get_by_text("The chat webhook is connected").wait_for()
    hook = ChatWebhook.objects.get(person=cast.report)
    assert (hook.flavour, hook.url) == ("slack", SLACK)
    assert "BrowserSecret" not in report.content()

    # The webhook then fails (what the worker records: tests/notify/test_chat_delivery.py).
    ChatWebhook.objects.filter(pk=hook.pk).update(
        last_failed_at=timezone.now(), last_error="HTTP 404: no_service"
    )
    services.chat_webhook_set(
        by=cast.admin, person=None, flavour="json", url="https://router.example.com/r"
    )
    report.goto(f"{base}/notifications/")
    report.get_by_text("The last message could not be delivered").wait_for()
    report.screenshot(path=str(ARTIFACTS / "chat-preferences-failing-390.png"), full_page=True)
    page_found, states = violations_in_every_state(report, f"{base}/notifications/", axe_source)
    found += page_found

    admin = open_page(1366)
    sign_in(admin, base, cast.admin.email)
    admin.goto(f"{base}/people/{cast.report.uuid}/")
    admin.get_by_role("link", name="Chat reminders").click()
    admin.get_by_text("HTTP 404: no_service").wait_for()
    admin.screenshot(path=str(ARTIFACTS / "chat-admin-person-1366.png"), full_page=True)
    for path in (
        f"/notifications/chat/people/{cast.report.uuid}/",
        "/notifications/chat/organisation/",
    ):
        page_found, page_states = violations_in_every_state(admin, f"{base}{path}", axe_source)
        found += page_found
        states += page_states
    assert states == 12
    assert report.console_problems == [] and admin.console_problems == []
    assert found == [], "\n".join(found)
