from __future__ import annotations

from django.urls import URLPattern, path

from rapport.meetings import views_calendar

urlpatterns: list[URLPattern] = [
    path("calendar/", views_calendar.calendar_page, name="calendar"),
    path("calendar/regenerate/", views_calendar.calendar_regenerate, name="calendar_regenerate"),
    path("calendar/<str:token>.ics", views_calendar.calendar_feed, name="calendar_feed"),
    path(
        "meetings/<uuid:meeting_uuid>/invite.ics",
        views_calendar.meeting_invite,
        name="meeting_invite",
    ),
]
