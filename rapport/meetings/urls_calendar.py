from __future__ import annotations

from django.urls import URLPattern, path, register_converter
from django.urls.converters import StringConverter

from rapport.meetings import views_calendar


class FeedTokenConverter(StringConverter):
    """What new_feed_token makes (URL-safe base64): any other address is no feed, and is not
    looked up (PostgreSQL refuses a NUL character in a query)."""

    regex = "[A-Za-z0-9_-]{1,64}"


register_converter(FeedTokenConverter, "feed_token")

urlpatterns: list[URLPattern] = [
    path("calendar/", views_calendar.calendar_page, name="calendar"),
    path("calendar/regenerate/", views_calendar.calendar_regenerate, name="calendar_regenerate"),
    path("calendar/<feed_token:token>.ics", views_calendar.calendar_feed, name="calendar_feed"),
    path(
        "meetings/<uuid:meeting_uuid>/invite.ics",
        views_calendar.meeting_invite,
        name="meeting_invite",
    ),
]
