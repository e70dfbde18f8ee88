"""Meeting mode and the meeting summary. Both people of the pair open the focused page, read
the clock and the summary; the controls are POST-only and answer 405 to any GET before looking
the meeting up. Who may press them (the manager only) is in tests/meetings/test_mode_views.py."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

from rapport.meetings.services import mode_pause, mode_start
from tests.access_rows.base import Row, Write, data, everyone, only
from tests.cast import Cast

PAIR = ("manager", "report")
POST_ONLY = everyone(405)


def meeting_url(route: str) -> Callable[[Cast], str]:
    return lambda cast: reverse(route, kwargs={"meeting_uuid": cast.meeting.uuid})


ROWS: dict[str, Row] = {
    "meetings:mode": Row(meeting_url("meetings:mode"), only(PAIR)),
    "meetings:mode_clock": Row(meeting_url("meetings:mode_clock"), only(PAIR)),
    "meetings:meeting_summary": Row(meeting_url("meetings:meeting_summary"), only(PAIR)),
    **{
        f"meetings:{name}": Row(meeting_url(f"meetings:{name}"), POST_ONLY)
        for name in ("mode_start", "mode_switch", "mode_pause", "mode_resume", "mode_end")
    },
}


def clock_running(cast: Cast) -> None:
    mode_start(meeting=cast.meeting, by=cast.manager)


def clock_paused(cast: Cast) -> None:
    mode_start(meeting=cast.meeting, by=cast.manager)
    mode_pause(meeting=cast.meeting, by=cast.manager)


# Only the manager runs the clock. The report follows it on their own screen: a press of theirs
# is sent back to it with nothing changed (they see the meeting, so a 404 would hide nothing).
MANAGER = ("manager",)
REPORT_SENT_BACK = {"report": 302}
WRITES: dict[str, Write] = {
    "meetings:mode_start": Write(
        meeting_url("meetings:mode_start"), data(), MANAGER, overrides=REPORT_SENT_BACK
    ),
    "meetings:mode_switch": Write(
        meeting_url("meetings:mode_switch"),
        data(section="performance"),
        MANAGER,
        overrides=REPORT_SENT_BACK,
        arrange=clock_running,
    ),
    "meetings:mode_pause": Write(
        meeting_url("meetings:mode_pause"),
        data(),
        MANAGER,
        overrides=REPORT_SENT_BACK,
        arrange=clock_running,
    ),
    "meetings:mode_resume": Write(
        meeting_url("meetings:mode_resume"),
        data(),
        MANAGER,
        overrides=REPORT_SENT_BACK,
        arrange=clock_paused,
    ),
    "meetings:mode_end": Write(
        meeting_url("meetings:mode_end"),
        data(),
        MANAGER,
        overrides=REPORT_SENT_BACK,
        arrange=clock_running,
    ),
}
