from __future__ import annotations

from django.urls import URLPattern, path

from rapport.meetings import views_notes

urlpatterns: list[URLPattern] = [
    path(
        "meetings/<uuid:meeting_uuid>/notes/<str:kind>/",
        views_notes.note_save,
        name="note_save",
    ),
    path(
        "meetings/<uuid:meeting_uuid>/notes/<str:kind>/resolve/",
        views_notes.note_resolve,
        name="note_resolve",
    ),
]
