from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

app_name = "insights"

# The manager's team view and the organisation's aggregates: one module each.
urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("rapport.insights.urls_team")),
    path("", include("rapport.insights.urls_org")),
]
