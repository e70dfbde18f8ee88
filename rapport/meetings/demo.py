"""The history behind `rapport demo`: a year of weekly 1:1s for the team of 30, and a few
months for everyone else, so every page has something real-looking to show.

The story: Maya's platform team started using Rapport a year ago; the other teams, and the
leaders above them, followed about three to six months ago. Nobody has a 1:1 from before
they joined. Most pairs spend about the share of each meeting on connection that they aim
for; in the big team four have lately let it slide to nearly all work and two to nearly all
chat, which is what the team balance view is for. Maya keeps a private person card for most
of her reports. Everything is drawn from one seeded generator and from `today`, never from the
clock, so the same seed and day give the same history. Rows are written with bulk_create, a
model at a time, because a year for 30 people is thousands of rows.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q

from rapport.meetings import recurrence
from rapport.meetings.models import (
    ActionItem,
    Cadence,
    Meeting,
    Note,
    OneOnOne,
    PersonCard,
    Section,
    TalkingPoint,
    TimeSegment,
    Weekday,
)
from rapport.meetings.services import HORIZON, meetings_extend
from rapport.people.demo import DemoOrganisation, demo_people
from rapport.people.models import Person


@dataclass(frozen=True)
class HistorySummary:
    one_on_ones: int
    meetings: int
    points: int
    notes: int
    actions: int

    def __str__(self) -> str:
        return (
            f"History: {self.one_on_ones:,} 1:1s, {self.meetings:,} meetings, "
            f"{self.points:,} talking points, {self.notes:,} notes, "
            f"{self.actions:,} action items"
        )


# --- What each team talks about --------------------------------------------------------------


@dataclass(frozen=True)
class _Domain:
    projects: tuple[str, ...]
    components: tuple[str, ...]
    conferences: tuple[str, ...]
    # Design and leadership pairs have no pager, so on-call talk would ring false there.
    on_call: bool
    reviews: tuple[str, ...]


_ENGINEERING_REVIEWS = (
    "Code review of {teammate}'s change to {component}: I'd like your view on the approach",
    "My review queue is piling up; how do I keep up without rubber-stamping?",
    "{teammate} and I disagree in review about error handling in {component}",
    "Got thoughtful review comments on {project} and want to talk them through",
)

_PLATFORM = _Domain(
    projects=(
        "the Postgres 17 upgrade",
        "the deploy pipeline rewrite",
        "the new rate limiter",
        "the service mesh migration",
        "the secrets rotation work",
        "the log pipeline migration",
        "the multi-region failover test",
        "the shared build cache",
        "the Kubernetes upgrade",
    ),
    components=(
        "the ingress controller",
        "the job scheduler",
        "the auth proxy",
        "the metrics exporter",
        "the CI runners",
        "the backup jobs",
        "the feature flag service",
        "the API gateway",
    ),
    conferences=("KubeCon", "SREcon", "PyCon", "QCon", "RustConf"),
    on_call=True,
    reviews=_ENGINEERING_REVIEWS,
)
_MOBILE = _Domain(
    projects=(
        "offline mode on iOS",
        "the Android release train",
        "the push notification rework",
        "the new onboarding screens",
        "the crash-rate push",
        "the move to Jetpack Compose",
        "the accessibility fixes",
    ),
    components=(
        "the sync engine",
        "the image cache",
        "the deep-link router",
        "the analytics SDK",
        "the login flow",
        "the release scripts",
    ),
    conferences=("Droidcon", "try! Swift", "Mobile DevOps Summit"),
    on_call=True,
    reviews=_ENGINEERING_REVIEWS,
)
_DATA = _Domain(
    projects=(
        "the warehouse move to dbt",
        "the churn model",
        "the event tracking clean-up",
        "the revenue dashboard",
        "the data quality checks",
        "the demand forecast",
    ),
    components=(
        "the ingestion jobs",
        "the feature store",
        "the Airflow DAGs",
        "the metrics layer",
        "the experiment tooling",
        "the nightly exports",
    ),
    conferences=("Data Council", "PyData", "Coalesce"),
    on_call=True,
    reviews=_ENGINEERING_REVIEWS,
)
_DESIGN = _Domain(
    projects=(
        "the onboarding redesign",
        "the design system tokens",
        "the usability study on search",
        "the help centre rewrite",
        "the new pricing page",
        "dark mode",
    ),
    components=(
        "the component library",
        "the icon set",
        "the research repository",
        "the Figma templates",
        "the empty states",
    ),
    conferences=("Config", "UX London", "Smashing Conference"),
    on_call=False,
    reviews=(
        "Design crit on {project}: the feedback felt scattered, how do I steer it?",
        "Would like your eyes on the latest flows for {project} before the crit",
        "{teammate} and I see {component} differently; can we settle it?",
    ),
)
_LEADERSHIP = _Domain(
    projects=(
        "next year's hiring plan",
        "the engineering budget",
        "the quarterly roadmap",
        "the career ladder revision",
        "the engagement survey follow-up",
        "the team meet-up in Lisbon",
    ),
    components=(
        "the platform group",
        "the interview loop",
        "the promotion committee",
        "the on-call rota across teams",
        "the leadership offsite",
    ),
    conferences=("LeadDev", "QCon", "the Mind the Product summit"),
    on_call=False,
    reviews=(
        "Review of the {project} proposal: where it is still thin",
        "How the managers' meeting is going; it still runs long",
        "{teammate} and I need a decision on {component}",
    ),
)


# --- The words ---------------------------------------------------------------------------------
# Templates name their blanks; `_Words` fills each blank from the lists below, drawn per use.

_WEEKEND = (
    "a long bike ride along the coast",
    "a quiet one at home, which was needed",
    "a family wedding, still recovering",
    "helping a friend move flat",
    "hiking after three weekends of rain",
    "a first visit to the new climbing gym",
    "a concert, the first one in years",
    "the kids' football tournament",
    "visiting grandparents outside the city",
    "mostly sleep, and that was the plan",
    "painting the spare room",
    "a food market and far too many dumplings",
)
_ENERGY = (
    "lower than usual, sleeping badly this week",
    "good, the morning walk before work really helps",
    "up and down with the long evenings this release",
    "great after the time off",
    "a bit flat, too many meetings back to back",
    "steady, a calm week for once",
)
_WEEK = (
    "busy but good",
    "scattered, lots of context switching",
    "the quietest week in a while",
    "productive, shipped two things I'm proud of",
    "hard, a long incident on Tuesday night",
    "slow start, strong finish",
)
_RECENT = (
    "the long release week",
    "the on-call weekend",
    "the reorganisation news",
    "your trip",
    "the busy quarter end",
    "the move",
)
_KUDOS = (
    "helping {teammate} settle in",
    "staying calm during the outage",
    "the clear write-up of the {project} plan",
    "jumping in on the customer escalation",
    "the demo on Friday; people are still talking about it",
)
_MILESTONE = (
    "first milestone done, the staging rollout is next",
    "behind by about a week, the test data was harder than expected",
    "design doc approved, starting the build",
    "live for ten percent of traffic",
    "rolled out everywhere, watching the error rates",
    "blocked on the security review",
    "scope is creeping, I'd like to cut something",
)
_ON_CALL = (
    "three pages, two of them noise; I want to fix the alert thresholds",
    "quiet, so I updated the runbooks",
    "one long incident in {component}; the review is on Thursday",
    "woken twice by the same flaky health check",
    "handed over cleanly for the first time, the checklist works",
)
_DEADLINE_STATE = (
    "on track",
    "at risk, can we drop the reporting part?",
    "needs a decision on scope by Friday",
    "fine if the review lands this week",
)
_PROMOTION = (
    "I've drafted the summary of my impact this half",
    "which of my projects count as next-level scope?",
    "I'd like feedback on the draft before it goes to the committee",
    "collecting examples of mentoring; do these count?",
)
_FEEDBACK_WANTED = (
    "how I ran the planning meeting",
    "my design doc for {project}",
    "the demo I gave on Friday",
    "how I handled the disagreement in the incident review",
    "my written updates; are they too long?",
)
_FEEDBACK_GIVEN = (
    "the outage write-up was clear and fast, more of that",
    "please flag slipping dates earlier, even when you're unsure",
    "great mentoring of {teammate} this month",
    "your reviews could say why more often, not only what",
    "you held the room well in the architecture review",
    "try to share drafts earlier; they don't need to be finished",
)
_LEARNING = (
    "is there budget for {conference} this year?",
    "finished the Rust course, I want to use it on a small tool",
    "I'd like to pair with {teammate} on {component} to learn it",
    "thinking about a talk proposal for {conference}",
)
_TEAM_CHANGE = (
    "{teammate} moves teams next month; who picks up {component}?",
    "we're getting a new joiner in {month}; can I be their buddy?",
    "ownership of {component} is unclear after the reorganisation",
)
_AGREEMENT = (
    "move the Thursday stand-up to written updates",
    "try two focus mornings a week",
    "park the dashboard work until the next quarter",
    "bring the on-call rota to the team retro",
    "{first} leads the next incident review",
    "cut the reporting part of {project} and ship the rest",
)
_NEXT_TOPIC = (
    "go through the promotion draft together",
    "look at the error budget numbers",
    "talk about conference plans",
    "plan the handover of {component}",
    "set the goals for next quarter",
)
_NOTE_STATUS = (
    "on track for {deadline}",
    "staging went well, production next week",
    "scope cut agreed, the rest moves to next quarter",
    "waiting on the security review; chase on Monday",
    "done! Celebrated properly",
    "slipping a week; fine, but say so in the team update",
)
_WIN = (
    "the clean failover test",
    "a first solo on-call week",
    "the release going out on time",
    "a lovely thank-you from the support team",
    "closing the oldest bug on the board",
)
_BLOCKER = (
    "waiting on the security review",
    "no access to the production replica yet",
    "unclear ownership of {component}",
    "reviews take days to come back",
)
_THANKS = (
    "the quick unblock on the access request",
    "the honest feedback on the design doc",
    "covering the planning meeting",
    "the introduction to {teammate}",
    "making room for the course",
)
_FOCUS = (
    "finish the tests for {project}",
    "get the runbook for {component} reviewed",
    "two focus mornings, no meetings",
    "hand {component} over to {teammate}",
    "write the rollout plan for {project}",
)
_FOLLOW_UP = (
    "can I join the architecture review?",
    "is the budget for {conference} confirmed?",
    "who owns {component} after the move?",
    "when is the next promotion round?",
)
_MOOD = (
    "tired but upbeat",
    "energised",
    "quieter than usual",
    "frustrated about the review queue",
    "relaxed after the holiday",
    "a bit anxious about the deadline",
)
_OBSERVATION = (
    "The move seems to be taking a lot out of them.",
    "Lit up when we talked about {project}; give them more work like that.",
    "Didn't mention the on-call week; ask next time.",
    "A clear step up in ownership this month.",
    "I talked too much. Ask more, tell less, next time.",
    "The connection part ran short again; start with it properly.",
)
_WATCH = (
    "workload creeping up for the third week running",
    "no time off since the spring",
    "friction with {teammate} in reviews",
    "quiet in team meetings lately",
)
_EVIDENCE = (
    "led the incident review calmly and well",
    "mentored {teammate} through a first release",
    "wrote the clearest design doc of the quarter",
    "spotted the risk in {project} before anyone else",
)
_REMEMBER = (
    "ask for news on the {hobby} front",
    "send the link for {conference}",
    "mention the salary review dates",
    "thank them in the team channel for {project}",
)
_FAMILY = (
    "My son starts school next week, so mornings will be chaotic for a while",
    "The kids are off school for two weeks; I may shift my hours a little",
    "My parents are visiting for a fortnight",
    "Dad is recovering well after his operation",
    "Helping my mother move into a smaller flat this month",
    "My partner started a new job, so we're reshuffling the week",
    "The new puppy is learning to sleep through the night, slowly",
    "We're looking at flats in a quieter neighbourhood",
    "The move is done; the internet arrives on Monday",
    "Power cuts in our area, so some afternoons I'll work from a café",
    "Trying a coworking space two days a week",
    "My sister had a baby, so there's a new niece in the family",
)
_HOBBIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "running",
        (
            "signed up for a half marathon in the spring",
            "new personal best over 10k",
            "a sore knee, so walking for a couple of weeks",
            "joined a club that runs on Saturday mornings",
        ),
    ),
    (
        "climbing",
        (
            "finally climbed my first 6b",
            "the gym opened a new bouldering wall",
            "taking a break while a finger heals",
            "planning an outdoor trip with friends",
        ),
    ),
    (
        "guitar",
        (
            "learnt a whole song without looking at the chords",
            "playing at a friend's party next month, nervous",
            "bought a second-hand amp",
        ),
    ),
    (
        "garden",
        (
            "planted herbs all along the balcony",
            "lost the lettuce to snails again",
            "built a small greenhouse from old windows",
        ),
    ),
    (
        "baking",
        (
            "the sourdough finally rose properly",
            "entered a local bake-off, came third",
            "trying laminated dough, it's a mess so far",
        ),
    ),
    (
        "chess",
        (
            "rating went up a hundred points",
            "playing in a weekend tournament",
            "teaching my niece, she already beats me",
        ),
    ),
    (
        "photography",
        (
            "a photo walk at dawn, worth the early start",
            "one of my pictures is in a local exhibition",
            "saving up for a new lens",
        ),
    ),
    (
        "football",
        (
            "our five-a-side team won the league",
            "pulled a hamstring, watching from the side for now",
            "coaching the under-10s on Sundays",
        ),
    ),
    (
        "language classes",
        (
            "passed the first exam",
            "managed a whole conversation with a neighbour",
            "struggling with the grammar, but I'm keeping at it",
        ),
    ),
    (
        "woodworking",
        (
            "finished the bookshelf, it stands straight",
            "made a cutting board as a wedding present",
            "the workshop is finally tidy",
        ),
    ),
    (
        "swimming",
        (
            "swam a full kilometre without stopping",
            "started open-water swimming, cold but great",
            "the pool is closed for repairs, missing it",
        ),
    ),
    (
        "board games",
        (
            "hosted a game night for the neighbours",
            "finished a twelve-hour campaign game at last",
            "designing a small card game of my own",
        ),
    ),
)

# Talking points. Each tuple holds templates for one author and one section.
_CONNECTION_BY_REPORT = (
    "Weekend: {weekend}",
    "Energy this week: {energy}",
    "How the week went: {week}",
    "{hobby_title} update: {hobby_update}",
    "{family}",
    "Thinking of taking a week off in {month}; does that work?",
    "Back from a few days away, feeling rested",
    "Working late hours to overlap with the team is wearing me out a bit",
)
_CONNECTION_BY_MANAGER = (
    "How are you doing, honestly, after {recent}?",
    "What gave you energy this week, and what drained it?",
    "Anything outside work I should know about this month?",
    "Any news on the {hobby} front?",
    "Workload check after {recent}",
    "Thank you for {kudos}",
    "How is the home office set-up working out?",
)
_PERFORMANCE_BY_REPORT = (
    "{project_title}: {milestone}",
    "Deadline for {project} on {deadline}: {deadline_state}",
    "Promotion case: {promotion}",
    "Feedback I'd like on {feedback_wanted}",
    "Learning: {learning}",
    "Team change: {team_change}",
    "Design doc for {project} is ready; can you review it this week?",
)
_ON_CALL_BY_REPORT = ("On-call last week: {on_call}",)
_PERFORMANCE_BY_MANAGER = (
    "Feedback for you: {feedback_given}",
    "Priorities for the next two weeks",
    "Where {project} stands against the {deadline} date",
    "Promotion case: what's still missing before the committee in {month}",
    "I'd like to hear your plan for {component}",
    "Stretch opportunity: leading {project}?",
)
_PRIVATE_BY_MANAGER = (
    "Check gently whether the on-call load is why {first} seems tired",
    "Raise the late reviews, kindly, with two examples",
    "Their name came up for the tech lead role; gauge interest, promise nothing",
    "Mention the salary review timeline",
    "Ask about the family news only if {first} brings it up",
)
_PRIVATE_BY_REPORT = (
    "Ask whether I could work four days a week next year",
    "Mention that {teammate}'s review comments feel harsh to me",
    "Bring up that I feel stuck on maintenance work",
    "Ask what the path to staff engineer looks like, honestly",
)
_RECURRING = (
    (Section.CONNECTION, "How is your energy this week, from 1 to 5?"),
    (Section.CONNECTION, "Anything outside work on your mind?"),
    (Section.PERFORMANCE, "Anything blocking you?"),
    (Section.PERFORMANCE, "The one thing to get done before we next meet"),
    (Section.PERFORMANCE, "Wins since last time"),
)

# Notes, in Markdown: short bullets, a bold lead word where it helps scanning.
_MANAGER_NOTE_LINES = (
    "- **{project_title}**: {note_status}",
    "- Agreed: {agreement}",
    "- **Next time**: {next_topic}",
    "- **Weekend**: {weekend}",
    "- Celebrated {win}",
    "- **Feedback given**: {feedback_given}",
    "- Blocker: {blocker}; I'll chase it",
    "- {first} is thinking about {learning_short}",
)
_LEARNING_SHORT = (
    "a talk at {conference}",
    "learning more about {component}",
    "mentoring the next new joiner",
    "a course on system design",
)
_REPORT_NOTE_LINES = (
    "- Thanks for {thanks}",
    "- **My focus** until next time: {focus}",
    "- Question to follow up: {follow_up}",
    "- **Done** since last time: {win}",
)
_MANAGER_PRIVATE_NOTES = (
    "Seemed {mood} today. {observation}",
    "**Watch**: {watch}.",
    "For the promotion case: {evidence}.",
    "Remember to {remember}.",
    "Seemed {mood}. **Watch**: {watch}.",
)
_REPORT_PRIVATE_NOTES = (
    "Felt good about this one.",
    "Should have raised the on-call load. Next time.",
    "Ask about the tech lead role next time; it's been on my mind.",
    "Write down the feedback before I forget it: {feedback_given}.",
)

# Action items, by owner.
_ACTIONS_BY_REPORT = (
    "Share the draft design doc for {project}",
    "Book a pairing session with {teammate} on {component}",
    "Write the review of last week's incident in {component}",
    "Collect three examples for the promotion case",
    "Send {manager_first} the talk proposal for {conference}",
    "Update the runbook for {component}",
    "Block two focus mornings in the calendar",
    "Review {teammate}'s change to {component}",
    "Draft the rollout plan for {project}",
    "Try the new test set-up on {component} and report back",
    "Take Friday afternoon off after the release",
    "Write down what to drop if {project} slips",
    "Pick one course from the learning list and sign up",
    "Ask {teammate} for feedback on the {project} demo",
    "Close the stale tickets for {component}",
)
_ACTIONS_BY_MANAGER = (
    "Find out the dates of the next promotion committee",
    "Ask {skip_first} about headcount for {component}",
    "Confirm the budget for {conference}",
    "Introduce {first} to the lead of the data team",
    "Move the team demo to a time that works in Asia and the Americas",
    "Raise the on-call rota with the other managers",
    "Send {first} the notes from the roadmap review",
    "Get {first} access to the production replica",
    "Write the feedback for {first}'s half-year review",
    "Share the career ladder document",
    "Check whether {project} can move its date by two weeks",
)

# Why a meeting was skipped, from the report's side. The manager's absences are drawn per
# manager instead (see _manager_away), so all of their 1:1s that day give the same reason.
_SKIP_REASONS = (
    "{who} on holiday",
    "{who} off sick",
    "Sick day",
    "{who} at {conference}",
    "Public holiday where {who} lives",
    "Clashed with quarterly planning; nothing urgent, see you next week",
    "{who} on a training course",
    "Power cut at {who}'s place",
    "Both of us on the incident call",
    "Family matter, {who} had to step away",
)
_AWAY_FOR_A_DAY = (
    "{who} off sick",
    "{who} at {conference}",
    "{who} at the managers' offsite",
)

# The manager's private person cards: one line per field, drawn per report.
_CARD_MOTIVATORS = (
    "Owning a problem from start to finish; restless on pure maintenance",
    "Learning something new each quarter; lights up when pairing",
    "Seeing real users helped by the work; forwards every kind support ticket",
    "A clear goal and a visible finish line",
    "Teaching: volunteers to onboard every new joiner",
    "Hard technical puzzles nobody else has cracked",
    "Being trusted with decisions, not only tasks",
)
_CARD_STRUGGLES = (
    "Says yes to every request, then works late to keep up",
    "Long design debates; would rather build and see",
    "Speaking up in big meetings, though the ideas are good",
    "Estimates run a week or two optimistic",
    "Handing work over before it feels perfect",
    "Asking for help early; tends to struggle alone first",
    "Saying what they disagree with, to people senior to them",
)
_CARD_OUTSIDE_WORK = (
    "Two young children; the school run means nothing before 9:30 their time",
    "Caring for a parent; some afternoons are unpredictable, no need to explain",
    "Studying part-time for a master's degree; exams in January and June",
    "Into {hobby}; asking about it is the easiest way into the conversation",
    "Moved country last year and is still building a circle of friends",
    "Volunteers at a food bank on Saturdays",
)
_CARD_WORKING_STYLE = (
    "Written brief first, call second; dislikes being put on the spot",
    "Deep-focus mornings, meetings after lunch",
    "Thinks out loud; likes a whiteboard session to start anything new",
    "Short daily check-ins during a launch, left alone otherwise",
    "Wants the why before the what",
)
_CARD_RECOGNITION = (
    "Private thanks, in writing; would hate a shout-out at the all-hands",
    "A public thank-you in the team channel means a lot",
    "Credit by name in the release notes and the demo",
    "The next interesting project counts for more than praise",
    "A specific note on what went well, not a general well done",
)

# Names whose first word is not what the person is called.
_CALLED = {
    "Nguyễn Thị Lan": "Lan",
    "Mei Lin Tan": "Mei Lin",
    "Ji-woo Park": "Ji-woo",
    "Fatima Zahra Alaoui": "Fatima Zahra",
    "Ana Luísa Ferreira": "Ana Luísa",
    "Chen Yu": "Yu",
}


def _called(person: Person) -> str:
    return _CALLED.get(person.name, person.name.split()[0])


def _day(day: date) -> str:
    return f"{day.day} {day:%B}"


class _Words(dict[str, str]):
    """The blanks of one template. A blank is drawn when the template asks for it, so a
    template pays only for the blanks it has and a sentence stays consistent inside itself."""

    def __init__(self, draw: Callable[[str], str]) -> None:
        super().__init__()
        self._draw = draw

    def __missing__(self, key: str) -> str:
        value = self[key] = self._draw(key)
        return value


# --- Who meets whom, and when -------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    cadence: str
    weekday: int
    start_time: time
    duration_minutes: int
    starts_on: date


@dataclass(frozen=True)
class _TeamPlan:
    domain: _Domain
    cadences: tuple[str, ...]  # given to the reports in turn
    weekdays: tuple[int, ...]
    times: tuple[str, ...]  # the manager's wall clock, in order through a day
    duration_minutes: int
    history_weeks: int


_TUE_TO_THU = (Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY)
# Ten half hours a day for the team of 30 in London: the far east of the team early, the
# Americas late, so each 1:1 lands inside (or near) the report's own working day.
_BIG_TEAM_TIMES = (
    "08:00",
    "08:30",
    "09:30",
    "10:00",
    "11:00",
    "11:30",
    "13:30",
    "14:30",
    "15:30",
    "16:30",
)


def _team_plan(people: DemoOrganisation, manager: Person) -> _TeamPlan:
    weekly, biweekly, monthly = Cadence.WEEKLY, Cadence.BIWEEKLY, Cadence.MONTHLY
    if manager.pk == people.manager.pk:
        return _TeamPlan(_PLATFORM, (weekly,), _TUE_TO_THU, _BIG_TEAM_TIMES, 30, 52)
    if manager.pk == people.skip_level.pk:
        return _TeamPlan(
            _LEADERSHIP, (biweekly,), (Weekday.MONDAY,), ("10:00", "11:00", "13:00"), 45, 26
        )
    if manager.pk == people.ceo.pk:
        return _TeamPlan(
            _LEADERSHIP,
            (biweekly, biweekly, monthly, monthly),
            (Weekday.FRIDAY,),
            ("09:00", "10:00", "11:00", "11:30"),
            30,
            26,
        )
    title = manager.title.lower()
    if "mobile" in title:
        return _TeamPlan(
            _MOBILE,
            (weekly,),
            (Weekday.MONDAY, Weekday.TUESDAY),
            ("10:00", "13:30", "17:00"),
            30,
            13,
        )
    if "data" in title:
        return _TeamPlan(
            _DATA,
            (biweekly,),
            (Weekday.WEDNESDAY,),
            ("09:00", "10:00", "11:30", "14:00", "17:00"),
            30,
            16,
        )
    return _TeamPlan(
        _DESIGN if "design" in title else _PLATFORM,
        (weekly, biweekly),
        (Weekday.THURSDAY, Weekday.FRIDAY),
        ("08:30", "11:00", "15:30"),
        45,
        12,
    )


def _plans(
    team: _TeamPlan, reports: Sequence[Person], today: date, rng: random.Random
) -> list[tuple[Person, _Plan]]:
    noon = datetime.combine(today, time(12), tzinfo=UTC)

    def offset(person: Person) -> timedelta:
        return noon.astimezone(ZoneInfo(person.timezone)).utcoffset() or timedelta()

    # East first, then round-robin over the days, so each day runs from Asia to the Americas.
    ordered = sorted(reports, key=lambda person: (-offset(person), person.email))
    planned_start = today - timedelta(weeks=team.history_weeks)
    plans = []
    for index, report in enumerate(ordered):
        day_count = len(team.weekdays)
        clock = team.times[min(index // day_count, len(team.times) - 1)]
        joined = report.started_on or planned_start
        # A newer joiner's first 1:1 is in their first week, never before they started.
        starts_on = max(planned_start, joined + timedelta(days=rng.randint(1, 5)))
        plans.append(
            (
                report,
                _Plan(
                    cadence=team.cadences[index % len(team.cadences)],
                    weekday=team.weekdays[index % day_count],
                    start_time=time.fromisoformat(clock),
                    duration_minutes=team.duration_minutes,
                    starts_on=starts_on,
                ),
            )
        )
    return plans


# --- One pair's history -------------------------------------------------------------------------


@dataclass
class _Pair:
    one_on_one: OneOnOne
    manager: Person
    report: Person
    domain: _Domain
    teammates: list[str]
    hobby: tuple[str, tuple[str, ...]]
    skip_first: str
    # The manager's days out, on the manager's calendar; shared by all their pairs.
    away: dict[date, str]
    family: list[str]
    position: int = 0
    # Where the split between connection and performance sits: off the target by `bias`
    # points, and for a few pairs sliding lately toward one side (see _share).
    bias: float = 0.0
    drift: str = ""

    def next_position(self) -> int:
        self.position += 1
        return self.position


@dataclass
class _Rows:
    points: list[TalkingPoint] = field(default_factory=list)
    copies: list[TalkingPoint] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    actions: list[ActionItem] = field(default_factory=list)


class _Writer:
    """Writes the texts and rows of one pair's meetings; all randomness comes from `rng`."""

    def __init__(self, rng: random.Random, cutoff: datetime) -> None:
        self.rng = rng
        self.cutoff = cutoff

    def words(self, pair: _Pair, moment: datetime) -> _Words:
        rng, domain = self.rng, pair.domain
        local_day = moment.astimezone(ZoneInfo(pair.one_on_one.timezone)).date()

        def pick(options: Sequence[str]) -> str:
            return rng.choice(options).format_map(words)

        def draw(key: str) -> str:
            match key:
                case "first":
                    return _called(pair.report)
                case "manager_first":
                    return _called(pair.manager)
                case "skip_first":
                    return pair.skip_first
                case "teammate":
                    return rng.choice(pair.teammates)
                case "project":
                    return rng.choice(domain.projects)
                case "project_title":
                    project = words["project"]
                    return project[:1].upper() + project[1:]
                case "component":
                    return rng.choice(domain.components)
                case "conference":
                    return rng.choice(domain.conferences)
                case "deadline":
                    return _day(local_day + timedelta(days=rng.randint(7, 40)))
                case "month":
                    return f"{local_day.replace(day=1) + timedelta(days=rng.randint(35, 60)):%B}"
                case "hobby":
                    return pair.hobby[0]
                case "hobby_title":
                    return pair.hobby[0].capitalize()
                case "hobby_update":
                    return rng.choice(pair.hobby[1])
                case "family":
                    # Each bit of family news is told once; after that, the weekend instead.
                    return pair.family.pop() if pair.family else f"Weekend: {pick(_WEEKEND)}"
            return pick(_SLOT_OPTIONS[key])

        words = _Words(draw)
        return words

    def text(self, pair: _Pair, moment: datetime, templates: Sequence[str]) -> str:
        return self.rng.choice(templates).format_map(self.words(pair, moment))

    def point_texts(self, pair: _Pair, by_manager: bool, section: str) -> Sequence[str]:
        if section == Section.CONNECTION:
            return _CONNECTION_BY_MANAGER if by_manager else _CONNECTION_BY_REPORT
        if by_manager:
            return _PERFORMANCE_BY_MANAGER
        extra = _ON_CALL_BY_REPORT if pair.domain.on_call else ()
        return (*_PERFORMANCE_BY_REPORT, *pair.domain.reviews, *extra)

    def point(
        self, pair: _Pair, section: str, *, made_after: datetime, made_before: datetime
    ) -> TalkingPoint:
        rng = self.rng
        by_manager = rng.random() < 0.4
        private = rng.random() < 0.07
        if private:
            templates: Sequence[str] = _PRIVATE_BY_MANAGER if by_manager else _PRIVATE_BY_REPORT
        else:
            templates = self.point_texts(pair, by_manager, section)
        return TalkingPoint(
            one_on_one=pair.one_on_one,
            author=pair.manager if by_manager else pair.report,
            text=self.text(pair, made_before, templates),
            section=section,
            is_private=private,
            position=pair.next_position(),
            created_at=_between(rng, made_after, made_before),
        )

    def held_meeting(
        self, pair: _Pair, meeting: Meeting, previous: datetime, recurring: list[TalkingPoint]
    ) -> _Rows:
        rng = self.rng
        rows = _Rows()
        started = meeting.scheduled_for + timedelta(minutes=rng.randint(-1, 4))
        ended = started + timedelta(minutes=meeting.duration_minutes + rng.randint(-6, 5))
        switched = self.split(pair, meeting, started, ended)
        before = meeting.scheduled_for - timedelta(minutes=5)
        # A pair that has let connection slide rarely brings a connection point any more.
        squeezed = (switched - started) < (ended - started) / 5
        counts, weights = ((0, 1), (3, 1)) if squeezed else ((0, 1, 2), (1, 6, 3))
        connection_points = rng.choices(counts, weights)[0]
        # Connection first: its points are ticked off before the clock moves to performance.
        for section, count, opens_at, closes_at in (
            (Section.CONNECTION, connection_points, started, switched),
            (Section.PERFORMANCE, rng.choices((1, 2, 3), (4, 4, 2))[0], switched, ended),
        ):
            for template in recurring:
                if template.section == section and rng.random() < 0.7:
                    at = _between(rng, opens_at, closes_at)
                    rows.copies.append(_discussion_of(template, meeting, at))
            for _ in range(count):
                point = self.point(pair, section, made_after=previous, made_before=before)
                point.discussed_in = meeting
                point.discussed_at = _between(rng, opens_at, closes_at)
                rows.points.append(point)
        rows.notes.extend(self.notes(pair, meeting, ended))
        rows.actions.extend(self.actions(pair, meeting, ended))
        return rows

    def split(self, pair: _Pair, meeting: Meeting, started: datetime, ended: datetime) -> datetime:
        """Record how the meeting's time split between the two parts and return the moment
        it moved from connection to performance. Most meetings ran in meeting mode (measured
        seconds); a few were held without it and estimated afterwards in whole five minutes;
        a very few have nothing recorded at all."""
        rng = self.rng
        weeks_ago = (self.cutoff - meeting.scheduled_for) / timedelta(weeks=1)
        share = _share(pair, weeks_ago, rng)
        roll = rng.random()
        if roll < 0.05:
            meeting.started_at = meeting.ended_at = None
            if roll < 0.01:
                return started + (ended - started) * share / 100
            connection = 5 * round(meeting.duration_minutes * share / 500)
            meeting.estimated_connection_minutes = connection
            meeting.estimated_performance_minutes = meeting.duration_minutes - connection
            return min(started + timedelta(minutes=connection), ended)
        meeting.started_at, meeting.ended_at = started, ended
        # Now and then the clock was paused for a minute or two (a dropped call, a knock at
        # the door); the pause counts for neither part.
        pause = rng.randint(20, 120) if rng.random() < 0.25 else 0
        clocked = int((ended - started).total_seconds()) - pause
        connection = round(clocked * share / 100)
        meeting.connection_seconds = connection
        meeting.performance_seconds = clocked - connection
        return started + timedelta(seconds=connection)

    def notes(self, pair: _Pair, meeting: Meeting, ended: datetime) -> list[Note]:
        rng = self.rng
        written = []
        for author, kind, chance, templates, lines in (
            (pair.manager, Note.Kind.SHARED, 0.75, _MANAGER_NOTE_LINES, (2, 4)),
            (pair.report, Note.Kind.SHARED, 0.35, _REPORT_NOTE_LINES, (1, 3)),
            (pair.manager, Note.Kind.PRIVATE, 0.25, _MANAGER_PRIVATE_NOTES, (1, 1)),
            (pair.report, Note.Kind.PRIVATE, 0.04, _REPORT_PRIVATE_NOTES, (1, 1)),
        ):
            if rng.random() >= chance:
                continue
            words = self.words(pair, meeting.scheduled_for)
            chosen = rng.sample(templates, rng.randint(*lines))
            written.append(
                Note(
                    meeting=meeting,
                    author=author,
                    kind=kind,
                    body="\n".join(line.format_map(words) for line in chosen),
                    version=rng.randint(1, 4),
                    updated_at=ended + timedelta(minutes=rng.randint(1, 90)),
                )
            )
        return written

    def actions(self, pair: _Pair, meeting: Meeting, ended: datetime) -> list[ActionItem]:
        rng = self.rng
        made = []
        local_day = ended.astimezone(ZoneInfo(pair.one_on_one.timezone)).date()
        recent = ended > self.cutoff - timedelta(weeks=3)
        for _ in range(rng.choices((0, 1, 2, 3), (7, 8, 4, 1))[0]):
            by_manager = rng.random() < 0.35
            owner = pair.manager if by_manager else pair.report
            templates = _ACTIONS_BY_MANAGER if by_manager else _ACTIONS_BY_REPORT
            due_on = local_day + timedelta(days=rng.randint(2, 21)) if rng.random() < 0.7 else None
            # Old items are nearly all done; recent ones are often still open. The few old
            # open ones with a due date in the past are the overdue ones.
            done_at = None
            if rng.random() < (0.45 if recent else 0.95):
                done = ended + timedelta(hours=rng.randint(2, 24 * 18))
                done_at = done if done < self.cutoff else None
            made.append(
                ActionItem(
                    one_on_one=pair.one_on_one,
                    created_in=meeting,
                    owner=owner,
                    created_by=owner if rng.random() < 0.7 else _other(pair, owner),
                    text=self.text(pair, ended, templates),
                    due_on=due_on,
                    done_at=done_at,
                    created_at=ended - timedelta(minutes=rng.randint(1, 10)),
                )
            )
        return made


