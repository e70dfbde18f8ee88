from __future__ import annotations

from django.urls import URLPattern, path

from rapport.goals.views import coaching, goal

app_name = "goals"

one = "<uuid:goal_uuid>/"

urlpatterns: list[URLPattern] = [
    path("", goal.mine, name="mine"),
    path("team/", goal.team, name="team"),
    path("new/", goal.new, name="new"),
    path("check/", goal.check_live, name="check"),
    path(one, goal.detail, name="detail"),
    path(one + "edit/", goal.edit, name="edit"),
    path(one + "agree/", goal.agree, name="agree"),
    path(one + "close/", goal.close, name="close"),
    path(one + "move/", goal.move, name="move"),
    path(one + "progress/", goal.goal_progress, name="progress"),
    path(one + "coach/", coaching.coaching_start, name="coaching_start"),
    path(
        "coaching/<uuid:coaching_uuid>/step/",
        coaching.coaching_step,
        name="coaching_step",
    ),
    path(
        "coaching/<uuid:coaching_uuid>/decide/",
        coaching.coaching_decide,
        name="coaching_decide",
    ),
]
