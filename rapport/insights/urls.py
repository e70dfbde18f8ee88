from __future__ import annotations

from django.urls import URLPattern, path

from rapport.insights import views

app_name = "insights"

urlpatterns: list[URLPattern] = [
    path("team/", views.team, name="team"),
    path(
        "team/<uuid:one_on_one_uuid>/signals/dismiss/",
        views.signal_dismiss,
        name="signal_dismiss",
    ),
    path(
        "team/<uuid:one_on_one_uuid>/signals/to-agenda/",
        views.signal_to_agenda,
        name="signal_to_agenda",
    ),
    path(
        "team/<uuid:one_on_one_uuid>/signals/dismissed/",
        views.dismissed,
        name="dismissed",
    ),
    path(
        "team/<uuid:one_on_one_uuid>/signals/dismissed/<int:dismissal_id>/restore/",
        views.signal_restore,
        name="signal_restore",
    ),
    path("organisation/", views.organisation, name="org"),
]
