from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path

from rapport import views
from rapport.people import views as people_views
from rapport.people import views_sso

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("health/alive/", views.alive, name="alive"),
    path("people/", include("rapport.people.urls")),
    path("", include("rapport.meetings.urls")),
    path("questions/", include("rapport.questions.urls")),
    path("goals/", include("rapport.goals.urls")),
    path("check-ins/", include("rapport.checkins.urls")),
    path("insights/", include("rapport.insights.urls")),
    path("notifications/", include("rapport.notify.urls")),
    path("privacy/", include("rapport.privacy.urls")),
    path("api/", include("rapport.api.urls")),
    path("audit/", include("rapport.audit.urls")),
    path("account/", people_views.account, name="account"),
    path("account/export/", include("rapport.export.urls")),
    path("account/hours/", people_views.account_hours, name="account_hours"),
    path(
        "account/working-with-me/",
        people_views.account_working_profile,
        name="account_working_profile",
    ),
    path("account/days-away/", people_views.account_days_away, name="account_days_away"),
    path(
        "account/days-away/<uuid:day_away_uuid>/remove/",
        people_views.account_day_away_remove,
        name="account_day_away_remove",
    ),
    path("account/two-factor/", people_views.account_second_factor, name="account_second_factor"),
    path(
        "account/two-factor/recovery-codes/",
        people_views.account_recovery_codes,
        name="account_recovery_codes",
    ),
    path("sign-in/", people_views.sign_in, name="login"),
    # Single sign-on (docs/sso.md): both answer 404 while RAPPORT_OIDC_ISSUER is unset.
    path("sign-in/code/", people_views.sign_in_code, name="sign_in_code"),
    path("sign-in/sso/", views_sso.sso_start, name="sso_start"),
    path("sign-in/sso/callback/", views_sso.sso_callback, name="sso_callback"),
    # Ends the provider's session too when the person came through single sign-on.
    path("sign-out/", views_sso.sign_out, name="logout"),
    path(
        "account/password/",
        people_views.PasswordChangeView.as_view(template_name="people/password_change.html"),
        name="password_change",
    ),
    path(
        "account/password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="people/password_change_done.html"),
        name="password_change_done",
    ),
    path("password-reset/", people_views.password_reset, name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="people/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        people_views.PasswordResetConfirmView.as_view(
            template_name="people/password_reset_confirm.html"
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="people/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]

handler500 = "rapport.views.server_error"
