from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from rapport.meetings.calendar import calendar_for_person, invite_for_meeting, meeting_path
from rapport.meetings.models import ActionItem, Meeting, Note, OneOnOne, TalkingPoint
from rapport.meetings.services import (
    Rule,
    feed_for,
    feed_regenerate,
    meeting_reschedule,
    meetings_extend,
    one_on_one_set_up,
)
from rapport.people.models import Person
from tests.cast import PASSWORD, Cast
from tests.helpers.ical import events_by_uid, excluded, expand, master_of, prop
from tests.helpers.queries import assert_queries_do_not_grow, count_queries

BERLIN = ZoneInfo("Europe/Berlin")
TUESDAY = 1


def feed_url(person: Person) -> str:
    return reverse("meetings:calendar_feed", kwargs={"token": feed_for(person).token})


def invite_url(meeting: Meeting) -> str:
    return reverse("meetings:meeting_invite", kwargs={"meeting_uuid": meeting.uuid})


def events_of(content: bytes) -> dict[str, list[Event]]:
    return events_by_uid(content)


def uid(one_on_one: OneOnOne) -> str:
    """One series per pair: the feed, downloads and invite emails all use this UID."""
    return f"{one_on_one.uuid}@rapport"


EVER = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


def times_of(content: bytes, one_on_one: OneOnOne) -> list[tuple[datetime, datetime]]:
    """The (start, end) of every occurrence of the pair's series, as a calendar expands it."""
    return expand(events_of(content)[uid(one_on_one)], after=EVER[0], until=EVER[1])


def times(meetings: list[Meeting]) -> list[tuple[datetime, datetime]]:
    return [(meeting.scheduled_for, meeting.ends_at) for meeting in meetings]


def feed_of(person: Person) -> bytes:
    response = Client().get(feed_url(person))
    assert response.status_code == 200
    return response.content


def scheduled(one_on_one: OneOnOne) -> list[Meeting]:
    # The cast's 1:1 starts today, so every meeting it has is recent enough for the feed.
    return list(one_on_one.meetings.order_by("scheduled_for"))


@pytest.fixture
def berlin_pair(db: None) -> OneOnOne:
    """Weekly on Tuesdays at 10:00 Berlin time, across the spring-forward of 2026-03-29."""
    manager = Person.objects.create_user(
        "bea@example.com", PASSWORD, name="Bea Berlin", timezone="Europe/Berlin"
    )
    report = Person.objects.create_user(
        "ben@example.com", PASSWORD, name="Ben Report", timezone="Europe/Berlin", manager=manager
    )
    one_on_one = one_on_one_set_up(
        manager=manager,
        report=report,
        rule=Rule("weekly", TUESDAY, time(10, 0), 30, date(2026, 3, 10)),
        by=manager,
        confirmed_out_of_hours=True,
    )
    # The set-up schedules from today; the test needs March 2026 whatever today is.
    meetings_extend(one_on_one=one_on_one, until=datetime(2026, 5, 1, tzinfo=UTC))
    return one_on_one


def test_the_feed_holds_one_series_per_pair_whose_occurrences_are_its_meetings(
    cast: Cast,
) -> None:
    content = feed_of(cast.manager)
    assert set(events_of(content)) == {uid(cast.one_on_one)}
    (master,) = events_of(content)[uid(cast.one_on_one)]
    assert prop(master, "RRULE").to_ical() == b"FREQ=WEEKLY;INTERVAL=1;BYDAY=TU"
    assert master["DTSTAMP"] is not None
    assert prop(master, "SEQUENCE") == cast.one_on_one.calendar_sequence
    # The rows exist ten weeks ahead; the rule goes on beyond them.
    horizon = scheduled(cast.one_on_one)[-1].scheduled_for + timedelta(minutes=1)
    occurrences = [o for o in times_of(content, cast.one_on_one) if o[0] < horizon]
    assert occurrences == times(scheduled(cast.one_on_one))


