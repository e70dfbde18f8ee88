from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from rapport.meetings.services import meeting_set_status
from rapport.notify import services
from rapport.notify.models import Kind, Outbox
from tests.cast import Cast
from tests.notify.helpers import utc, world_pair

pytestmark = pytest.mark.django_db


def keys(kind: str) -> set[str]:
    return set(Outbox.objects.filter(kind=kind).values_list("key", flat=True))


def test_a_tick_run_twice_decides_each_email_once(cast: Cast, dummy_tasks: list[Any]) -> None:
    now = cast.meeting.scheduled_for - timedelta(hours=1)
    first = services.notify_tick(now=now)
    rows = Outbox.objects.count()
    second = services.notify_tick(now=now)
    assert first.emails_added >= 2
    assert second.emails_added == 0
    assert Outbox.objects.count() == rows
    reminder = Outbox.objects.get(kind=Kind.REPORT_REMINDER)
    assert reminder.key == f"report_reminder:{cast.report.uuid}:{cast.meeting.uuid}"
    assert Outbox.objects.get(kind=Kind.MANAGER_AGENDA).to_address == cast.manager.email


def test_reminders_wait_for_the_recipients_own_hour_across_a_dst_change(
    db: None, dummy_tasks: list[Any]
) -> None:
    pair = world_pair()
    # Kenji (Tokyo, no daylight saving) hears two days ahead at 09:00 his time; Nora (New York)
    # the day before at 09:00 hers, which is 13:00 UTC in October and 14:00 UTC in November.
    expected = [
        (Kind.REPORT_REMINDER, pair.before_change, utc(2026, 10, 25, 0)),  # Tue 23:00 JST
        (Kind.MANAGER_AGENDA, pair.before_change, utc(2026, 10, 26, 13)),  # Mon 09:00 EDT
        (Kind.REPORT_REMINDER, pair.after_change, utc(2026, 11, 2, 0)),  # Wed 00:00 JST
        (Kind.MANAGER_AGENDA, pair.after_change, utc(2026, 11, 2, 14)),  # Mon 09:00 EST
    ]
    for kind, meeting, moment in expected:
        services.notify_tick(now=moment - timedelta(minutes=1))
        assert not any(str(meeting.uuid) in key for key in keys(kind)), (kind, moment)
        services.notify_tick(now=moment)
        assert any(str(meeting.uuid) in key for key in keys(kind)), (kind, moment)


def test_a_held_meeting_gets_one_recap_for_each_person(cast: Cast, dummy_tasks: list[Any]) -> None:
    meeting_set_status(meeting=cast.meeting, status="held", reason="", by=cast.manager)
    now = cast.meeting.scheduled_for + timedelta(hours=1)
    services.notify_tick(now=now)
    services.notify_tick(now=now)
    recipients = Outbox.objects.filter(kind=Kind.MEETING_RECAP).values_list("to_address", flat=True)
    assert sorted(recipients) == sorted([cast.manager.email, cast.report.email])


def test_a_meeting_held_long_ago_gets_no_recap(cast: Cast, dummy_tasks: list[Any]) -> None:
    meeting_set_status(meeting=cast.meeting, status="held", reason="", by=cast.manager)
    services.notify_tick(
        now=cast.meeting.scheduled_for + services.RECAP_WINDOW + timedelta(hours=1)
    )
    assert not Outbox.objects.filter(kind=Kind.MEETING_RECAP).exists()


def test_the_digest_comes_on_monday_from_the_hour_in_the_managers_zone(
    db: None, dummy_tasks: list[Any]
) -> None:
    pair = world_pair()
    monday_0859_new_york = utc(2026, 11, 2, 13, 59)  # EST, after the change
    services.notify_tick(now=monday_0859_new_york)
    assert not keys(Kind.WEEKLY_DIGEST)
    services.notify_tick(now=monday_0859_new_york + timedelta(minutes=1))
    services.notify_tick(now=monday_0859_new_york + timedelta(hours=5))
    assert keys(Kind.WEEKLY_DIGEST) == {f"weekly_digest:{pair.manager.uuid}:2026-W45"}
    digest = Outbox.objects.get(kind=Kind.WEEKLY_DIGEST)
    assert "Tuesday 3 November 2026, 10:00 (America/New_York)" in digest.body_text
    # The report manages nobody: no digest for Kenji.
    assert digest.to_address == pair.manager.email


def test_the_digest_lists_overdue_actions_of_the_team(cast: Cast, dummy_tasks: list[Any]) -> None:
    action = cast.one_on_one.actions.get()
    action.due_on = utc(2026, 1, 5).date()
    action.save()
    email = services.render(
        services.Due("k", Kind.WEEKLY_DIGEST, cast.manager, week_start=utc(2026, 11, 2))
    )
    assert "Draft the on-call rota" in email.text
    assert "Draft the on-call rota" in email.html


def test_a_person_who_turned_a_kind_off_gets_none_of_it(cast: Cast, dummy_tasks: list[Any]) -> None:
    services.unsubscribe(person=cast.report, kind=Kind.REPORT_REMINDER)
    services.notify_tick(now=cast.meeting.scheduled_for - timedelta(hours=1))
    assert not Outbox.objects.filter(kind=Kind.REPORT_REMINDER).exists()
    assert Outbox.objects.filter(kind=Kind.MANAGER_AGENDA).exists()
    choices = services.preference_of(cast.report)
    assert not choices.report_reminder and choices.meeting_recap


def test_the_tick_enqueues_sending_only_after_commit(
    cast: Cast, dummy_tasks: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.notify_tick(now=cast.meeting.scheduled_for - timedelta(hours=1))
    assert len(callbacks) == 1
    assert [result.task.name for result in dummy_tasks] == ["send_due_emails"]


def test_the_tick_keeps_future_meetings_coming(cast: Cast, dummy_tasks: list[Any]) -> None:
    assert cast.one_on_one.scheduled_until is not None
    later = cast.one_on_one.scheduled_until + timedelta(weeks=1)
    result = services.notify_tick(now=later)
    assert result.meetings_added > 0
