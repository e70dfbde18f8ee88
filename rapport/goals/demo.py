"""Goals for `rapport demo`: the team of 30 with goals in every state a real team has them in.

The story: most people work on one or two goals, work and sometimes personal or career, and
record where they stand in most 1:1s, so their charts move. Three have let a goal stall. Some
finished one, wrote a short reflection and already set the next one (the "Define the next
goal" point that closing put on the agenda was discussed in the meeting after); a couple
dropped one. Two drafts are deliberately vague, so the SMART check has hints to show, and one
waits for the manager's agreement. Three pairs are between goals, and their agenda carries the
open prompt to define the next one. The first report of the team (José, whom the sign-in list
names) has the richest story: a career goal achieved, then a work goal with five months of
progress behind it, and a personal one.

Everything is drawn from one seeded generator, from `today` and from the held meetings of the
history (rapport/meetings/demo.py), never from the clock, so the same seed, day and history
give the same goals. Rows are written with bulk_create, a model at a time.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from rapport.goals.models import Goal, GoalUpdate, Kind, Status
from rapport.goals.selectors import stalled_goals
from rapport.goals.services import NEXT_GOAL_PROMPT, ensure_next_goal_prompt
from rapport.meetings.models import ActionItem, Meeting, OneOnOne, Section, TalkingPoint

DEMO_GOALS_SEED = 11


@dataclass(frozen=True)
class GoalsSummary:
    active: int
    drafts: int
    achieved: int
    dropped: int
    stalled: int
    updates: int
    actions: int

    @property
    def goals(self) -> int:
        return self.active + self.drafts + self.achieved + self.dropped

    def __str__(self) -> str:
        return (
            f"Goals: {self.goals:,} goals ({self.active} active, {self.stalled} of them "
            f"stalled; {self.drafts} drafts, {self.achieved} achieved, {self.dropped} dropped), "
            f"{self.updates:,} progress updates, {self.actions} action items tied to goals"
        )


# --- The goals people set ----------------------------------------------------------------------


@dataclass(frozen=True)
class _GoalText:
    kind: str
    title: str
    specific: str
    metric: str
    unit: str
    baseline: Decimal | None
    target: Decimal | None
    realistic_because: str
    why: str
    # How long the pair gave it when they agreed it; None for a draft without a date.
    weeks: int | None
    actions: tuple[str, ...] = ()
    is_stretch: bool = False
    # Values are recorded in steps of this size (whole pages, tenths of a kilometre, ...).
    step: Decimal = Decimal(1)
    # None: drawn when the goal is made.
    confidence: int | None = None


def _goal_texts(kind: str, block: str) -> tuple[_GoalText, ...]:
    """Goals written as paragraphs, which read (and get edited) far better than forty calls:

    Title of the goal
    what: what exactly will be different (an indented line continues a field)
    measure: metric | unit | baseline -> target | weeks given [| step 0.1] [| stretch]
    realistic: what makes it realistic
    why: why it matters to the person
    action: an action it leads to (one per line, as many as wanted)
    """
    texts = []
    for paragraph in block.strip().split("\n\n"):
        title, *lines = paragraph.splitlines()
        fields: dict[str, list[str]] = defaultdict(list)
        for line in lines:
            if line.startswith(" "):
                key = list(fields)[-1]
                fields[key][-1] += " " + line.strip()
            else:
                key, _, value = line.partition(": ")
                fields[key].append(value.strip())
        metric, unit, change, weeks, *options = fields["measure"][0].split(" | ")
        baseline, _, target = change.partition(" -> ")
        step = next((o.removeprefix("step ") for o in options if o.startswith("step ")), "1")
        texts.append(
            _GoalText(
                kind=kind,
                title=title,
                specific=fields["what"][0],
                metric=metric,
                unit=unit,
                baseline=Decimal(baseline),
                target=Decimal(target),
                realistic_because=fields["realistic"][0],
                why=fields["why"][0],
                weeks=int(weeks.removesuffix(" weeks")),
                actions=tuple(fields["action"]),
                is_stretch="stretch" in options,
                step=Decimal(step),
            )
        )
    return tuple(texts)


# The featured report's goals: a career goal achieved last year, the work goal the browser
# tour opens (two actions, a slow patch in the middle), and a personal one.
_FEATURED_ACHIEVED, _FEATURED_WORK, _FEATURED_PERSONAL = (
    *_goal_texts(
        Kind.CAREER,
        """
Write and defend three design documents
what: Write three design documents for cross-team changes and take each through the
  architecture review.
measure: design documents approved | documents | 0 -> 3 | 20 weeks
realistic: Two of the changes are already planned for this half and Ingrid agreed to mentor me.
why: Staff engineers shape work beyond their team; this is the part of the role I have never
  practised.
action: Book a slot in the architecture review for the second document
""",
    ),
    *_goal_texts(
        Kind.WORK,
        """
Get a deploy from merge to production in under ten minutes
what: Cut the median time of the deploy pipeline, from merged change to running in production,
  from 24 minutes to under 10 for every platform service.
measure: median deploy pipeline duration | minutes | 24 -> 10 | 30 weeks | step 0.1
realistic: The shared build cache is half done, the slowest test suite splits cleanly, and
  Marcus offered to pair on the rollout.
why: Waiting half an hour for a deploy makes everyone batch their changes, and the big batches
  are what break production. I also want this to be the work my staff case rests on.
action: Split the integration tests into four parallel jobs
action: Write up the build cache results for the engineering all-hands
""",
    ),
    *_goal_texts(
        Kind.PERSONAL,
        """
Run a half marathon
what: Build up to running 21.1 km in one go, following a plan with three runs a week.
measure: longest run | km | 8 -> 21.1 | 20 weeks | step 0.1 | stretch
realistic: I run 8 km easily now, the plan adds ten percent a week, and my brother runs with me.
why: Running is the one hour of the day with no screen; it keeps my head clear for work.
action: Sign up for the city half marathon
""",
    ),
)
_FEATURED_OBSTACLE = "Two teams still pin the old base image, so their builds miss the cache."

_WORK_GOALS = _goal_texts(
    Kind.WORK,
    """
Bring on-call pages down to a handful a week
what: Cut the pages the platform rota gets in an on-call week from 18 to 5 by fixing or
  deleting noisy alerts.
measure: pages per on-call week | pages | 18 -> 5 | 16 weeks
realistic: Half the pages come from three alerts, and the team agreed to a weekly alert review.
why: Being woken for alerts nobody acts on wears the whole rota down, me included.
action: List the ten noisiest alerts with their owners

Move the remaining services onto the service mesh
what: Migrate every production service of the platform group onto the service mesh, from 6
  today to all 24.
measure: services on the mesh | services | 6 -> 24 | 20 weeks
realistic: The first six went smoothly and the migration checklist is written.
why: Until everything is on the mesh we run two ways of doing TLS and retries, and incidents
  take twice as long to read.
