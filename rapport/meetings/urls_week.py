from __future__ import annotations

from django.urls import URLPattern, path

from rapport.meetings import views_week

urlpatterns: list[URLPattern] = [
    path("week/", views_week.week, name="week"),
]
