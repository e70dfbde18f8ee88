"""Every route of the meetings app, in the "meetings" namespace (included at the site's root)."""

from __future__ import annotations

from django.urls import URLPattern, path, register_converter
from django.urls.converters import StringConverter

from rapport.meetings.views import agenda, balance, calendar, meeting, mode, notes, pairs

app_name = "meetings"


class FeedTokenConverter(StringConverter):
    """What new_feed_token makes (URL-safe base64): any other address is no feed, and is not
    looked up (PostgreSQL refuses a NUL character in a query)."""

    regex = "[A-Za-z0-9_-]{1,64}"


register_converter(FeedTokenConverter, "feed_token")

meeting_path = "meetings/<uuid:meeting_uuid>/"
point = meeting_path + "points/<uuid:point_uuid>/"
mode_path = meeting_path + "mode/"

urlpatterns: list[URLPattern] = [
    # 1:1s, one meeting, its agenda and its actions; search
    path("one-on-ones/", pairs.team_setup, name="team_setup"),
    path("one-on-ones/<uuid:one_on_one_uuid>/", pairs.one_on_one_detail, name="one_on_one"),
    path(
        "one-on-ones/<uuid:one_on_one_uuid>/edit/",
        pairs.one_on_one_edit,
        name="one_on_one_edit",
    ),
    path("actions/", pairs.my_actions, name="my_actions"),
    path("search/", meeting.search, name="search"),
    path("actions/<uuid:action_uuid>/done/", agenda.action_done, name="action_done"),
    path(meeting_path, meeting.meeting_detail, name="meeting"),
    path(meeting_path + "agenda/", meeting.meeting_agenda, name="agenda"),
    path(meeting_path + "status/", meeting.meeting_status, name="meeting_status"),
    path(meeting_path + "reschedule/", meeting.meeting_reschedule, name="meeting_reschedule"),
    path(meeting_path + "growth/", meeting.meeting_growth, name="meeting_growth"),
    path(meeting_path + "points/", agenda.point_add, name="point_add"),
    path(point + "discussed/", agenda.point_discuss, name="point_discuss"),
    path(point + "move/", agenda.point_move, name="point_move"),
    path(point + "delete/", agenda.point_delete, name="point_delete"),
    path(meeting_path + "actions/", agenda.action_add, name="action_add"),
    # Notes (autosave)
    path(
        meeting_path + "notes/<str:kind>/",
        notes.note_save,
        name="note_save",
    ),
    path(
        meeting_path + "notes/<str:kind>/resolve/",
        notes.note_resolve,
        name="note_resolve",
    ),
    # The week view, the calendar feed and invites
    path("week/", calendar.week, name="week"),
    path("calendar/", calendar.calendar_page, name="calendar"),
    path("calendar/regenerate/", calendar.calendar_regenerate, name="calendar_regenerate"),
    path("calendar/<feed_token:token>.ics", calendar.calendar_feed, name="calendar_feed"),
    path(
        meeting_path + "invite.ics",
        calendar.meeting_invite,
        name="meeting_invite",
    ),
    # Meeting mode
    path(mode_path, mode.mode, name="mode"),
    path(mode_path + "clock/", mode.mode_clock, name="mode_clock"),
    path(mode_path + "start/", mode.mode_start, name="mode_start"),
    path(mode_path + "switch/", mode.mode_switch, name="mode_switch"),
    path(mode_path + "pause/", mode.mode_pause, name="mode_pause"),
    path(mode_path + "resume/", mode.mode_resume, name="mode_resume"),
    path(mode_path + "end/", mode.mode_end, name="mode_end"),
    path(
        meeting_path + "summary/",
        mode.meeting_summary,
        name="meeting_summary",
    ),
    # Balance and the person card. The 1:1 pattern's UUID converter never matches "balance".
    path("one-on-ones/balance/", balance.team_balance, name="team_balance"),
    path(
        "one-on-ones/<uuid:one_on_one_uuid>/card/",
        balance.person_card,
        name="person_card",
    ),
    path(
        meeting_path + "estimate/",
        balance.meeting_estimate,
        name="meeting_estimate",
    ),
]
