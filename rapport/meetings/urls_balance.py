from __future__ import annotations

from django.urls import URLPattern, path

from rapport.meetings import views_balance

urlpatterns: list[URLPattern] = [
    # The 1:1 pattern's UUID converter never matches "balance", so the include order is free.
    path("one-on-ones/balance/", views_balance.team_balance, name="team_balance"),
    path(
        "one-on-ones/<uuid:one_on_one_uuid>/card/",
        views_balance.person_card,
        name="person_card",
    ),
    path(
        "meetings/<uuid:meeting_uuid>/estimate/",
        views_balance.meeting_estimate,
        name="meeting_estimate",
    ),
]
