"""The admins' outbox page runs email without telling anyone's 1:1: counts by kind and state,
failure reasons with addresses blanked, the oldest wait and a retry; recipients, subjects and
times only for the admin's own test emails (docs/privacy.md, docs/notifications.md)."""

from __future__ import annotations

import re
from datetime import timedelta
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.access import Refused
from rapport.meetings.models import Meeting
from rapport.notify import emails, services
from rapport.notify.models import Kind, Outbox
from tests.cast import Cast

REFUSED = "SMTPRecipientsRefused: {'rui@example.com': (550, b'5.1.1 <rui@example.com>: unknown')}"


def queue_one_on_one_emails(cast: Cast) -> list[Outbox]:
    """A recap to both people of the cast's 1:1, the agenda to Mia, the reminder to Rui."""
    meeting = cast.meeting
    made = [
        emails.meeting_recap(meeting=meeting, person=cast.manager),
        emails.meeting_recap(meeting=meeting, person=cast.report),
        emails.manager_agenda(meeting=meeting, manager=cast.manager),
        emails.report_reminder(meeting=meeting, report=cast.report),
    ]
    for email in made:
        services.outbox_add(email)
    return [Outbox.objects.get(key=email.key) for email in made]


def outbox_page(cast: Cast) -> str:
    client = Client()
    client.force_login(cast.admin)
    response = client.get(reverse("notify:outbox"))
    assert response.status_code == 200
    return response.content.decode()


def meeting_dates(meeting: Meeting, cast: Cast) -> set[str]:
    """The meeting's date and time as any page or subject might write them, in both zones."""
    written = set()
    for person in (cast.manager, cast.report):
        local = meeting.scheduled_for.astimezone(ZoneInfo(person.timezone))
        written |= {
            f"{local.day} {local:%B}",
            f"{local.day} {local:%b}",
            local.date().isoformat(),
            f"{local:%H:%M}",
        }
    return written


def test_the_outbox_shows_an_admin_no_participant_address_subject_or_meeting_time(
    cast: Cast,
) -> None:
    rows = queue_one_on_one_emails(cast)
    Outbox.objects.filter(pk=rows[0].pk).update(attempts=2, last_error=REFUSED)
    Outbox.objects.filter(pk=rows[1].pk).update(attempts=services.MAX_ATTEMPTS, last_error=REFUSED)
    Outbox.objects.filter(pk=rows[2].pk).update(sent_at=timezone.now(), attempts=1)

    page = outbox_page(cast)

    for person in (cast.manager, cast.report):
        assert person.email not in page
        assert person.name not in page
        assert not re.search(rf"\b{person.get_short_name()}\b", page)
    for row in rows:
        assert row.subject not in page
    for written in meeting_dates(cast.meeting, cast):
        assert written not in page, written
    # What an admin needs is there: the reason, with the address blanked.
    blanked = "SMTPRecipientsRefused: {'[address]': (550, b'5.1.1 <[address]>: unknown')}"
    assert escape(blanked) in page


def test_the_outbox_counts_emails_by_kind_and_state(cast: Cast) -> None:
    rows = queue_one_on_one_emails(cast)
    Outbox.objects.filter(pk=rows[0].pk).update(attempts=2, last_error=REFUSED)
    Outbox.objects.filter(pk=rows[1].pk).update(attempts=services.MAX_ATTEMPTS, last_error=REFUSED)
    Outbox.objects.filter(pk=rows[2].pk).update(sent_at=timezone.now(), attempts=1)
    Outbox.objects.filter(pk=rows[3].pk).update(send_after=timezone.now() + timedelta(days=1))

    client = Client()
    client.force_login(cast.admin)
    overview = client.get(reverse("notify:outbox")).context["overview"]

    counts = {kind.label: kind for kind in overview.kinds}
    recaps = counts[Kind.MEETING_RECAP.label]
    assert (recaps.retrying, recaps.gave_up, recaps.waiting) == (1, 1, 0)
    assert counts[Kind.MANAGER_AGENDA.label].sent_lately == 1
    assert counts[Kind.REPORT_REMINDER.label].scheduled == 1
    assert overview.retryable == 2
    [reason] = overview.failures
    assert (reason.emails, reason.gave_up, reason.address) == (2, 1, "")
    assert "rui@example.com" not in reason.reason


def test_a_failing_test_email_shows_its_address_and_error(cast: Cast) -> None:
    row = services.sample_email_queue(to="ops@example.com", by=cast.admin)
    Outbox.objects.filter(pk=row.pk).update(attempts=1, last_error="SMTPDataError: 451 later")

    page = outbox_page(cast)

    assert "ops@example.com" in page and "SMTPDataError: 451 later" in page


def test_an_admin_tries_the_failed_emails_again(
    cast: Cast, dummy_tasks: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    rows = queue_one_on_one_emails(cast)
    Outbox.objects.filter(pk=rows[0].pk).update(attempts=2, last_error=REFUSED)
    Outbox.objects.filter(pk=rows[1].pk).update(attempts=services.MAX_ATTEMPTS, last_error=REFUSED)
    client = Client()
    client.force_login(cast.admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notify:outbox"), {"retry": "1"})

    assert response.status_code == 302
    retried = Outbox.objects.filter(pk__in=[rows[0].pk, rows[1].pk])
    assert {(row.attempts, row.send_after <= timezone.now()) for row in retried} == {(0, True)}
    assert len(dummy_tasks) == 1
    assert not Outbox.objects.filter(kind=Kind.TEST).exists()  # the retry sent no test email


def test_only_an_admin_may_retry_failed_emails(cast: Cast) -> None:
    with pytest.raises(Refused):
        services.outbox_retry_failed(by=cast.hr)
    client = Client()
    client.force_login(cast.hr)
    assert client.post(reverse("notify:outbox"), {"retry": "1"}).status_code == 404