_SLOT_OPTIONS: dict[str, Sequence[str]] = {
    "weekend": _WEEKEND,
    "energy": _ENERGY,
    "week": _WEEK,
    "recent": _RECENT,
    "kudos": _KUDOS,
    "milestone": _MILESTONE,
    "on_call": _ON_CALL,
    "deadline_state": _DEADLINE_STATE,
    "promotion": _PROMOTION,
    "feedback_wanted": _FEEDBACK_WANTED,
    "feedback_given": _FEEDBACK_GIVEN,
    "learning": _LEARNING,
    "learning_short": _LEARNING_SHORT,
    "team_change": _TEAM_CHANGE,
    "agreement": _AGREEMENT,
    "next_topic": _NEXT_TOPIC,
    "note_status": _NOTE_STATUS,
    "win": _WIN,
    "blocker": _BLOCKER,
    "thanks": _THANKS,
    "focus": _FOCUS,
    "follow_up": _FOLLOW_UP,
    "mood": _MOOD,
    "observation": _OBSERVATION,
    "watch": _WATCH,
    "evidence": _EVIDENCE,
    "remember": _REMEMBER,
}


# The drifting pairs' slide: it begins about four months back and is complete ten weeks
# back, so the last eight weeks (the team balance view's window) show it whole.
_DRIFT_STARTS_WEEKS_AGO = 18
_DRIFT_DONE_WEEKS_AGO = 10
_TO_PERFORMANCE = "performance"
_TO_CHAT = "chat"


