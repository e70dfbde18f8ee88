from __future__ import annotations

import uuid
from datetime import timedelta

from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from rapport.meetings.services import day_away_add, departure_record
from rapport.people.models import DayAway, LeftReason
from rapport.people.tokens import invitation_token_generator
from tests.access_rows.base import (
    PUBLIC,
    SIGNED_IN,
    Payload,
    Row,
    Write,
    data,
    everyone,
    fixed,
    only,
    person,
)
from tests.cast import PASSWORD, ROLES, Cast

ROWS: dict[str, Row] = {
    "home": Row(fixed("home"), everyone(200)),
    "health": Row(fixed("health"), PUBLIC),
    "alive": Row(fixed("alive"), PUBLIC),
    "account": Row(fixed("account"), everyone(200)),
    # A person's own schedule: the writes are POST only, each on the signed-in person's rows.
    "account_hours": Row(fixed("account_hours"), everyone(405)),
    "account_days_away": Row(fixed("account_days_away"), everyone(405)),
    "account_day_away_remove": Row(
        lambda cast: reverse("account_day_away_remove", args=[uuid.uuid4()]), everyone(405)
    ),
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
    "people:departure_cancel": Row(person("people:departure_cancel"), everyone(405)),
    "people:departure_undo": Row(person("people:departure_undo"), everyone(405)),
    "people:invitation_resend": Row(person("people:invitation_resend"), everyone(405)),
    # The invitation link is the credential, whoever holds it (an invalid one explains itself).
    "people:invitation": Row(
        lambda cast: reverse("people:invitation", args=["MQ", "not-a-token"]), PUBLIC
    ),
    "people:import": Row(fixed("people:import"), only(("admin",))),
    # Everyone's own working-with-me profile: the page only ever shows the viewer's own.
    "account_working_profile": Row(fixed("account_working_profile"), everyone(200)),
}


def sign_in_as_the_report(cast: Cast) -> Payload:
    return {"email": cast.report.email, "password": PASSWORD}


def new_password(cast: Cast) -> Payload:
    return {
        "old_password": PASSWORD,
        "new_password1": "a much longer passphrase 2027",
        "new_password2": "a much longer passphrase 2027",
    }


def open_the_reset_link(client: Client, cast: Cast) -> None:
    # The emailed link stores its token in the session and sends on to the set-password form.
    uid = urlsafe_base64_encode(force_bytes(cast.report.pk))
    token = default_token_generator.make_token(cast.report)
    client.get(reverse("password_reset_confirm", args=[uid, token]))


def set_password_url(cast: Cast) -> str:
    uid = urlsafe_base64_encode(force_bytes(cast.report.pk))
    return reverse("password_reset_confirm", args=[uid, "set-password"])


def open_the_invitation_link(client: Client, cast: Cast) -> None:
    uid = urlsafe_base64_encode(force_bytes(cast.report.pk))
    token = invitation_token_generator.make_token(cast.report)
    client.get(reverse("people:invitation", args=[uid, token]))


def invitation_set_password_url(cast: Cast) -> str:
    uid = urlsafe_base64_encode(force_bytes(cast.report.pk))
    return reverse("people:invitation", args=[uid, "set-password"])


def schedule_the_reports_departure(cast: Cast) -> None:
    departure_record(
        person=cast.report,
        leaves_on=timezone.localdate() + timedelta(days=30),
        reason=LeftReason.VOLUNTARY,
        by=cast.hr,
    )


def record_the_second_reports_departure(cast: Cast) -> None:
    departure_record(
        person=cast.report_two,
        leaves_on=timezone.localdate(),
        reason=LeftReason.VOLUNTARY,
        by=cast.hr,
    )


def edited_person(cast: Cast) -> Payload:
    return {
        "name": "Rui Report-Silva",
        "preferred_name": "Ruizinho",
        "title": "Senior Engineer",
        "timezone": "Europe/Lisbon",
        "role": "member",
        "manager": str(cast.manager.pk),
        "started_on": "2024-02-01",
    }


def org_chart_file(cast: Cast) -> Payload:
    rows = (
        "email,name,manager_email,preferred_name\n"
        f"new.person@example.com,New Person,{cast.manager.email},Newt\n"
        f'cohen@example.com,"Cohen, Daniel",{cast.manager.email},\n'
        f'li@example.com,"Li, Wei",{cast.manager.email},\n'
    )
    # Names written "Last, First" are swapped unless kept as written in the preview.
    return {
        "file": SimpleUploadedFile("people.csv", rows.encode(), "text/csv"),
        "keep_name": ["li@example.com"],
    }


