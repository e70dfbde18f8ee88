"""Private content with unique markers, planted for the canary sweep and the write matrix:
each marker names the roles that may ever be shown it."""

from __future__ import annotations

from datetime import timedelta

from rapport.checkins.models import CheckIn
from rapport.goals.models import CoachingConversation, CoachingStep, GoalUpdate
from rapport.goals.services import goal_propose
from rapport.insights.models import SignalDismissal
from rapport.insights.rules import Rule
from rapport.meetings.models import Meeting, Note
from rapport.meetings.services import person_card_save, point_add
from rapport.notify.models import ChatWebhook
from rapport.people.services import working_profile_save
from tests.cast import PRIVATE_POINT_MARKER, Cast

REPORT_POINT = "CANARY-REPORT-PRIVATE-POINT-c41d"
MANAGER_NOTE = "CANARY-MANAGER-PRIVATE-NOTE-9b20"
REPORT_NOTE = "CANARY-REPORT-PRIVATE-NOTE-5e6f"
PERSON_CARD = "CANARY-PERSON-CARD-MANAGER-a81c"
PERSONAL_GOAL = "CANARY-PERSONAL-GOAL-PAIR-3d92"
GOAL_OBSTACLE = "CANARY-GOAL-OBSTACLE-PAIR-e7b5"
CHECKIN_OUTSIDE = "CANARY-CHECKIN-OUTSIDE-REPORT-4b7e"
CHECKIN_SHARED = "CANARY-CHECKIN-SHARED-PAIR-90fa"
SIGNAL_NOTE = "CANARY-SIGNAL-DISMISSAL-MANAGER-6c3d"
PROFILE_KEPT = "CANARY-PROFILE-KEPT-REPORT-2f8e"
PROFILE_SHARED = "CANARY-PROFILE-SHARED-PAIR-b15a"
COACHING_NOTE = "CANARY-COACHING-NOTE-MANAGER-2f81"
COACHING_OPTIONS = "CANARY-COACHING-OPTIONS-PAIR-b7c4"
# The path of a chat webhook's URL is the credential to post there: no page shows it, not even
# to the person whose webhook it is (they see its host).
CHAT_WEBHOOK_SECRET = "CANARY-CHAT-WEBHOOK-SECRET-d04e"


def second_meeting(cast: Cast) -> Meeting:
    return cast.one_on_one.meetings.order_by("scheduled_for")[1]


def plant_canaries(cast: Cast) -> dict[str, tuple[str, ...]]:
    """Marker -> the roles that may see it."""
    point_add(
        one_on_one=cast.one_on_one,
        author=cast.report,
        text=f"Worried about {REPORT_POINT}",
        section="connection",
        is_private=True,
    )
    Note.objects.create(
        meeting=cast.meeting, author=cast.manager, kind="private", body=MANAGER_NOTE, version=1
    )
    Note.objects.create(
        meeting=cast.meeting, author=cast.report, kind="private", body=REPORT_NOTE, version=1
    )
    # The manager's card about the report: the report is the person it is most private from.
    person_card_save(
        one_on_one=cast.one_on_one,
        by=cast.manager,
        motivators=f"Mastery {PERSON_CARD}",
        outside_work=f"Moving house {PERSON_CARD}",
    )
    # Planted first among the pair's goals, so the goal rows of the matrix open this one.
    goal = goal_propose(
        one_on_one=cast.one_on_one,
        by=cast.report,
        kind="personal",
        title=f"Sleep eight hours {PERSONAL_GOAL}",
        why=f"The baby keeps us up {PERSONAL_GOAL}",
    )
    # Progress on it, with an obstacle (what coaching reads): as private as the goal.
    GoalUpdate.objects.create(
        goal=goal, meeting=cast.meeting, by=cast.report, obstacle=f"Night feeds {GOAL_OBSTACLE}"
    )
    # The report's check-ins: an outside-work note kept to themselves, and one shared with
    # the manager (on the next meeting: one check-in per meeting).
    CheckIn.objects.create(
        meeting=cast.meeting,
        one_on_one=cast.one_on_one,
        report=cast.report,
        mood=2,
        energy=2,
        workload=4,
        outside_work=f"Divorce papers {CHECKIN_OUTSIDE}",
    )
    CheckIn.objects.create(
        meeting=second_meeting(cast),
        one_on_one=cast.one_on_one,
        report=cast.report,
        mood=4,
        energy=4,
        workload=3,
        outside_work=f"Half marathon {CHECKIN_SHARED}",
        outside_work_shared=True,
    )
    # The manager's reason for setting a signal aside, kept in the history of dismissed signals.
    SignalDismissal.objects.create(
        one_on_one=cast.one_on_one,
        rule=Rule.MOOD_FALLING,
        since=cast.meeting.scheduled_for.date() - timedelta(days=30),
        reason=f"Knows about it {SIGNAL_NOTE}",
        dismissed_by=cast.manager,
        title="Mood fell by 1.3 points",
        evidence="Last 3 check-ins: 3, 2, 2 (average 2.3)",
    )
    # The report's working-with-me profile: one answer kept to themselves, one shared with
    # their current manager (and nobody else: not the skip-level, HR or an admin).
    working_profile_save(
        person=cast.report,
        by=cast.report,
        answers={
            "outside_work": f"Fertility treatment {PROFILE_KEPT}",
            "feedback": f"In writing first {PROFILE_SHARED}",
        },
        shared={"feedback"},
    )
    # A finished coaching conversation on it: the options the report named are the pair's, the
    # manager's coaching note is hers alone (written straight: the goal is a draft, and the
    # services coach active goals only).
    CoachingConversation.objects.create(
        goal=goal,
        meeting=cast.meeting,
        obstacle=f"Night feeds {GOAL_OBSTACLE}",
        obstacle_kind="time",
        step=CoachingStep.DONE,
        options=f"Nap at lunch {COACHING_OPTIONS}\nSwap nights",
        decision=f"Swap nights twice a week {COACHING_OPTIONS}",
        private_note=f"Looks exhausted {COACHING_NOTE}",
        created_by=cast.manager,
        finished_at=cast.meeting.scheduled_for,
    )
    ChatWebhook.objects.create(
        person=cast.report,
        flavour="slack",
        url=f"https://hooks.slack.com/services/{CHAT_WEBHOOK_SECRET}",
        set_by=cast.report,
    )
    ChatWebhook.objects.create(
        person=None,
        flavour="json",
        url=f"https://router.example.com/{CHAT_WEBHOOK_SECRET}",
        set_by=cast.admin,
    )
    return {
        CHAT_WEBHOOK_SECRET: (),
        PRIVATE_POINT_MARKER: ("manager",),
        SIGNAL_NOTE: ("manager",),
        MANAGER_NOTE: ("manager",),
        REPORT_POINT: ("report",),
        REPORT_NOTE: ("report",),
        PERSON_CARD: ("manager",),
        PERSONAL_GOAL: ("manager", "report"),
        GOAL_OBSTACLE: ("manager", "report"),
        CHECKIN_OUTSIDE: ("report",),
        CHECKIN_SHARED: ("manager", "report"),
        PROFILE_KEPT: ("report",),
        PROFILE_SHARED: ("manager", "report"),
        COACHING_NOTE: ("manager",),
        COACHING_OPTIONS: ("manager", "report"),
    }