def test_the_feed_is_named_and_answers_as_a_private_calendar(cast: Cast) -> None:
    response = Client().get(feed_url(cast.report))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, max-age=300"
    assert str(Calendar.from_ical(response.content)["X-WR-CALNAME"]) == "Rapport 1:1s"


def test_a_meeting_keeps_its_berlin_wall_clock_time_across_daylight_saving(
    berlin_pair: OneOnOne,
) -> None:
    content = calendar_for_person(berlin_pair.manager, now=datetime(2026, 3, 20, 12, 0, tzinfo=UTC))
    (master,) = events_of(content)[uid(berlin_pair)]
    assert prop(master, "DTSTART").params["TZID"] == "Europe/Berlin"
    assert [tz.tz_name for tz in Calendar.from_ical(content).timezones] == ["Europe/Berlin"]
    starts = {
        start.astimezone(BERLIN).date(): start for start, _end in times_of(content, berlin_pair)
    }
    before, after = starts[date(2026, 3, 24)], starts[date(2026, 3, 31)]
    assert before.astimezone(BERLIN).time() == after.astimezone(BERLIN).time() == time(10, 0)
    assert (before.hour, after.hour) == (9, 8)  # in UTC: the hour moves, the wall clock not


def test_the_feed_starts_two_weeks_back(berlin_pair: OneOnOne) -> None:
    content = calendar_for_person(berlin_pair.report, now=datetime(2026, 4, 1, tzinfo=UTC))
    days = [start.date() for start, _end in times_of(content, berlin_pair)]
    assert days[0] == date(2026, 3, 24)


def test_both_sides_hold_the_same_event_naming_both_people(cast: Cast) -> None:
    (managers_event,) = events_of(feed_of(cast.manager))[uid(cast.one_on_one)]
    (reports_event,) = events_of(feed_of(cast.report))[uid(cast.one_on_one)]
    for event in (managers_event, reports_event):
        assert str(event["SUMMARY"]) == "1:1 Mia Manager / Rui Report"
        assert str(event["ORGANIZER"]) == f"mailto:{cast.manager.email}"
        assert {str(a) for a in prop(event, "ATTENDEE")} == {
            f"mailto:{cast.manager.email}",
            f"mailto:{cast.report.email}",
        }


def test_a_manager_and_a_report_see_both_their_1_1s_in_one_feed(cast: Cast) -> None:
    one_on_one_set_up(
        manager=cast.report,
        report=Person.objects.create_user(
            "ivy@example.com", PASSWORD, name="Ivy Intern", manager=cast.report
        ),
        rule=Rule("weekly", 3, time(14, 0), 30, timezone.now().date()),
        by=cast.report,
        confirmed_out_of_hours=True,
    )
    summaries = {
        str(master_of(events)["SUMMARY"]) for events in events_of(feed_of(cast.report)).values()
    }
    assert summaries == {"1:1 Mia Manager / Rui Report", "1:1 Rui Report / Ivy Intern"}


def test_the_series_links_to_the_pair_page_and_its_room_and_says_nothing_else(
    cast: Cast,
) -> None:
    OneOnOne.objects.filter(pk=cast.one_on_one.pk).update(video_link="https://meet.example/rui")
    (event,) = events_of(feed_of(cast.report))[uid(cast.one_on_one)]
    page = "http://127.0.0.1:8000" + reverse(
        "meetings:one_on_one", kwargs={"one_on_one_uuid": cast.one_on_one.uuid}
    )
    assert str(event["URL"]) == page
    assert str(event["LOCATION"]) == "https://meet.example/rui"
    assert str(event["DESCRIPTION"]) == f"Video: https://meet.example/rui\nIn Rapport: {page}"


def test_a_moved_meeting_links_to_its_own_page(cast: Cast) -> None:
    meeting_reschedule(
        meeting=cast.meeting,
        to=cast.meeting.scheduled_for + timedelta(hours=3),
        by=cast.manager,
        confirmed_out_of_hours=True,
    )
    (override,) = [
        e for e in events_of(feed_of(cast.report))[uid(cast.one_on_one)] if "RECURRENCE-ID" in e
    ]
    assert str(override["URL"]) == "http://127.0.0.1:8000" + meeting_path(cast.meeting)
    assert str(override["DESCRIPTION"]).endswith(meeting_path(cast.meeting))


