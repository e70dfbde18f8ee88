from __future__ import annotations

from django.urls import URLPattern, path

from rapport.goals import views, views_coaching

app_name = "goals"

goal = "<uuid:goal_uuid>/"

urlpatterns: list[URLPattern] = [
    path("", views.mine, name="mine"),
    path("team/", views.team, name="team"),
    path("new/", views.new, name="new"),
    path("check/", views.check_live, name="check"),
    path(goal, views.detail, name="detail"),
    path(goal + "edit/", views.edit, name="edit"),
    path(goal + "agree/", views.agree, name="agree"),
    path(goal + "close/", views.close, name="close"),
    path(goal + "move/", views.move, name="move"),
    path(goal + "progress/", views.goal_progress, name="progress"),
    path(goal + "coach/", views_coaching.coaching_start, name="coaching_start"),
    path(
        "coaching/<uuid:coaching_uuid>/step/",
        views_coaching.coaching_step,
        name="coaching_step",
    ),
    path(
        "coaching/<uuid:coaching_uuid>/decide/",
        views_coaching.coaching_decide,
        name="coaching_decide",
    ),
]
