from __future__ import annotations

from django.urls import reverse

from tests.access_rows.base import PUBLIC, Row, everyone, fixed, only, person

ROWS: dict[str, Row] = {
    "home": Row(fixed("home"), everyone(200)),
    "health": Row(fixed("health"), PUBLIC),
    "alive": Row(fixed("alive"), PUBLIC),
    "account": Row(fixed("account"), everyone(200)),
    # Signed-in people who open the sign-in page are sent on home.
    "login": Row(fixed("login"), everyone(302, anonymous=200)),
    "logout": Row(fixed("logout"), everyone(405)),
    "password_change": Row(fixed("password_change"), everyone(200)),
    "password_change_done": Row(fixed("password_change_done"), everyone(200)),
    "password_reset": Row(fixed("password_reset"), PUBLIC),
    "password_reset_done": Row(fixed("password_reset_done"), PUBLIC),
    "password_reset_confirm": Row(
        lambda cast: reverse("password_reset_confirm", args=["MQ", "not-a-token"]), PUBLIC
    ),
    "password_reset_complete": Row(fixed("password_reset_complete"), PUBLIC),
    "people:org_chart": Row(fixed("people:org_chart"), everyone(200)),
    "people:detail": Row(person("people:detail"), everyone(200)),
    "people:edit": Row(person("people:edit"), only(("admin",))),
    "people:departure": Row(person("people:departure"), only(("hr", "admin"))),
    "people:import": Row(fixed("people:import"), only(("admin",))),
}
