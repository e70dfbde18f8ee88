"""Who may see and change what: the one place where Rapport's visibility rules live.

DESIGN.md section 5 is the specification. Views never filter by hand: they load objects through
selectors that call these functions or the querysets built here, and an outsider gets a 404.
Write services check their actor here too (`require`), whatever view or command calls them.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping, Sequence
from datetime import date
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

# access.py sits above every app's models and below every service and selector: it imports
# models only, and no model imports it (tests/test_layers.py checks both).
from rapport.checkins.models import CheckIn
from rapport.goals.models import Goal
from rapport.meetings.models import Meeting, NoteConflictCopy, OneOnOne, TalkingPoint
from rapport.people.models import Person, Role

# How far up a management chain we look; deeper than any real company, bounded so that a
# corrupted chain cannot loop forever.
MAX_CHAIN_DEPTH = 64


class Refused(Exception):
    """A write service refused its actor. Views never catch it: RefusedAsNotFoundMiddleware
    answers 404, as a selector does for an outsider, so a refusal never says what exists."""


def require(allowed: bool) -> None:
    """The one way a write service refuses: `access.require(access.can_...(by, ...))`."""
    if not allowed:
        raise Refused


class System:
    """The installation itself as the actor of a write no person asked for (a management
    command). Only commands pass it: never a view, which always has a person
    (tests/test_write_services.py checks)."""

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = System()


def people_visible_to(viewer: Person) -> QuerySet[Person]:
    """The directory: everyone signed in sees the active people of the organisation (name,
    title, time zone, manager). HR and admins also see people who have left."""
    people = Person.objects.all()
    if viewer.is_hr or viewer.is_admin:
        return people
    return people.filter(is_active=True)


def can_see_employment_details(viewer: Person, person: Person) -> bool:
    """Start and leaving dates, leaving reason and role: the person, HR and admins."""
    return viewer.pk == person.pk or viewer.is_hr or viewer.is_admin


def can_edit_person(viewer: Person, person: Person) -> bool:
    return viewer.is_admin


def can_record_departure(viewer: Person) -> bool:
    """Record, cancel and undo departures, and see the confirmation of what one would change:
    HR and admins."""
    return viewer.is_hr or viewer.is_admin


def can_erase_person(viewer: Person) -> bool:
    """Erasure (GDPR article 17) and its dry run: admins only. Whether the person may be erased
    at all (they have left, not yet erased) is the erasure service's own check."""
    return viewer.is_admin


def can_see_leavers(viewer: Person) -> bool:
    """The people list's active / leaving soon / left filter: HR and admins, who may see people
    who have left (people_visible_to) and leaving dates (can_see_employment_details)."""
    return viewer.is_hr or viewer.is_admin


def can_resend_invitation(viewer: Person, person: Person) -> bool:
    """Admins re-send someone's invitation, to anyone who can still sign in."""
    return viewer.is_admin and person.is_active


def can_import_people(viewer: Person | System) -> bool:
    """Admins, and the `rapport import-people` command (SYSTEM)."""
    if isinstance(viewer, System):
        return True
    return viewer.is_admin


def can_see_audit_trail(viewer: Person) -> bool:
    """Who did what to people data (rapport/audit): admins, who answer for the installation.
    The trail holds no 1:1 content, only acts, people and small facts about the acts."""
    return viewer.is_admin


def can_manage_second_factor(viewer: Person, person: Person) -> bool:
    """A person's authenticator app and recovery codes: their own, set up by nobody else."""
    return viewer.pk == person.pk and person.is_active


def can_run_outbox(viewer: Person) -> bool:
    """The outbox page, its test email and its retry: admins, who run email delivery."""
    return viewer.is_admin


def can_manage_chat_webhooks(viewer: Person) -> bool:
    """Anyone's chat webhook and the organisation's: admins, who run delivery (they see where
    reminders go and whether it fails, never what a 1:1 holds)."""
    return viewer.is_admin


def can_set_chat_webhook_for(viewer: Person, person: Person | None) -> bool:
    """A person's chat webhook: the person, or an admin on their behalf; the organisation's
    (`person` None): admins only."""
    if person is not None and viewer.pk == person.pk:
        return True
    return can_manage_chat_webhooks(viewer)


# --- Working hours and days away ---------------------------------------------------------------
# What scheduling needs: the person, their direct manager (who books their 1:1s) and admins
# (who may set up 1:1s for any manager). Only the kind of a day away is kept, never a reason.


def can_see_schedule_of(viewer: Person, person: Person) -> bool:
    return viewer.pk == person.pk or viewer.pk == person.manager_id or viewer.is_admin