action: Agree migration slots with the owners of the payment services

Raise test coverage of the job scheduler to 80%
what: Add tests to the job scheduler until its line coverage reaches 80%, starting with the
  retry and timeout paths.
measure: line coverage | % | 52 -> 80 | 14 weeks
realistic: Two focus mornings a week are protected for it and the hardest code is already mapped.
why: The last two incidents started in untested retry code; I want to change it without fear.
action: Add the retry path tests before the refactoring starts

Clear the flaky tests out of CI
what: Fix or delete the tests marked as flaky in CI, from 37 quarantined tests down to 5.
measure: tests quarantined as flaky | tests | 37 -> 5 | 12 weeks
realistic: Most flaky tests share two causes: fixed sleeps and a shared test database.
why: Nobody trusts a red build any more, so real failures get retried away.
action: Group the quarantined tests by cause in a shared sheet

Rotate every production secret through the vault
what: Move all production secrets into the vault with automatic rotation, from none to all 140.
measure: secrets rotated automatically | secrets | 0 -> 140 | 24 weeks | stretch
realistic: The vault is running, the rotation job exists, and security will review in batches.
why: A leaked key today would take us days to rotate by hand; the audit flagged it twice.
action: Inventory the secrets of the billing services

Get the API gateway's p95 latency under 150 ms
what: Bring the 95th percentile latency of the API gateway from 310 ms to under 150 ms under
  normal weekday load.
measure: p95 latency at the gateway | ms | 310 -> 150 | 20 weeks | stretch
realistic: Profiling points at connection setup and two plugins we can remove.
why: Every product team pays this latency on every request; it is the most visible thing our
  team could fix.
action: Profile the gateway under replayed production traffic

Write a runbook for every paging alert
what: Give every alert that can page someone a runbook with first steps, from 11 alerts
  covered to all 42.
measure: paging alerts with a runbook | alerts | 11 -> 42 | 12 weeks
realistic: A template exists and each alert owner can write theirs in half an hour.
why: New people on the rota should not have to guess at 3 a.m.; I had to, in my first month.
action: Send the runbook template to the alert owners

Restore the main database in under an hour
what: Make a full restore of the main database from backup take under 60 minutes, measured in
  a monthly drill.
measure: time to restore the main database | minutes | 190 -> 60 | 18 weeks
realistic: Parallel restore is supported by our Postgres version and the drill environment
  exists.
why: Our recovery promise to customers is four hours; today we would only just make it.
action: Schedule the first restore drill with the database team

Cut the staging clusters' cloud bill by a third
what: Reduce the monthly cloud spend of the staging clusters from 42 to 28 thousand dollars
  without slowing down test runs.
measure: monthly staging spend | thousand USD | 42 -> 28 | 16 weeks
realistic: Idle environments alone are a fifth of the bill, and autoscaling is already tested.
why: That money pays for two more hires next year; finance asked every team to look.
action: Turn on nightly shutdown for idle preview environments

Move the team dashboards off the old metrics stack
what: Rebuild every team dashboard on the new metrics stack so the old one can be switched
  off, from 0 to 35 dashboards.
measure: dashboards migrated | dashboards | 0 -> 35 | 14 weeks
realistic: The converter handles most panels; only the custom ones need work by hand.
why: Keeping two metrics stacks alive costs us an on-call rota and a lot of confusion.
action: Ask each team to name the dashboards they still use

Run a regional failover drill every month
what: Fail production over to the second region in a planned drill once a month, four drills
  in a row, with a written review of each.
measure: failover drills run | drills | 0 -> 4 | 18 weeks
realistic: The runbook exists from last year's test and leadership approved the maintenance
  windows.
why: We claim we can survive losing a region but have never proven it; customers ask.
action: Draft the drill plan and share it with support

Stop renewing certificates by hand
what: Automate the renewal of the certificates we still renew by hand each quarter, from 23
  down to none.
measure: certificates renewed by hand each quarter | certificates | 23 -> 0 | 12 weeks
realistic: Most of them can move to the ACME issuer we already run for the public sites.
why: An expired certificate took checkout down for an hour last year; it was preventable.
action: List the certificates that cannot move to the ACME issuer

Upgrade every cluster to a supported Kubernetes version
what: Upgrade all nine Kubernetes clusters to a version still supported upstream, staging
  first, production last.
measure: clusters upgraded | clusters | 0 -> 9 | 14 weeks
realistic: The upgrade path is tested on staging and each cluster takes about a day.
why: Two clusters lose security patches soon; I would rather upgrade calmly than in a hurry.
action: Check the deprecated APIs still used by our charts

Bring the auth proxy back inside its error budget
what: Raise the monthly availability of the auth proxy from 99.5% to its 99.9% objective and
  keep it there for a full month.
measure: monthly availability of the auth proxy | % | 99.5 -> 99.9 | 16 weeks | step 0.01
realistic: Three known causes explain most of the errors and each has a planned fix.
why: Every product depends on login; when it blips, support hears about it within minutes.
action: Add a retry with backoff to the token refresh

Onboard a new service onto the platform in two days
what: Cut the time from a new repository to its first production deploy from 9 days to 2,
  with a template and a checklist.
measure: days from repository to first deploy | days | 9 -> 2 | 16 weeks
realistic: Most of the days are waiting on tickets that a template can replace.
why: Teams build workarounds when we are slow; a fast path keeps them on the platform.
action: Time the onboarding of the next new service step by step

Fix the ten slowest queries of the billing database
what: Find the ten slowest frequent queries of the billing database and bring each under
  100 ms at the 95th percentile.
measure: slow queries fixed | queries | 0 -> 10 | 12 weeks
realistic: The query log already ranks them and the billing team will review the changes.
why: Month-end invoicing runs for nine hours today and blocks the finance team.
action: Pull the top queries from last month's query log

Bring the regression suite under 30 minutes
what: Make the full regression suite run in under 30 minutes, from 95, by running it in
  parallel and retiring duplicate cases.
measure: regression suite runtime | minutes | 95 -> 30 | 14 weeks
realistic: A third of the cases duplicate each other and the runners can take four shards.
why: When the suite takes over an hour people skip it before releasing, and bugs get out.
action: Mark the duplicate regression cases for review

Catch release bugs before customers do
what: Cut the bugs customers report within a week of a release from 14 a month to 4, with
  release checklists and better test data.
measure: bugs reported after release, per month | bugs | 14 -> 4 | 20 weeks
realistic: Most escaped bugs fall in two areas we can cover with a week of test work.
why: Every escaped bug costs support a day and costs us a little trust.
action: Tag last quarter's escaped bugs by the area they came from

Finish the log pipeline migration
what: Move every service to the new log pipeline so the old one can be switched off, from 12
  services to all 48.
measure: services on the new log pipeline | services | 12 -> 48 | 16 weeks
realistic: The sidecar change is one line per service and teams merge it quickly.
why: Searching two log systems during an incident wastes the first ten minutes every time.
action: Open the sidecar pull requests for the next ten services

