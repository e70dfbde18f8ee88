"""A new pair's first months in a real browser, end to end: the first 1:1 gets the two people
acquainted (the report fills the working-with-me profile, the manager sees only what is shared),
the second defines the first goal, an obstacle is coached with GROW in meeting mode until it
becomes an action with a date, and the achieved goal puts the next goal on the agenda."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from rapport.goals.coaching import questions_for
from rapport.goals.models import CoachingConversation, Goal
from rapport.meetings.models import ActionItem
from rapport.meetings.services import (
    FIRST_GOALS_PROMPT,
    NEXT_GOAL_PROMPT,
    PROFILE_PROMPT,
)
from tests.browser.conftest import screenshot
from tests.browser.test_meeting_flow import sign_in
from tests.cast import build_cast
from tests.helpers.sealed import with_text
from tests.meetings.test_first_one_on_ones import new_pair

SHARED = "Say it the same day, in private, with one example"
KEPT = "I look after my father on Thursday evenings"
TITLE = "Cut the support queue's first reply time to 4 hours"
OBSTACLE = "The on-call rota eats every afternoon I set aside for it"
DECISION = "Swap the Tuesday on-call shift with Sam for four weeks"


def test_a_new_pair_gets_acquainted_sets_a_goal_coaches_it_and_reaches_it(
    live_server: LiveServer, open_page: Any
) -> None:
    cast = build_cast()
    base = live_server.url
    pair = new_pair(cast)
    first, second = pair.meetings.order_by("scheduled_for")[:2]

    # First 1:1: the report follows the agenda's point to the profile, shares one answer and
    # keeps another to themselves.
    report = open_page()
    sign_in(report, base, cast.report_two.email)
    report.goto(f"{base}/meetings/{first.uuid}/")
    report.get_by_role("link", name=PROFILE_PROMPT).click()
    report.get_by_label("How I like to get feedback").fill(SHARED)
    report.locator("#id_feedback_sharing_1").check()
    report.get_by_label("Outside work, what I choose to share").fill(KEPT)
    expect(report.locator("#id_outside_work_sharing_0")).to_be_checked()
    report.get_by_role("button", name="Save my profile").click()
    expect(report.locator(".message")).to_contain_text("1 answer shared with your manager")
    screenshot(report, "journey-profile-saved")

    # The manager sees the shared answer beside (not inside) the private card, never the kept
    # one, and holds the first meeting.
    manager = open_page(1366)
    sign_in(manager, base, cast.manager.email)
    manager.goto(f"{base}/meetings/{first.uuid}/")
    expect(manager.locator(".shared-profile")).to_contain_text(SHARED)
    expect(manager.locator(".person-card")).not_to_contain_text(SHARED)
    expect(manager.locator("body")).not_to_contain_text(KEPT)
    screenshot(manager, "journey-first-meeting")
    manager.get_by_role("button", name="Mark held").click()

    # Second 1:1: the first goals are on its agenda; the report drafts one, the manager agrees.
    report.goto(f"{base}/meetings/{second.uuid}/")
    expect(report.locator("#agenda-block")).to_contain_text(FIRST_GOALS_PROMPT)
    report.goto(f"{base}/goals/new/?one_on_one={pair.uuid}")
    report.get_by_label("Goal", exact=True).fill(TITLE)
    report.get_by_label("What exactly will be different").fill(
        "Every new support ticket gets a first human reply within 4 working hours"
    )
    report.get_by_label("What you will measure").fill("median first reply time")
    report.get_by_label("Unit").fill("hours")
    report.get_by_label("Where it stands now").fill("11")
    report.get_by_label("Where you want it").fill("4")
    report.get_by_label("Confidence (1 to 10)").fill("6")
    report.get_by_label("What makes it realistic").fill("The new triage board is already live")
    report.get_by_label("Why it matters to you").fill(
        "Customers wait a whole day for us now, and I want to be the one who fixed that."
    )
    report.get_by_label("Reach it by").fill((timezone.localdate() + timedelta(days=90)).isoformat())
    report.get_by_role("button", name="Propose this goal").click()
    goal = Goal.objects.get(title=TITLE)
    manager.goto(f"{base}/goals/{goal.uuid}/")
    manager.get_by_role("button", name="Agree").click()
    expect(manager.locator("#goal-progress .goal-standing")).to_have_text("On track")

    # In the second 1:1 an obstacle is named: the goal is at risk.
    manager.goto(f"{base}/goals/{goal.uuid}/?meeting={second.uuid}")
    manager.locator("summary", has_text="Record progress").click()
    manager.get_by_label("Where it stands now").fill("10")
    manager.get_by_label("Confidence (1-10)").fill("4")
    manager.get_by_label("Obstacle in the way").fill(OBSTACLE)
    manager.get_by_label("Kind of obstacle").select_option("time")
    manager.get_by_role("button", name="Record progress").click()
    expect(manager.locator("#goal-progress .goal-standing")).to_have_text("At risk")

    # Meeting mode coaches it with GROW, questions chosen for an obstacle of time.
    manager.goto(f"{base}/meetings/{second.uuid}/mode/")
    panel = manager.locator("#coaching-panel")
    expect(panel).to_contain_text(OBSTACLE)
    panel.get_by_role("button", name="Coach it step by step").click()
    expect(panel).to_contain_text(questions_for("goal", "time")[0])
    panel.get_by_role("button", name="Next: Reality").click()
    expect(panel).to_contain_text(questions_for("reality", "time")[0])
    panel.get_by_label("Your private coaching note").fill("Never says no to on-call swaps")
    panel.get_by_role("button", name="Next: Options").click()
    panel.get_by_label("Options the person named").fill(
        "Swap a shift with Sam\nAsk for a quiet Friday morning"
    )
    panel.get_by_role("button", name="Next: Will").click()
    expect(panel.locator("[data-coach-step-title]")).to_have_text("Step 4 of 4: Will")
    due = timezone.localdate() + timedelta(days=14)
    panel.get_by_label("What the person will do").fill(DECISION)
    panel.get_by_role("radio", name="The person").check()
    panel.get_by_label("By when").fill(due.isoformat())
    screenshot(manager, "journey-coaching-will")
    panel.get_by_role("button", name="Add the action and finish").click()
    expect(manager.locator("#actions-block")).to_contain_text(DECISION)
    action = ActionItem.objects.get(text=DECISION)
    assert (action.owner, action.due_on, action.goal_id) == (cast.report_two, due, goal.pk)
    assert CoachingConversation.objects.get(goal=goal).is_finished

    # Weeks later the goal is reached: achieved, its action closed with it, and the next goal
    # is on the pair's next agenda.
    manager.goto(f"{base}/goals/{goal.uuid}/")
    manager.locator("summary", has_text="Achieved or dropped?").click()
    manager.get_by_label("Achieved").check()
    expect(manager.get_by_label(DECISION)).to_be_checked()
    manager.get_by_label("Reflection").fill("The swap gave back two afternoons a week.")
    manager.get_by_role("button", name="Close with this reflection").click()
    expect(manager.locator(".page-head .goal-standing")).to_have_text("Achieved")
    assert ActionItem.objects.get(pk=action.pk).done_at is not None
    screenshot(manager, "journey-goal-achieved")
    report.goto(f"{base}/goals/{goal.uuid}/")
    expect(report.locator("#coaching")).to_contain_text("Swap a shift with Sam")
    expect(report.locator("#coaching")).not_to_contain_text("Never says no")
    # Points belong to the pair: the prompt waits on the next open meeting, the second.
    assert len(with_text(pair.points.filter(discussed_in__isnull=True), NEXT_GOAL_PROMPT)) == 1
    report.goto(f"{base}/meetings/{second.uuid}/")
    expect(report.locator("#agenda-block")).to_contain_text(NEXT_GOAL_PROMPT)
    assert report.console_problems == [] and manager.console_problems == []
