from __future__ import annotations

from django.urls import URLPattern, path

from rapport.questions import views

app_name = "questions"

meeting = "meetings/<uuid:meeting_uuid>/"

urlpatterns: list[URLPattern] = [
    path("", views.bank, name="bank"),
    path("add/", views.add, name="add"),
    path(meeting + "suggestions/", views.suggestions, name="suggestions"),
    path(meeting + "asked/", views.asked, name="asked"),
]