def _share(pair: _Pair, weeks_ago: float, rng: random.Random) -> float:
    """Percent of one meeting's time on connection: the target, the pair's habit and the
    week's noise, and for a drifting pair a slide toward all work or all chat."""
    share = pair.one_on_one.target_connection_share + pair.bias + rng.gauss(0, 5)
    if pair.drift:
        drifted = rng.uniform(4, 15) if pair.drift == _TO_PERFORMANCE else rng.uniform(85, 96)
        span = _DRIFT_STARTS_WEEKS_AGO - _DRIFT_DONE_WEEKS_AGO
        weight = min(1.0, max(0.0, (_DRIFT_STARTS_WEEKS_AGO - weeks_ago) / span))
        share += weight * (drifted - share)
    return min(100.0, max(0.0, share))


def _balance_profiles(pairs: list[_Pair], manager: Person, today: date, rng: random.Random) -> None:
    """Most pairs keep close to their target. In the big team, four have slid toward all
    performance and two toward all chat, and four have a target other than half and half,
    so the team balance view has something to show."""
    for pair in pairs:
        pair.bias = rng.uniform(-4, 4)
    team = [pair for pair in pairs if pair.manager.pk == manager.pk]
    # Only a pair with months of history can drift: a newcomer's 1:1 has no habit to lose.
    settled = [pair for pair in team if (today - pair.one_on_one.starts_on).days > 26 * 7]
    drifting = rng.sample(settled, 6)
    for index, pair in enumerate(drifting):
        pair.drift = _TO_PERFORMANCE if index < 4 else _TO_CHAT
    steady = [pair for pair in team if not pair.drift]
    for pair, target in zip(rng.sample(steady, 4), (40, 40, 60, 60), strict=True):
        pair.one_on_one.target_connection_share = target