def test_the_meeting_link_is_the_meeting_pages_address(cast: Cast) -> None:
    page = reverse("meetings:meeting", kwargs={"meeting_uuid": cast.meeting.uuid})
    assert meeting_path(cast.meeting) == page


def test_no_agenda_note_or_action_text_reaches_a_calendar(cast: Cast) -> None:
    pair, meeting = cast.one_on_one, cast.meeting
    TalkingPoint.objects.create(
        one_on_one=pair, author=cast.report, text="CANARY-PRIVATE-POINT", is_private=True
    )
    TalkingPoint.objects.create(one_on_one=pair, author=cast.manager, text="CANARY-SHARED-POINT")
    Note.objects.create(
        meeting=meeting, author=cast.manager, kind=Note.Kind.PRIVATE, body="CANARY-PRIVATE-NOTE"
    )
    Note.objects.create(
        meeting=meeting, author=cast.report, kind=Note.Kind.SHARED, body="CANARY-SHARED-NOTE"
    )
    ActionItem.objects.create(
        one_on_one=pair, owner=cast.report, created_by=cast.manager, text="CANARY-ACTION"
    )
    Meeting.objects.filter(pk=meeting.pk).update(status_reason="CANARY-REASON")
    meeting.refresh_from_db()
    files = [
        feed_of(cast.manager),
        feed_of(cast.report),
        invite_for_meeting(cast.manager, meeting),
        invite_for_meeting(cast.report, meeting),
    ]
    for content in files:
        assert uid(pair) in events_of(content)  # the meeting is there, its text is not
        assert b"CANARY" not in content


def test_skipped_and_cancelled_meetings_are_excluded_dates_not_meetings(cast: Cast) -> None:
    _first, skipped, cancelled, *_ = scheduled(cast.one_on_one)
    Meeting.objects.filter(pk=skipped.pk).update(status=Meeting.Status.SKIPPED)
    Meeting.objects.filter(pk=cancelled.pk).update(status=Meeting.Status.CANCELLED)
    skipped.refresh_from_db()
    for content in (feed_of(cast.manager), invite_for_meeting(cast.manager, skipped)):
        events = events_of(content)[uid(cast.one_on_one)]
        starts = [start for start, _end in expand(events, after=EVER[0], until=EVER[1])]
        assert skipped.scheduled_for not in starts
        assert cancelled.scheduled_for not in starts
        assert {skipped.slot, cancelled.slot} <= set(excluded(events))
        assert str(master_of(events)["STATUS"]) == "CONFIRMED"


def test_a_rescheduled_meeting_shows_at_its_new_time(cast: Cast) -> None:
    moved_to = cast.meeting.scheduled_for + timedelta(days=1, hours=2)
    meeting_reschedule(
        meeting=cast.meeting, to=moved_to, by=cast.manager, confirmed_out_of_hours=True
    )
    events = events_of(feed_of(cast.report))[uid(cast.one_on_one)]
    (override,) = [event for event in events if "RECURRENCE-ID" in event]
    assert prop(override, "RECURRENCE-ID").dt == cast.meeting.slot
    assert prop(override, "SEQUENCE") == prop(master_of(events), "SEQUENCE") == 1
    starts = [start for start, _end in expand(events, after=EVER[0], until=EVER[1])]
    assert moved_to in starts
    assert cast.meeting.slot not in starts
    assert override.end == moved_to + timedelta(minutes=30)


def test_meetings_of_a_closed_1_1_are_in_neither_feed(cast: Cast) -> None:
    OneOnOne.objects.filter(pk=cast.one_on_one.pk).update(status=OneOnOne.Status.CLOSED)
    assert events_of(feed_of(cast.manager)) == {}
    assert events_of(feed_of(cast.report)) == {}


