"""The coaching loop of one goal, in a real browser: the report drafts it with the SMART check
updating as they type, the manager agrees, progress with an obstacle is recorded from the
meeting, meeting mode offers a coaching question about it, an action is tied to the goal, the
goal is achieved, and "Define the next goal" is on the pair's next agenda. On the way: the
manager's "New goal for" chooser, the standing badge, and the explicit close step that also
marks the goal's action done."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from rapport.goals.models import Goal
from rapport.meetings.models import ActionItem
from tests.browser.conftest import screenshot
from tests.browser.test_meeting_flow import meeting_url, sign_in
from tests.cast import build_cast

TITLE = "Give a talk at the Lisbon search meetup"
OBSTACLE = "No quiet slot in the week to rehearse"


def test_a_goal_goes_from_draft_to_achieved_and_the_next_one_is_prompted(
    live_server: LiveServer, open_page: Any
) -> None:
    cast = build_cast()
    base = live_server.url

    # The report drafts the goal; the check on the side follows the typing.
    report = open_page()
    sign_in(report, base, cast.report.email)
    report.goto(f"{base}/goals/new/?one_on_one={cast.one_on_one.uuid}")
    score = report.locator(".smart-score")
    report.get_by_label("Goal", exact=True).fill("Get better at talks")
    expect(score).not_to_contain_text("5 of 5")
    report.get_by_label("Goal", exact=True).fill(TITLE)
    report.get_by_label("What exactly will be different").fill(
        "Present our search rewrite for 20 minutes at the March meetup"
    )
    report.get_by_label("What you will measure").fill("talks given")
    report.get_by_label("Unit").fill("talks")
    report.get_by_label("Where it stands now").fill("0")
    report.get_by_label("Where you want it").fill("1")
    report.get_by_label("Confidence (1 to 10)").fill("7")
    report.get_by_label("What makes it realistic").fill("Mia reviews my slides; the CFP is open")
    report.get_by_label("Why it matters to you").fill(
        "Speaking scares me, and getting past that is the way to the staff path."
    )
    due = timezone.localdate() + timedelta(days=90)
    report.get_by_label("Reach it by").fill(due.isoformat())
    expect(score).to_contain_text("5 of 5")
    screenshot(report, "goal-form")
    report.get_by_role("button", name="Propose this goal").click()
    expect(report.locator(".badge.goal-standing-draft")).to_be_visible()
    goal = Goal.objects.get(title=TITLE)

    # The manager can start a goal for Rui from the goals page, where the why is Rui's.
    manager = open_page()
    sign_in(manager, base, cast.manager.email)
    manager.goto(f"{base}/goals/")
    manager.get_by_label("New goal for").select_option(label="Rui Report")
    screenshot(manager, "goals-chooser")
    manager.get_by_role("button", name="Start a goal").click()
    expect(manager.get_by_role("heading", name="A new goal for Rui Report")).to_be_visible()
    expect(manager.get_by_label("Why it matters to Rui")).to_be_visible()

    # The manager agrees: both have, so it starts, and it reads on track.
    manager.goto(f"{base}/goals/{goal.uuid}/")
    manager.get_by_role("button", name="Agree").click()
    expect(manager.locator("#goal-progress .goal-standing")).to_have_text("On track")

    # In the 1:1: from the meeting's goals card to the goal, progress with an obstacle.
    manager.goto(meeting_url(base, cast))
    manager.locator("#pair-goals").get_by_role("link", name=TITLE).click()
    expect(manager.get_by_role("link", name="Back to the 1:1")).to_be_visible()
    manager.locator("summary", has_text="Record progress").click()
    manager.get_by_label("Where it stands now").fill("0")
    manager.get_by_label("Confidence (1-10)").fill("5")
    manager.get_by_label("Obstacle in the way").fill(OBSTACLE)
    manager.get_by_role("button", name="Record progress").click()
    expect(manager.locator(".gp-obstacle")).to_contain_text(OBSTACLE)
    # An obstacle puts the goal at risk, on its page and in the meeting's goals card.
    expect(manager.locator("#goal-progress .goal-standing")).to_have_text("At risk")
    screenshot(manager, "goal-progress")

    # Meeting mode offers a coaching question because of the obstacle.
    manager.goto(meeting_url(base, cast) + "mode/")
    reason = manager.locator(".question-reason", has_text=f"An obstacle on the goal “{TITLE}”")
    expect(reason.first).to_be_visible()
    expect(
        manager.locator(".question-suggestion", has=reason.first).locator(".badge")
    ).to_contain_text("Coaching")
    screenshot(manager, "goal-coaching-question")

    # An action that moves the goal forward, tied to it from the meeting page.
    manager.goto(meeting_url(base, cast))
    manager.get_by_placeholder("Add an action…").fill("Book a room to rehearse on Thursdays")
    manager.get_by_label("For goal").select_option(value=str(goal.uuid))
    manager.locator("#actions-block").get_by_role("button", name="Add", exact=True).click()
    action = manager.locator(".action", has_text="Book a room to rehearse on Thursdays")
    expect(action.get_by_role("link", name=TITLE)).to_be_visible()
    screenshot(manager, "meeting-with-goals")

    # Closing is an explicit choice, folded away until asked for, with nothing chosen.
    manager.goto(f"{base}/goals/{goal.uuid}/")
    expect(manager.get_by_label("Achieved")).to_be_hidden()
    manager.locator("summary", has_text="Achieved or dropped?").click()
    expect(manager.get_by_label("Achieved")).not_to_be_checked()
    expect(manager.get_by_label("Dropped")).not_to_be_checked()
    manager.get_by_label("Reflection").fill("Rehearsing weekly made the difference.")
    manager.get_by_role("button", name="Close with this reflection").click()
    expect(manager.get_by_text("Choose how the goal ended: achieved or dropped.")).to_be_visible()

    # Achieved, with the goal's open action ticked to be marked done: celebrated, and the next
    # goal is on the next agenda for both.
    manager.locator("summary", has_text="Achieved or dropped?").click()
    manager.get_by_label("Achieved").check()
    expect(manager.get_by_label("Book a room to rehearse on Thursdays")).to_be_checked()
    manager.get_by_label("Reflection").fill("Rehearsing weekly made the difference.")
    screenshot(manager, "goal-close-step")
    manager.get_by_role("button", name="Close with this reflection").click()
    expect(manager.locator(".goal-celebrate")).to_contain_text("Achieved")
    expect(manager.locator(".page-head .goal-standing")).to_have_text("Achieved")
    assert ActionItem.objects.get(text="Book a room to rehearse on Thursdays").done_at is not None
    screenshot(manager, "goal-achieved")
    report.goto(meeting_url(base, cast))
    performance = report.locator(".agenda-performance")
    expect(performance.get_by_text("Define the next goal")).to_be_visible()
    report.goto(f"{base}/goals/")
    expect(report.get_by_text("Speaking scares me").first).to_be_visible()
    screenshot(report, "goals-mine")
    manager.goto(f"{base}/goals/team/")
    expect(manager.get_by_role("row", name="Rui Report")).to_be_visible()
    screenshot(manager, "goals-team")
    assert report.console_problems == [] and manager.console_problems == []