def _person_cards(
    pairs: list[_Pair], manager: Person, cutoff: datetime, rng: random.Random
) -> list[PersonCard]:
    """The big team's manager keeps a card for most of her reports, some fuller than others;
    the other managers have not started theirs."""
    team = [pair for pair in pairs if pair.manager.pk == manager.pk]
    cards = []
    for pair in rng.sample(team, round(len(team) * 0.7)):

        def line(options: Sequence[str], chance: float, pair: _Pair = pair) -> str:
            if rng.random() >= chance:
                return ""
            return rng.choice(options).format(hobby=pair.hobby[0])

        cards.append(
            PersonCard(
                one_on_one=pair.one_on_one,
                motivators=line(_CARD_MOTIVATORS, 1.0),
                struggles=line(_CARD_STRUGGLES, 0.8),
                outside_work=line(_CARD_OUTSIDE_WORK, 0.5),
                working_style=line(_CARD_WORKING_STYLE, 0.7),
                recognition=line(_CARD_RECOGNITION, 0.7),
                updated_at=cutoff
                - timedelta(days=rng.randint(2, 120), minutes=rng.randint(0, 600)),
            )
        )
    return cards


def _segments_of(meeting: Meeting) -> list[TimeSegment]:
    """Meeting mode's own record of a measured meeting: connection first, performance to the
    end, any pause between them; the segments add up to the meeting's seconds."""
    assert meeting.started_at is not None and meeting.ended_at is not None
    connection = meeting.connection_seconds or 0
    performance = meeting.performance_seconds or 0
    segments = []
    if connection:
        segments.append(
            TimeSegment(
                meeting=meeting,
                section=Section.CONNECTION,
                started_at=meeting.started_at,
                ended_at=meeting.started_at + timedelta(seconds=connection),
            )
        )
    if performance:
        segments.append(
            TimeSegment(
                meeting=meeting,
                section=Section.PERFORMANCE,
                started_at=meeting.ended_at - timedelta(seconds=performance),
                ended_at=meeting.ended_at,
            )
        )
    return segments


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    seconds = max(int((end - start).total_seconds()), 1)
    return start + timedelta(seconds=rng.randrange(seconds))