def can_change_schedule_of(viewer: Person, person: Person) -> bool:
    """Working hours and days away: the person's own, or an admin's for anyone."""
    return viewer.pk == person.pk or viewer.is_admin


def can_see_organisation_overview(viewer: Person) -> bool:
    """Aggregate figures about the whole organisation (never about one person)."""
    return viewer.is_hr or viewer.is_admin


# --- 1:1s -----------------------------------------------------------------------------------
# Only the two people of a 1:1 see its content. When the report's manager changes the 1:1 is
# closed: the report keeps it, the old manager loses it at once, and the new manager (who is
# not part of it) never had it. HR, admins, skip-levels and everyone else get a 404.


def one_on_ones_visible_to(viewer: Person) -> QuerySet[OneOnOne]:
    return OneOnOne.objects.filter(
        Q(report=viewer) | Q(manager=viewer, status=OneOnOne.Status.ACTIVE)
    )


def meetings_visible_to(viewer: Person) -> QuerySet[Meeting]:
    return Meeting.objects.filter(
        Q(one_on_one__report=viewer)
        | Q(one_on_one__manager=viewer, one_on_one__status=OneOnOne.Status.ACTIVE)
    )


def private_content_filter(viewer: Person, *, author_field: str = "author") -> Q:
    """Shared items, or private ones the viewer wrote: private means the author only."""
    return Q(is_private=False) | Q(**{author_field: viewer})


def can_see_one_on_one(viewer: Person, one_on_one: OneOnOne) -> bool:
    """`one_on_ones_visible_to` for one 1:1. A write service refuses whoever fails this; the
    report of a closed 1:1 passes it, and is told the 1:1 is closed (a state, not a secret)."""
    return viewer.pk == one_on_one.report_id or (
        one_on_one.is_active and viewer.pk == one_on_one.manager_id
    )


def can_see_point(viewer: Person, point: TalkingPoint) -> bool:
    """`private_content_filter` for one talking point of a 1:1 the viewer sees."""
    return can_see_one_on_one(viewer, point.one_on_one) and (
        not point.is_private or viewer.pk == point.author_id
    )


def can_remove_point(viewer: Person, point: TalkingPoint) -> bool:
    """Only the author removes a point; the other person may tick or move it."""
    return can_see_point(viewer, point) and viewer.pk == point.author_id


def can_settle_note_copy(viewer: Person, copy: NoteConflictCopy) -> bool:
    """A kept conflict copy is its author's alone, like a private note."""
    return viewer.pk == copy.author_id


def can_change_one_on_one(viewer: Person, one_on_one: OneOnOne) -> bool:
    """The manager runs the 1:1's set-up (cadence, time); an admin can for any pair."""
    return one_on_one.is_active and (viewer.pk == one_on_one.manager_id or viewer.is_admin)


def can_set_up_one_on_ones(viewer: Person, manager: Person) -> bool:
    return viewer.pk == manager.pk or viewer.is_admin


def can_write_in(viewer: Person, one_on_one: OneOnOne) -> bool:
    """Adding points, notes and actions: the two people, while the 1:1 is active. A closed 1:1
    stays readable for the report but is no longer written to."""
    return one_on_one.is_active and viewer.pk in (one_on_one.manager_id, one_on_one.report_id)


def can_run_meeting_mode(viewer: Person, meeting: Meeting) -> bool:
    """The manager runs the clock; the report follows it on their own screen."""
    return meeting.one_on_one.is_active and viewer.pk == meeting.one_on_one.manager_id


def can_see_person_card(viewer: Person, one_on_one: OneOnOne) -> bool:
    """The card is the manager's own, in an active 1:1: nobody else, ever (not the report, not
    HR, not the next manager). It closes with the 1:1."""
    return one_on_one.is_active and viewer.pk == one_on_one.manager_id


def can_add_questions(viewer: Person) -> bool:
    """Admins grow the question bank for the whole organisation; everyone may read it."""
    return viewer.is_admin


# --- Goals ----------------------------------------------------------------------------------
# A goal is seen by the two people of its 1:1, whatever its kind (a personal goal too); HR sees
# counts only, admins nothing. After a manager change the goal stays with the closed 1:1 (the
# report keeps it) unless the report chooses to bring it into the new 1:1.


def goals_visible_to(viewer: Person) -> QuerySet[Goal]:
    return Goal.objects.filter(one_on_one__in=one_on_ones_visible_to(viewer))


def can_change_goal(viewer: Person, goal: Goal) -> bool:
    """Either person of an active 1:1 works on its goals (drafts, progress, agreement)."""
    return can_write_in(viewer, goal.one_on_one)


