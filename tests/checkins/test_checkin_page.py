from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse

from rapport.checkins.models import CheckIn
from rapport.meetings.models import TalkingPoint
from tests.cast import Cast
from tests.checkins.helpers import ANSWERS, move_to, open_window
from tests.helpers.queries import assert_queries_do_not_grow, count_queries
from tests.helpers.sealed import with_text


def url(cast: Cast) -> str:
    return reverse("checkins:checkin", args=[cast.meeting.uuid])


def signed_in(cast: Cast, role: str) -> Client:
    client = Client()
    client.force_login(getattr(cast, role))
    return client


def test_the_report_checks_in_in_one_post_and_lands_on_the_meeting(cast: Cast) -> None:
    open_window(cast.meeting)
    client = signed_in(cast, "report")
    page = client.get(url(cast)).content.decode()
    assert "Before your 1:1 with Mia" in page
    assert 'role="switch"' in page and "Share with Mia" in page
    answers = {**ANSWERS, "topics": "Conference budget\nOn-call load"}
    response = client.post(url(cast), answers)
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:meeting", args=[cast.meeting.uuid])
    checkin = CheckIn.objects.get()
    assert (checkin.mood, checkin.energy, checkin.workload) == (4, 3, 4)
    assert checkin.outside_work_shared is False
    assert len(with_text(TalkingPoint.objects.filter(author=cast.report), "On-call load")) == 1


def test_missing_and_invalid_answers_come_back_with_clear_errors(cast: Cast) -> None:
    open_window(cast.meeting)
    client = signed_in(cast, "report")
    answers = {**ANSWERS, "mood": "", "energy": "9", "topics": "x" * 501}
    response = client.post(url(cast), answers)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose one: Rough to Great." in page
    assert "Select a valid choice" in page
    assert "Keep each topic under 500 characters" in page
    assert 'aria-describedby="id_mood_errors"' in page
    assert not CheckIn.objects.exists()


def test_the_page_says_when_the_check_in_opens(cast: Cast) -> None:
    move_to(cast.meeting, timedelta(days=5))
    client = signed_in(cast, "report")
    page = client.get(url(cast)).content.decode()
    assert "Not open yet" in page and '<form class="card checkin-form"' not in page
    response = client.post(url(cast), ANSWERS)
    assert response.status_code == 302 and not CheckIn.objects.exists()


def test_after_the_meeting_the_check_in_is_closed(cast: Cast) -> None:
    move_to(cast.meeting, timedelta(hours=-2))
    page = signed_in(cast, "report").get(url(cast)).content.decode()
    assert "Closed" in page


def test_the_manager_reads_the_scores_but_not_an_unshared_note(cast: Cast) -> None:
    open_window(cast.meeting)
    signed_in(cast, "report").post(url(cast), {**ANSWERS, "outside_work": "Sleepless nights"})
    manager = signed_in(cast, "manager")
    page = manager.get(url(cast)).content.decode()
    assert "Rui's check-in" in page and "Shipped the search rewrite" in page
    assert "Heavy" in page  # workload 4, in words
    assert "Sleepless nights" not in page
    meeting_page = manager.get(reverse("meetings:meeting", args=[cast.meeting.uuid]))
    assert "Heavy" in meeting_page.content.decode()
    assert "Sleepless nights" not in meeting_page.content.decode()
    assert manager.post(url(cast), ANSWERS).status_code == 403


def test_the_manager_reads_a_shared_note(cast: Cast) -> None:
    open_window(cast.meeting)
    answers = {**ANSWERS, "outside_work": "Marathon on Sunday", "outside_work_shared": "on"}
    signed_in(cast, "report").post(url(cast), answers)
    page = signed_in(cast, "manager").get(url(cast)).content.decode()
    assert "Marathon on Sunday" in page


def test_outsiders_get_a_404(cast: Cast) -> None:
    open_window(cast.meeting)
    for role in ("peer_manager", "skip_level", "hr", "admin", "outsider", "report_two"):
        client = signed_in(cast, role)
        assert client.get(url(cast)).status_code == 404, role
        assert client.post(url(cast), ANSWERS).status_code == 404, role
    assert not CheckIn.objects.exists()


def test_the_meeting_page_offers_the_check_in_while_it_is_open(cast: Cast) -> None:
    open_window(cast.meeting)
    meeting_url = reverse("meetings:meeting", args=[cast.meeting.uuid])
    page = signed_in(cast, "report").get(meeting_url).content.decode()
    assert "Check in (under a minute)" in page
    assert "has not checked in yet" in signed_in(cast, "manager").get(meeting_url).content.decode()


def test_the_home_page_prompts_the_report_while_a_check_in_is_open(cast: Cast) -> None:
    open_window(cast.meeting)
    client = signed_in(cast, "report")
    assert "Check in for your 1:1 on" in client.get(reverse("home")).content.decode()
    client.post(url(cast), ANSWERS)
    assert "Check in for your 1:1 on" not in client.get(reverse("home")).content.decode()


def test_the_check_in_page_makes_the_same_queries_with_a_long_history(cast: Cast) -> None:
    open_window(cast.meeting)
    client = signed_in(cast, "report")

    def more_checkins() -> None:
        for meeting in cast.one_on_one.meetings.exclude(pk=cast.meeting.pk)[:5]:
            CheckIn.objects.create(
                meeting=meeting,
                one_on_one=cast.one_on_one,
                report=cast.report,
                mood=3,
                energy=3,
                workload=3,
            )

    # person, meeting, check-in, navigation (the session comes from the shared cache, in tests
    # the process's memory)
    assert_queries_do_not_grow(
        lambda: count_queries(lambda: client.get(url(cast))), more_checkins, pinned=4
    )