def _other(pair: _Pair, person: Person) -> Person:
    return pair.report if person.pk == pair.manager.pk else pair.manager


def _discussion_of(template: TalkingPoint, meeting: Meeting, at: datetime) -> TalkingPoint:
    # The same shape as ticking a recurring point in the meeting (see agenda.point_set_discussed).
    return TalkingPoint(
        one_on_one=template.one_on_one,
        author=template.author,
        text=template.text,
        section=template.section,
        is_private=template.is_private,
        recurring_source=template,
        position=template.position,
        discussed_in=meeting,
        discussed_at=at,
        created_at=at,
    )


def _winter_holidays(around: date) -> list[date]:
    """24 December to 2 January of the year before `around` and of its own year."""
    days = []
    for year in (around.year - 1, around.year):
        first = date(year, 12, 24)
        days += [first + timedelta(days=n) for n in range(10)]
    return days


def _manager_away(
    manager: Person,
    domain: _Domain,
    plans: Sequence[tuple[Person, _Plan]],
    today: date,
    rng: random.Random,
) -> dict[date, str]:
    """The days a manager is out: the winter holidays (or, when the history does not reach
    back to them, a week off at some other time) and one single day."""
    who = _called(manager)
    first = min(plan.starts_on for _, plan in plans)
    weekdays = sorted({plan.weekday for _, plan in plans})
    away = {
        day: f"{who} away over the holidays"
        for day in _winter_holidays(today)
        if first <= day < today + HORIZON
    }
    if not any(day < today for day in away) and (today - first).days > 35:
        monday = first + timedelta(days=rng.randint(14, (today - first).days - 14))
        monday -= timedelta(days=monday.weekday())
        away |= {monday + timedelta(days=n): f"{who} on holiday" for n in range(5)}
    candidates = [
        first + timedelta(days=n)
        for n in range((today - first).days)
        if (first + timedelta(days=n)).weekday() in weekdays
    ]
    if candidates:
        reason = rng.choice(_AWAY_FOR_A_DAY)
        away.setdefault(
            rng.choice(candidates),
            reason.format(who=who, conference=rng.choice(domain.conferences)),
        )
    return away


