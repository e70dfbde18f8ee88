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
    path(
        "<uuid:person_uuid>/departure/cancel/",
        views.person_departure_cancel,
        name="departure_cancel",
    ),
    path("<uuid:person_uuid>/departure/undo/", views.person_departure_undo, name="departure_undo"),
    path(
        "<uuid:person_uuid>/invitation/",
        views.person_invitation_resend,
        name="invitation_resend",
    ),
    path(
        "welcome/<uidb64>/<token>/",
        views.InvitationAcceptView.as_view(),
        name="invitation",
    ),
]