def can_see_goal(viewer: Person, goal: Goal) -> bool:
    """`goals_visible_to` for one goal."""
    return can_see_one_on_one(viewer, goal.one_on_one)


def owns_goal(viewer: Person, goal: Goal) -> bool:
    """A goal always belongs to the report of its 1:1, who sees it wherever it is."""
    return viewer.pk == goal.owner_id


def can_move_goal_to_new_one_on_one(viewer: Person, goal: Goal) -> bool:
    """Only the report decides whether an earlier goal follows them to a new manager."""
    return owns_goal(viewer, goal) and not goal.one_on_one.is_active


# --- Check-ins ------------------------------------------------------------------------------
# A check-in is the report's: only they write it. Its scores, wins, challenges and topics are
# seen by both people of the 1:1 (the manager loses them with the 1:1, like everything else);
# the outside-work note reaches the manager only when the report switches sharing on. Others
# see at most aggregates of five or more (rapport/insights), never one check-in.


def checkins_visible_to(viewer: Person) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(one_on_one__in=one_on_ones_visible_to(viewer))


def can_check_in(viewer: Person, meeting: Meeting) -> bool:
    """Only the report of an active 1:1 answers its check-ins (the window is checked apart)."""
    return meeting.one_on_one.is_active and viewer.pk == meeting.one_on_one.report_id


def can_see_outside_work(viewer: Person, checkin: CheckIn) -> bool:
    return viewer.pk == checkin.report_id or (
        checkin.outside_work_shared and viewer.pk == checkin.one_on_one.manager_id
    )


# --- Team view ------------------------------------------------------------------------------
# The team view is about the viewer's own team: everyone may open it and sees only the active
# 1:1s they run as manager. Signals about a pair are for its manager only: they are a prompt to
# act, not a verdict, and a report who reads "mood is falling" about themselves in a manager's
# tool would be judged rather than helped (they see their own scores on their check-ins).


def one_on_ones_led_by(viewer: Person) -> QuerySet[OneOnOne]:
    return OneOnOne.objects.filter(manager=viewer, status=OneOnOne.Status.ACTIVE)


def can_see_team_signals(viewer: Person, one_on_one: OneOnOne) -> bool:
    return one_on_one.is_active and viewer.pk == one_on_one.manager_id


# --- Organisation view ----------------------------------------------------------------------
# Aggregates only (DESIGN.md section 5): HR sees the whole organisation, a skip-level (someone
# who leads people who lead people) the people below them at every level, including those who
# have left (the retention figures need them). Plain managers, members and admins who are not
# also one of these get a 404: their own team has its own pages.


def management_depth(viewer: Person) -> int:
    """0 leads nobody, 1 leads people, 2 leads people who lead people: one query, shared by the
    navigation ("1:1s" for 1, "Organisation" for 2)."""
    leads = Person.objects.filter(manager=OuterRef("pk"), is_active=True)
    # Descending, True comes first on SQLite (1) and PostgreSQL (true) alike.
    first = (
        viewer.reports.filter(is_active=True)
        .annotate(leads=Exists(leads))
        .order_by("-leads")
        .values_list("leads", flat=True)
        .first()
    )
    if first is None:
        return 0
    return 2 if first else 1


# The navigation asks `management_depth` on every page. Its answer changes only when someone's
# manager or active flag does, and every such write ends in `org_chart_changed` (through
# meetings.services.one_on_ones_close_where_manager_changed), which moves the version that the
# cache key carries: a stale depth is never read from a shared cache. With Django's default
# per-process cache another process sees the change once its entry expires
# (RAPPORT_NAV_CACHE_SECONDS); the depth only chooses links, each page checks access itself.
ORG_CHART_VERSION_KEY = "org-chart-version"


def _org_chart_version() -> int:
    # A fresh version after the key was evicted starts from the clock, above any earlier one.
    version = cache.get_or_set(ORG_CHART_VERSION_KEY, time.time_ns, timeout=None)
    return int(version if version is not None else 0)


def org_chart_version() -> int:
    """Moves on every change of who leads whom (org_chart_changed): what was worked out from an
    older chart (a skip-level's scope) is not used under a newer one."""
    return _org_chart_version()