def _local_day(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()


def _moved(rng: random.Random, slot: datetime, zone: str, cutoff: datetime) -> datetime | None:
    """Where a rescheduled meeting went: a day or a few hours away, on a weekday, within the
    manager's working hours, and still in the past. None when no such move exists."""
    moves = [timedelta(days=-1), timedelta(days=1), timedelta(hours=1), timedelta(hours=2)]
    moves += [timedelta(hours=-2), timedelta(minutes=30), timedelta(hours=3), timedelta(hours=-1)]
    rng.shuffle(moves)
    for move in moves:
        moved = slot + move
        local = moved.astimezone(ZoneInfo(zone))
        if local.weekday() < 5 and 7 <= local.hour < 19 and moved < cutoff:
            return moved
    return None


# --- The whole history --------------------------------------------------------------------------


@transaction.atomic
def demo_history_create(*, people: DemoOrganisation, today: date, seed: int = 7) -> HistorySummary:
    """Give every demo manager's reports a 1:1 with history up to `today` and upcoming
    meetings after it. Meant for a freshly created demo: it adds, never replaces."""
    rng = random.Random(seed)
    # Meetings before the start of `today` (UTC) are history; from then on they are upcoming.
    cutoff = datetime.combine(today, time(), tzinfo=UTC)
    pairs = _one_on_ones_create(people, today, cutoff, rng)
    writer = _Writer(rng, cutoff)

    # Rows are built first and saved a model at a time afterwards: bulk_create fills in the
    # foreign keys of rows that point at objects saved before them (points at meetings,
    # discussion copies at their recurring point).
    past: list[Meeting] = []
    # The last eight measured meetings of each pair keep meeting mode's time segments too;
    # older ones keep only their totals, which is all any page reads from them.
    segmented: list[Meeting] = []
    recurring = _recurring_points(pairs, rng)
    rows = _Rows()
    for pair in pairs:
        meetings = _past_meetings(pair, cutoff, rng)
        _pair_history(pair, meetings, recurring[pair.one_on_one.pk], writer, rows)
        past.extend(meetings)
        segmented.extend([m for m in meetings if m.connection_seconds is not None][-8:])
    Meeting.objects.bulk_create(past)
    TimeSegment.objects.bulk_create(
        [segment for meeting in segmented for segment in _segments_of(meeting)]
    )
    templates = [point for points in recurring.values() for point in points]
    TalkingPoint.objects.bulk_create(templates)
    TalkingPoint.objects.bulk_create(rows.points)
    TalkingPoint.objects.bulk_create(rows.copies)
    Note.objects.bulk_create(rows.notes)
    ActionItem.objects.bulk_create(rows.actions)

    upcoming = 0
    for pair in pairs:
        # No days away exist yet: the demo command records them through their service after
        # the history, which skips the 1:1s they cover.
        upcoming += meetings_extend(
            one_on_one=pair.one_on_one, until=cutoff + HORIZON, days_away=()
        )
    _upcoming_adjust(pairs, cutoff, rng)
    PersonCard.objects.bulk_create(_person_cards(pairs, people.manager, cutoff, rng))

    return HistorySummary(
        one_on_ones=len(pairs),
        meetings=len(past) + upcoming,
        points=len(templates) + len(rows.points) + len(rows.copies),
        notes=len(rows.notes),
        actions=len(rows.actions),
    )


def _one_on_ones_create(
    people: DemoOrganisation, today: date, cutoff: datetime, rng: random.Random
) -> list[_Pair]:
    reports = list(
        demo_people()
        .filter(manager__isnull=False, is_active=True)
        .select_related("manager", "manager__manager")
        .order_by("email")
    )
    teams: dict[int, list[Person]] = defaultdict(list)
    for report in reports:
        assert report.manager_id is not None
        teams[report.manager_id].append(report)
    managers = sorted({r.manager for r in reports if r.manager}, key=lambda m: m.email)
    pairs = []
    for manager in managers:
        team = _team_plan(people, manager)
        members = teams[manager.pk]
        skip = manager.manager
        plans = _plans(team, members, today, rng)
        away = _manager_away(manager, team.domain, plans, today, rng)
        for report, plan in plans:
            teammates = [_called(p) for p in members if p.pk != report.pk] or ["the team"]
            one_on_one = OneOnOne(
                manager=manager,
                report=report,
                cadence=plan.cadence,
                weekday=plan.weekday,
                start_time=plan.start_time,
                timezone=manager.timezone,
                duration_minutes=plan.duration_minutes,
                starts_on=plan.starts_on,
                # Past meetings are written here; meetings_extend adds the upcoming ones.
                scheduled_until=cutoff,
                created_at=datetime.combine(plan.starts_on, time(9), tzinfo=UTC)
                - timedelta(days=rng.randint(1, 6)),
            )
            pairs.append(
                _Pair(
                    one_on_one=one_on_one,
                    manager=manager,
                    report=report,
                    domain=team.domain,
                    teammates=teammates,
                    hobby=rng.choice(_HOBBIES),
                    skip_first=_called(skip) if skip else "finance",
                    away=away,
                    family=rng.sample(_FAMILY, rng.randint(2, 5)),
                )
            )
    _balance_profiles(pairs, people.manager, today, rng)
    OneOnOne.objects.bulk_create([pair.one_on_one for pair in pairs])
    return pairs


def _past_meetings(pair: _Pair, cutoff: datetime, rng: random.Random) -> list[Meeting]:
    one_on_one = pair.one_on_one
    slots = recurrence.occurrences(
        cadence=one_on_one.cadence,
        starts_on=one_on_one.starts_on,
        weekday=one_on_one.weekday,
        at=one_on_one.start_time,
        zone=one_on_one.timezone,
        after=datetime.combine(one_on_one.starts_on, time(), tzinfo=UTC) - timedelta(days=1),
        until=cutoff,
    )
    meetings = []
    for slot in slots:
        meeting = Meeting(
            one_on_one=one_on_one,
            slot=slot,
            scheduled_for=slot,
            duration_minutes=one_on_one.duration_minutes,
            status=Meeting.Status.HELD,
        )
        roll = rng.random()
        if away := pair.away.get(_local_day(slot, one_on_one.timezone)):
            meeting.status, meeting.status_reason = Meeting.Status.SKIPPED, away
        elif roll < 0.015:
            reason = rng.choice(_SKIP_REASONS)
            meeting.status = Meeting.Status.SKIPPED
            meeting.status_reason = reason.format(
                who=_called(pair.report), conference=rng.choice(pair.domain.conferences)
            )
        elif roll < 0.065:
            moved = _moved(rng, slot, one_on_one.timezone, cutoff)
            meeting.scheduled_for = moved or slot
        meetings.append(meeting)
    return meetings


def _recurring_points(pairs: list[_Pair], rng: random.Random) -> dict[int, list[TalkingPoint]]:
    """One or two standing questions per pair, mostly the manager's, from the first 1:1 on."""
    templates = []
    for pair in pairs:
        for section, text in rng.sample(_RECURRING, rng.randint(1, 2)):
            author = pair.manager if rng.random() < 0.75 else pair.report
            templates.append(
                TalkingPoint(
                    one_on_one=pair.one_on_one,
                    author=author,
                    text=text,
                    section=section,
                    is_recurring=True,
                    position=pair.next_position(),
                    created_at=pair.one_on_one.created_at + timedelta(hours=1),
                )
            )
    by_pair: dict[int, list[TalkingPoint]] = {pair.one_on_one.pk: [] for pair in pairs}
    for template in templates:
        by_pair[template.one_on_one_id].append(template)
    return by_pair


def _pair_history(
    pair: _Pair,
    meetings: list[Meeting],
    recurring: list[TalkingPoint],
    writer: _Writer,
    rows: _Rows,
) -> None:
    previous = pair.one_on_one.created_at
    for meeting in meetings:
        if meeting.status == Meeting.Status.HELD:
            held = writer.held_meeting(pair, meeting, previous, recurring)
            rows.points.extend(held.points)
            rows.copies.extend(held.copies)
            rows.notes.extend(held.notes)
            rows.actions.extend(held.actions)
            previous = meeting.scheduled_for + timedelta(minutes=meeting.duration_minutes)
    # A few points already wait for the next meeting; they carry over by being undiscussed.
    for _ in range(writer.rng.choices((0, 1, 2, 3), (2, 4, 3, 1))[0]):
        section = writer.rng.choice(Section.values)
        rows.points.append(
            writer.point(
                pair, section, made_after=previous, made_before=writer.cutoff - timedelta(hours=1)
            )
        )


def _upcoming_adjust(pairs: list[_Pair], cutoff: datetime, rng: random.Random) -> None:
    """Days the manager will be away are skipped ahead of time; a few meetings are moved."""
    by_pk = {pair.one_on_one.pk: pair for pair in pairs}
    upcoming = Meeting.objects.filter(
        one_on_one__in=list(by_pk), status=Meeting.Status.UPCOMING, slot__gte=cutoff
    ).order_by("one_on_one_id", "slot")
    changed = []
    for meeting in upcoming:
        pair = by_pk[meeting.one_on_one_id]
        zone = pair.one_on_one.timezone
        if away := pair.away.get(_local_day(meeting.slot, zone)):
            meeting.status, meeting.status_reason = Meeting.Status.SKIPPED, away
            changed.append(meeting)
        elif rng.random() < 0.03:
            later = meeting.slot + rng.choice((timedelta(days=1), timedelta(hours=2)))
            local = later.astimezone(ZoneInfo(zone))
            if local.weekday() < 5 and local.hour < 19:
                meeting.scheduled_for = later
                changed.append(meeting)
    Meeting.objects.bulk_update(changed, ["status", "status_reason", "scheduled_for"])


def demo_history_delete() -> int:
    """Delete the 1:1s between demo people, with everything in them; return how many 1:1s.
    A 1:1 between a demo person and someone outside the demo is left alone, so the demo's
    own deletion refuses rather than taking someone's real history with it."""
    demo = demo_people()
    pairs = OneOnOne.objects.filter(manager__in=demo, report__in=demo)
    # Rows that point at each other (discussion copies, points discussed in a meeting) go
    # first and in bulk, so the cascade from the 1:1 has little left to walk.
    TalkingPoint.objects.filter(one_on_one__in=pairs).filter(
        Q(recurring_source__isnull=False) | Q(discussed_in__isnull=False)
    ).delete()
    _, per_model = pairs.delete()
    return per_model.get(OneOnOne._meta.label, 0)