def days_away(cast: Cast) -> Payload:
    today = timezone.localdate()
    return {
        "kind": "holiday",
        "starts_on": (today + timedelta(days=7)).isoformat(),
        "ends_on": (today + timedelta(days=10)).isoformat(),
    }


def reports_day_away(cast: Cast) -> None:
    today = timezone.localdate()
    day_away_add(
        person=cast.report,
        starts_on=today + timedelta(days=7),
        ends_on=today + timedelta(days=10),
        kind="holiday",
        by=cast.report,
    )


def reports_day_away_url(cast: Cast) -> str:
    away = DayAway.objects.get(person=cast.report)
    return reverse("account_day_away_remove", args=[away.uuid])


def working_profile(cast: Cast) -> Payload:
    return {
        "how_i_work": "Mornings for deep work",
        "how_i_work_sharing": "shared",
        "feedback": "",
        "feedback_sharing": "kept",
        "recognition": "",
        "recognition_sharing": "kept",
        "growth": "Leading a project",
        "growth_sharing": "kept",
        "outside_work": "",
        "outside_work_sharing": "kept",
    }


WRITES: dict[str, Write] = {
    "account": Write(
        fixed("account"),
        data(name="A New Name", preferred_name="Nemo", timezone="Asia/Tokyo", language="de"),
        allowed=SIGNED_IN,
    ),
    "account_hours": Write(
        fixed("account_hours"),
        data(
            work_days=["0", "1", "3"],
            work_starts="08:00",
            work_ends="16:00",
            video_link="https://meet.example.com/abc-defg",
        ),
        allowed=SIGNED_IN,
    ),
    "account_days_away": Write(fixed("account_days_away"), days_away, allowed=SIGNED_IN),
    # Only the person removes their own days away; their manager and admins get 404 here.
    "account_day_away_remove": Write(
        reports_day_away_url, data(), allowed=("report",), arrange=reports_day_away
    ),
    # Whoever knows the password signs in (a signed-in person too: that switches the account).
    "login": Write(fixed("login"), sign_in_as_the_report, allowed=ROLES),
    # Signing out changes only the session.
    "logout": Write(fixed("logout"), data(), allowed=ROLES, changes=False),
    "password_change": Write(fixed("password_change"), new_password, allowed=SIGNED_IN),
    # The answer is the same for everyone and every address, so it tells nobody who has an
    # account; the request is recorded (and counted) and the worker sends the email.
    "password_reset": Write(
        fixed("password_reset"), lambda cast: {"email": cast.report.email}, allowed=ROLES
    ),
    # The link from the email is the credential, whoever holds it.
    "password_reset_confirm": Write(
        set_password_url,
        data(
            new_password1="a much longer passphrase 2027",
            new_password2="a much longer passphrase 2027",
        ),
        allowed=ROLES,
        prime=open_the_reset_link,
    ),
    "people:edit": Write(person("people:edit"), edited_person, allowed=("admin",)),
    # The confirmed step (the first step only shows what would happen: tests/people).
    "people:departure": Write(
        person("people:departure"),
        lambda cast: {
            "leaves_on": timezone.localdate().isoformat(),
            "reason": "voluntary",
            "confirm": "on",
        },
        allowed=("hr", "admin"),
    ),
    "people:departure_cancel": Write(
        person("people:departure_cancel"),
        data(),
        allowed=("hr", "admin"),
        arrange=schedule_the_reports_departure,
    ),
    # Of the second report: the report themselves can no longer sign in once they have left.
    "people:departure_undo": Write(
        lambda cast: reverse("people:departure_undo", args=[cast.report_two.uuid]),
        data(),
        allowed=("hr", "admin"),
        arrange=record_the_second_reports_departure,
    ),
    "people:invitation_resend": Write(
        person("people:invitation_resend"), data(), allowed=("admin",)
    ),
    "people:invitation": Write(
        invitation_set_password_url,
        data(
            new_password1="a much longer passphrase 2027",
            new_password2="a much longer passphrase 2027",
        ),
        allowed=ROLES,
        prime=open_the_invitation_link,
    ),
    "people:import": Write(fixed("people:import"), org_chart_file, allowed=("admin",), ok=200),
    # Each signed-in person writes their own profile (there is no way to name someone else's).
    "account_working_profile": Write(
        fixed("account_working_profile"), working_profile, allowed=SIGNED_IN
    ),
}