def management_depth_cached(viewer: Person) -> int:
    """`management_depth` kept per viewer under the org chart's version."""
    seconds = settings.RAPPORT_NAV_CACHE_SECONDS
    if not seconds:
        return management_depth(viewer)
    key = f"management-depth:{viewer.pk}"
    # One read for both (with the database cache, one query): the depth is kept with the
    # version it was computed under.
    found = cache.get_many([ORG_CHART_VERSION_KEY, key])
    version = found.get(ORG_CHART_VERSION_KEY)
    if version is None:
        version = _org_chart_version()
    kept = found.get(key)
    if kept is not None and kept[0] == version:
        return int(kept[1])
    depth = management_depth(viewer)
    cache.set(key, (version, depth), seconds)
    return depth


def org_chart_changed() -> None:
    """Who leads whom may have changed: cached depths stop being read once this commits."""

    def bump() -> None:
        # Evicted meanwhile: the next read starts a new version from the clock.
        with contextlib.suppress(ValueError):
            cache.incr(ORG_CHART_VERSION_KEY)

    transaction.on_commit(bump)


class OrgChartRow(NamedTuple):
    pk: int
    manager_id: int | None
    is_active: bool
    is_hr: bool
    left_on: date | None
    name: str


def org_chart() -> list[OrgChartRow]:
    """Everyone ever in the org chart, in one query: the organisation view works out its viewer's
    scope, who may view it at all and its partition into blocks (insights/org.py) from this."""
    rows = Person.objects.order_by("pk").values_list(
        "pk", "manager_id", "is_active", "role", "left_on", "name"
    )
    return [
        OrgChartRow(pk, manager, active, role == Role.HR, left_on, name)
        for pk, manager, active, role, left_on, name in rows
    ]


def org_viewers(chart: Sequence[OrgChartRow]) -> set[int]:
    """Everyone who gets the organisation view: active HR people and active skip-levels."""
    active_leaders = {row.manager_id for row in chart if row.is_active and row.manager_id}
    skip_levels = {
        row.manager_id
        for row in chart
        if row.is_active and row.manager_id and row.pk in active_leaders
    }
    active = {row.pk for row in chart if row.is_active}
    return {row.pk for row in chart if row.is_active and row.is_hr} | (skip_levels & active)


def org_scope_of(viewer: Person, chart: Sequence[OrgChartRow]) -> frozenset[int] | None:
    """The people whose aggregates the viewer may see (HR: everyone in `chart`), or None when
    they may see none."""
    if viewer.is_hr:
        return frozenset(row.pk for row in chart)
    if viewer.pk not in org_viewers(chart):
        return None
    return frozenset(_below(viewer.pk, _reports_of(chart)))


def org_scopes(chart: Sequence[OrgChartRow]) -> dict[int, frozenset[int]]:
    """`org_scope_of` for every skip-level at once (HR's is everyone), with one pass over the
    chart: the worker computes every viewer's organisation view together."""
    reports = _reports_of(chart)
    hr = {row.pk for row in chart if row.is_active and row.is_hr}
    return {
        viewer: frozenset(_below(viewer, reports)) for viewer in sorted(org_viewers(chart) - hr)
    }


def _reports_of(chart: Sequence[OrgChartRow]) -> dict[int, list[int]]:
    reports: dict[int, list[int]] = {}
    for row in chart:
        if row.manager_id is not None:
            reports.setdefault(row.manager_id, []).append(row.pk)
    return reports


def _below(top: int, reports: Mapping[int, list[int]]) -> set[int]:
    """Everyone under `top` at any depth; a broken chain (a cycle) cannot loop."""
    found: set[int] = set()
    frontier = [top]
    while frontier:
        current = frontier.pop()
        for person in reports.get(current, ()):
            if person not in found and person != top:
                found.add(person)
                frontier.append(person)
    return found


# --- The working-with-me profile ----------------------------------------------------------------
# The report's own words about how to work with them. Only they write it and read its kept
# answers; their current manager reads the answers they share, and loses them the moment the
# manager changes. Skip-levels, HR and admins see none of it, not even whether it exists.


def can_write_working_profile(viewer: Person, person: Person) -> bool:
    return viewer.pk == person.pk and person.is_active


def can_see_whole_working_profile(viewer: Person, person: Person) -> bool:
    return viewer.pk == person.pk


def can_see_shared_working_profile(viewer: Person, person: Person) -> bool:
    """The person, and their current manager while the person is active."""
    return viewer.pk == person.pk or (person.is_active and viewer.pk == person.manager_id)


# --- API tokens ---------------------------------------------------------------------------------
# A personal access token acts as its owner, with no more rights than they have in the UI (a
# read-only token with fewer). Only its owner makes, lists and revokes it: not HR, not an admin.


def can_manage_api_tokens_of(viewer: Person, person: Person) -> bool:
    return viewer.pk == person.pk and person.is_active
