from __future__ import annotations

from django.urls import path

from rapport.privacy import views

app_name = "privacy"

urlpatterns = [
    path("people/<uuid:person_uuid>/erase/", views.person_erase, name="erase"),
]
