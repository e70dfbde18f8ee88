"""Erasure (GDPR article 17): what only the erased person could see goes from every table, the
other person's shared history stays readable under "A former colleague", the figures keep their
counts, and the dry run says exactly what the erasure then does."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.access import Refused
from rapport.checkins.models import CheckIn
from rapport.meetings.models import Note, OneOnOne, PersonCard, TalkingPoint
from rapport.meetings.services import point_add
from rapport.notify.models import Outbox
from rapport.notify.tasks import send_password_reset
from rapport.people.models import Person, WorkingProfile
from rapport.privacy.models import Erasure
from rapport.privacy.services import PLACEHOLDER_NAME, erasure_apply, erasure_preview
from tests import canaries
from tests.cast import PASSWORD, PRIVATE_POINT_MARKER, Cast
from tests.helpers.digest import database_digest
from tests.privacy.helpers import every_row_text, figures, has_left, markers_left

pytestmark = pytest.mark.django_db

MIA_SHARED_NOTE = "SHARED-NOTE-BY-MIA-31c7"
MIA_SHARED_POINT = "SHARED-POINT-BY-MIA-0d5e"
RUI_SHARED_NOTE = "SHARED-NOTE-BY-RUI-8a1f"

# The manager's private content, and the report's (canaries.plant_canaries plants them all).
MANAGER_PRIVATE = [
    PRIVATE_POINT_MARKER,
    canaries.MANAGER_NOTE,
    canaries.PERSON_CARD,
    canaries.SIGNAL_NOTE,
    canaries.COACHING_NOTE,
]
REPORT_PRIVATE = [
    canaries.REPORT_POINT,
    canaries.REPORT_NOTE,
    canaries.CHECKIN_OUTSIDE,
    canaries.PROFILE_KEPT,
]


def plant_shared_history(cast: Cast) -> None:
    point_add(
        one_on_one=cast.one_on_one,
        author=cast.manager,
        text=f"Roadmap {MIA_SHARED_POINT}",
        section="performance",
    )
    Note.objects.create(
        meeting=cast.meeting, author=cast.manager, kind="shared", body=MIA_SHARED_NOTE, version=1
    )
    Note.objects.create(
        meeting=cast.meeting, author=cast.report, kind="shared", body=RUI_SHARED_NOTE, version=1
    )


def an_email_naming(cast: Cast, person: Person) -> Outbox:
    return Outbox.objects.create(
        kind="manager_agenda",
        key=f"test:{person.pk}",
        recipient=cast.report_two,
        to_address=cast.report_two.email,
        subject=f"Your 1:1 with {person.name}",
        body_text=f"{person.name} added a point.",
        body_html=f"<p>{person.name} added a point.</p>",
    )


def test_erasing_a_manager_who_left_removes_every_private_marker_from_every_table(
    cast: Cast,
) -> None:
    canaries.plant_canaries(cast)
    plant_shared_history(cast)
    has_left(cast.manager, by=cast.hr)
    assert markers_left(MANAGER_PRIVATE) == MANAGER_PRIVATE  # planted, so found before

    erasure_apply(person=cast.manager, by=cast.admin)

    assert markers_left(MANAGER_PRIVATE) == []
    assert "Mia Manager" not in every_row_text()
    assert "mia@example.com" not in every_row_text()
    # The report's own private content is theirs: untouched by someone else's erasure.
    assert markers_left(REPORT_PRIVATE) == REPORT_PRIVATE


def test_the_report_keeps_their_shared_history_attributed_to_a_former_colleague(
    cast: Cast,
) -> None:
    canaries.plant_canaries(cast)
    plant_shared_history(cast)
    has_left(cast.manager, by=cast.hr)

    summary = erasure_apply(person=cast.manager, by=cast.admin)

    (fate,) = [fate for fate in summary.pairs if fate.other == cast.report]
    assert fate.kept and fate.their_place == "manager"
    assert MIA_SHARED_NOTE in [note.body for note in Note.objects.all()]
    client = Client()
    client.force_login(cast.report)
    page = client.get(reverse("meetings:meeting", args=[cast.meeting.uuid]))
    assert page.status_code == 200
    html = page.content.decode()
    assert MIA_SHARED_POINT in html
    assert f"Added by {PLACEHOLDER_NAME}" in html
    assert "Mia" not in html


def test_a_report_who_left_takes_the_whole_pair_with_them_when_the_manager_lost_it(
    cast: Cast,
) -> None:
    # A manager loses a 1:1 when it closes (DESIGN.md section 5): nobody still here may read it,
    # so all of its text goes, the manager's private content in it too.
    canaries.plant_canaries(cast)
    plant_shared_history(cast)
    has_left(cast.report, by=cast.hr)

    summary = erasure_apply(person=cast.report, by=cast.admin)

    (fate,) = summary.pairs
    assert not fate.kept and fate.other == cast.manager
    everything = [*MANAGER_PRIVATE, *REPORT_PRIVATE, MIA_SHARED_NOTE, RUI_SHARED_NOTE]
    everything += [canaries.PROFILE_SHARED, canaries.CHECKIN_SHARED, canaries.PERSONAL_GOAL]
    assert markers_left(everything) == []
    assert not TalkingPoint.objects.filter(one_on_one=cast.one_on_one).exists()
    # The figures' rows stay: the 1:1, its meetings and the check-in scores.
    assert OneOnOne.objects.filter(pk=cast.one_on_one.pk).exists()
    assert sorted(CheckIn.objects.values_list("mood", flat=True)) == [2, 4]


def test_a_pair_whose_other_person_left_too_loses_its_shared_content(cast: Cast) -> None:
    canaries.plant_canaries(cast)
    plant_shared_history(cast)
    has_left(cast.report, by=cast.hr)
    has_left(cast.manager, by=cast.hr)

    summary = erasure_apply(person=cast.manager, by=cast.admin)

    (fate,) = [fate for fate in summary.pairs if fate.other == cast.report]
    assert not fate.kept and "has left too" in fate.why
    assert markers_left([MIA_SHARED_NOTE, RUI_SHARED_NOTE, canaries.REPORT_NOTE]) == []


def test_the_erased_person_cannot_sign_in_and_shows_as_a_placeholder(cast: Cast) -> None:
    has_left(cast.manager, by=cast.hr)
    summary = erasure_apply(person=cast.manager, by=cast.admin)

    # What an audit trail may keep: the fact and the numbers, never a name.
    record = summary.record()
    assert record["person_id"] == cast.manager.pk and "Mia" not in repr(record)
    person = Person.objects.get(pk=cast.manager.pk)
    assert person.name == PLACEHOLDER_NAME
    assert person.get_short_name() == PLACEHOLDER_NAME
    assert not person.has_usable_password()
    assert not Client().login(email="mia@example.com", password=PASSWORD)
    assert not Client().login(email=person.email, password=PASSWORD)
    assert Erasure.objects.get(person=person).counts  # the fact, with numbers only


def test_a_queued_password_reset_for_their_address_goes_too(cast: Cast) -> None:
    send_password_reset.enqueue("mia@example.com", "a-key")
    has_left(cast.manager, by=cast.hr)

    summary = erasure_apply(person=cast.manager, by=cast.admin)

    assert summary.counts["Background tasks that named them"] == 1
    assert "mia@example.com" not in every_row_text()


def test_other_peoples_emails_name_a_former_colleague_instead(cast: Cast) -> None:
    email = an_email_naming(cast, cast.manager)
    has_left(cast.manager, by=cast.hr)

    erasure_apply(person=cast.manager, by=cast.admin)

    email.refresh_from_db()
    assert email.subject == f"Your 1:1 with {PLACEHOLDER_NAME}"
    assert "Mia" not in email.body_text + email.body_html


def test_the_dry_run_says_exactly_what_the_erasure_does_and_changes_nothing(cast: Cast) -> None:
    canaries.plant_canaries(cast)
    plant_shared_history(cast)
    an_email_naming(cast, cast.manager)
    has_left(cast.manager, by=cast.hr)
    before = database_digest()

    preview = erasure_preview(person=cast.manager, by=cast.admin)

    assert database_digest() == before
    assert preview.counts["Their private notes"] == 1
    assert preview.counts["Person cards"] == 1
    assert preview.counts["Mentions of them in other people's emails"] == 1
    applied = erasure_apply(person=cast.manager, by=cast.admin)
    assert applied.counts == preview.counts
    assert [(f.other, f.kept, f.why) for f in applied.pairs] == [
        (f.other, f.kept, f.why) for f in preview.pairs
    ]


def test_the_dry_run_of_a_whole_pair_matches_the_erasure_too(cast: Cast) -> None:
    canaries.plant_canaries(cast)
    plant_shared_history(cast)
    has_left(cast.report, by=cast.hr)

    preview = erasure_preview(person=cast.report, by=cast.admin)
    applied = erasure_apply(person=cast.report, by=cast.admin)

    assert applied.counts == preview.counts
    assert preview.counts["1:1s removed whole: notes"] == 4
    assert preview.counts["Their working-with-me profile"] == 1
    assert not WorkingProfile.objects.filter(person=cast.report).exists()
    assert not PersonCard.objects.exists()


def test_the_figures_keep_their_counts(cast: Cast) -> None:
    canaries.plant_canaries(cast)
    has_left(cast.report, by=cast.hr)
    before = figures(cast.hr)
    assert before["retention"] and before["meetings"]

    erasure_apply(person=cast.report, by=cast.admin)

    assert figures(cast.hr) == before


@pytest.mark.parametrize("role", ["manager", "hr", "skip_level", "outsider", "report_two"])
def test_only_an_admin_may_erase_and_a_refusal_changes_nothing(cast: Cast, role: str) -> None:
    canaries.plant_canaries(cast)
    has_left(cast.report, by=cast.hr)
    before = database_digest()
    with pytest.raises(Refused):
        erasure_apply(person=cast.report, by=getattr(cast, role))
    with pytest.raises(Refused):
        erasure_preview(person=cast.report, by=getattr(cast, role))
    assert database_digest() == before


def test_someone_still_here_cannot_be_erased(cast: Cast) -> None:
    canaries.plant_canaries(cast)
    before = database_digest()
    with pytest.raises(ValidationError, match="has not left"):
        erasure_apply(person=cast.report, by=cast.admin)
    assert database_digest() == before


def test_someone_leaving_later_cannot_be_erased_yet(cast: Cast) -> None:
    Person.objects.filter(pk=cast.report.pk).update(
        left_on=timezone.localdate() + timedelta(days=3)
    )
    cast.report.refresh_from_db()
    with pytest.raises(ValidationError, match="leaves on"):
        erasure_preview(person=cast.report, by=cast.admin)


def test_a_person_is_erased_once(cast: Cast) -> None:
    has_left(cast.report, by=cast.hr)
    erasure_apply(person=cast.report, by=cast.admin)
    with pytest.raises(ValidationError, match="already been erased"):
        erasure_apply(person=cast.report, by=cast.admin)


def test_their_webhook_chat_messages_exports_tokens_and_invitations_go_too(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    """What later features keep about a person (the chat webhook, their data export and its
    zip, API tokens, invitations) is theirs too, and goes with them."""
    from rapport.api.models import ApiToken
    from rapport.api.services import token_create
    from rapport.export.models import DataExport
    from rapport.export.services import export_build, export_dir, export_request
    from rapport.notify.models import ChatWebhook
    from rapport.notify.services import chat_webhook_set
    from rapport.people.models import Invitation

    person = cast.report_two
    chat_webhook_set(
        by=person, person=person, flavour="slack", url="https://hooks.slack.com/services/T/B/x"
    )
    token_create(person=person, by=person, name="Sync", scope="read", days=30)
    export = export_request(by=person)
    assert export_build(export_id=export.pk)
    export.refresh_from_db()
    zip_file = export_dir() / export.file_name
    assert zip_file.exists()
    Invitation.objects.create(person=person)
    has_left(person, by=cast.hr)

    with django_capture_on_commit_callbacks(execute=True):
        summary = erasure_apply(person=person, by=cast.admin)

    assert not ChatWebhook.objects.filter(person=person).exists()
    assert not ApiToken.objects.filter(person=person).exists()
    assert not DataExport.objects.filter(person=person).exists()
    assert not Invitation.objects.filter(person=person).exists()
    assert not zip_file.exists()
    for kind in ("Their chat webhook", "Their data exports", "Their API tokens"):
        assert summary.counts[kind] == 1, kind
