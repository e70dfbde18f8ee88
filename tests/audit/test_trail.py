"""The audit trail: each act that exists today is recorded, with small facts and never a word
of 1:1 content; the trail cannot be changed or deleted through the app; the purge keeps what
is younger than the retention."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport import access
from rapport.audit import services as audit
from rapport.audit.models import Action, AppendOnlyError, AuditEvent
from rapport.meetings import services as meetings
from rapport.notify import services as notify
from rapport.people.models import LeftReason, Role
from tests.canaries import plant_canaries
from tests.cast import PASSWORD, Cast
from tests.test_access_matrix import WRITES

pytestmark = pytest.mark.django_db


def events(action: Action) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def edit(cast: Cast, **changes: object) -> None:
    person = cast.report
    fields = {
        "name": person.name,
        "title": person.title,
        "timezone": person.timezone,
        "role": person.role,
        "manager": person.manager,
        "started_on": person.started_on,
        **changes,
    }
    meetings.person_update(person=person, by=cast.admin, **fields)  # type: ignore[arg-type]


# --- Each wired act ---------------------------------------------------------------------------


def test_a_sign_in_is_recorded_with_its_address(cast: Cast) -> None:
    client = Client(REMOTE_ADDR="127.0.0.7")
    client.post(reverse("login"), {"email": cast.report.email, "password": PASSWORD})
    (event,) = events(Action.SIGN_IN)
    assert (event.actor, event.subject) == (cast.report, cast.report)
    assert event.details == {"address": "127.0.0.7"}


def test_a_failed_sign_in_names_the_account_but_no_actor(cast: Cast) -> None:
    client = Client(REMOTE_ADDR="127.0.0.8")
    client.post(reverse("login"), {"email": cast.report.email, "password": "wrong guess"})
    client.post(reverse("login"), {"email": "nobody@example.com", "password": "wrong guess"})
    known, unknown = events(Action.SIGN_IN_FAILED)
    assert (known.actor, known.subject) == (None, cast.report)
    assert (unknown.actor, unknown.subject) == (None, None)
    assert known.details == {"address": "127.0.0.8", "step": "password"}
    # The password typed is nowhere in the trail.
    assert "wrong guess" not in str(list(AuditEvent.objects.values()))


def test_a_role_change_says_from_and_to_and_the_edit_names_fields_not_values(cast: Cast) -> None:
    edit(cast, role=Role.HR, title="Head of Secret Projects")
    (role,) = events(Action.ROLE_CHANGED)
    assert (role.actor, role.subject) == (cast.admin, cast.report)
    assert role.details == {"from_role": "member", "to_role": "hr"}
    (edited,) = events(Action.PERSON_EDITED)
    assert edited.details == {"fields": "title, role"}
    assert "Secret Projects" not in str(edited.details)


def test_an_edit_that_changes_nothing_records_nothing(cast: Cast) -> None:
    edit(cast)
    assert not AuditEvent.objects.exists()


def test_a_change_of_manager_is_recorded(cast: Cast) -> None:
    edit(cast, manager=cast.peer_manager)
    (event,) = events(Action.MANAGER_CHANGED)
    assert (event.actor, event.subject) == (cast.admin, cast.report)


def test_a_departure_is_recorded_with_its_date_and_kind(cast: Cast) -> None:
    today = timezone.localdate()
    meetings.departure_record(
        person=cast.report, leaves_on=today, reason=LeftReason.VOLUNTARY, by=cast.hr
    )
    (event,) = events(Action.DEPARTURE_RECORDED)
    assert (event.actor, event.subject) == (cast.hr, cast.report)
    assert event.details == {"leaves_on": today.isoformat(), "reason": "voluntary"}


def test_a_scheduled_departure_is_recorded_then_applied_by_the_system_or_cancelled(
    cast: Cast,
) -> None:
    later = timezone.localdate() + timedelta(days=10)
    departure = meetings.departure_record(
        person=cast.report, leaves_on=later, reason=LeftReason.VOLUNTARY, by=cast.hr
    )
    (scheduled,) = events(Action.DEPARTURE_SCHEDULED)
    assert (scheduled.actor, scheduled.subject) == (cast.hr, cast.report)
    assert scheduled.details["leaves_on"] == later.isoformat()
    assert not events(Action.DEPARTURE_RECORDED)

    meetings.departures_apply_due(now=timezone.now() + timedelta(days=11))
    (applied,) = events(Action.DEPARTURE_RECORDED)
    assert applied.actor is None and applied.subject == cast.report

    other = meetings.departure_record(
        person=cast.report_two, leaves_on=later, reason=LeftReason.VOLUNTARY, by=cast.hr
    )
    meetings.departure_cancel(departure=other, by=cast.admin)
    (cancelled,) = events(Action.DEPARTURE_CANCELLED)
    assert (cancelled.actor, cancelled.subject) == (cast.admin, cast.report_two)
    assert departure.pk != other.pk


def test_an_undone_departure_is_recorded(cast: Cast) -> None:
    departure = meetings.departure_record(
        person=cast.report,
        leaves_on=timezone.localdate(),
        reason=LeftReason.VOLUNTARY,
        by=cast.hr,
    )
    meetings.departure_undo(departure=departure, by=cast.hr)
    (event,) = events(Action.DEPARTURE_UNDONE)
    assert (event.actor, event.subject) == (cast.hr, cast.report)


def test_exports_erasures_and_api_tokens_are_recorded_without_content(cast: Cast) -> None:
    from rapport.api.services import token_create, token_revoke
    from rapport.export.services import (
        download_token,
        export_build,
        export_download,
        export_request,
    )
    from rapport.privacy.services import erasure_apply

    export = export_request(by=cast.report)
    assert export_build(export_id=export.pk)
    export.refresh_from_db()
    export_download(token=download_token(export), by=cast.report)
    assert [e.subject for e in events(Action.EXPORT_REQUESTED)] == [cast.report]
    assert [e.actor for e in events(Action.EXPORT_DOWNLOADED)] == [cast.report]

    made = token_create(person=cast.report, by=cast.report, name="Sync", scope="read", days=30)
    token_revoke(token=made.token, by=cast.report)
    (created,) = events(Action.API_TOKEN_CREATED)
    assert created.details == {"scope": "read", "days": 30, "hint": made.token.hint}
    assert made.secret not in str(created.details)
    assert len(events(Action.API_TOKEN_REVOKED)) == 1

    meetings.departure_record(
        person=cast.report_two,
        leaves_on=timezone.localdate() - timedelta(days=1),
        reason=LeftReason.VOLUNTARY,
        by=cast.hr,
    )
    erasure_apply(person=cast.report_two, by=cast.admin)
    (erased,) = events(Action.ERASURE)
    assert (erased.actor, erased.subject) == (cast.admin, cast.report_two)
    assert set(erased.details) == {"items", "pairs_kept", "pairs_removed"}


def test_an_invitation_sent_again_is_recorded(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.admin)
    response = client.post(reverse("people:invitation_resend", args=[cast.report.uuid]))
    assert response.status_code == 302
    (event,) = events(Action.INVITATION_SENT)
    assert (event.actor, event.subject) == (cast.admin, cast.report)


def test_an_applied_import_records_its_counts_and_a_preview_records_nothing(cast: Cast) -> None:
    csv = f"email,name,manager_email\nnew.one@example.com,New One,{cast.manager.email}\n".encode()
    meetings.import_people(data=csv, dry_run=True, by=cast.admin)
    assert not events(Action.PEOPLE_IMPORTED)
    meetings.import_people(data=csv, by=cast.admin)
    (event,) = events(Action.PEOPLE_IMPORTED)
    assert event.actor == cast.admin
    assert event.details == {"created": 1, "updated": 0, "unchanged": 0, "deactivated": 0}


def test_the_import_command_is_recorded_as_the_system(cast: Cast) -> None:
    csv = b"email,name\nnew.two@example.com,New Two\n"
    meetings.import_people(data=csv, by=access.SYSTEM)
    (event,) = events(Action.PEOPLE_IMPORTED)
    assert event.actor is None and event.details["by"] == "system"


def test_the_outbox_actions_are_recorded(cast: Cast) -> None:
    notify.sample_email_queue(to="ops@example.com", by=cast.admin)
    notify.outbox_retry_failed(by=cast.admin)
    assert [e.action for e in AuditEvent.objects.order_by("pk")] == [
        Action.TEST_EMAIL_SENT,
        Action.OUTBOX_RETRIED,
    ]
    assert events(Action.OUTBOX_RETRIED)[0].details == {"emails": 0}


def test_the_kinds_other_features_record_are_ready() -> None:
    assert {
        "EXPORT_REQUESTED",
        "EXPORT_DOWNLOADED",
        "ERASURE",
        "RETENTION_APPLIED",
        "DEPARTURE_SCHEDULED",
        "DEPARTURE_UNDONE",
        "INVITATION_SENT",
        "SSO_SIGN_IN",
        "API_TOKEN_CREATED",
        "API_TOKEN_REVOKED",
    } <= set(Action.__members__)


def test_details_keep_only_short_flat_values(cast: Cast) -> None:
    with pytest.raises(TypeError):
        audit.record(action=Action.ERASURE, actor=cast.admin, details={"notes": ["a", "b"]})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="longer"):
        audit.record(action=Action.ERASURE, actor=cast.admin, details={"text": "x" * 500})
    assert not AuditEvent.objects.exists()


# --- Never any 1:1 content --------------------------------------------------------------------


def test_no_write_of_the_access_matrix_puts_content_in_the_trail(cast: Cast) -> None:
    """Every write route, sent by a role allowed to make it, with private content planted: the
    rows the trail gains carry none of the canary markers."""
    markers = plant_canaries(cast)
    seen: list[tuple[str, str]] = []
    for name, write in WRITES.items():
        role = write.allowed[0]
        client = Client()
        person = cast.person(role)
        if person is not None:
            client.force_login(person)
        with transaction.atomic():
            if write.arrange is not None:
                write.arrange(cast)
            if write.prime is not None:
                write.prime(client, cast)
            client.post(write.url(cast), write.payload(cast))
            rows = [str(row) for row in AuditEvent.objects.values_list()]
            seen.extend((name, row) for row in rows)
            transaction.set_rollback(True)
    assert seen, "the matrix's writes recorded nothing at all"
    leaks = [(name, marker) for name, row in seen for marker in markers if marker in row]
    assert not leaks


# --- Append-only in the app -------------------------------------------------------------------


def test_an_event_cannot_be_changed_or_deleted_through_the_app(cast: Cast) -> None:
    event = audit.record(action=Action.SIGN_IN, actor=cast.report, subject=cast.report)
    event.action = Action.ERASURE
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action=Action.ERASURE)
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    stored = AuditEvent.objects.get()
    assert (stored.pk, stored.action) == (event.pk, Action.SIGN_IN)


# --- Retention ---------------------------------------------------------------------------------


def test_the_purge_deletes_only_events_older_than_the_retention(cast: Cast) -> None:
    now = timezone.now()
    days = 400
    # One event a day past the retention, one a day inside it.
    past = AuditEvent.objects.create(
        action=Action.SIGN_IN, actor=cast.report, at=now - timedelta(days=days + 1)
    )
    inside = AuditEvent.objects.create(
        action=Action.SIGN_IN, actor=cast.manager, at=now - timedelta(days=days - 1)
    )
    assert audit.purge_expired(now=now) == 1
    remaining = set(AuditEvent.objects.values_list("pk", flat=True))
    assert past.pk not in remaining and inside.pk in remaining
    (purged,) = events(Action.AUDIT_PURGED)
    assert purged.details == {"events": 1, "retention_days": days, "by": "system"}


def test_the_retention_is_a_setting(cast: Cast, settings: object) -> None:
    settings.RAPPORT_AUDIT_RETENTION_DAYS = 30  # type: ignore[attr-defined]
    now = timezone.now()
    AuditEvent.objects.create(action=Action.SIGN_IN, at=now - timedelta(days=31))
    AuditEvent.objects.create(action=Action.SIGN_IN, at=now - timedelta(days=29))
    assert audit.purge_expired(now=now) == 1
    assert audit.purge_expired(now=now) == 0


def test_a_password_change_and_a_reset_are_recorded(cast: Cast) -> None:
    from tests.access_rows.people import open_the_reset_link, set_password_url

    client = Client()
    client.force_login(cast.report)
    client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a much longer passphrase 2027",
            "new_password2": "a much longer passphrase 2027",
        },
    )
    (changed,) = events(Action.PASSWORD_CHANGED)
    assert (changed.actor, changed.subject) == (cast.report, cast.report)
    cast.report.refresh_from_db()  # the reset link is made from the new password's hash
    browser = Client()
    open_the_reset_link(browser, cast)
    browser.post(
        set_password_url(cast),
        {
            "new_password1": "another long passphrase 2028",
            "new_password2": "another long passphrase 2028",
        },
    )
    (reset,) = events(Action.PASSWORD_RESET)
    assert reset.subject == cast.report and "address" in reset.details
