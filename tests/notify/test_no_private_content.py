"""The canary sweep for email: private points, private notes and the person card hold markers;
every kind of email, rendered for both people of the pair (and for the manager's digest), must
carry none of them, not even to their own author."""

from __future__ import annotations

from typing import Any

from rapport.meetings.models import Note, TalkingPoint
from rapport.meetings.services import action_add, meeting_set_status, point_add
from rapport.notify import emails
from rapport.notify.emails import Email
from tests.canaries import (
    MANAGER_NOTE,
    PERSON_CARD,
    REPORT_NOTE,
    REPORT_POINT,
    plant_canaries,
)
from tests.cast import PRIVATE_POINT_MARKER, Cast
from tests.notify.helpers import utc

SHARED_POINT = "SHARED-POINT-VISIBLE-1b7e"
SHARED_NOTE = "SHARED-NOTE-VISIBLE-44c0"
PRIVATE = (PRIVATE_POINT_MARKER, REPORT_POINT, MANAGER_NOTE, REPORT_NOTE, PERSON_CARD)


def every_email(cast: Cast) -> list[Email]:
    meeting = cast.meeting
    before = [
        emails.report_reminder(meeting=meeting, report=cast.report),
        emails.manager_agenda(meeting=meeting, manager=cast.manager),
        emails.weekly_digest(manager=cast.manager, week_start=utc(2026, 11, 2)),
    ]
    # Everything on the agenda, private points included, is discussed in the held meeting.
    meeting_set_status(meeting=meeting, status="held", reason="", by=cast.manager)
    TalkingPoint.objects.filter(one_on_one=cast.one_on_one).update(discussed_in=meeting)
    after = [emails.meeting_recap(meeting=meeting, person=p) for p in (cast.manager, cast.report)]
    return [*before, *after]


def test_no_email_carries_private_content(cast: Cast, dummy_tasks: list[Any]) -> None:
    plant_canaries(cast)
    point_add(
        one_on_one=cast.one_on_one, author=cast.report, text=SHARED_POINT, section="connection"
    )
    Note.objects.create(
        meeting=cast.meeting, author=cast.report, kind="shared", body=SHARED_NOTE, version=1
    )
    action_add(
        one_on_one=cast.one_on_one,
        meeting=cast.meeting,
        owner=cast.manager,
        text="Book the offsite",
        due_on=utc(2026, 1, 1).date(),
        by=cast.manager,
        already_late=True,
    )
    rendered = every_email(cast)
    assert len(rendered) == 5
    for email in rendered:
        whole = "\n".join((email.subject, email.text, email.html))
        leaked = [marker for marker in PRIVATE if marker in whole]
        assert not leaked, f"{email.kind} to {email.to} carries {leaked}"
    # Guards the sweep: shared content does reach the emails that show it.
    for email in rendered:
        if email.kind != "weekly_digest":
            assert SHARED_POINT in email.text and SHARED_POINT in email.html, email.kind
        if email.kind == "meeting_recap":
            assert SHARED_NOTE in email.text and SHARED_NOTE in email.html
    digest = rendered[2]
    assert "Book the offsite" in digest.text


LEFT_SHARED = "SHARED-POINT-LEFT-OPEN-7d21"


def test_the_recap_lists_the_shared_points_left_and_never_a_private_one(
    cast: Cast, dummy_tasks: list[Any]
) -> None:
    # Nothing ticked: every point is left for next time, the private ones of both people too.
    plant_canaries(cast)
    point_add(
        one_on_one=cast.one_on_one, author=cast.report, text=LEFT_SHARED, section="connection"
    )
    Note.objects.create(
        meeting=cast.meeting, author=cast.manager, kind="shared", body=SHARED_NOTE, version=1
    )
    # All raised before the meeting (at some instants the cast's meeting is already over).
    TalkingPoint.objects.filter(one_on_one=cast.one_on_one).update(
        created_at=cast.meeting.scheduled_for
    )
    meeting_set_status(meeting=cast.meeting, status="held", reason="", by=cast.manager)
    for person in (cast.manager, cast.report):
        email = emails.meeting_recap(meeting=cast.meeting, person=person)
        whole = "\n".join((email.subject, email.text, email.html))
        leaked = [marker for marker in PRIVATE if marker in whole]
        assert not leaked, f"the recap to {email.to} carries {leaked}"
        assert "Left for next time" in email.text and "Left for next time" in email.html
        assert LEFT_SHARED in email.text and LEFT_SHARED in email.html
        assert SHARED_NOTE in email.text and SHARED_NOTE in email.html
