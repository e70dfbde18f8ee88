"""Growth conversations: the pair's rhythm (OneOnOne.growth_every_weeks), the meeting page's
proposal, the template agenda (meetings.services.meeting_make_growth), and the overdue signal
as the manager sees it on the team view and home."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from rapport.insights.models import SignalDismissal
from rapport.insights.rules import Rule
from rapport.insights.selectors import team_view
from rapport.meetings import growth_texts
from rapport.meetings.models import Meeting, OneOnOne, TalkingPoint
from rapport.meetings.selectors import growth_rhythm_of
from rapport.meetings.services import Rule as MeetingRule
from rapport.meetings.services import (
    growth_agenda,
    meeting_make_growth,
    one_on_one_change_rule,
    point_set_discussed,
)
from rapport.people.models import Person
from tests.cast import Cast
from tests.helpers.sealed import with_text

pytestmark = pytest.mark.django_db

TEMPLATE = [text for _, text in growth_agenda()]


def client_of(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def started_weeks_ago(cast: Cast, weeks: int) -> None:
    OneOnOne.objects.filter(pk=cast.one_on_one.pk).update(
        starts_on=timezone.localdate() - timedelta(weeks=weeks)
    )
    cast.one_on_one.refresh_from_db()


def upcoming(cast: Cast) -> list[Meeting]:
    return list(
        cast.one_on_one.meetings.filter(status=Meeting.Status.UPCOMING).order_by("scheduled_for")
    )


def growth_signal(cast: Cast) -> object:
    member = team_view(cast.manager, one_on_one=cast.one_on_one).members[0]
    return next((s for s in member.signals if s.rule == Rule.GROWTH_OVERDUE), None)


def test_the_template_has_the_four_subjects_and_fits_a_talking_point() -> None:
    assert len(TEMPLATE) == 4 and len(set(TEMPLATE)) == 4
    subjects = ("Direction", "Strengths", "Learning next", "My part")
    assert all(text.startswith(subject) for text, subject in zip(TEMPLATE, subjects, strict=True))
    assert all(len(text) <= 500 for text in TEMPLATE)


def test_making_a_meeting_the_growth_conversation_puts_the_template_on_the_agenda(
    cast: Cast,
) -> None:
    added = meeting_make_growth(meeting=cast.meeting, by=cast.report)
    cast.meeting.refresh_from_db()
    assert cast.meeting.is_growth
    assert [point.text for point in added] == TEMPLATE
    # Ordinary shared points by whoever made it so, which the pair can tick, move or remove.
    assert all(not p.is_private and p.author == cast.report for p in added)
    assert {p.section for p in added} == {"connection", "performance"}


def test_making_it_so_twice_adds_nothing_more(cast: Cast) -> None:
    meeting_make_growth(meeting=cast.meeting, by=cast.manager)
    assert meeting_make_growth(meeting=cast.meeting, by=cast.manager) == []
    assert sum(point.text in TEMPLATE for point in TalkingPoint.objects.all()) == 4


def test_taking_the_mark_off_removes_only_the_template_points_nobody_ticked(cast: Cast) -> None:
    added = meeting_make_growth(meeting=cast.meeting, by=cast.manager)
    point_set_discussed(point=added[0], meeting=cast.meeting, discussed=True, by=cast.manager)
    meeting_make_growth(meeting=cast.meeting, by=cast.manager, growth=False)
    cast.meeting.refresh_from_db()
    assert not cast.meeting.is_growth
    assert [point for point in TalkingPoint.objects.all() if point.text in TEMPLATE] == [added[0]]
    assert with_text(TalkingPoint.objects.all(), "How the move went")


def test_a_held_meeting_cannot_become_the_growth_conversation(cast: Cast) -> None:
    Meeting.objects.filter(pk=cast.meeting.pk).update(status=Meeting.Status.HELD)
    cast.meeting.refresh_from_db()
    with pytest.raises(ValidationError):
        meeting_make_growth(meeting=cast.meeting, by=cast.manager)
    assert not [point for point in TalkingPoint.objects.all() if point.text in TEMPLATE]


@pytest.mark.parametrize("role", ["peer_manager", "skip_level", "hr", "outsider"])
def test_nobody_outside_the_pair_can_mark_it_and_nothing_changes(cast: Cast, role: str) -> None:
    url = reverse("meetings:meeting_growth", args=[cast.meeting.uuid])
    response = client_of(getattr(cast, role)).post(url, {"growth": "1"})
    assert response.status_code == 404
    cast.meeting.refresh_from_db()
    assert not cast.meeting.is_growth
    assert not [point for point in TalkingPoint.objects.all() if point.text in TEMPLATE]


def test_a_missing_or_odd_choice_is_refused_with_a_message(cast: Cast) -> None:
    client = client_of(cast.manager)
    url = reverse("meetings:meeting_growth", args=[cast.meeting.uuid])
    for data in ({}, {"growth": "maybe"}):
        response = client.post(url, data, follow=True)
        assert response.status_code == 200
        assert b"Choose whether this is the growth conversation" in response.content or (
            b"Select a valid choice" in response.content
        )
    cast.meeting.refresh_from_db()
    assert not cast.meeting.is_growth


def test_a_new_pair_is_not_asked_for_one_yet(cast: Cast) -> None:
    rhythm = growth_rhythm_of(cast.meeting, now=timezone.now())
    assert not rhythm.proposed
    assert rhythm.due_on == cast.one_on_one.starts_on + timedelta(weeks=13)


def test_once_it_is_due_the_next_meeting_is_proposed_and_only_that_one(cast: Cast) -> None:
    started_weeks_ago(cast, 13)
    first, second = upcoming(cast)[:2]
    client = client_of(cast.manager)
    page = client.get(reverse("meetings:meeting", args=[first.uuid])).content.decode()
    assert "Make this our growth conversation" in page
    assert "You have not had one yet" in page
    later = client.get(reverse("meetings:meeting", args=[second.uuid])).content.decode()
    assert "Make this our growth conversation" not in later


def test_the_report_can_accept_the_proposal_and_both_see_a_growth_conversation(
    cast: Cast,
) -> None:
    started_weeks_ago(cast, 13)
    first = upcoming(cast)[0]
    url = reverse("meetings:meeting", args=[first.uuid])
    response = client_of(cast.report).post(
        reverse("meetings:meeting_growth", args=[first.uuid]), {"growth": "1"}, follow=True
    )
    page = response.content.decode()
    assert "This is your growth conversation. 4 talking points" in page
    assert "Growth conversation</span>" in page and TEMPLATE[0] in page
    manager_page = client_of(cast.manager).get(url).content.decode()
    assert "This meeting is your growth conversation" in manager_page
    mode = client_of(cast.manager).get(reverse("meetings:mode", args=[first.uuid]))
    assert "Growth conversation" in mode.content.decode()
    # Planned: the following meetings propose nothing.
    assert not growth_rhythm_of(upcoming(cast)[1], now=timezone.now()).proposed


def test_the_signal_fires_when_overdue_and_holding_one_resets_it(cast: Cast) -> None:
    started_weeks_ago(cast, 20)
    assert growth_signal(cast) is not None
    meeting_make_growth(meeting=cast.meeting, by=cast.manager)
    assert growth_signal(cast) is not None  # planned is not held
    held_at = timezone.now() - timedelta(days=2)
    Meeting.objects.filter(pk=cast.meeting.pk).update(
        status=Meeting.Status.HELD, scheduled_for=held_at
    )
    assert growth_signal(cast) is None
    member = team_view(cast.manager, one_on_one=cast.one_on_one).members[0]
    # A growth conversation is a career conversation for the risk-of-leaving rule too.
    assert member.last_growth == member.last_career_talk == timezone.localdate(held_at)
    assert growth_rhythm_of(upcoming(cast)[0], now=timezone.now()).due_on == (
        timezone.localdate(held_at) + timedelta(weeks=13)
    )


def test_a_pair_with_the_rhythm_off_gets_no_signal_and_no_proposal(cast: Cast) -> None:
    started_weeks_ago(cast, 40)
    OneOnOne.objects.filter(pk=cast.one_on_one.pk).update(growth_every_weeks=0)
    cast.one_on_one.refresh_from_db()
    assert growth_signal(cast) is None
    assert not growth_rhythm_of(upcoming(cast)[0], now=timezone.now()).proposed


def test_the_manager_sees_it_on_the_team_view_and_home_and_can_dismiss_it(cast: Cast) -> None:
    started_weeks_ago(cast, 20)
    client = client_of(cast.manager)
    team = client.get(reverse("insights:team")).content.decode()
    assert "No growth conversation for 20 weeks" in team
    # Home counts it among the signals to keep an eye on before the coming 1:1.
    assert "1 to keep an eye on" in client.get(reverse("home")).content.decode()
    signal = growth_signal(cast)
    assert signal is not None
    client.post(
        reverse("insights:signal_dismiss", args=[cast.one_on_one.uuid]),
        {"rule": "growth_overdue", "since": signal.since.isoformat(), "reason": "Planned"},  # type: ignore[attr-defined]
    )
    assert SignalDismissal.objects.filter(rule="growth_overdue").exists()
    assert growth_signal(cast) is None
    # The report never sees the manager's signals.
    assert (
        "No growth conversation" not in client_of(cast.report).get(reverse("home")).content.decode()
    )


def test_the_rhythm_form_keeps_the_growth_rhythm_and_refuses_odd_numbers(cast: Cast) -> None:
    client = client_of(cast.manager)
    url = reverse("meetings:one_on_one_edit", args=[cast.one_on_one.uuid])
    page = client.get(url).content.decode()
    assert "Growth conversation every (weeks)" in page and 'value="13"' in page
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items() if k != "confirm_out_of_hours"}
    data.update({"growth_every_weeks": "60", "starts_on": str(timezone.localdate())})
    response = client.post(url, data)
    assert "At most 52 weeks" in response.content.decode()
    cast.one_on_one.refresh_from_db()
    assert cast.one_on_one.growth_every_weeks == 13


def test_a_new_rhythm_passes_the_growth_mark_to_its_nearest_meeting(cast: Cast) -> None:
    started_weeks_ago(cast, 13)
    planned = upcoming(cast)[1]
    meeting_make_growth(meeting=planned, by=cast.manager)
    one_on_one_change_rule(
        one_on_one=cast.one_on_one,
        rule=MeetingRule("weekly", 3, time(11, 0), 30, timezone.localdate()),
        by=cast.manager,
        confirmed_out_of_hours=True,
        growth_every_weeks=8,
    )
    marked = [m for m in upcoming(cast) if m.is_growth]
    assert len(marked) == 1
    assert abs(marked[0].scheduled_for - planned.scheduled_for) <= timedelta(days=4)
    cast.one_on_one.refresh_from_db()
    assert cast.one_on_one.growth_every_weeks == 8
    # The template's points belong to the pair and are still on the agenda, once each.
    assert sum(point.text in TEMPLATE for point in TalkingPoint.objects.all()) == 4


def test_the_pairs_page_names_its_growth_rhythm(cast: Cast) -> None:
    url = reverse("meetings:one_on_one", args=[cast.one_on_one.uuid])
    assert (
        "a growth conversation every 13 weeks" in client_of(cast.report).get(url).content.decode()
    )
    OneOnOne.objects.filter(pk=cast.one_on_one.pk).update(growth_every_weeks=0)
    assert "no growth conversation reminders" in client_of(cast.manager).get(url).content.decode()


def test_the_growth_points_are_marked_for_translation_in_file_order() -> None:
    assert list(growth_texts.TEXTS) == TEMPLATE


def test_the_points_go_in_in_the_active_language_and_come_off_in_any(cast: Cast) -> None:
    with translation.override("de"):
        added = meeting_make_growth(meeting=cast.meeting, by=cast.manager)
    assert len(added) == 4
    assert added[0].text.startswith("Richtung: ")
    assert not any(point.text in TEMPLATE for point in added)
    # Whoever takes the mark off, in whichever language, finds the German points.
    meeting_make_growth(meeting=cast.meeting, by=cast.report, growth=False)
    assert not TalkingPoint.objects.filter(pk__in=[point.pk for point in added]).exists()
