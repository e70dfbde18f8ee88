from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from rapport.checkins import views

app_name = "checkins"

urlpatterns: list[URLPattern | URLResolver] = [
    path("<uuid:meeting_uuid>/", views.checkin, name="checkin"),
]
