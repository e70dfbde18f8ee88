"""A coaching conversation in a real browser: the manager records progress with an obstacle of
the kind "other people", meeting mode offers the GROW flow, she steps through it (partly with
the keyboard), writes the options the report named and a private note, and the will step ends
in an action with an owner and a due date, which the goal page then shows. Also at 390 px."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from rapport.goals.coaching import questions_for
from rapport.goals.models import CoachingConversation
from rapport.meetings.models import ActionItem
from tests.browser.conftest import screenshot
from tests.browser.test_meeting_flow import meeting_url, sign_in
from tests.cast import build_cast
from tests.goals.test_progress import active_goal

OBSTACLE = "The platform team never picks up my review requests"
DECISION = "Ask the platform lead for a standing review slot"


def test_a_coaching_flow_in_meeting_mode_ends_in_an_action_with_a_date(
    live_server: LiveServer, open_page: Any
) -> None:
    cast = build_cast()
    base = live_server.url
    goal = active_goal(cast.one_on_one, title="Ship the search rewrite")

    manager = open_page(1366)
    sign_in(manager, base, cast.manager.email)
    meeting = cast.one_on_one.meetings.order_by("scheduled_for")[0]
    manager.goto(f"{base}/goals/{goal.uuid}/?meeting={meeting.uuid}")
    manager.locator("summary", has_text="Record progress").click()
    manager.get_by_label("Confidence (1-10)").fill("4")
    manager.get_by_label("Obstacle in the way").fill(OBSTACLE)
    manager.get_by_label("Kind of obstacle").select_option("people")
    manager.get_by_role("button", name="Record progress").click()
    expect(manager.locator(".gp-obstacle")).to_contain_text(OBSTACLE)

    manager.goto(meeting_url(base, cast) + "mode/")
    panel = manager.locator("#coaching-panel")
    expect(panel).to_contain_text(OBSTACLE)
    panel.get_by_role("button", name="Coach it step by step").click()
    expect(panel.locator("[data-coach-step-title]")).to_have_text("Step 1 of 4: Goal")
    expect(panel).to_contain_text(questions_for("goal", "people")[0])

    # Goal to reality with the keyboard: focus the button and press Enter.
    panel.get_by_role("button", name="Next: Reality").focus()
    manager.keyboard.press("Enter")
    expect(panel.locator("[data-coach-step-title]")).to_have_text("Step 2 of 4: Reality")
    expect(panel).to_contain_text(questions_for("reality", "people")[0])
    panel.get_by_label("Your private coaching note").fill("Frustrated; keep it about the ask")
    panel.get_by_role("button", name="Next: Options").click()

    expect(panel.locator("[data-coach-step-title]")).to_have_text("Step 3 of 4: Options")
    # Options are needed before the will step.
    panel.get_by_role("button", name="Next: Will").click()
    expect(panel.get_by_role("alert")).to_contain_text("at least one option")
    panel.get_by_label("Options the person named").fill(
        "Ask the platform lead for a slot\nPair with Sam on reviews"
    )
    panel.get_by_role("button", name="Next: Will").click()
    expect(panel.locator("[data-coach-step-title]")).to_have_text("Step 4 of 4: Will")
    screenshot(manager, "coaching-flow-will")

    due = timezone.localdate() + timedelta(days=7)
    panel.get_by_label("What the person will do").fill(DECISION)
    panel.get_by_role("radio", name="The person").check()
    panel.get_by_label("By when").fill(due.isoformat())
    panel.get_by_role("button", name="Add the action and finish").click()

    # The page reloads with the action on the list.
    expect(manager.locator("#actions-block")).to_contain_text(DECISION)
    action = ActionItem.objects.get(text=DECISION)
    assert (action.owner, action.due_on, action.goal_id) == (cast.report, due, goal.pk)
    assert CoachingConversation.objects.get().is_finished
    assert manager.console_problems == []

    # The goal page shows the options and the decision, and the note to its author.
    manager.goto(f"{base}/goals/{goal.uuid}/")
    history = manager.locator("#coaching")
    expect(history).to_contain_text("Pair with Sam on reviews")
    expect(history).to_contain_text(DECISION)
    expect(history).to_contain_text("Frustrated; keep it about the ask")
    screenshot(manager, "coaching-goal-page")

    report = open_page(390)
    sign_in(report, base, cast.report.email)
    report.goto(f"{base}/goals/{goal.uuid}/")
    expect(report.locator("#coaching")).to_contain_text("Pair with Sam on reviews")
    expect(report.locator("#coaching")).not_to_contain_text("Frustrated")


def test_the_coaching_flow_works_on_a_phone(live_server: LiveServer, open_page: Any) -> None:
    cast = build_cast()
    base = live_server.url
    goal = active_goal(cast.one_on_one, title="Ship the search rewrite")
    meeting = cast.one_on_one.meetings.order_by("scheduled_for")[0]
    from rapport.goals.services import goal_record_progress

    goal_record_progress(
        goal=goal, by=cast.report, meeting=meeting, obstacle=OBSTACLE, obstacle_kind="time"
    )
    phone = open_page(390)
    sign_in(phone, base, cast.manager.email)
    phone.goto(meeting_url(base, cast) + "mode/")
    phone.get_by_role("tab", name="Context").click()
    panel = phone.locator("#coaching-panel")
    panel.get_by_role("button", name="Coach it step by step").click()
    expect(panel.locator("[data-coach-step-title]")).to_have_text("Step 1 of 4: Goal")
    expect(panel).to_contain_text(questions_for("goal", "time")[0])
    # Nothing sticks out sideways at 390 px.
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(phone, "coaching-flow-phone")
