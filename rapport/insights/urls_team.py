from __future__ import annotations

from django.urls import URLPattern, path

from rapport.insights import views_team

# Included into the insights namespace by rapport/insights/urls.py.
urlpatterns: list[URLPattern] = [
    path("team/", views_team.team, name="team"),
    path(
        "team/<uuid:one_on_one_uuid>/signals/dismiss/",
        views_team.signal_dismiss,
        name="signal_dismiss",
    ),
    path(
        "team/<uuid:one_on_one_uuid>/signals/to-agenda/",
        views_team.signal_to_agenda,
        name="signal_to_agenda",
    ),
]
