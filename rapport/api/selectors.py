"""Reads about API tokens. The API's other reads go through the selectors of each app."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db.models import QuerySet
from django.http import Http404

from rapport import access
from rapport.api.models import ApiToken, hash_secret
from rapport.checkins.models import CheckIn
from rapport.goals.models import Goal, GoalUpdate
from rapport.meetings import selectors as meetings_selectors
from rapport.meetings.models import ActionItem, Meeting, OneOnOne, TalkingPoint
from rapport.people.models import Person

# Longer than any token we make: a longer header is not worth a database lookup.
MAX_SECRET_LENGTH = 128


def tokens_of(viewer: Person) -> QuerySet[ApiToken]:
    """The viewer's own tokens, newest first, revoked ones included (they show as revoked)."""
    return ApiToken.objects.filter(person=viewer)


def get_token_for(viewer: Person, token_uuid: uuid.UUID | str) -> ApiToken:
    try:
        return tokens_of(viewer).get(uuid=token_uuid)
    except (ApiToken.DoesNotExist, ValueError) as missing:
        raise Http404("No such token.") from missing


def usable_token(secret: str, *, now: datetime) -> ApiToken | None:
    """The live token this secret belongs to, with its person, or None: unknown, revoked,
    expired, or its person has left (every case reads the same to the caller: 401)."""
    if not secret or len(secret) > MAX_SECRET_LENGTH:
        return None
    token = (
        ApiToken.objects.select_related("person").filter(secret_hash=hash_secret(secret)).first()
    )
    if token is None or not token.is_usable(now) or not token.person.is_active:
        return None
    return token


# --- What the API lists, on behalf of a viewer (rapport/access.py decides) -----------------------


def one_on_ones_of(viewer: Person) -> QuerySet[OneOnOne]:
    return (
        access.one_on_ones_visible_to(viewer)
        .select_related("manager", "report")
        .order_by("-created_at", "pk")
    )


def meetings_of_pair(viewer: Person, one_on_one: OneOnOne) -> QuerySet[Meeting]:
    return (
        access.meetings_visible_to(viewer)
        .filter(one_on_one=one_on_one)
        .select_related("one_on_one")
        .order_by("scheduled_for", "pk")
    )


def points_of_pair(viewer: Person, one_on_one: OneOnOne) -> QuerySet[TalkingPoint]:
    """The pair's points the viewer may see (the other person's private ones never), without
    the per-meeting records of recurring points."""
    return (
        meetings_selectors.visible_points(viewer, one_on_one)
        .filter(recurring_source__isnull=True)
        .select_related("author", "discussed_in")
        .order_by("position", "pk")
    )


def actions_of_pair(one_on_one: OneOnOne) -> QuerySet[ActionItem]:
    """Action items are shared content: both people of the 1:1 see all of them. `one_on_one`
    must come from get_one_on_one_for(viewer, ...)."""
    return (
        ActionItem.objects.filter(one_on_one=one_on_one)
        .select_related("owner", "created_in", "goal")
        .order_by("created_at", "pk")
    )


def goals_of_pair(viewer: Person, one_on_one: OneOnOne) -> QuerySet[Goal]:
    return (
        access.goals_visible_to(viewer)
        .filter(one_on_one=one_on_one)
        .select_related("owner", "one_on_one")
        .order_by("created_at", "pk")
    )


def progress_of(goal: Goal) -> QuerySet[GoalUpdate]:
    """A goal's progress updates, oldest first. `goal` must come from get_goal_for(viewer, ...)."""
    return (
        GoalUpdate.objects.filter(goal=goal)
        .select_related("by", "meeting")
        .order_by("created_at", "pk")
    )


def checkins_of_pair(viewer: Person, one_on_one: OneOnOne) -> QuerySet[CheckIn]:
    return (
        access.checkins_visible_to(viewer)
        .filter(one_on_one=one_on_one)
        .select_related("meeting", "one_on_one")
        .order_by("meeting__scheduled_for", "pk")
    )


def outside_work_for(viewer: Person, checkin: CheckIn) -> str | None:
    """The outside-work note for a viewer allowed to read it, else None."""
    if not access.can_see_outside_work(viewer, checkin):
        return None
    return checkin.outside_work


def people_for_admin(viewer: Person) -> QuerySet[Person]:
    """The whole organisation, with leavers, for an admin; a 404 for everyone else."""
    if not access.can_import_people(viewer):
        raise Http404("No such list.")
    return access.people_visible_to(viewer).select_related("manager").order_by("email", "pk")
