from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from rapport.export import views

app_name = "export"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.export_request, name="request"),
    path("<str:token>/", views.export_download, name="download"),
]
