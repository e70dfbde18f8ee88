"""The bank page, the admins' form, and the htmx prompts of meeting mode."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

from rapport.meetings.models import Meeting
from rapport.meetings.services import point_add
from rapport.people.models import Person
from rapport.questions import services
from rapport.questions.models import AskedQuestion, Category, Question
from rapport.questions.presentation import question_panel_for
from rapport.questions.selectors import suggest
from tests.cast import Cast
from tests.helpers.queries import assert_queries_do_not_grow, count_queries

HTMX = {"HX-Request": "true"}


def client_for(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def suggestions_url(meeting: Meeting, section: str = "connection", exclude: str = "") -> str:
    url = reverse("questions:suggestions", kwargs={"meeting_uuid": meeting.uuid})
    return f"{url}?section={section}" + (f"&exclude={exclude}" if exclude else "")


def asked_url(meeting: Meeting) -> str:
    return reverse("questions:asked", kwargs={"meeting_uuid": meeting.uuid})


# --- The bank page -----------------------------------------------------------------------


def test_anyone_signed_in_reads_the_bank_grouped_with_a_count_per_category(cast: Cast) -> None:
    page = client_for(cast.report).get(reverse("questions:bank"))
    body = page.content.decode()
    assert page.status_code == 200
    assert body.index("Connection") < body.index("Performance")
    for category in Category:
        assert str(category.label) in body
    wellbeing = Question.objects.filter(category="wellbeing").count()
    assert f'<span class="badge badge-connection">{wellbeing}</span>' in body
    assert "Add a question" not in body


def test_an_admin_sees_the_form_and_adds_a_question(cast: Cast) -> None:
    client = client_for(cast.admin)
    assert "Add a question" in client.get(reverse("questions:bank")).content.decode()
    answer = client.post(
        reverse("questions:add"),
        {
            "text": "What would you teach the team if you had an hour?",
            "section": "performance",
            "category": "career",
        },
        follow=True,
    )
    body = answer.content.decode()
    assert "Added to the bank" in body
    assert "What would you teach the team if you had an hour?" in body
    assert "added here" in body
    assert Question.objects.get(text__startswith="What would you teach").created_by == cast.admin


def test_a_duplicate_is_shown_as_an_error_and_adds_nothing(cast: Cast) -> None:
    before = Question.objects.count()
    answer = client_for(cast.admin).post(
        reverse("questions:add"),
        {
            "text": "how are things at home these days",
            "section": "connection",
            "category": "life_outside_work",
        },
    )
    assert answer.status_code == 200
    assert "already holds this question" in answer.content.decode()
    assert Question.objects.count() == before


@pytest.mark.parametrize("role", ["manager", "report", "hr", "outsider"])
def test_only_an_admin_may_post_a_question(cast: Cast, role: str) -> None:
    answer = client_for(getattr(cast, role)).post(
        reverse("questions:add"),
        {"text": "What is new with you?", "section": "connection", "category": "checking_in"},
    )
    assert answer.status_code == 404
    assert not Question.objects.filter(text="What is new with you?").exists()


# --- Suggestions -------------------------------------------------------------------------


def test_the_manager_gets_two_suggestions_for_a_section_as_a_fragment(cast: Cast) -> None:
    answer = client_for(cast.manager).get(suggestions_url(cast.meeting), headers=HTMX)
    body = answer.content.decode()
    assert answer.status_code == 200
    assert "<html" not in body
    assert 'id="questions-connection"' in body
    for suggestion in suggest(meeting=cast.meeting, section="connection"):
        assert suggestion.question.text.replace("'", "&#x27;") in body
    assert body.count(">Asked</button>") == 2
    assert ">Others</a>" in body


def test_without_htmx_the_suggestions_are_a_page_of_their_own(cast: Cast) -> None:
    answer = client_for(cast.manager).get(suggestions_url(cast.meeting, "performance"))
    body = answer.content.decode()
    assert "<html" in body and 'id="questions-performance"' in body


@pytest.mark.parametrize("role", ["report", "peer_manager", "admin", "outsider"])
def test_nobody_but_the_manager_sees_the_prompts(cast: Cast, role: str) -> None:
    answer = client_for(getattr(cast, role)).get(suggestions_url(cast.meeting), headers=HTMX)
    assert answer.status_code == 404


@pytest.mark.parametrize("query", ["?section=gossip", "", "?section=connection&exclude=not-a-uuid"])
def test_a_malformed_request_for_suggestions_is_refused(cast: Cast, query: str) -> None:
    url = reverse("questions:suggestions", kwargs={"meeting_uuid": cast.meeting.uuid}) + query
    assert client_for(cast.manager).get(url, headers=HTMX).status_code == 400


def test_others_shows_two_questions_not_shown_yet(cast: Cast) -> None:
    shown = suggest(meeting=cast.meeting, section="connection")
    exclude = ",".join(str(s.question.uuid) for s in shown)
    body = (
        client_for(cast.manager)
        .get(suggestions_url(cast.meeting, exclude=exclude), headers=HTMX)
        .content.decode()
    )
    assert body.count(">Asked</button>") == 2
    for suggestion in shown:
        assert f'value="{suggestion.question.uuid}"' not in body
    assert "First ones again" in body


def test_a_context_reason_is_shown_next_to_its_question(cast: Cast) -> None:
    point_add(
        one_on_one=cast.one_on_one,
        author=cast.report,
        text="Completely swamped this sprint",
        section="performance",
    )
    body = (
        client_for(cast.manager)
        .get(suggestions_url(cast.meeting, "performance"), headers=HTMX)
        .content.decode()
    )
    assert "A talking point mentions “swamped”." in body


def test_the_suggestions_fragment_makes_as_many_queries_with_a_long_history(
    cast: Cast,
) -> None:
    meetings = list(cast.one_on_one.meetings.order_by("scheduled_for"))
    current = meetings[-1]
    client = client_for(cast.manager)

    def measure() -> int:
        return count_queries(lambda: client.get(suggestions_url(current), headers=HTMX))

    def grow() -> None:
        questions = list(Question.objects.order_by("pk")[:60])
        for index, meeting in enumerate(meetings[:-1]):
            Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.HELD)
            for question in questions[index * 6 : index * 6 + 6]:
                AskedQuestion.objects.create(
                    meeting=meeting, question=question, asked_by=cast.manager, follow_up="x"
                )
            point_add(
                one_on_one=cast.one_on_one,
                author=cast.report,
                text=f"Tired and blocked, week {index}",
                section="connection",
            )

    # The person, the meeting, the context from the check-in, from talking points and from goals
    # (obstacles and stalls), what was asked here, the fresh questions. The session comes from
    # the shared cache (in tests the process's memory).
    assert_queries_do_not_grow(measure, grow, pinned=7)


# --- Marking asked -----------------------------------------------------------------------


def test_asked_records_the_question_and_offers_a_follow_up_field(cast: Cast) -> None:
    first, second = suggest(meeting=cast.meeting, section="connection")
    answer = client_for(cast.manager).post(
        asked_url(cast.meeting), {"question": first.question.uuid, "exclude": ""}, headers=HTMX
    )
    body = answer.content.decode()
    assert answer.status_code == 200
    assert AskedQuestion.objects.filter(meeting=cast.meeting, question=first.question).exists()
    assert "Asked in this meeting" in body
    assert f'id="follow-up-{first.question.uuid}"' in body
    assert "autofocus" in body
    assert f'name="question" value="{second.question.uuid}"' in body


def test_asking_twice_keeps_one_record_and_the_follow_up_is_kept(cast: Cast) -> None:
    question = suggest(meeting=cast.meeting, section="performance")[0].question
    client = client_for(cast.manager)
    client.post(asked_url(cast.meeting), {"question": question.uuid}, headers=HTMX)
    client.post(
        asked_url(cast.meeting),
        {"question": question.uuid, "follow_up": "Share the talk notes"},
        headers=HTMX,
    )
    body = client.post(
        asked_url(cast.meeting), {"question": question.uuid}, headers=HTMX
    ).content.decode()
    record = AskedQuestion.objects.get(meeting=cast.meeting)
    assert record.question == question
    assert record.follow_up == "Share the talk notes"
    assert 'value="Share the talk notes"' in body


def test_without_htmx_asked_goes_back_to_the_section(cast: Cast) -> None:
    question = suggest(meeting=cast.meeting, section="performance")[0].question
    answer = client_for(cast.manager).post(asked_url(cast.meeting), {"question": question.uuid})
    assert answer.status_code == 302
    assert answer["Location"] == suggestions_url(cast.meeting, "performance")


def test_a_too_long_follow_up_is_refused_with_a_message(cast: Cast) -> None:
    question = suggest(meeting=cast.meeting, section="performance")[0].question
    body = (
        client_for(cast.manager)
        .post(
            asked_url(cast.meeting),
            {"question": question.uuid, "follow_up": "x" * 501},
            headers=HTMX,
        )
        .content.decode()
    )
    assert "under 500 characters" in body
    assert not AskedQuestion.objects.exists()


@pytest.mark.parametrize("role", ["report", "peer_manager", "admin"])
def test_nobody_but_the_manager_marks_questions_asked(cast: Cast, role: str) -> None:
    question = Question.objects.first()
    assert question is not None
    answer = client_for(getattr(cast, role)).post(
        asked_url(cast.meeting), {"question": question.uuid}, headers=HTMX
    )
    assert answer.status_code == 404
    assert not AskedQuestion.objects.exists()


def test_an_unknown_question_is_not_found(cast: Cast) -> None:
    answer = client_for(cast.manager).post(
        asked_url(cast.meeting),
        {"question": "6f0b7c1e-0000-4000-8000-000000000000"},
        headers=HTMX,
    )
    assert answer.status_code == 404


# --- The panel the meeting-mode page includes ---------------------------------------------


def render_panel(cast: Cast, viewer: Person) -> str:
    request = RequestFactory().get("/")
    request.user = viewer
    request.htmx = False  # type: ignore[attr-defined]
    panel = question_panel_for(viewer, cast.meeting)
    return render_to_string("questions/_panel.html", {"question_panel": panel}, request=request)


def test_the_panel_shows_connection_first_and_the_follow_ups_of_this_meeting(cast: Cast) -> None:
    question = Question.objects.filter(section="performance").first()
    assert question is not None
    services.question_mark_asked(
        meeting=cast.meeting, question=question, by=cast.manager, follow_up="Pair on it Thursday"
    )
    html = render_panel(cast, cast.manager)
    assert html.index('id="questions-connection"') < html.index('id="questions-performance"')
    assert 'value="Pair on it Thursday"' in html
    assert html.count(">Asked</button>") == 4


def test_the_panel_renders_nothing_for_the_report(cast: Cast) -> None:
    assert render_panel(cast, cast.report).strip() == ""