Put every data job under a freshness check
what: Add a freshness check with an owner to each scheduled data job, from 8 jobs checked to
  all 60.
measure: data jobs with a freshness check | jobs | 8 -> 60 | 14 weeks
realistic: The check is a two-line decorator and the jobs are listed in one repository.
why: Stale numbers reached the board report last quarter and nobody noticed for a week.
action: Add the freshness decorator to the finance jobs first

Close the critical findings of the security audit
what: Fix the critical findings the external security audit raised against the platform, from
  17 open findings to none.
measure: open critical findings | findings | 17 -> 0 | 16 weeks
realistic: Each finding has a suggested fix and security offered two review sessions a week.
why: The enterprise contracts we are negotiating depend on a clean follow-up audit.
action: Book the first review session with the security team

Launch the internal developer portal
what: Launch the developer portal with service ownership and docs, and get 12 teams using it
  every week.
measure: teams using the portal weekly | teams | 0 -> 12 | 18 weeks | stretch
realistic: The catalogue is filled in and three teams asked to be first.
why: People ask in chat who owns what several times a day; the answer should be one search
  away.
action: Run a walkthrough of the portal at the next guild meeting

Shrink the container images of the core services
what: Cut the average image size of the core services from 1,200 MB to under 300 MB with slim
  base images and multi-stage builds.
measure: average image size | MB | 1200 -> 300 | 12 weeks | step 10
realistic: Two services already use the slim base image without trouble.
why: Big images make autoscaling slow exactly when traffic spikes.
action: Switch the notification service to the slim base image

Make every service's dependencies visible
what: Generate a software bill of materials for each service in CI, from 5 services to all
  48, and scan it for known vulnerabilities.
measure: services with a bill of materials | services | 5 -> 48 | 14 weeks
realistic: The CI step is shared, so each service needs only to include it.
why: When the last big library vulnerability came out it took us three days to know where we
  were exposed.
action: Add the bill of materials step to the shared CI template

Cut the time it takes to acknowledge a page
what: Bring the median time from a page to its acknowledgement on the platform rota from 14
  minutes to 5, with better phone set-up and a clear handover.
measure: median minutes to acknowledge a page | minutes | 14 -> 5 | 12 weeks
realistic: Most slow acknowledgements happen at handover, which a checklist can fix.
why: Customers feel every minute we take to notice; and a fast start calms the whole incident.
action: Write the handover checklist and try it for two weeks

Retire the hand-written deploy scripts
what: Move the services still deployed by hand-written scripts onto the shared pipeline, from
  15 services to none.
measure: services deployed by script | services | 15 -> 0 | 16 weeks
realistic: The pipeline handles the common cases and the owners are keen to drop the scripts.
why: Each script is a small snowflake that only one person understands, and two of them
  have left.
action: Move the first three services together with their owners

Keep staging up through every working day
what: Raise the availability of the staging environment in working hours from 93% to 99.5%,
  measured by the synthetic checks.
measure: staging availability in working hours | % | 93 -> 99.5 | 14 weeks | step 0.1
realistic: Three recurring causes explain most outages and the fixes are known.
why: When staging is down a hundred engineers wait, and they start testing in production.
action: Set up the synthetic check dashboard for staging

Reduce the toil of manual requests on the rota
what: Automate the most common requests the rota handles by hand, from 12 hours of manual work
  a week to 3.
measure: hours of manual requests a week | hours | 12 -> 3 | 16 weeks
realistic: Four request types make up most of the hours and each has a simple self-service fix.
why: Toil pushes out the project work that makes the platform better, and it bores everyone.
action: Log a week of manual requests by type
""",
)

_CAREER_GOALS = _goal_texts(
    Kind.CAREER,
    """
Submit talk proposals to three conferences
what: Write and send proposals for a talk about our migration work to three conferences, with
  a rehearsal for the team before each.
measure: proposals submitted | proposals | 0 -> 3 | 16 weeks
realistic: I have the story already, and Siobhán offered to review my abstracts.
why: Speaking outside the company would push me past my fear of presenting and help hiring.
action: Draft the first abstract and send it for review

Mentor two engineers through their first on-call week
what: Pair with two newer engineers before and during their first on-call week, with a short
  review together afterwards.
measure: engineers mentored through on-call | engineers | 0 -> 2 | 12 weeks
realistic: Two people join the rota this quarter and the rota lead supports it.
why: My own first on-call week was lonely; I want the next people to have it better.
action: Agree the shadow shifts with the rota lead

Build the evidence for a senior promotion
what: Fill each of the six sections of the promotion template with concrete evidence,
  reviewed by my manager before the next round.
measure: promotion sections with evidence | sections | 0 -> 6 | 14 weeks
realistic: Most of the work is done already; it needs writing down and checking with peers.
why: I think I already work at the next level and I want a clear answer either way.
action: Ask two peers for written feedback on the rollout project

Get comfortable in Rust by shipping a small internal tool
what: Write the log sampling tool in Rust and get 15 pull requests merged, reviewed by the
  people who already use Rust here.
measure: Rust pull requests merged | pull requests | 0 -> 15 | 16 weeks | stretch
realistic: The tool is small, well understood, and has two willing reviewers.
why: The new proxy work will be in Rust and I want to be useful on it from day one.
action: Set up the Rust project skeleton with CI

Facilitate the team's incident reviews
what: Run the incident reviews of the platform team for a quarter, six in all, and write a
  short guide to running them blamelessly.
measure: incident reviews facilitated | reviews | 0 -> 6 | 14 weeks
realistic: Incidents happen about every two weeks and Maya will sit in on the first two.
why: Running a room well is the skill I most want to grow, and the reviews need an owner.
action: Sit in on the data team's next incident review

Earn the Kubernetes administrator certificate
what: Pass the Kubernetes administrator exam, using a practice exam score of 85% as the signal
  that I am ready to book it.
measure: practice exam score | % | 45 -> 85 | 18 weeks | stretch
realistic: The company pays the exam and I have two study hours a week in my calendar.
why: I run clusters every day but learnt by copying; I want to understand what I operate.
action: Book the weekly study hours in the calendar

Publish four posts on the engineering blog
what: Write four posts for the engineering blog about problems we solved, each reviewed by
  someone outside the team first.
measure: posts published | posts | 0 -> 4 | 20 weeks
realistic: I already keep notes on each project, and the blog editor wants more platform posts.
why: Writing clearly for outsiders is how I want to get better at explaining trade-offs.
action: Turn the rate limiter notes into a first draft

Lead interviews in the hiring loop
what: Complete the interviewer training and lead ten technical interviews, each with written
  feedback within a day.
measure: interviews led | interviews | 0 -> 10 | 16 weeks
realistic: We are hiring three people this half and the training is a single afternoon.
why: I want a say in who joins the team, and good interviewing is a staff-level skill.
action: Shadow two interviews before leading one

