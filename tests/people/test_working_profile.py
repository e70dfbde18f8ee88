"""The working-with-me profile: the report writes it and chooses, answer by answer, what their
manager sees; the manager reads the shared answers beside (never inside) their person card.
The cast's 1:1 is Mia (manager) with Rui (report)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from rapport import access
from rapport.access import Refused
from rapport.meetings.models import PersonCard
from rapport.meetings.services import person_card_save, person_change_manager
from rapport.people.models import Person, WorkingProfile
from rapport.people.selectors import own_working_profile, shared_working_profile
from rapport.people.services import working_profile_save
from tests.canaries import PROFILE_KEPT, PROFILE_SHARED, plant_canaries
from tests.cast import Cast

SHARED = "Straight away, in private, with an example"
KEPT = "Caring for my mother on Thursdays"
PAGE = reverse("account_working_profile")


def client_of(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def fill(cast: Cast) -> WorkingProfile:
    return working_profile_save(
        person=cast.report,
        by=cast.report,
        answers={"feedback": SHARED, "outside_work": KEPT, "growth": ""},
        shared={"feedback", "growth"},
    )


def form_data(**overrides: str) -> dict[str, str]:
    data = {}
    for name, _, _ in WorkingProfile.ANSWERS:
        data[name] = ""
        data[f"{name}_sharing"] = "kept"
    return {**data, **overrides}


def meeting_page(cast: Cast, person: Person) -> str:
    url = reverse("meetings:meeting", args=[cast.meeting.uuid])
    return client_of(person).get(url).content.decode()


def test_every_answer_is_kept_to_the_person_until_they_share_it(cast: Cast) -> None:
    profile = working_profile_save(
        person=cast.report, by=cast.report, answers={"how_i_work": "Mornings"}, shared=()
    )
    assert not profile.how_i_work_shared
    assert shared_working_profile(cast.manager, cast.report).answers == []  # type: ignore[union-attr]
    assert own_working_profile(cast.report).how_i_work == "Mornings"


def test_the_manager_reads_only_the_shared_answers_that_say_something(cast: Cast) -> None:
    fill(cast)
    shared = shared_working_profile(cast.manager, cast.report)
    assert shared is not None
    # The growth answer is shared but blank: nothing to show.
    assert shared.answers == [("How they like feedback", SHARED)]


@pytest.mark.parametrize("role", ["skip_level", "peer_manager", "hr", "admin", "outsider"])
def test_nobody_but_the_person_and_their_manager_sees_any_of_it(cast: Cast, role: str) -> None:
    fill(cast)
    viewer = getattr(cast, role)
    assert shared_working_profile(viewer, cast.report) is None
    assert not access.can_see_whole_working_profile(viewer, cast.report)


@pytest.mark.parametrize("role", ["manager", "skip_level", "hr", "admin", "outsider"])
def test_only_the_person_writes_their_profile(cast: Cast, role: str) -> None:
    with pytest.raises(Refused):
        working_profile_save(
            person=cast.report, by=getattr(cast, role), answers={"feedback": "x"}, shared=()
        )
    assert not WorkingProfile.objects.exists()


def test_a_new_manager_sees_the_shared_answers_and_the_old_one_loses_them(cast: Cast) -> None:
    fill(cast)
    person_change_manager(person=cast.report, new_manager=cast.peer_manager, by=cast.admin)
    cast.report.refresh_from_db()
    assert shared_working_profile(cast.manager, cast.report) is None
    shared = shared_working_profile(cast.peer_manager, cast.report)
    assert shared is not None and shared.answers == [("How they like feedback", SHARED)]


def test_an_overlong_or_unknown_answer_is_refused_with_a_reason(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="under 2000"):
        working_profile_save(
            person=cast.report, by=cast.report, answers={"growth": "x" * 2001}, shared=()
        )
    with pytest.raises(ValidationError, match="Unknown"):
        working_profile_save(person=cast.report, by=cast.report, answers={"salary": "x"}, shared=())


def test_the_report_fills_the_form_and_is_told_what_is_shared(cast: Cast) -> None:
    client = client_of(cast.report)
    page = client.get(PAGE).content.decode()
    assert "Kept to myself" in page and "Shared with my manager" in page
    assert "Mia Manager, your manager," in page
    response = client.post(
        PAGE,
        form_data(feedback=SHARED, feedback_sharing="shared", outside_work=KEPT, growth="Speaking"),
        follow=True,
    )
    body = response.content.decode()
    assert "1 answer shared with your manager" in body
    profile = WorkingProfile.objects.get(person=cast.report)
    assert (profile.feedback, profile.feedback_shared) == (SHARED, True)
    assert (profile.outside_work, profile.outside_work_shared) == (KEPT, False)
    # What was saved comes back in the form, with its choice.
    assert KEPT in body and 'value="shared" id="id_feedback_sharing_1" required checked' in body


def test_a_bad_sharing_choice_is_explained_and_nothing_is_saved(cast: Cast) -> None:
    response = client_of(cast.report).post(
        PAGE, form_data(feedback=SHARED, feedback_sharing="everyone")
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not WorkingProfile.objects.exists()


def test_the_shared_answers_sit_beside_the_card_and_never_inside_it(cast: Cast) -> None:
    fill(cast)
    person_card_save(one_on_one=cast.one_on_one, by=cast.manager, motivators="Mastery")
    page = meeting_page(cast, cast.manager)
    assert "In Rui's words" in page and "shared by Rui" in page
    assert SHARED in page and KEPT not in page
    card = page[page.index('class="card person-card"') : page.index('class="card shared-profile"')]
    assert "Mastery" in card and SHARED not in card
    assert PersonCard.objects.get(one_on_one=cast.one_on_one).motivators == "Mastery"


def test_the_manager_sees_an_empty_state_until_the_report_shares(cast: Cast) -> None:
    page = meeting_page(cast, cast.manager)
    assert "Rui Report has not shared a working-with-me profile yet" in page


def test_the_report_never_sees_the_card_nor_their_profile_panel_on_the_meeting(
    cast: Cast,
) -> None:
    fill(cast)
    page = meeting_page(cast, cast.report)
    assert "shared-profile" not in page and "person-card" not in page


def test_the_person_card_page_shows_the_shared_answers_too(cast: Cast) -> None:
    fill(cast)
    url = reverse("meetings:person_card", args=[cast.one_on_one.uuid])
    page = client_of(cast.manager).get(url).content.decode()
    assert SHARED in page and KEPT not in page


def test_meeting_mode_shows_the_shared_answers_in_its_context_panel(cast: Cast) -> None:
    fill(cast)
    url = reverse("meetings:mode", args=[cast.meeting.uuid])
    page = client_of(cast.manager).get(url).content.decode()
    assert "mode-fold-shared" in page and SHARED in page and KEPT not in page


def test_the_sweeps_profile_markers_render_to_the_people_allowed_them(cast: Cast) -> None:
    # Guards the canary sweep: the planted answers do show, where and to whom they should.
    plant_canaries(cast)
    own = client_of(cast.report).get(PAGE).content.decode()
    assert PROFILE_KEPT in own and PROFILE_SHARED in own
    managers = meeting_page(cast, cast.manager)
    assert PROFILE_SHARED in managers and PROFILE_KEPT not in managers
    # The manager's own profile page is theirs: nothing of Rui's.
    theirs = client_of(cast.manager).get(PAGE).content.decode()
    assert PROFILE_SHARED not in theirs and PROFILE_KEPT not in theirs


def test_the_previous_manager_loses_the_shared_answers_at_once(cast: Cast) -> None:
    plant_canaries(cast)
    person_change_manager(person=cast.report, new_manager=cast.peer_manager, by=cast.admin)
    client = client_of(cast.manager)
    for route, args in (
        ("meetings:meeting", [cast.meeting.uuid]),
        ("meetings:mode", [cast.meeting.uuid]),
        ("meetings:person_card", [cast.one_on_one.uuid]),
        ("people:detail", [cast.report.uuid]),
    ):
        body = client.get(reverse(route, args=args)).content.decode()
        assert PROFILE_SHARED not in body and PROFILE_KEPT not in body, route
