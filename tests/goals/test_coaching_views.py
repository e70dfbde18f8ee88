"""The coaching flow on the web: meeting mode offers it for a goal with a fresh obstacle, its
steps swap in with htmx (or come back as plain posts), the decision lands as an action, and the
goal page shows the finished conversation (the private note to its author alone)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.goals.coaching import questions_for, stretch_questions
from rapport.goals.models import CoachingConversation, CoachingStep, Goal, GoalUpdate, Status
from rapport.goals.presentation_coaching import coaching_history_for, coaching_panel_for
from rapport.goals.services import coaching_decide, coaching_start, goal_record_progress
from rapport.meetings.models import ActionItem
from rapport.people.models import Person
from tests.cast import Cast
from tests.goals.test_progress import active_goal
from tests.helpers.digest import database_digest
from tests.helpers.queries import assert_queries_do_not_grow, count_queries

HTMX = {"HX-Request": "true", "HX-Target": "coaching-panel"}


def client_of(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def goal_with_obstacle(cast: Cast, kind: str = "people") -> Goal:
    goal = active_goal(cast.one_on_one)
    goal_record_progress(
        goal=goal,
        by=cast.report,
        meeting=cast.meeting,
        value=Decimal(3),
        obstacle="Ops never answer my tickets",
        obstacle_kind=kind,
    )
    return goal


def mode_url(cast: Cast) -> str:
    return reverse("meetings:mode", kwargs={"meeting_uuid": cast.meeting.uuid})


def step_url(conversation: CoachingConversation) -> str:
    return reverse("goals:coaching_step", args=[conversation.uuid])


def decide_url(conversation: CoachingConversation) -> str:
    return reverse("goals:coaching_decide", args=[conversation.uuid])


def test_meeting_mode_offers_coaching_for_a_goal_with_a_fresh_obstacle(cast: Cast) -> None:
    assert cast.meeting.is_open
    goal_with_obstacle(cast)
    page = client_of(cast.manager).get(mode_url(cast)).content.decode()
    assert "Coaching with GROW" in page
    assert "Coach it step by step" in page
    assert "Ops never answer my tickets" in page


def test_the_report_sees_no_coaching_panel_in_meeting_mode(cast: Cast) -> None:
    goal_with_obstacle(cast)
    page = client_of(cast.report).get(mode_url(cast)).content.decode()
    assert "Coaching with GROW" not in page


def test_starting_with_htmx_answers_the_panel_at_the_goal_step_with_questions_for_the_kind(
    cast: Cast,
) -> None:
    goal = goal_with_obstacle(cast, kind="people")
    response = client_of(cast.manager).post(
        reverse("goals:coaching_start", args=[goal.uuid]),
        {"meeting": str(cast.meeting.uuid)},
        headers=HTMX,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Step 1 of 4: Goal" in page
    for question in questions_for("goal", "people"):
        assert question in page
    assert questions_for("goal", "time")[0] not in page
    conversation = CoachingConversation.objects.get()
    assert conversation.meeting == cast.meeting


def test_the_whole_flow_by_plain_posts_ends_in_an_action_with_a_date(cast: Cast) -> None:
    goal = goal_with_obstacle(cast)
    client = client_of(cast.manager)
    start = client.post(
        reverse("goals:coaching_start", args=[goal.uuid]), {"meeting": str(cast.meeting.uuid)}
    )
    assert start.status_code == 302
    assert start["Location"] == mode_url(cast) + "#coaching-panel"
    conversation = CoachingConversation.objects.get()
    client.post(step_url(conversation), {"obstacle_kind": "time", "move": "next"})
    client.post(step_url(conversation), {"private_note": "Sounds overloaded", "move": "next"})
    client.post(step_url(conversation), {"options": "Ask Ops lead\nPair on it", "move": "next"})
    conversation.refresh_from_db()
    assert conversation.step == CoachingStep.WILL
    assert conversation.obstacle_kind == "time"
    assert conversation.options == "Ask Ops lead\nPair on it"
    assert conversation.private_note == "Sounds overloaded"
    due = timezone.localdate() + timedelta(days=5)
    done = client.post(
        decide_url(conversation),
        {"decision": "Book 20 minutes with the Ops lead", "owner": "report", "due_on": due},
    )
    assert done.status_code == 302
    action = ActionItem.objects.get(text="Book 20 minutes with the Ops lead")
    assert (action.owner, action.due_on, action.goal) == (cast.report, due, goal)
    conversation.refresh_from_db()
    assert conversation.step == CoachingStep.DONE


def test_a_step_form_keeps_the_fields_it_does_not_show(cast: Cast) -> None:
    conversation = coaching_start(goal=goal_with_obstacle(cast), by=cast.manager)
    client = client_of(cast.manager)
    client.post(step_url(conversation), {"private_note": "Keep me", "move": "stay"})
    client.post(step_url(conversation), {"move": "next"})
    conversation.refresh_from_db()
    assert conversation.private_note == "Keep me"
    assert conversation.obstacle_kind == "people"


def test_a_past_due_date_is_refused_with_a_message_and_no_action(cast: Cast) -> None:
    conversation = coaching_start(
        goal=goal_with_obstacle(cast), by=cast.manager, meeting=cast.meeting
    )
    CoachingConversation.objects.filter(pk=conversation.pk).update(
        step=CoachingStep.WILL, options="One"
    )
    client = client_of(cast.manager)
    before = database_digest()
    response = client.post(
        decide_url(conversation),
        {"decision": "Do it", "owner": "report", "due_on": "2020-01-01"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert 'role="alert">Choose today or a later day.' in response.content.decode()
    assert database_digest() == before


def test_nonsense_input_gets_a_message_not_an_error_page(cast: Cast) -> None:
    conversation = coaching_start(
        goal=goal_with_obstacle(cast), by=cast.manager, meeting=cast.meeting
    )
    client = client_of(cast.manager)
    bad_move = client.post(step_url(conversation), {"move": "sideways"}, headers=HTMX)
    assert 'role="alert">Select a valid choice.' in bad_move.content.decode()
    bad_kind = client.post(step_url(conversation), {"obstacle_kind": "weather"}, headers=HTMX)
    assert 'role="alert">Select a valid choice.' in bad_kind.content.decode()
    early = client.post(
        decide_url(conversation),
        {"decision": "x", "owner": "nobody", "due_on": "soon"},
        headers=HTMX,
    )
    assert early.status_code == 200
    assert "Enter a date such as" in early.content.decode()
    plain = client.post(step_url(conversation), {"move": "sideways"})
    assert plain.status_code == 302


def test_the_report_posting_a_private_note_changes_nothing_of_it(cast: Cast) -> None:
    conversation = coaching_start(goal=goal_with_obstacle(cast), by=cast.manager)
    client_of(cast.report).post(
        step_url(conversation), {"private_note": "sneaky", "options": "Mine", "move": "stay"}
    )
    conversation.refresh_from_db()
    assert conversation.options == "Mine"
    assert conversation.private_note == ""


def finished(cast: Cast) -> Goal:
    goal = goal_with_obstacle(cast)
    conversation = coaching_start(goal=goal, by=cast.manager, meeting=cast.meeting)
    CoachingConversation.objects.filter(pk=conversation.pk).update(
        step=CoachingStep.WILL, options="Ask Ops lead\nPair on it", private_note="Overloaded?"
    )
    client_of(cast.manager).post(
        decide_url(conversation),
        {
            "decision": "Book time with Ops",
            "owner": "report",
            "due_on": timezone.localdate() + timedelta(days=3),
        },
    )
    return goal


def test_the_goal_page_shows_the_options_and_decision_to_both_and_the_note_to_its_author(
    cast: Cast,
) -> None:
    goal = finished(cast)
    url = reverse("goals:detail", args=[goal.uuid])
    manager_page = client_of(cast.manager).get(url).content.decode()
    report_page = client_of(cast.report).get(url).content.decode()
    for page in (manager_page, report_page):
        assert "Ask Ops lead" in page
        assert "Pair on it" in page
        assert "Book time with Ops" in page
    assert "Overloaded?" in manager_page
    assert "Overloaded?" not in report_page


def test_the_goal_page_of_a_goal_achieved_early_suggests_a_stretch(cast: Cast) -> None:
    goal = active_goal(
        cast.one_on_one,
        status=Status.ACHIEVED,
        closed_at=timezone.now(),
        reflection="Easier than I thought",
        due_on=timezone.localdate() + timedelta(days=60),
    )
    page = client_of(cast.report).get(reverse("goals:detail", args=[goal.uuid])).content
    assert "Room to stretch" in page.decode()


def test_deciding_with_htmx_reloads_meeting_mode_so_the_new_action_shows(cast: Cast) -> None:
    conversation = coaching_start(
        goal=goal_with_obstacle(cast), by=cast.manager, meeting=cast.meeting
    )
    CoachingConversation.objects.filter(pk=conversation.pk).update(
        step=CoachingStep.WILL, options="One"
    )
    response = client_of(cast.manager).post(
        decide_url(conversation),
        {"decision": "Do it", "owner": "manager", "due_on": timezone.localdate()},
        headers=HTMX,
    )
    assert response.status_code == 204
    assert response["HX-Refresh"] == "true"
    assert ActionItem.objects.get(text="Do it").owner == cast.manager


def four_more(add: Callable[[int], None]) -> None:
    for number in range(1, 5):
        add(number)


def a_coached_goal(cast: Cast, title: str) -> None:
    goal = active_goal(cast.one_on_one, title=title)
    goal_record_progress(
        goal=goal, by=cast.report, meeting=cast.meeting, confidence=9, obstacle=f"Stuck on {title}"
    )
    coaching_start(goal=goal, by=cast.manager, meeting=cast.meeting)


def test_the_coaching_panel_reads_five_queries_for_one_coached_goal_or_five(cast: Cast) -> None:
    a_coached_goal(cast, "Goal 0")
    # The open conversations, the goals with their latest update, the pair's recent meetings,
    # the goals that may invite a stretch and their updates.
    assert_queries_do_not_grow(
        lambda: count_queries(lambda: coaching_panel_for(cast.manager, cast.meeting)),
        lambda: four_more(lambda n: a_coached_goal(cast, f"Goal {n}")),
        pinned=5,
    )


def test_the_goal_pages_coaching_reads_two_queries_however_many_conversations(
    cast: Cast,
) -> None:
    goal = goal_with_obstacle(cast)

    def one_more() -> None:
        conversation = coaching_start(goal=goal, by=cast.manager)
        CoachingConversation.objects.filter(pk=conversation.pk).update(
            step=CoachingStep.WILL, options="One"
        )
        coaching_decide(
            conversation=CoachingConversation.objects.get(pk=conversation.pk),
            by=cast.manager, decision="Do it", owner=cast.report, due_on=timezone.localdate(),
        )  # fmt: skip

    one_more()
    assert_queries_do_not_grow(
        lambda: count_queries(lambda: coaching_history_for(cast.manager, goal)),
        lambda: four_more(lambda n: one_more()),
        pinned=2,
    )


def test_meeting_mode_suggests_a_stretch_when_confidence_stayed_at_nine_or_ten_for_weeks(
    cast: Cast,
) -> None:
    goal = active_goal(cast.one_on_one, title="Cut review turnaround")
    for weeks_ago in (4, 1):
        GoalUpdate.objects.create(
            goal=goal,
            by=cast.report,
            confidence=10,
            created_at=timezone.now() - timedelta(weeks=weeks_ago),
        )
    page = client_of(cast.manager).get(mode_url(cast)).content.decode()
    assert "Room to stretch" in page
    assert "Confidence has stayed at 9-10 for 4 weeks." in page
    assert stretch_questions()[0] in page


def test_an_obstacle_coached_to_the_end_is_not_offered_again_until_a_new_one_is_recorded(
    cast: Cast,
) -> None:
    goal = finished(cast)
    panel = coaching_panel_for(cast.manager, cast.meeting)
    assert panel is not None
    assert panel.offers == []
    assert panel.flows == []
    update = goal_record_progress(
        goal=goal, by=cast.report, meeting=cast.meeting, obstacle="Now the budget is frozen"
    )
    GoalUpdate.objects.filter(pk=update.pk).update(created_at=timezone.now() + timedelta(minutes=5))
    panel = coaching_panel_for(cast.manager, cast.meeting)
    assert panel is not None
    assert [offer.obstacle for offer in panel.offers] == ["Now the budget is frozen"]
