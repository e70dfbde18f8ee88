"""Meeting-mode arithmetic, held by property tests over random runs of the real services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from rapport.access import Refused
from rapport.meetings import selectors, services, timing
from rapport.meetings.models import Meeting
from tests.cast import build_cast

T0 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
ACTIONS = st.sampled_from(["switch:connection", "switch:performance", "pause", "resume"])
RUNS = st.lists(st.tuples(st.integers(min_value=0, max_value=900), ACTIONS), max_size=25)


def test_totals_never_go_negative_even_when_a_clock_runs_backwards() -> None:
    span = timing.Span("connection", T0, T0 - timedelta(seconds=30))
    assert timing.section_totals([span], now=T0) == {"connection": 0, "performance": 0}
    running = timing.Span("performance", T0, None)
    assert timing.section_totals([running], now=T0 - timedelta(minutes=5))["performance"] == 0


def test_the_share_is_whole_percent_and_none_before_any_time() -> None:
    assert timing.connection_share(0, 0) is None
    assert timing.connection_share(600, 1200) == 33


class TestMeetingModeRuns(TestCase):
    def setUp(self) -> None:
        self.cast = build_cast()

    @settings(max_examples=60, deadline=None)
    @given(steps=RUNS, tail=st.integers(min_value=0, max_value=900))
    def test_sections_add_up_to_the_time_run_and_pauses_count_for_nothing(
        self, steps: list[tuple[int, str]], tail: int
    ) -> None:
        meeting = Meeting.objects.get(pk=self.cast.meeting.pk)
        manager = self.cast.manager
        now = T0
        services.mode_start(meeting=meeting, by=manager, now=now)
        # An independent model of the clock: is it running, and for how long in all.
        running, expected_run = True, 0
        for gap, action in steps:
            if running:
                expected_run += gap
            now += timedelta(seconds=gap)
            if action == "pause":
                services.mode_pause(meeting=meeting, by=manager, now=now)
                running = False
            elif action == "resume":
                services.mode_resume(meeting=meeting, by=manager, now=now)
                running = True
            else:
                services.mode_switch(
                    meeting=meeting, section=action.split(":")[1], by=manager, now=now
                )
                running = True
        if running:
            expected_run += tail
        now += timedelta(seconds=tail)

        # A reload: everything is read back from the database.
        clock = selectors.clock_of(Meeting.objects.get(pk=meeting.pk), now=now)
        assert all(seconds >= 0 for seconds in clock.totals.values())
        assert clock.total == expected_run
        assert clock.paused is (not running)

        ended = services.mode_end(meeting=meeting, by=manager, now=now)
        assert ended.connection_seconds is not None and ended.performance_seconds is not None
        assert ended.connection_seconds + ended.performance_seconds == expected_run
        assert ended.status == "held"


class TestTheClockIsShared(TestCase):
    def setUp(self) -> None:
        self.cast = build_cast()

    def test_a_second_device_pressing_start_keeps_the_same_clock(self) -> None:
        meeting, manager = self.cast.meeting, self.cast.manager
        services.mode_start(meeting=meeting, by=manager, now=T0)
        services.mode_start(meeting=meeting, by=manager, now=T0 + timedelta(minutes=3))
        clock = selectors.clock_of(
            Meeting.objects.get(pk=meeting.pk), now=T0 + timedelta(minutes=5)
        )
        assert clock.running == "connection" and clock.totals["connection"] == 300
        assert meeting.segments.count() == 1

    def test_only_the_manager_runs_the_clock(self) -> None:
        with self.assertRaises(Refused):
            services.mode_start(meeting=self.cast.meeting, by=self.cast.report, now=T0)

    def test_an_estimate_is_kept_apart_from_measured_time(self) -> None:
        meeting = self.cast.meeting
        services.meeting_estimate(
            meeting=meeting, connection_minutes=10, performance_minutes=20, by=self.cast.report
        )
        meeting.refresh_from_db()
        assert (meeting.estimated_connection_minutes, meeting.connection_seconds) == (10, None)
