from __future__ import annotations

from django.urls import include, path

from rapport.meetings import views, views_agenda, views_pairs

app_name = "meetings"

meeting = "meetings/<uuid:meeting_uuid>/"
point = meeting + "points/<uuid:point_uuid>/"

urlpatterns = [
    path("one-on-ones/", views_pairs.team_setup, name="team_setup"),
    path("one-on-ones/<uuid:one_on_one_uuid>/", views_pairs.one_on_one_detail, name="one_on_one"),
    path(
        "one-on-ones/<uuid:one_on_one_uuid>/edit/",
        views_pairs.one_on_one_edit,
        name="one_on_one_edit",
    ),
    path("actions/", views_pairs.my_actions, name="my_actions"),
    path("search/", views.search, name="search"),
    path("actions/<uuid:action_uuid>/done/", views_agenda.action_done, name="action_done"),
    path(meeting, views.meeting_detail, name="meeting"),
    path(meeting + "agenda/", views.meeting_agenda, name="agenda"),
    path(meeting + "status/", views.meeting_status, name="meeting_status"),
    path(meeting + "reschedule/", views.meeting_reschedule, name="meeting_reschedule"),
    path(meeting + "points/", views_agenda.point_add, name="point_add"),
    path(point + "discussed/", views_agenda.point_discuss, name="point_discuss"),
    path(point + "move/", views_agenda.point_move, name="point_move"),
    path(point + "delete/", views_agenda.point_delete, name="point_delete"),
    path(meeting + "actions/", views_agenda.action_add, name="action_add"),
    path("", include("rapport.meetings.urls_notes")),
    path("", include("rapport.meetings.urls_calendar")),
    path("", include("rapport.meetings.urls_mode")),
    path("", include("rapport.meetings.urls_balance")),
    path("", include("rapport.meetings.urls_week")),
]