Own a project from proposal to launch
what: Take the shared build cache from proposal to launch as its lead: the plan, the
  milestones and the launch review, five milestones in all.
measure: project milestones delivered | milestones | 0 -> 5 | 20 weeks
realistic: The project is small enough to lead alongside my own work and has a clear sponsor.
why: I have built parts of many projects but never owned one end to end.
action: Write the one-page proposal and circulate it

Run the platform guild for a quarter
what: Organise the monthly platform guild for a quarter: topics, speakers and notes for three
  sessions, with at least 20 people at each.
measure: guild sessions run | sessions | 0 -> 3 | 14 weeks
realistic: The previous organiser left a list of willing speakers and a slot in the calendar.
why: Connecting people across teams is the part of my job I enjoy most.
action: Ask three people to speak at the next guild

Learn to read and improve database query plans
what: Work through the query planning course and use it on 8 slow queries of our own, written
  up for the team.
measure: real queries analysed and written up | queries | 0 -> 8 | 14 weeks
realistic: The course is self-paced and there are plenty of slow queries to practise on.
why: Every second incident ends at the database and I feel lost there today.
action: Pick the first two slow queries to study

Present the platform roadmap at the engineering all-hands
what: Prepare and give the platform roadmap talk at two all-hands meetings, with questions
  collected beforehand.
measure: roadmap talks given | talks | 0 -> 2 | 12 weeks
realistic: Maya will share the slot and help with the story; the roadmap itself is written.
why: People outside the team should hear our plans from us, not piece them together.
action: Collect questions about the roadmap from two other teams

Spend a month on the networking team's rotation
what: Join the networking team for four weeks, one day a week, and take one of their tickets
  from start to finish each week.
measure: rotation weeks completed | weeks | 0 -> 4 | 10 weeks
realistic: Their lead has offered the seat and my Tuesday is the quietest day.
why: Half our hardest incidents sit between our layers and theirs, and I understand theirs least.
action: Agree the rotation days with the networking lead

Run observability workshops for other teams
what: Prepare a hands-on observability workshop and run it for three product teams, with
  feedback collected after each.
measure: workshops given | workshops | 0 -> 3 | 14 weeks
realistic: The material exists from our own onboarding and three teams have asked for it.
why: Teaching is the fastest way I know to learn a subject properly, and I enjoy it.
action: Turn the onboarding notes into workshop exercises

Write the team's onboarding guide
what: Write the eight chapters of an onboarding guide for new platform engineers, each tried
  out on the next person who joins.
measure: onboarding guide chapters written | chapters | 0 -> 8 | 16 weeks
realistic: I onboarded the last three people and have notes from each time.
why: New people took two months to feel useful here; I want the next ones to feel it in two
  weeks.
action: Outline the chapters and ask the newest joiner what was missing

Review more code outside the team
what: Review pull requests for other teams that use the platform, from 2 reviews a month to
  12, focusing on deployment and configuration changes.
measure: reviews for other teams a month | reviews | 2 -> 12 | 12 weeks
realistic: The platform channel flags such reviews already; I only need to pick them up.
why: I want to be known beyond our team, and early reviews stop problems reaching us later.
action: Set up a filter for platform-related pull requests

Run the team's quarterly planning
what: Lead the platform team's planning for a quarter: the six sessions from collecting ideas
  to the agreed plan.
measure: planning sessions run | sessions | 0 -> 6 | 12 weeks
realistic: Maya will coach me through the first two sessions and the format is written down.
why: I want to find out whether leading people is for me before I pick a career path.
action: Send out the call for ideas a week before the first session
""",
)

_PERSONAL_GOALS = _goal_texts(
    Kind.PERSONAL,
    """
Finish work by seven most evenings
what: Close the laptop by seven in the evening on at least four workdays a week, with on-call
  weeks as the exception.
measure: evenings a week finished by seven | evenings | 1 -> 4 | 10 weeks
realistic: Most of my late evenings come from two recurring meetings I can move.
why: My kids go to bed at eight and I have been missing the hour before it.
action: Move the Thursday evening sync to the morning

Take all my holiday this year
what: Plan and take all 25 days of holiday this year, in at least two blocks of a week or more.
measure: holiday days taken | days | 4 -> 25 | 30 weeks
realistic: The team has cover for each other now and the dates are in the shared calendar.
why: I carried days over two years running and ended both years exhausted.
action: Put the next week off in the team calendar

Learn enough Portuguese to chat with my in-laws
what: Complete 60 lessons of the Portuguese course and hold a ten-minute conversation without
  switching to English.
measure: lessons completed | lessons | 0 -> 60 | 24 weeks
realistic: Fifteen minutes a day on the train is enough for a lesson.
why: My partner's parents speak no English and I want to talk with them, not through someone.
action: Book a weekly call with a conversation tutor

Read a book a month
what: Read ten books this year, at least half of them outside tech, in the evenings instead of
  scrolling.
measure: books finished | books | 2 -> 10 | 30 weeks
realistic: I read easily when the phone is out of the bedroom, and the library is on my way
  home.
why: I used to read all the time and miss it; screens have taken my evenings.
action: Join the office book club

Get back to climbing twice a week
what: Climb twice a week, eight sessions a month, at the gym near the office.
measure: climbing sessions a month | sessions | 2 -> 8 | 12 weeks
realistic: The gym is five minutes away and a colleague climbs on the same evenings.
why: Climbing is where I switch off completely; without it I sleep badly.
action: Buy the ten-session card

Cook at home on most weeknights
what: Cook dinner at home on at least four weeknights, planning the meals on Sunday.
measure: home-cooked dinners a week | dinners | 1 -> 4 | 10 weeks
realistic: Planning on Sunday takes half an hour and the market is open on the way home.
why: Takeaway every night is costing money and making me feel sluggish.
action: Write a list of ten quick weeknight recipes

Sleep seven hours on work nights
what: Raise my average sleep on work nights from under six hours to seven, measured by my
  watch.
measure: average sleep on work nights | hours | 5.8 -> 7 | 12 weeks | step 0.1
realistic: Late calls with the Americas are the main cause and I can move two of them.
why: Tired weeks are the weeks I snap at people in reviews, and I do not like that.
action: Move the late sync with the Toronto team an hour earlier

Walk 8,000 steps a day
what: Reach an average of 8,000 steps a day, with a walk at lunch on every workday.
measure: average daily steps | steps | 3500 -> 8000 | 12 weeks | step 100
realistic: A thirty-minute lunch walk covers most of it and the park is next door.
why: Working from home I barely move, and my back has started to complain.
action: Block thirty minutes for a walk at lunch

Finish the guitar course I started
what: Work through the rest of the online guitar course, lessons 12 to 40, practising twenty
  minutes a day.
