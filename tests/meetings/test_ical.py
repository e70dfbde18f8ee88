"""The series a pair becomes in calendar files (rapport/meetings/ical.py), read back with icalendar
and expanded with dateutil: whatever happened to the meetings, the occurrences are the meetings."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.db.models import Q
from icalendar import Calendar

from rapport.meetings import ical, recurrence
from rapport.meetings.models import Meeting, Note, OneOnOne
from rapport.meetings.services import (
    Rule,
    meeting_reschedule,
    meeting_set_status,
    one_on_one_change_rule,
    one_on_one_set_up,
)
from rapport.people.models import Person
from tests.canaries import plant_canaries
from tests.cast import Cast
from tests.helpers.ical import added, events_by_uid, excluded, expand, master_of, prop

NOW = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
EVER = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
Span = tuple[datetime, datetime]


def take(dates: object, count: int) -> list[date]:
    return list(itertools.islice(dates, count))  # type: ignore[call-overload]


def test_the_rule_runs_backwards_with_its_phase_and_its_nth_weekday() -> None:
    # Every 2 weeks from Tuesday 10 March 2026: asked from February, the same fortnights.
    biweekly = take(
        recurrence.local_dates_since("biweekly", date(2026, 3, 10), 1, date(2026, 2, 1)), 3
    )
    assert biweekly == [date(2026, 2, 10), date(2026, 2, 24), date(2026, 3, 10)]
    weekly = take(recurrence.local_dates_since("weekly", date(2026, 3, 10), 1, date(2026, 4, 1)), 2)
    assert weekly == [date(2026, 4, 7), date(2026, 4, 14)]
    # A rule started on a fifth Tuesday keeps to the last Tuesday, backwards too.
    monthly = take(
        recurrence.local_dates_since("monthly", date(2026, 3, 31), 1, date(2026, 1, 1)), 3
    )
    assert monthly == [date(2026, 1, 27), date(2026, 2, 24), date(2026, 3, 31)]


def occurrences(pair: OneOnOne) -> list[Span]:
    content = ical.series_ics(pair, now=NOW + timedelta(days=20), method=ical.REQUEST)
    return expand(events_by_uid(content)[ical.series_uid(pair)], after=EVER[0], until=EVER[1])


def meetings_of(pair: OneOnOne, *, since: datetime, until: datetime) -> list[Span]:
    """The pair's meetings that happen, recent (by slot or by time) and made so far."""
    rows = (
        pair.meetings.exclude(status__in=ical.HIDDEN)
        .filter(Q(slot__gte=since) | Q(scheduled_for__gte=since))
        .filter(scheduled_for__lt=until)
    )
    return sorted((m.scheduled_for, m.ends_at) for m in rows)


@pytest.mark.parametrize("cadence", ["weekly", "biweekly", "monthly"])
@pytest.mark.parametrize("new_cadence", ["weekly", "monthly"])
def test_after_any_history_the_series_expands_to_exactly_the_meetings(
    db: None, cadence: str, new_cadence: str
) -> None:
    with time_machine.travel(NOW, tick=False) as clock:
        manager = Person.objects.create_user(
            "m@example.com", "pw-pw-pw-pw", name="M", timezone="Europe/Berlin"
        )
        report = Person.objects.create_user(
            "r@example.com", "pw-pw-pw-pw", name="R", timezone="Pacific/Tongatapu", manager=manager
        )
        pair = one_on_one_set_up(
            manager=manager,
            report=report,
            rule=Rule(cadence, 1, time(10), 30, NOW.date()),
            by=manager,
            confirmed_out_of_hours=True,
        )
        first, second, third, *_ = pair.meetings.order_by("slot")
        meeting_reschedule(
            meeting=first,
            to=first.slot + timedelta(days=1, hours=3),
            by=manager,
            confirmed_out_of_hours=True,
        )
        meeting_set_status(meeting=second, status="skipped", reason="Away", by=manager)
        Note.objects.create(meeting=third, author=manager, kind="shared", body="Keep me")
        clock.move_to(NOW + timedelta(days=20))
        one_on_one_change_rule(
            one_on_one=pair,
            rule=Rule(new_cadence, 4, time(8, 15), 50, (NOW + timedelta(days=20)).date()),
            by=manager,
            confirmed_out_of_hours=True,
        )
        pair.refresh_from_db()
        assert pair.scheduled_until is not None
        horizon = pair.scheduled_until
        since = ical.series_since(NOW + timedelta(days=20))
        theirs = [o for o in occurrences(pair) if o[0] < horizon]
        assert theirs == meetings_of(pair, since=since, until=horizon)
        content = ical.series_ics(pair, now=NOW + timedelta(days=20), method=ical.REQUEST)
        events = events_by_uid(content)[ical.series_uid(pair)]
        master = master_of(events)
        # Every extra date and every exception comes after the start of the series.
        start = prop(master, "DTSTART").dt
        assert all(moment >= start for moment in added(events) + excluded(events))
        assert all(prop(e, "RECURRENCE-ID").dt >= start for e in events if "RECURRENCE-ID" in e)
        if third.slot >= since:
            assert third.slot in added(events)  # kept from the old rule: an extra date


def test_a_cancel_holds_the_master_alone_marked_cancelled(cast: Cast) -> None:
    meeting_reschedule(
        meeting=cast.meeting,
        to=cast.meeting.scheduled_for + timedelta(hours=1),
        by=cast.manager,
        confirmed_out_of_hours=True,
    )
    content = ical.series_ics(cast.one_on_one, now=cast.meeting.scheduled_for, method=ical.CANCEL)
    calendar = Calendar.from_ical(content)
    assert str(calendar["METHOD"]) == "CANCEL"
    (event,) = calendar.events
    assert str(event["STATUS"]) == "CANCELLED"
    assert "RECURRENCE-ID" not in event


def test_no_private_or_shared_text_reaches_the_series(cast: Cast) -> None:
    authors = plant_canaries(cast)
    Meeting.objects.filter(pk=cast.meeting.pk).update(status_reason="CANARY-REASON")
    for method in (ical.REQUEST, ical.CANCEL, ical.PUBLISH):
        content = ical.series_ics(cast.one_on_one, now=cast.meeting.scheduled_for, method=method)
        assert not [m for m in [*authors, "CANARY"] if m.encode() in content]
