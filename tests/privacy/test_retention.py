"""The retention policy, at the pinned instant: rows older than the policy go, newer ones stay,
ended 1:1s lose their content N years after they ended, the preview is what is applied, and
the policy is off unless configured."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from pytest_django import Settings

from rapport.access import SYSTEM, Refused
from rapport.goals.models import CoachingConversation
from rapport.meetings.models import Note, OneOnOne, PersonCard, TalkingPoint
from rapport.meetings.services import person_card_save
from rapport.privacy.services import (
    RetentionPolicy,
    retention_apply,
    retention_preview,
    years_before,
)
from tests import canaries
from tests.cast import Cast
from tests.helpers.digest import database_digest
from tests.privacy.helpers import markers_left

pytestmark = pytest.mark.django_db

OLD_NOTE = "RETAIN-OLD-PRIVATE-NOTE-6b1e"
NEW_NOTE = "RETAIN-NEW-PRIVATE-NOTE-c93a"
OLD_POINT = "RETAIN-OLD-PRIVATE-POINT-2d7f"
NEW_POINT = "RETAIN-NEW-PRIVATE-POINT-f04b"
ENDED_LONG_AGO = "RETAIN-PAIR-ENDED-LONG-AGO-81aa"
ENDED_LATELY = "RETAIN-PAIR-ENDED-LATELY-5c3d"


def just(years: int, *, before: bool) -> datetime:
    """A moment a day before (or after) `years` ago."""
    cutoff = years_before(timezone.now(), years)
    return cutoff - timedelta(days=1) if before else cutoff + timedelta(days=1)


def plant_private_rows(cast: Cast) -> None:
    # On the pair's third meeting: the canaries hold the first two.
    meeting = cast.one_on_one.meetings.order_by("scheduled_for")[2]
    Note.objects.create(
        meeting=meeting,
        author=cast.manager,
        kind="private",
        body=OLD_NOTE,
        updated_at=just(3, before=True),
    )
    Note.objects.create(
        meeting=meeting,
        author=cast.report,
        kind="private",
        body=NEW_NOTE,
        updated_at=just(3, before=False),
    )
    for text, when in ((OLD_POINT, just(3, before=True)), (NEW_POINT, just(3, before=False))):
        TalkingPoint.objects.create(
            one_on_one=cast.one_on_one,
            author=cast.report,
            text=text,
            is_private=True,
            created_at=when,
        )


def ended_pair(cast: Cast, *, closed_at: datetime, marker: str) -> OneOnOne:
    pair = OneOnOne.objects.create(
        manager=cast.peer_manager,
        report=cast.peer_report,
        start_time=time(10, 0),
        timezone="UTC",
        starts_on=closed_at.date() - timedelta(days=300),
        status=OneOnOne.Status.CLOSED,
        closed_at=closed_at,
    )
    TalkingPoint.objects.create(one_on_one=pair, author=cast.peer_report, text=marker)
    PersonCard.objects.create(one_on_one=pair, motivators=marker)
    return pair


def test_private_notes_and_points_older_than_the_policy_go_and_newer_ones_stay(
    cast: Cast,
) -> None:
    plant_private_rows(cast)
    policy = RetentionPolicy(private_notes_years=3, ended_pairs_years=0)

    counts = retention_apply(now=timezone.now(), by=SYSTEM, policy=policy)

    assert markers_left([OLD_NOTE, OLD_POINT, NEW_NOTE, NEW_POINT]) == [NEW_NOTE, NEW_POINT]
    assert counts["Private notes"] == 1
    assert counts["Private talking points"] == 1


def test_old_coaching_notes_are_emptied_and_the_conversation_stays(cast: Cast) -> None:
    canaries.plant_canaries(cast)
    CoachingConversation.objects.update(created_at=just(3, before=True))
    policy = RetentionPolicy(private_notes_years=3, ended_pairs_years=0)

    retention_apply(now=timezone.now(), by=SYSTEM, policy=policy)

    assert markers_left([canaries.COACHING_NOTE, canaries.COACHING_OPTIONS]) == [
        canaries.COACHING_OPTIONS
    ]


def test_an_ended_pairs_content_goes_years_after_it_ended(cast: Cast) -> None:
    old = ended_pair(cast, closed_at=just(2, before=True), marker=ENDED_LONG_AGO)
    policy = RetentionPolicy(private_notes_years=0, ended_pairs_years=2)

    counts = retention_apply(now=timezone.now(), by=SYSTEM, policy=policy)

    assert markers_left([ENDED_LONG_AGO]) == []
    assert counts["Ended 1:1s: talking points"] == 1
    assert counts["Ended 1:1s: person cards"] == 1
    assert OneOnOne.objects.filter(pk=old.pk).exists()  # the figures still count the pair


def test_a_pair_that_ended_more_lately_keeps_its_content(cast: Cast) -> None:
    ended_pair(cast, closed_at=just(2, before=False), marker=ENDED_LATELY)
    # The cast's own pair is active: an active 1:1 is never "ended", however old.
    OneOnOne.objects.filter(pk=cast.one_on_one.pk).update(created_at=just(5, before=True))
    canaries.plant_canaries(cast)
    policy = RetentionPolicy(private_notes_years=0, ended_pairs_years=2)

    retention_apply(now=timezone.now(), by=SYSTEM, policy=policy)

    assert markers_left([ENDED_LATELY, canaries.MANAGER_NOTE]) == [
        ENDED_LATELY,
        canaries.MANAGER_NOTE,
    ]


def test_the_preview_is_what_is_applied(cast: Cast) -> None:
    plant_private_rows(cast)
    canaries.plant_canaries(cast)
    ended_pair(cast, closed_at=just(2, before=True), marker=ENDED_LONG_AGO)
    person_card_save(one_on_one=cast.one_on_one, by=cast.manager, motivators="kept")
    policy = RetentionPolicy(private_notes_years=3, ended_pairs_years=2)
    now = timezone.now()
    before = database_digest()

    preview = retention_preview(now=now, policy=policy)

    assert database_digest() == before
    assert sum(preview.values()) >= 4
    assert retention_apply(now=now, by=SYSTEM, policy=policy) == preview


def test_off_by_default_it_deletes_nothing(cast: Cast, settings: Settings) -> None:
    plant_private_rows(cast)
    canaries.plant_canaries(cast)
    ended_pair(cast, closed_at=just(50, before=True), marker=ENDED_LONG_AGO)
    assert RetentionPolicy.from_settings() == RetentionPolicy(0, 0)
    before = database_digest()

    assert retention_apply(now=timezone.now(), by=SYSTEM) == {}

    assert database_digest() == before


@pytest.mark.django_db(transaction=True)
def test_the_worker_applies_the_policy_from_the_settings(
    cast: Cast, settings: Settings, capsys: Any
) -> None:
    plant_private_rows(cast)
    settings.RAPPORT_RETAIN_PRIVATE_NOTES_YEARS = 3
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

    call_command("worker", "--once", "--no-tasks")

    assert markers_left([OLD_NOTE, NEW_NOTE]) == [NEW_NOTE]
    assert "Retention: 2 old items removed or emptied." in capsys.readouterr().out


def test_the_command_lists_counts_on_a_dry_run_and_removes_nothing(
    cast: Cast, settings: Settings
) -> None:
    plant_private_rows(cast)
    settings.RAPPORT_RETAIN_PRIVATE_NOTES_YEARS = 3
    before = database_digest()
    out = StringIO()

    call_command("retention", "--dry-run", stdout=out)

    assert database_digest() == before
    assert "Policy: private notes 3 years, ended 1:1s kept." in out.getvalue()
    assert "  Private notes: 1\n" in out.getvalue()
    assert "In all 2 would go." in out.getvalue()


def test_the_command_says_when_retention_is_off(cast: Cast) -> None:
    out = StringIO()
    call_command("retention", "--dry-run", stdout=out)
    assert out.getvalue().startswith("Retention is off: nothing is removed.")


def test_no_person_applies_the_policy(cast: Cast) -> None:
    with pytest.raises(Refused):
        retention_apply(now=timezone.now(), by=cast.admin)  # type: ignore[arg-type]
