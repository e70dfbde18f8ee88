from __future__ import annotations

from django.urls import URLPattern, path

from rapport.insights import views_org

# Included into the insights namespace by rapport/insights/urls.py.
urlpatterns: list[URLPattern] = [
    path("organisation/", views_org.organisation, name="org"),
]
