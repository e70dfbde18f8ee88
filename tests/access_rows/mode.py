"""Meeting mode and the meeting summary. Both people of the pair open the focused page, read
the clock and the summary; the controls are POST-only and answer 405 to any GET before looking
the meeting up. Who may press them (the manager only) is in tests/meetings/test_mode_views.py."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

from tests.access_rows.base import Row, everyone, only
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
