from __future__ import annotations

from django.urls import URLPattern, path

from rapport.goals import views_progress

# Included into the goals namespace by rapport/goals/urls.py.
urlpatterns: list[URLPattern] = [
    path("<uuid:goal_uuid>/progress/", views_progress.goal_progress, name="progress"),
]
