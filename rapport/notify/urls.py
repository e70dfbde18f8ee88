from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from rapport.notify import views

app_name = "notify"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("outbox/", views.outbox, name="outbox"),
    path("chat/", views.chat, name="chat"),
    path("chat/organisation/", views.organisation_chat, name="organisation_chat"),
    path("chat/people/<uuid:person_uuid>/", views.person_chat, name="person_chat"),
]