def test_a_new_address_revokes_the_old_one_at_once(cast: Cast) -> None:
    old = feed_url(cast.report)
    client = Client()
    client.force_login(cast.report)
    response = client.post(reverse("meetings:calendar_regenerate"), follow=True)
    assert response.redirect_chain == [(reverse("meetings:calendar"), 302)]
    assert "new address" in response.content.decode()
    new = feed_url(cast.report)
    assert new != old
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200


def test_regenerating_only_changes_ones_own_address(cast: Cast) -> None:
    managers = feed_for(cast.manager).token
    feed_regenerate(person=cast.report)
    assert feed_for(cast.manager).token == managers


def test_an_unknown_token_is_not_found(db: None) -> None:
    assert Client().get(reverse("meetings:calendar_feed", args=["nope"])).status_code == 404


def test_the_feed_of_someone_who_has_left_is_not_found(cast: Cast) -> None:
    url = feed_url(cast.report)
    Person.objects.filter(pk=cast.report.pk).update(is_active=False, left_on=date(2026, 1, 31))
    assert Client().get(url).status_code == 404


def test_the_calendar_page_shows_the_full_address_and_how_to_revoke_it(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.report)
    html = client.get(reverse("meetings:calendar")).content.decode()
    assert f'value="http://127.0.0.1:8000{feed_url(cast.report)}"' in html
    assert "Make a new address" in html
    assert "stops working" in html


def test_the_account_page_links_to_the_calendar_feed(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.report)
    assert reverse("meetings:calendar") in client.get(reverse("account")).content.decode()


def test_a_meeting_downloads_as_an_invite_named_by_its_date(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.manager)
    response = client.get(invite_url(cast.meeting))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    day = cast.meeting.scheduled_for.astimezone(ZoneInfo(cast.manager.timezone)).date()
    assert response["Content-Disposition"] == f'attachment; filename="1-1-{day.isoformat()}.ics"'
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["METHOD"]) == "PUBLISH"
    # The meeting's whole series, the same event the feed and the invite emails carry.
    (event,) = calendar.events
    assert str(event["UID"]) == uid(cast.one_on_one)
    assert event.start == cast.meeting.scheduled_for
    assert str(event["SUMMARY"]) == "1:1 Mia Manager / Rui Report"
    assert response.content.count(b"BEGIN:VEVENT") == feed_of(cast.manager).count(b"BEGIN:VEVENT")


@pytest.mark.parametrize("role", ["peer_manager", "skip_level", "hr", "admin", "outsider"])
def test_outsiders_cannot_download_an_invite(cast: Cast, role: str) -> None:
    client = Client()
    client.force_login(getattr(cast, role))
    assert client.get(invite_url(cast.meeting)).status_code == 404


def test_the_feed_costs_the_same_queries_however_many_1_1s(cast: Cast) -> None:
    url = feed_url(cast.manager)

    def more_reports_and_history() -> None:
        for number in range(3):
            report = Person.objects.create_user(
                f"extra{number}@example.com", PASSWORD, name=f"Extra {number}", manager=cast.manager
            )
            one_on_one_set_up(
                manager=cast.manager,
                report=report,
                rule=Rule("weekly", number, time(9, 0), 30, timezone.now().date()),
                by=cast.manager,
                confirmed_out_of_hours=True,
            )

    assert_queries_do_not_grow(
        lambda: count_queries(lambda: Client().get(url)), more_reports_and_history, pinned=3
    )


@pytest.mark.parametrize("token", ["a\x00b", "with space", "x" * 65])
def test_an_address_that_is_no_feed_token_is_not_found_before_any_lookup(
    cast: Cast, token: str
) -> None:
    # PostgreSQL refused the NUL character in the lookup with a DataError (a 500).
    path = "/calendar/" + quote(token, safe="") + ".ics"
    answers = []
    assert count_queries(lambda: answers.append(Client().get(path))) == 0
    assert answers[0].status_code == 404


def test_the_calendar_page_says_to_use_the_feed_or_invites_not_both(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.report)
    html = client.get(reverse("meetings:calendar")).content.decode()
    assert "Feed or invites: pick one" in html
    assert f'href="{reverse("notify:preferences")}"' in html
