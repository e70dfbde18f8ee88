from __future__ import annotations

from django.urls import URLPattern, path

from rapport.meetings import views_mode

mode = "meetings/<uuid:meeting_uuid>/mode/"

urlpatterns: list[URLPattern] = [
    path(mode, views_mode.mode, name="mode"),
    path(mode + "clock/", views_mode.mode_clock, name="mode_clock"),
    path(mode + "start/", views_mode.mode_start, name="mode_start"),
    path(mode + "switch/", views_mode.mode_switch, name="mode_switch"),
    path(mode + "pause/", views_mode.mode_pause, name="mode_pause"),
    path(mode + "resume/", views_mode.mode_resume, name="mode_resume"),
    path(mode + "end/", views_mode.mode_end, name="mode_end"),
    path(
        "meetings/<uuid:meeting_uuid>/summary/",
        views_mode.meeting_summary,
        name="meeting_summary",
    ),
]
