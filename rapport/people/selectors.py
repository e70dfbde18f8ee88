"""Reads about people, always on behalf of a viewer (see rapport/access.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from rapport import access
from rapport.display import zone_named
from rapport.people.models import (
    DayAway,
    Departure,
    Person,
    RecoveryCode,
    SecondFactor,
    WorkingProfile,
)


def get_person_for(viewer: Person, person_uuid: uuid.UUID | str) -> Person:
    try:
        return access.people_visible_to(viewer).select_related("manager").get(uuid=person_uuid)
    except (Person.DoesNotExist, ValueError) as missing:
        raise Http404("No such person.") from missing


def person_with_email(email: str) -> Person | None:
    """The person an identity provider vouches for (rapport/people/sso.py): before sign-in there
    is no viewer; the provider's verified address is the only key."""
    return Person.objects.filter(email__iexact=email).first()


def direct_reports_for(viewer: Person, manager: Person) -> QuerySet[Person]:
    return access.people_visible_to(viewer).filter(manager=manager, is_active=True)


def management_chain(person: Person) -> list[Person]:
    """The person's manager, their manager, and so on up to the top (nearest first)."""
    chain: list[Person] = []
    seen = {person.pk}
    current = person.manager
    while current is not None and current.pk not in seen and len(chain) < access.MAX_CHAIN_DEPTH:
        chain.append(current)
        seen.add(current.pk)
        current = current.manager
    return chain


@dataclass
class OrgNode:
    person: Person
    children: list[OrgNode] = field(default_factory=list)

    @property
    def team_size(self) -> int:
        return sum(1 + child.team_size for child in self.children)


def org_chart_for(viewer: Person) -> list[OrgNode]:
    """The whole visible organisation as trees, built from one query whatever its size."""
    people = list(access.people_visible_to(viewer).filter(is_active=True).order_by("name"))
    nodes = {person.pk: OrgNode(person) for person in people}
    roots: list[OrgNode] = []
    for node in nodes.values():
        parent = nodes.get(node.person.manager_id) if node.person.manager_id else None
        (parent.children if parent else roots).append(node)
    return roots


class PeopleStatus:
    """The people list's filter for HR and admins (access.can_see_leavers)."""

    ACTIVE = "active"
    LEAVING = "leaving"
    LEFT = "left"
    CHOICES = ((ACTIVE, _("Active")), (LEAVING, _("Leaving soon")), (LEFT, _("Left")))


def search_people_for(
    viewer: Person, query: str, *, status: str = "", limit: int = 50
) -> QuerySet[Person]:
    """People whose name, title or email holds every word of `query`. Everyone sees active
    people; HR and admins also find people who have left, and may narrow the list to active,
    leaving soon (a departure scheduled) or left. For them each row carries `leaving_on`."""
    words = query.split()
    people: QuerySet[Person]
    if access.can_see_leavers(viewer):
        people = access.people_visible_to(viewer).annotate(
            leaving_on=Subquery(
                Departure.objects.filter(
                    person=OuterRef("pk"), state=Departure.State.SCHEDULED
                ).values("leaves_on")[:1]
            )
        )
        if status == PeopleStatus.ACTIVE:
            people = people.filter(is_active=True)
        elif status == PeopleStatus.LEAVING:
            people = people.filter(is_active=True, leaving_on__isnull=False)
        elif status == PeopleStatus.LEFT:
            people = people.filter(is_active=False)
    else:
        people = access.people_visible_to(viewer).filter(is_active=True)
    for word in words:
        people = people.filter(
            Q(name__icontains=word) | Q(title__icontains=word) | Q(email__icontains=word)
        )
    order = ("leaving_on", "name") if status == PeopleStatus.LEAVING else ("name",)
    return people.select_related("manager").order_by(*order)[:limit]


@dataclass(frozen=True)
class DepartureStatus:
    """A person's departure as HR and admins read it on the person's page."""

    scheduled: Departure | None
    # The latest applied departure while it may still be undone, and until when.
    undoable: Departure | None
    undo_until: datetime | None


def departure_status_of(viewer: Person, person: Person, *, now: datetime) -> DepartureStatus | None:
    """None for anyone who may not record departures."""
    if not access.can_record_departure(viewer):
        return None
    scheduled = Departure.objects.filter(person=person, state=Departure.State.SCHEDULED).first()
    applied = Departure.objects.filter(person=person, state=Departure.State.APPLIED).first()
    grace = timedelta(days=settings.RAPPORT_DEPARTURE_UNDO_DAYS)
    undoable = applied if applied is not None and applied.can_undo(now, grace) else None
    return DepartureStatus(
        scheduled=scheduled,
        undoable=undoable,
        undo_until=undoable.undo_until(grace) if undoable else None,
    )


def departure_of(viewer: Person, person: Person, *, state: str) -> Departure:
    """The person's scheduled departure, or their latest applied one: a 404 for anyone who may
    not record departures, or when there is none."""
    if not access.can_record_departure(viewer):
        raise Http404
    departure = Departure.objects.filter(person=person, state=state).first()
    if departure is None:
        raise Http404("No such departure.")
    return departure


@dataclass(frozen=True)
class TeamMember:
    person: Person
    report_count: int