measure: course lessons done | lessons | 12 -> 40 | 20 weeks
realistic: Twenty minutes fit between work and dinner, and the guitar now sits on a stand.
why: Playing music is something just for me; I want to play a song for my daughter.
action: Put the guitar on a stand next to the desk

Swim a kilometre without stopping
what: Build up from 300 metres to a continuous kilometre of front crawl, swimming twice a week.
measure: longest continuous swim | metres | 300 -> 1000 | 16 weeks | step 50 | stretch
realistic: The pool is on my way home and the club runs an adult technique class.
why: I never learnt to swim properly as a child and I want to feel safe in the sea.
action: Sign up for the adult technique class

Spend the first hour of the day without a screen
what: Keep the first hour after waking free of phone and laptop on at least five days a week.
measure: screen-free mornings a week | mornings | 0 -> 5 | 8 weeks
realistic: An alarm clock instead of the phone and a charger in the kitchen make it easy.
why: I start the day anxious when I read messages in bed; I want calmer mornings.
action: Buy an alarm clock and charge the phone in the kitchen
""",
)

_TEXTS: dict[str, tuple[_GoalText, ...]] = {
    Kind.WORK: _WORK_GOALS,
    Kind.CAREER: _CAREER_GOALS,
    Kind.PERSONAL: _PERSONAL_GOALS,
}

# Two drafts left vague on purpose: the goal page shows what the SMART check would change.
_VAGUE_DRAFT_BY_REPORT = _GoalText(
    kind=Kind.CAREER,
    title="Get better at public speaking",
    specific="",
    metric="",
    unit="",
    baseline=None,
    target=None,
    realistic_because="",
    why="I want to be better at it.",
    weeks=None,
    confidence=5,
)
_VAGUE_DRAFT_BY_MANAGER = _GoalText(
    kind=Kind.WORK,
    title="Improve code review turnaround",
    specific="Reviews of platform pull requests come back within a working day, so nobody waits "
    "days for feedback.",
    metric="median hours to first review",
    unit="hours",
    baseline=None,
    target=Decimal(8),
    realistic_because="The team agreed to try a review rota.",
    why="Long waits stall everyone's work and make changes bigger and riskier to release.",
    weeks=10,
    confidence=6,
)

_OBSTACLES: dict[str, tuple[str, ...]] = {
    Kind.WORK: (
        "Waiting on the security review before rolling out any further.",
        "On-call week ate most of the time I had planned for it.",
        "Still no access to the production replica to test against.",
        "Two other teams have to change their configuration first.",
        "The staging environment was down for three days.",
        "Scope grew: we found old scripts that still depend on the old setup.",
        "The release freeze stopped all changes for a week.",
    ),
    Kind.CAREER: (
        "No time left between releases this fortnight.",
        "Not sure yet what counts as good evidence here.",
        "Harder than I expected; I keep putting it off.",
        "The person who was going to help me is on leave.",
    ),
    Kind.PERSONAL: (
        "Ill for a week, so nothing moved.",
        "The kids were off school and the routine went out of the window.",
        "Travel for the team meet-up broke the habit.",
        "Late release evenings took the time.",
    ),
}
_NOTES: dict[str, tuple[str, ...]] = {
    Kind.WORK: (
        "Good week, a clear step forward.",
        "Steady, nothing new to report.",
        "Merged the change that unblocks the rest.",
        "Rolled out to the first half; watching it closely.",
        "Ahead of plan after pairing on the hard part.",
        "Slow week, but the hardest part is behind us.",
        "Shared the numbers in the team channel.",
    ),
    Kind.CAREER: (
        "Got useful feedback on the draft.",
        "Booked time in the calendar for the next two weeks.",
        "Talked to two people who have done this before.",
        "More nervous than expected, but it went well.",
    ),
    Kind.PERSONAL: (
        "Kept it up even in the release week.",
        "Best week so far.",
        "Slipped a bit, back on track now.",
        "Already feeling the difference.",
    ),
}
_ACHIEVED_REFLECTIONS = (
    "Breaking it into a small step each week made it feel doable, and saying the number out "
    "loud in every 1:1 kept me honest.",
    "Pairing on the hardest part early was the turning point; I would do that from the first "
    "week next time.",
    "It stalled in the middle, but the chart showed I was still moving. Proud of this one.",
    "Blocking the time in the calendar instead of hoping for it is what made the difference.",
    "Slow until we cut the scope, then it went quickly. Next time I will cut sooner.",
    "Asking for help sooner would have saved a couple of weeks. Still, done, and it has stuck.",
)
_DROPPED_REFLECTIONS = (
    "Priorities moved when the migration was pulled forward, so this stopped mattering this "
    "quarter. Dropping it was the honest call.",
    "I set it without really wanting it. We agreed to stop and find something that matters to me.",
    "Too big for the time I had next to on-call. Next time I will start with a smaller first step.",
)


# --- Stories: which goals each pair has, and where they are now -------------------------------


class _Outcome:
    """Where an arc ends up. STALLED is an active goal whose progress stopped weeks ago."""

    DRAFT = Status.DRAFT.value
    ACTIVE = Status.ACTIVE.value
    STALLED = "stalled"
    ACHIEVED = Status.ACHIEVED.value
    DROPPED = Status.DROPPED.value


@dataclass(frozen=True)
class _Arc:
    """One goal of a pair. Times count held meetings back from the last one (1 is the last,
    0 is after it): the goal was proposed `ago` meetings back and closed `closes` back."""

    kind: str
    outcome: str
    ago: int
    closes: int = 0
    # None: drawn (the report proposes somewhat more often than the manager).
    by_report: bool | None = None
    # Set in the meeting after the previous arc closed, where "Define the next goal" came up.
    follows: bool = False
    text: _GoalText | None = None
    # The featured goal: recorded in nearly every meeting, with a slow patch in the middle.
    featured: bool = False


_Story = tuple[_Arc, ...]


def _featured_story() -> _Story:
    return (
        _Arc(
            Kind.CAREER, _Outcome.ACHIEVED, 44, closes=23, by_report=True, text=_FEATURED_ACHIEVED
        ),
        _Arc(
            Kind.WORK,
            _Outcome.ACTIVE,
            22,
            by_report=True,
            follows=True,
            text=_FEATURED_WORK,
            featured=True,
        ),
        _Arc(Kind.PERSONAL, _Outcome.ACTIVE, 9, by_report=True, text=_FEATURED_PERSONAL),
    )


def _stories(rng: random.Random) -> list[_Story]:
    """The stories of the rest of the team, in the order they are drawn for the pairs."""
    work, career, personal = Kind.WORK, Kind.CAREER, Kind.PERSONAL
    active, stalled = _Outcome.ACTIVE, _Outcome.STALLED
    achieved, dropped, draft = _Outcome.ACHIEVED, _Outcome.DROPPED, _Outcome.DRAFT
    stories: list[_Story] = []
    for _ in range(9):
        stories.append((_Arc(rng.choice((work, work, work, career)), active, rng.randint(6, 20)),))
    for _ in range(5):
        second = rng.choice((personal, personal, career))
        stories.append(
            (
                _Arc(work, active, rng.randint(10, 24)),
                _Arc(second, active, rng.randint(3, 12)),
            )
        )
    for n in range(3):
        story: _Story = (_Arc(rng.choice((work, career)), stalled, rng.randint(14, 22)),)
        if n == 0:
            story += (_Arc(personal, active, rng.randint(4, 10)),)
        stories.append(story)
    for _ in range(3):
        closes = rng.randint(8, 16)
        stories.append(
            (
                _Arc(rng.choice((work, career)), achieved, closes + rng.randint(12, 20), closes),
                _Arc(work, active, closes - 1, follows=True),
            )
        )
    for kind in (personal, career):
        closes = rng.randint(8, 14)
        stories.append(
            (
                _Arc(kind, dropped, closes + rng.randint(6, 12), closes),
                _Arc(work, active, closes - 1, follows=True),
            )
        )
    stories += [
        # Achieved, and the manager has written down a next one the report is still mulling.
        (
            _Arc(personal, active, 16),
            _Arc(work, achieved, 28, closes=3),
            _Arc(career, draft, 2, by_report=False, follows=True),
        ),
        # A well-formed draft that waits for the manager's agreement.
        (_Arc(work, active, 12), _Arc(career, draft, 0, by_report=True)),
        (
            _Arc(work, active, 15),
            _Arc(career, draft, 0, by_report=True, text=_VAGUE_DRAFT_BY_REPORT),
        ),
        (
            _Arc(career, active, 10),
            _Arc(work, draft, 1, by_report=False, text=_VAGUE_DRAFT_BY_MANAGER),
        ),
    ]
    # Three pairs between goals, whose agenda asks for the next one.
    stories += [
        # Reached it in the last meeting; the next one is for the coming 1:1.
        (_Arc(work, achieved, 24, closes=1),),
        (
            _Arc(career, achieved, 40, closes=24),
            _Arc(personal, dropped, 23, closes=2, follows=True),
        ),
        # Dropped months ago and nothing since: the prompt has waited on the agenda all along.
        (_Arc(work, dropped, 30, closes=16),),
    ]
    rng.shuffle(stories)
    return stories


def _fit(story: _Story, held: int) -> _Story:
    """Squeeze a story into a shorter history (a recent joiner), keeping its order."""
    longest = max((arc.ago for arc in story), default=0)
    if longest < held:
        return story

    def squeeze(ago: int) -> int:
        return 0 if ago == 0 else max(1, ago * (held - 1) // longest)

    return tuple(
        _Arc(
            arc.kind,
            arc.outcome,
            squeeze(arc.ago),
            squeeze(arc.closes) if arc.closes else 0,
            arc.by_report,
            arc.follows,
            arc.text,
            arc.featured,
        )
        for arc in story
    )


# --- Writing the rows --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Held:
    """A held meeting of the history, with the stretch of it spent on performance."""

    pk: int
    opens: datetime
    closes: datetime


def _held_meetings(pair_ids: list[int], cutoff: datetime) -> dict[int, list[_Held]]:
    held: dict[int, list[_Held]] = defaultdict(list)
    rows = (
        Meeting.objects.filter(
            one_on_one_id__in=pair_ids, status=Meeting.Status.HELD, scheduled_for__lt=cutoff
        )
        .order_by("one_on_one_id", "scheduled_for")
        .values_list(
            "pk",
            "one_on_one_id",
            "scheduled_for",
            "duration_minutes",
            "started_at",
            "ended_at",
            "connection_seconds",
        )
    )
    for pk, pair_id, scheduled, minutes, started, ended, connection in rows:
        if started is not None and ended is not None and connection is not None:
            # Performance comes after connection in meeting mode (see the history's split).
            opens, closes = started + timedelta(seconds=connection + 1), ended
        else:
            opens = scheduled + timedelta(minutes=minutes / 2)
            closes = scheduled + timedelta(minutes=minutes)
        held[pair_id].append(_Held(pk, opens, min(closes, cutoff - timedelta(minutes=1))))
    return held


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    seconds = max(int((end - start).total_seconds()), 1)
    return start + timedelta(seconds=rng.randrange(seconds))


def _climb(rng: random.Random, count: int, end: float, slow_patch: range | None) -> list[float]:
    """Shares of the way from baseline to target after each of `count` updates, rising
    unevenly to `end`: some weeks a lot moves, some weeks nothing, now and then a step back.
    With a slow patch, nothing moves in those updates and everywhere else something does."""
    flat = 0.0 if slow_patch is not None else 0.15
    steps = [
        0.0 if k in (slow_patch or ()) or rng.random() < flat else rng.uniform(0.3, 1.7)
        for k in range(count)
    ]
    if not steps:
        return []
    if not any(steps):
        steps[-1] = 1.0
    total, reached, shares = sum(steps), 0.0, []
    for step in steps:
        reached += step
        shares.append(end * reached / total)
    if count > 3 and rng.random() < 0.4:
        k = rng.randrange(1, count - 1)
        shares[k] = max(0.0, shares[k] - 0.04)
    return shares


class _Writer:
    """Builds the goal rows of each pair; all randomness comes from `rng`."""

    def __init__(self, rng: random.Random, today: date, cutoff: datetime) -> None:
        self.rng = rng
        self.today = today
        self.cutoff = cutoff
        self.goals: list[Goal] = []
        self.updates: list[GoalUpdate] = []
        self.actions: list[ActionItem] = []
        # Discussed "Define the next goal" points; their positions are given once all exist.
        self.prompts: list[TalkingPoint] = []
        # Each text is used once, in an order drawn per kind.
        self.texts: dict[str, list[_GoalText]] = {kind: [] for kind in _TEXTS}

    def text(self, kind: str) -> _GoalText:
        texts = self.texts[kind]
        if not texts:
            # Only a bigger team than the demo's runs out; it then sees the texts again.
            texts += _TEXTS[kind]
            self.rng.shuffle(texts)
        return texts.pop()

    def pair(self, one_on_one: OneOnOne, held: list[_Held], story: _Story) -> None:
        previous_close: datetime | None = None
        for arc in _fit(story, len(held)):
            goal = self.goal(one_on_one, held, arc, previous_close)
            previous_close = goal.closed_at or previous_close

    def goal(
        self, one_on_one: OneOnOne, held: list[_Held], arc: _Arc, previous_close: datetime | None
    ) -> Goal:
        rng, n = self.rng, len(held)
        text = arc.text or self.text(arc.kind)
        by_report = arc.by_report if arc.by_report is not None else rng.random() < 0.6
        # The index of the meeting the goal was proposed in; n is after the last one.
        at = n - arc.ago
        if at < n:
            created = _between(rng, held[at].opens, held[at].closes)
        else:
            created = _between(
                rng, held[-1].closes + timedelta(hours=2), self.cutoff - timedelta(hours=1)
            )
        if arc.follows and previous_close is not None:
            created = max(created, previous_close + timedelta(minutes=5))
            self.discussed_prompt(one_on_one, held[min(at, n - 1)], previous_close, created)
        goal = Goal(
            one_on_one=one_on_one,
            owner_id=one_on_one.report_id,
            proposed_by_id=one_on_one.report_id if by_report else one_on_one.manager_id,
            kind=text.kind,
            is_stretch=text.is_stretch,
            title=text.title,
            specific=text.specific,
            metric=text.metric,
            unit=text.unit,
            baseline=text.baseline,
            target=text.target,
            confidence=text.confidence or rng.randint(6, 8),
            realistic_because=text.realistic_because,
            why=text.why,
            status=Status.DRAFT,
            created_at=created,
        )
        self.goals.append(goal)
        # Proposing counts as the proposer's agreement (see goal_propose).
        _agree(goal, by_report=by_report, at=created)
        if arc.outcome == _Outcome.DRAFT:
            if text.weeks is not None:
                goal.due_on = max(
                    created.date() + timedelta(weeks=text.weeks),
                    self.today + timedelta(days=rng.randint(21, 60)),
                )
            return goal
        # The other person agreed in the same meeting, or thought it over until the next one.
        starts = at
        if rng.random() < 0.7 or at + 1 >= n:
            agreed = created + timedelta(minutes=rng.randint(2, 10))
        else:
            starts = at + 1
            agreed = _between(rng, held[starts].opens, held[starts].closes)
        _agree(goal, by_report=not by_report, at=agreed)
        goal.status = Status.ACTIVE
        self.progress(goal, one_on_one, held, arc, text, starts)
        return goal

    def progress(
        self,
        goal: Goal,
        one_on_one: OneOnOne,
        held: list[_Held],
        arc: _Arc,
        text: _GoalText,
        starts: int,
    ) -> None:
        """The goal's due date, its updates in the meetings after it started, and its end."""
        rng, n, outcome = self.rng, len(held), arc.outcome
        assert text.weeks is not None
        # Where the goal's chart starts: when both had agreed (see goal_started_at).
        start_day = max(_agreements(goal)).date()
        if outcome == _Outcome.STALLED:
            # Nothing recorded for five to nine weeks: well past the stall rule's four.
            quiet_since = self.cutoff - timedelta(days=rng.randint(38, 62))
            last = max((k for k in range(n) if held[k].closes < quiet_since), default=starts)
        elif outcome in (_Outcome.ACHIEVED, _Outcome.DROPPED):
            last = n - arc.closes
        else:
            # Talked about in the last meeting, or the one before.
            last = n - 1 if rng.random() < 0.75 else n - 2
        chance = 0.92 if arc.featured else 0.5 if outcome == _Outcome.DROPPED else 0.65
        meetings = [k for k in range(starts + 1, last + 1) if k == last or rng.random() < chance]
        if outcome == _Outcome.DROPPED:
            # The last of those meetings is where they decided to let it go.
            meetings = meetings[:-1]
        ends = held[max(last, starts)]
        if outcome == _Outcome.ACHIEVED:
            goal.due_on = ends.closes.date() + timedelta(days=rng.randint(0, 21))
        else:
            goal.due_on = start_day + timedelta(weeks=text.weeks)
            if outcome != _Outcome.DROPPED and goal.due_on < self.today + timedelta(days=21):
                goal.due_on = self.today + timedelta(days=rng.randint(21, 70))
        middle = len(meetings) // 2
        # The featured goal's slow patch: an obstacle, three flat updates, confidence down.
        slow_patch = range(middle - 1, middle + 2) if arc.featured else None
        shares = _climb(rng, len(meetings), self.end_share(goal, held, meetings, arc), slow_patch)
        updates = []
        confidence = goal.confidence or 7
        for number, (k, share) in enumerate(zip(meetings, shares, strict=True)):
            final = number == len(meetings) - 1
            if arc.featured:
                obstacle = _FEATURED_OBSTACLE if slow_patch and number == slow_patch.start else ""
            else:
                odds = {_Outcome.DROPPED: 0.35, _Outcome.STALLED: 0.7 if final else 0.2}
                obstacle = (
                    rng.choice(_OBSTACLES[text.kind])
                    if rng.random() < odds.get(outcome, 0.1)
                    else ""
                )
            drift = (-1, -1, 0, 1) if outcome == _Outcome.DROPPED else (-1, 0, 0, 1, 1)
            confidence += rng.choice(drift) - (1 if obstacle else 0)
            if number in (slow_patch or ()):
                confidence = min(confidence, 6)
            # A goal only stays active while its person believes in it (see check_attainable).
            confidence = max(2 if outcome == _Outcome.DROPPED else 4, min(confidence, 9))
            if outcome == _Outcome.DROPPED and final:
                # Nobody drops a goal they still believe in.
                confidence = min(confidence, rng.randint(3, 4))
            reached = outcome == _Outcome.ACHIEVED and final
            updates.append(
                GoalUpdate(
                    goal=goal,
                    meeting_id=held[k].pk,
                    by_id=one_on_one.report_id if rng.random() < 0.75 else one_on_one.manager_id,
                    value=_value(text, share, reached=reached),
                    confidence=10 if reached else confidence,
                    obstacle=obstacle,
                    note=rng.choice(_NOTES[text.kind]) if rng.random() < 0.35 else "",
                    created_at=_between(rng, held[k].opens, held[k].closes),
                )
            )
        self.updates += updates
        if updates:
            goal.current, goal.confidence = updates[-1].value, updates[-1].confidence
        if outcome == _Outcome.ACHIEVED:
            goal.status = Status.ACHIEVED
            goal.reflection = rng.choice(_ACHIEVED_REFLECTIONS)
            reached_at = updates[-1].created_at if updates else ends.opens
            goal.closed_at = reached_at + timedelta(minutes=rng.randint(1, 4))
        elif outcome == _Outcome.DROPPED:
            goal.status = Status.DROPPED
            goal.reflection = rng.choice(_DROPPED_REFLECTIONS)
            goal.closed_at = _between(rng, ends.opens, ends.closes)
        elif outcome == _Outcome.ACTIVE and updates:
            self.tied_actions(goal, one_on_one, held, meetings, text, featured=arc.featured)

    def end_share(self, goal: Goal, held: list[_Held], meetings: list[int], arc: _Arc) -> float:
        """How far from baseline to target the last update got."""
        rng = self.rng
        if arc.outcome == _Outcome.ACHIEVED:
            return 1.0
        if arc.outcome == _Outcome.DROPPED:
            return rng.uniform(0.1, 0.35)
        if not meetings:
            return 0.0
        assert goal.due_on is not None
        start_day = max(_agreements(goal)).date()
        span = max((goal.due_on - start_day).days, 1)
        elapsed = (held[meetings[-1]].closes.date() - start_day).days / span
        # Most active goals run near the steady pace, some ahead of it and some behind.
        if arc.featured:
            pace = 1.1
        elif arc.outcome == _Outcome.STALLED:
            pace = rng.uniform(0.45, 0.8)
        else:
            pace = rng.uniform(0.8, 1.25)
        return min(0.92, elapsed * pace)

    def tied_actions(
        self,
        goal: Goal,
        one_on_one: OneOnOne,
        held: list[_Held],
        meetings: list[int],
        text: _GoalText,
        *,
        featured: bool,
    ) -> None:
        """About one active goal in four has an action of its own, agreed in the meeting of a
        recent update. The featured goal has two: an older one done, the latest still open."""
        rng = self.rng
        if featured:
            chosen = list(zip(text.actions, (meetings[-6:][0], meetings[-1]), strict=False))
        elif rng.random() < 0.25:
            chosen = [(text.actions[0], rng.choice(meetings[-4:]))]
        else:
            return
        for number, (action, k) in enumerate(chosen):
            created = _between(rng, held[k].opens, held[k].closes)
            due_on = created.date() + timedelta(days=rng.randint(5, 14))
            done_at = None
            if featured and number == len(chosen) - 1:
                due_on = max(due_on, self.today + timedelta(days=3))
            elif due_on < self.today and (featured or rng.random() < 0.8):
                hours = rng.randint(4, 24 * (due_on - created.date()).days)
                done_at = min(created + timedelta(hours=hours), self.cutoff - timedelta(hours=1))
            by_report = rng.random() < 0.75
            owner = one_on_one.report_id if by_report else one_on_one.manager_id
            other = one_on_one.manager_id if by_report else one_on_one.report_id
            self.actions.append(
                ActionItem(
                    one_on_one=one_on_one,
                    created_in_id=held[k].pk,
                    owner_id=owner,
                    created_by_id=owner if rng.random() < 0.7 else other,
                    text=action,
                    due_on=due_on,
                    done_at=done_at,
                    created_at=created,
                    goal=goal,
                )
            )

    def discussed_prompt(
        self, one_on_one: OneOnOne, meeting: _Held, closed: datetime, decided: datetime
    ) -> None:
        """Closing a goal put "Define the next goal" on the agenda (see goal_close); it was
        discussed in the meeting where the next goal was set."""
        discussed = min(max(meeting.opens, decided - timedelta(minutes=1)), meeting.closes)
        self.prompts.append(
            TalkingPoint(
                one_on_one=one_on_one,
                author_id=one_on_one.manager_id,
                text=NEXT_GOAL_PROMPT,
                section=Section.PERFORMANCE,
                discussed_in_id=meeting.pk,
                discussed_at=discussed,
                created_at=closed,
            )
        )


