from __future__ import annotations

from django.urls import path

from rapport.people import views

app_name = "people"

urlpatterns = [
    path("", views.org_chart, name="org_chart"),
    path("import/", views.import_upload, name="import"),
    path("<uuid:person_uuid>/", views.person_detail, name="detail"),
    path("<uuid:person_uuid>/edit/", views.person_edit, name="edit"),
    path("<uuid:person_uuid>/departure/", views.person_departure, name="departure"),
]