def team_of(viewer: Person, manager: Person) -> list[TeamMember]:
    """A manager's direct reports with how many each leads, in one query (their local time is
    the page's: `{% clock %}`)."""
    # Aggregate queries ignore Meta.ordering, so the order is spelled out.
    reports = (
        direct_reports_for(viewer, manager)
        .annotate(report_count=Count("reports", filter=Q(reports__is_active=True)))
        .order_by("name")
    )
    return [TeamMember(person=report, report_count=report.report_count) for report in reports]


WORKING_HOURS = range(9, 17)


def team_at_work_by_hour(team: list[TeamMember], *, manager: Person, now: datetime) -> list[int]:
    """For each hour of the manager's day, how many reports are within their own 9:00-17:00:
    where the 1:1 slots that suit everyone are."""
    manager_zone = zone_named(manager.timezone)
    midnight = now.astimezone(manager_zone).replace(hour=0, minute=0, second=0, microsecond=0)
    zones = [zone_named(member.person.timezone) for member in team]
    return [
        sum(
            (midnight + timedelta(hours=hour)).astimezone(zone).hour in WORKING_HOURS
            for zone in zones
        )
        for hour in range(24)
    ]


TEAM_SIZE_BUCKETS = ((1, 3), (4, 7), (8, 12), (13, 20), (21, 10_000))


@dataclass(frozen=True)
class OrganisationOverview:
    active_people: int
    managers: int
    left_last_year: int
    timezones: int
    managers_by_team_size: list[tuple[str, int]]


def organisation_overview(viewer: Person, *, today: date) -> OrganisationOverview:
    """Counts about the whole organisation, for HR and admins only. `today` on the
    organisation's calendar, as the organisation view's retention figures count leavers."""
    if not access.can_see_organisation_overview(viewer):
        raise Http404
    people = Person.objects.all()
    figures = people.aggregate(
        active_people=Count("pk", filter=Q(is_active=True)),
        left_last_year=Count("pk", filter=Person.left_in_year_to(today)),
        timezones=Count("timezone", distinct=True, filter=Q(is_active=True)),
    )
    team_sizes = list(
        people.filter(is_active=True)
        .annotate(size=Count("reports", filter=Q(reports__is_active=True)))
        .filter(size__gt=0)
        .values_list("size", flat=True)
    )
    by_size = [
        (
            f"{low}+" if high >= 10_000 else f"{low}-{high}",
            sum(low <= n <= high for n in team_sizes),
        )
        for low, high in TEAM_SIZE_BUCKETS
    ]
    return OrganisationOverview(managers=len(team_sizes), managers_by_team_size=by_size, **figures)


# --- Working hours and days away ---------------------------------------------------------------


def days_away_of(viewer: Person, person: Person, *, today: date) -> list[DayAway]:
    """The person's days away that are not over by `today` (their calendar), first first; empty
    for anyone who may not see their schedule."""
    if not access.can_see_schedule_of(viewer, person):
        return []
    return list(DayAway.objects.filter(person=person, ends_on__gte=today).order_by("starts_on"))


def get_own_day_away(viewer: Person, day_away_uuid: uuid.UUID | str) -> DayAway:
    """One of the viewer's own days away: someone else's, even a report's, is a 404."""
    try:
        return DayAway.objects.select_related("person").get(uuid=day_away_uuid, person=viewer)
    except (DayAway.DoesNotExist, ValueError) as missing:
        raise Http404("No such days away.") from missing


# --- The working-with-me profile ----------------------------------------------------------------


def own_working_profile(viewer: Person) -> WorkingProfile:
    """The viewer's own profile, or an unsaved blank one (every answer kept) to fill in."""
    profile = WorkingProfile.objects.filter(person=viewer).first()
    return profile or WorkingProfile(person=viewer)


@dataclass(frozen=True)
class SharedProfile:
    """What a person shares of their profile, as their manager reads it: display-ready."""

    person: Person
    answers: list[tuple[str, str]]
    updated_at: datetime | None


def shared_working_profile(viewer: Person, person: Person) -> SharedProfile | None:
    """The shared answers of `person`'s profile for their current manager (and the person);
    None for everyone else, so a page shows nothing at all, not even an empty state."""
    if not access.can_see_shared_working_profile(viewer, person):
        return None
    profile = WorkingProfile.objects.filter(person=person).first()
    if profile is None:
        return SharedProfile(person=person, answers=[], updated_at=None)
    answers = profile.shared_answers()
    return SharedProfile(
        person=person, answers=answers, updated_at=profile.updated_at if answers else None
    )


# --- The second factor (rapport/people/totp.py) -------------------------------------------------


def second_factor_required(person: Person) -> bool:
    """Whether the person must use an authenticator app (RAPPORT_TOTP_REQUIRED_FOR). Demo
    accounts never must: they cannot sign in in production at all, and a demo walks straight in."""
    return person.role in settings.TOTP_REQUIRED_FOR and not person.is_demo


def has_second_factor(person: Person) -> bool:
    return SecondFactor.objects.filter(person=person).exists()


@dataclass(frozen=True)
class SecondFactorState:
    enrolled_at: datetime | None
    recovery_codes_left: int
    required: bool


def second_factor_state(viewer: Person) -> SecondFactorState:
    """The viewer's own: whether their app is set up, since when, and codes left."""
    factor = SecondFactor.objects.filter(person=viewer).first()
    left = RecoveryCode.objects.filter(person=viewer, used_at__isnull=True).count()
    return SecondFactorState(
        enrolled_at=factor.enrolled_at if factor else None,
        recovery_codes_left=left if factor else 0,
        required=second_factor_required(viewer),
    )
