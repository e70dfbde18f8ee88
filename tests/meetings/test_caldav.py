"""A real calendar server understands Rapport's series.

Radicale (a CalDAV server) runs on loopback. Two pairs, one with a manager in Berlin and a report
in New York, one the other way round, go through a life: set up, one meeting moved, one skipped,
a new rhythm (meetings with notes kept from the old one), days away, the end. After each step the
invite the worker queued is stored in a calendar collection with PUT, as a calendar program
stores an accepted invite, and the server is asked for the occurrences of March and April 2027
with REPORT calendar-query and <C:expand>: the US changes its clocks on 14 March, the EU on 28
March. What the server expands must be Rapport's own list of meetings, exactly.

The clock is set to March 2027 inside the test (the suite's pinned instant may be any day, and
the range must span both changes). Days away are simulated by skipping the meeting, which is
what the days-away service does to the meetings it covers.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from icalendar import Calendar

from rapport.meetings.models import Meeting, Note, OneOnOne
from rapport.meetings.services import (
    Rule,
    day_away_add,
    meeting_reschedule,
    meeting_set_status,
    one_on_one_change_rule,
    one_on_one_set_up,
    one_on_ones_close_where_manager_changed,
)
from rapport.notify import services as notify
from rapport.notify.models import Kind, Outbox
from rapport.people.models import Person
from tests.helpers.caldav import CalDAV, radicale
from tests.helpers.ical import prop

BERLIN, NEW_YORK = "Europe/Berlin", "America/New_York"
START = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)  # a Monday, before both changes
RANGE = (datetime(2027, 3, 4, tzinfo=UTC), datetime(2027, 5, 1, tzinfo=UTC))
TUESDAY, THURSDAY = 1, 3

Span = tuple[datetime, datetime]


@pytest.fixture
def caldav(tmp_path: Path) -> Iterator[CalDAV]:
    with radicale(tmp_path) as server:
        yield server


def person(email: str, name: str, zone: str, manager: Person | None = None) -> Person:
    return Person.objects.create_user(
        email, "pw-pw-pw-pw", name=name, timezone=zone, manager=manager
    )


def rapports_list(pair: OneOnOne) -> list[Span]:
    """Rapport's own answer: the pair's meetings in the range that are not skipped or
    cancelled."""
    meetings = (
        Meeting.objects.filter(one_on_one=pair, scheduled_for__gte=RANGE[0])
        .filter(scheduled_for__lt=RANGE[1])
        .exclude(status__in=(Meeting.Status.SKIPPED, Meeting.Status.CANCELLED))
    )
    return sorted((m.scheduled_for, m.ends_at) for m in meetings)


def servers_list(server: CalDAV, collection: str, pair: OneOnOne) -> list[Span]:
    return sorted(
        (prop(e, "DTSTART").dt.astimezone(UTC), prop(e, "DTEND").dt.astimezone(UTC))
        for e in server.expand(collection, *RANGE)
        if str(e["UID"]) == f"{pair.uuid}@rapport"
    )


def store_newest_invite(server: CalDAV, collection: str, pair: OneOnOne) -> Calendar:
    """Run the worker's tick, take the invite it queued for the report and store it the way a
    calendar program stores an accepted invite: the same file without its iTIP METHOD."""
    notify.notify_tick(now=timezone.now())
    pair.refresh_from_db()
    row = (
        Outbox.objects.filter(kind=Kind.CALENDAR_INVITE, recipient=pair.report)
        .filter(key__contains=str(pair.uuid))
        .latest("pk")
    )
    assert row.key.endswith(f":{pair.uuid}:{pair.calendar_sequence}")  # the newest sequence
    calendar = Calendar.from_ical(row.calendar)
    assert str(calendar["METHOD"]) == row.calendar_method
    del calendar["METHOD"]
    server.put(collection, f"{pair.uuid}.ics", calendar.to_ical())
    return calendar


def agree(server: CalDAV, collection: str, pairs: list[OneOnOne]) -> None:
    for pair in pairs:
        store_newest_invite(server, collection, pair)
    for pair in pairs:
        ours = rapports_list(pair)
        assert ours, "the range holds meetings"
        assert servers_list(server, collection, pair) == ours


def local_hours(spans: list[Span], zone: str) -> set[int]:
    return {start.astimezone(ZoneInfo(zone)).hour for start, _end in spans}


def nth(pair: OneOnOne, day: date) -> Meeting:
    return Meeting.objects.get(one_on_one=pair, slot__date=day)


def test_a_caldav_server_expands_our_series_into_exactly_our_meetings(
    db: None, caldav: CalDAV
) -> None:
    collection = caldav.make_calendar("one-on-ones")
    with time_machine.travel(START, tick=False) as clock:
        bea = person("bea@example.com", "Bea Berlin", BERLIN)
        nate = person("nate@example.com", "Nate York", NEW_YORK, manager=bea)
        nora = person("nora@example.com", "Nora York", NEW_YORK)
        bernd = person("bernd@example.com", "Bernd Berlin", BERLIN, manager=nora)
        weekly = Rule("weekly", TUESDAY, time(10, 0), 30, START.date())
        berlin = one_on_one_set_up(
            manager=bea, report=nate, rule=weekly, by=bea, confirmed_out_of_hours=True
        )
        york = one_on_one_set_up(
            manager=nora, report=bernd, rule=weekly, by=nora, confirmed_out_of_hours=True
        )
        pairs = [berlin, york]

        # Set up: the wall clocks of both zones drift apart for two weeks, and the series
        # follows the manager's.
        agree(caldav, collection, pairs)
        berlin_spans, york_spans = rapports_list(berlin), rapports_list(york)
        assert local_hours(berlin_spans, BERLIN) == {10}
        assert local_hours(berlin_spans, NEW_YORK) == {4, 5}
        assert local_hours(york_spans, NEW_YORK) == {10}
        assert local_hours(york_spans, BERLIN) == {15, 16}

        # One meeting moved: Tuesday 9 March to Wednesday 15:00 on the manager's clock.
        for pair in pairs:
            moved = nth(pair, date(2027, 3, 9))
            to = datetime(2027, 3, 10, 15, 0, tzinfo=ZoneInfo(pair.timezone))
            meeting_reschedule(meeting=moved, to=to, by=pair.manager, confirmed_out_of_hours=True)
        agree(caldav, collection, pairs)

        # One skipped, after the US change.
        for pair in pairs:
            skipped = nth(pair, date(2027, 3, 16))
            meeting_set_status(meeting=skipped, status="skipped", reason="Offsite", by=pair.report)
        agree(caldav, collection, pairs)

        # A new rhythm: every 2 weeks on Thursdays at 9:30 (45 minutes long in New York). Two
        # Tuesdays that already hold notes stay, off the new rule (one before the EU change,
        # one after): extra dates of the series, and in New York also of another length.
        clock.move_to(datetime(2027, 3, 17, 8, 0, tzinfo=UTC))
        for pair, minutes in ((berlin, 30), (york, 45)):
            for day in (date(2027, 3, 23), date(2027, 3, 30)):
                Note.objects.create(
                    meeting=nth(pair, day), author=pair.manager, kind="shared", body="Prep"
                )
            rule = Rule("biweekly", THURSDAY, time(9, 30), minutes, date(2027, 3, 17))
            one_on_one_change_rule(
                one_on_one=pair, rule=rule, by=pair.manager, confirmed_out_of_hours=True
            )
        agree(caldav, collection, pairs)
        for pair in pairs:
            days = {
                start.astimezone(ZoneInfo(pair.timezone)).weekday()
                for start, _ in rapports_list(pair)
            }
            # The moved Wednesday, the kept Tuesdays and the new Thursdays.
            assert days == {TUESDAY, TUESDAY + 1, THURSDAY}
        assert {end - start for start, end in rapports_list(york)} == {
            timedelta(minutes=30),
            timedelta(minutes=45),
        }

        # Days away: each manager is away on Thursday 1 April; the service skips that meeting.
        for pair in pairs:
            day_away_add(
                person=pair.manager,
                starts_on=date(2027, 4, 1),
                ends_on=date(2027, 4, 1),
                kind="holiday",
                by=pair.manager,
            )
            assert nth(pair, date(2027, 4, 1)).status == "skipped"
        agree(caldav, collection, pairs)

        # The end: the reports move to other managers, the pairs close, invites say CANCEL.
        Person.objects.filter(pk__in=[nate.pk, bernd.pk]).update(manager=None)
        assert one_on_ones_close_where_manager_changed() == 2
        for pair in pairs:
            calendar = store_newest_invite(caldav, collection, pair)
            assert [str(e["STATUS"]) for e in calendar.events] == ["CANCELLED"]
            pair.refresh_from_db()
            assert not [s for s in rapports_list(pair) if s[0] > timezone.now()]
            instances = [
                e
                for e in caldav.expand(collection, *RANGE)
                if str(e["UID"]) == f"{pair.uuid}@rapport"
            ]
            assert instances
            assert {str(e["STATUS"]) for e in instances} == {"CANCELLED"}