def _agree(goal: Goal, *, by_report: bool, at: datetime) -> None:
    if by_report:
        goal.report_agreed_at = at
    else:
        goal.manager_agreed_at = at


def _agreements(goal: Goal) -> list[datetime]:
    return [at for at in (goal.manager_agreed_at, goal.report_agreed_at) if at is not None]


def _value(text: _GoalText, share: float, *, reached: bool) -> Decimal:
    """The value `share` of the way from baseline to target, in the goal's steps."""
    assert text.baseline is not None and text.target is not None
    if reached:
        return text.target
    raw = text.baseline + (text.target - text.baseline) * Decimal(str(round(share, 4)))
    value = (raw / text.step).to_integral_value() * text.step
    if value == text.target:
        # Not there yet: one step short of it.
        value += text.step if text.baseline > text.target else -text.step
    return value.quantize(Decimal("0.01"))


@transaction.atomic
def demo_goals_create(
    *, one_on_ones: Iterable[OneOnOne], today: date, seed: int = DEMO_GOALS_SEED
) -> GoalsSummary:
    """Give the demo team's pairs goals in every state, built on their held meetings up to
    `today`. The pairs are taken in the order their reports were created (the demo's order),
    so the first report gets the featured story. Meant for a freshly created demo history:
    it adds, never replaces."""
    rng = random.Random(seed)
    cutoff = datetime.combine(today, time(), tzinfo=UTC)
    pairs = sorted(one_on_ones, key=lambda pair: pair.report_id)
    if not pairs:
        return GoalsSummary(0, 0, 0, 0, 0, 0, 0)
    held = _held_meetings([pair.pk for pair in pairs], cutoff)
    writer = _Writer(rng, today, cutoff)
    # A smaller team than the demo's tells fewer of the stories.
    for pair, story in zip(pairs, [_featured_story(), *_stories(rng)], strict=False):
        if held[pair.pk]:
            writer.pair(pair, held[pair.pk], story)

    Goal.objects.bulk_create(writer.goals)
    GoalUpdate.objects.bulk_create(writer.updates)
    ActionItem.objects.bulk_create(writer.actions)
    last_positions = dict(
        TalkingPoint.objects.filter(one_on_one__in=[pair.pk for pair in pairs])
        .values_list("one_on_one")
        .annotate(last=Max("position"))
        .values_list("one_on_one", "last")
    )
    for prompt in sorted(writer.prompts, key=lambda point: point.created_at):
        last_positions[prompt.one_on_one_id] = last_positions.get(prompt.one_on_one_id, 0) + 1
        prompt.position = last_positions[prompt.one_on_one_id]
    TalkingPoint.objects.bulk_create(writer.prompts)
    _prompt_pairs_between_goals(pairs, writer.goals)

    statuses = Counter(goal.status for goal in writer.goals)
    return GoalsSummary(
        active=statuses[Status.ACTIVE],
        drafts=statuses[Status.DRAFT],
        achieved=statuses[Status.ACHIEVED],
        dropped=statuses[Status.DROPPED],
        stalled=len(stalled_goals(pairs, now=cutoff)),
        updates=len(writer.updates),
        actions=len(writer.actions),
    )


def _prompt_pairs_between_goals(pairs: Sequence[OneOnOne], goals: Sequence[Goal]) -> None:
    """Pairs without an active goal get the open "Define the next goal" point, as the app
    gives them. It dates from when their last goal closed, not from the clock."""
    with_active = {goal.one_on_one_id for goal in goals if goal.status == Status.ACTIVE}
    last_close: dict[int, datetime] = {}
    for goal in goals:
        if goal.closed_at is not None:
            last_close[goal.one_on_one_id] = max(
                goal.closed_at, last_close.get(goal.one_on_one_id, goal.closed_at)
            )
    dated = []
    for pair in pairs:
        if pair.pk in with_active:
            continue
        point = ensure_next_goal_prompt(pair)
        if point is not None:
            point.created_at = last_close.get(pair.pk, pair.created_at + timedelta(hours=1))
            dated.append(point)
    TalkingPoint.objects.bulk_update(dated, ["created_at"])
