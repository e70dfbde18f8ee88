from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from rapport.notify import views

app_name = "notify"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("outbox/", views.outbox, name="outbox"),
]
