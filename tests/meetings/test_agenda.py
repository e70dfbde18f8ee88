from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from rapport.access import Refused
from rapport.meetings import selectors, services
from rapport.meetings.models import Meeting, TalkingPoint
from rapport.people.models import Person
from tests.cast import PRIVATE_POINT_MARKER, Cast


def texts(viewer: Person, meeting: Meeting) -> dict[str, list[str]]:
    return {s.section: [p.text for p in s.points] for s in selectors.agenda_for(viewer, meeting)}


def next_two(cast: Cast) -> tuple[Meeting, Meeting]:
    first, second = list(cast.one_on_one.meetings.order_by("scheduled_for")[:2])
    return first, second


def test_connection_comes_before_performance(cast: Cast) -> None:
    sections = [s.section for s in selectors.agenda_for(cast.report, cast.meeting)]
    assert sections == ["connection", "performance"]


def test_a_private_point_is_seen_by_its_author_only(cast: Cast) -> None:
    assert any(PRIVATE_POINT_MARKER in t for t in texts(cast.manager, cast.meeting)["connection"])
    assert not any(
        PRIVATE_POINT_MARKER in t for t in texts(cast.report, cast.meeting)["connection"]
    )


@pytest.mark.parametrize("what_happened", ["held", "skipped", "cancelled", "rescheduled"])
def test_a_point_not_discussed_carries_over_to_the_next_meeting(
    cast: Cast, what_happened: str
) -> None:
    first, second = next_two(cast)
    discussed = services.point_add(
        one_on_one=cast.one_on_one, author=cast.report, text="Discussed", section="performance"
    )
    left_open = services.point_add(
        one_on_one=cast.one_on_one, author=cast.report, text="Left open", section="performance"
    )
    services.point_set_discussed(point=discussed, meeting=first, discussed=True, by=cast.manager)
    if what_happened == "rescheduled":
        services.meeting_reschedule(
            meeting=first,
            to=first.scheduled_for + timedelta(days=2),
            by=cast.report,
            confirmed_out_of_hours=True,
        )
        services.meeting_set_status(meeting=first, status="held", reason="", by=cast.manager)
    else:
        services.meeting_set_status(
            meeting=first, status=what_happened, reason="Offsite", by=cast.manager
        )

    assert "Discussed" in texts(cast.report, first)["performance"]
    assert "Left open" not in texts(cast.report, first)["performance"]
    assert texts(cast.report, second)["performance"] == ["Left open"]
    left_open.refresh_from_db()
    assert left_open.discussed_in is None


def test_a_recurring_point_shows_on_every_meeting_and_is_ticked_per_meeting(cast: Cast) -> None:
    first, second = next_two(cast)
    point = services.point_add(
        one_on_one=cast.one_on_one,
        author=cast.manager,
        text="Anything blocking you?",
        section="performance",
        is_recurring=True,
    )
    services.point_set_discussed(point=point, meeting=first, discussed=True, by=cast.report)
    on_first = next(
        s for s in selectors.agenda_for(cast.report, first) if s.section == "performance"
    ).recurring
    on_second = next(
        s for s in selectors.agenda_for(cast.report, second) if s.section == "performance"
    ).recurring
    assert on_first == [(point, True)] and on_second == [(point, False)]
    assert "Anything blocking you?" not in texts(cast.report, second)["performance"]


def test_moving_a_point_up_swaps_it_with_the_one_above(cast: Cast) -> None:
    a = services.point_add(
        one_on_one=cast.one_on_one, author=cast.report, text="A", section="performance"
    )
    b = services.point_add(
        one_on_one=cast.one_on_one, author=cast.manager, text="B", section="performance"
    )
    services.point_move(point=b, meeting=cast.meeting, up=True, by=cast.report)
    assert texts(cast.report, cast.meeting)["performance"] == ["B", "A"]
    services.point_move(
        point=b, meeting=cast.meeting, up=True, by=cast.report
    )  # already first: no change
    assert texts(cast.report, cast.meeting)["performance"] == ["B", "A"]
    assert a.pk != b.pk


def test_only_the_author_may_touch_a_private_point(cast: Cast) -> None:
    secret = TalkingPoint.objects.get(is_private=True)
    with pytest.raises(Refused):
        services.point_set_discussed(
            point=secret, meeting=cast.meeting, discussed=True, by=cast.report
        )


def test_the_report_adds_a_point_and_the_manager_sees_it_in_the_polled_fragment(cast: Cast) -> None:
    report, manager = Client(), Client()
    report.force_login(cast.report)
    manager.force_login(cast.manager)
    url = reverse("meetings:point_add", args=[cast.meeting.uuid])
    response = report.post(
        url,
        {"text": "Can we talk about <b>travel</b>?", "section": "connection"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and 'id="agenda-block"' in response.content.decode()
    fragment = manager.get(reverse("meetings:agenda", args=[cast.meeting.uuid])).content.decode()
    assert "Can we talk about &lt;b&gt;travel&lt;/b&gt;?" in fragment
    assert "<html" not in fragment


def test_an_empty_point_is_refused_with_a_message(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.report)
    client.post(
        reverse("meetings:point_add", args=[cast.meeting.uuid]),
        {"text": "", "section": "connection"},
    )
    page = client.get(reverse("meetings:meeting", args=[cast.meeting.uuid])).content.decode()
    assert "Write the point in a few words" in page


@pytest.mark.parametrize(
    ("text", "section", "field"),
    [("Fine", "work", "section"), ("   ", "connection", "text"), ("x" * 501, "connection", "text")],
)
def test_the_service_refuses_a_point_its_fields_refuse_and_writes_nothing(
    cast: Cast, text: str, section: str, field: str
) -> None:
    # The forms and the API check first; a caller that does not (a script, a later view) gets
    # the refusal, not a point that fails every page of the meeting afterwards.
    before = TalkingPoint.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.point_add(
            one_on_one=cast.one_on_one, author=cast.report, text=text, section=section
        )
    assert field in refused.value.message_dict
    assert TalkingPoint.objects.count() == before
