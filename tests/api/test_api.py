"""The JSON API as its users meet it: tokens, scopes, notes' versions, the limit, people."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.api.models import ApiToken, Scope, hash_secret
from rapport.checkins.models import CheckIn
from rapport.meetings.models import Note, NoteConflictCopy, TalkingPoint
from rapport.people.models import Person
from tests.access_rows.checkins import tomorrow
from tests.access_rows.goals import an_active_goal
from tests.api.helpers import bearer, token_for
from tests.cast import Cast


@pytest.fixture(autouse=True)
def _fresh_rate_counts() -> None:
    cache.clear()


def api(name: str, *args: object) -> str:
    return reverse(f"api:{name}", args=args)


def test_a_token_acts_as_its_person(cast: Cast) -> None:
    answer = Client().get(api("me"), headers=bearer(token_for(cast.report, Scope.READ)))
    assert answer.status_code == 200
    assert answer.json()["email"] == cast.report.email
    assert answer.json()["token_scope"] == "read"
    assert answer["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    "header", ["", "Bearer", "Bearer nope", "Basic abc", "Bearer " + "x" * 500]
)
def test_no_usable_token_gets_401(cast: Cast, header: str) -> None:
    headers = {"Authorization": header} if header else {}
    assert Client().get(api("me"), headers=headers).status_code == 401


def test_only_a_hash_of_the_token_is_stored(cast: Cast) -> None:
    secret = token_for(cast.report)
    stored = ApiToken.objects.get(person=cast.report)
    assert stored.secret_hash == hash_secret(secret)
    assert secret not in str(list(ApiToken.objects.values_list()))


def test_a_revoked_or_expired_token_or_one_of_a_leaver_gets_401(cast: Cast) -> None:
    secret = token_for(cast.report)
    client = Client()
    assert client.get(api("me"), headers=bearer(secret)).status_code == 200
    token = ApiToken.objects.get(person=cast.report)
    token.expires_at = timezone.now() - timedelta(seconds=1)
    token.save()
    assert client.get(api("me"), headers=bearer(secret)).status_code == 401
    token.expires_at = timezone.now() + timedelta(days=1)
    token.revoked_at = timezone.now()
    token.save()
    assert client.get(api("me"), headers=bearer(secret)).status_code == 401
    token.revoked_at = None
    token.save()
    Person.objects.filter(pk=cast.report.pk).update(is_active=False)
    assert client.get(api("me"), headers=bearer(secret)).status_code == 401


def test_last_use_is_recorded(cast: Cast) -> None:
    made_secret = token_for(cast.report)
    ApiToken.objects.update(last_used_at=None)
    Client().get(api("me"), headers=bearer(made_secret))
    assert ApiToken.objects.get().last_used_at is not None


def test_a_read_token_may_not_write_and_nothing_changes(cast: Cast) -> None:
    before = TalkingPoint.objects.count()
    answer = Client().post(
        api("points", cast.one_on_one.uuid),
        {"text": "Hello"},
        content_type="application/json",
        headers=bearer(token_for(cast.report, Scope.READ)),
    )
    assert answer.status_code == 403
    assert TalkingPoint.objects.count() == before


def test_points_added_through_the_api_keep_their_privacy(cast: Cast) -> None:
    client = Client()
    answer = client.post(
        api("points", cast.one_on_one.uuid),
        {"text": "Just mine", "is_private": True},
        content_type="application/json",
        headers=bearer(token_for(cast.report)),
    )
    assert answer.status_code == 201
    seen_by_manager = client.get(
        api("points", cast.one_on_one.uuid), headers=bearer(token_for(cast.manager, Scope.READ))
    ).json()
    assert "Just mine" not in [item["text"] for item in seen_by_manager["items"]]


def test_notes_follow_the_version_rule_with_409(cast: Cast) -> None:
    client = Client()
    url = api("note_save", cast.meeting.uuid, "shared")
    headers = bearer(token_for(cast.report))
    first = client.post(url, {"body": "One", "version": 0}, "application/json", headers=headers)
    assert first.status_code == 200
    assert first.json()["shared"] == {
        "kind": "shared",
        "body": "One",
        "version": 1,
        "editable": True,
    }
    stale = client.post(url, {"body": "Two", "version": 0}, "application/json", headers=headers)
    assert stale.status_code == 409
    assert stale.json()["current_body"] == "One"
    assert Note.objects.get(author=cast.report, kind="shared").body == "One"
    assert NoteConflictCopy.objects.get(author=cast.report).body == "Two"
    newer = client.post(url, {"body": "Three", "version": 1}, "application/json", headers=headers)
    assert newer.status_code == 200
    assert newer.json()["shared"]["version"] == 2


def test_the_limit_answers_429_with_retry_after(cast: Cast, settings: object) -> None:
    settings.RAPPORT_API_REQUESTS_PER_MINUTE = 3  # type: ignore[attr-defined]
    client = Client()
    headers = bearer(token_for(cast.report, Scope.READ))
    statuses = [client.get(api("me"), headers=headers).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get(api("me"), headers=headers)
    assert 1 <= int(limited["Retry-After"]) <= 60
    # Another token of the same person has its own count.
    assert client.get(api("me"), headers=bearer(token_for(cast.report))).status_code == 200


def test_pagination_by_limit_and_offset(cast: Cast) -> None:
    client = Client()
    headers = bearer(token_for(cast.manager, Scope.READ))
    url = api("meetings", cast.one_on_one.uuid)
    whole = client.get(url, {"limit": 100}, headers=headers).json()
    assert whole["count"] >= 3
    second = client.get(url, {"limit": 1, "offset": 1}, headers=headers).json()
    assert second["items"] == whole["items"][1:2]
    assert client.get(url, {"limit": 0}, headers=headers).status_code == 422


def test_an_action_is_added_and_ticked(cast: Cast) -> None:
    client = Client()
    headers = bearer(token_for(cast.manager))
    made = client.post(
        api("actions", cast.one_on_one.uuid),
        {"text": "Book the course", "owner": str(cast.report.uuid)},
        "application/json",
        headers=headers,
    )
    assert made.status_code == 201
    done = client.post(
        api("action_done", made.json()["uuid"]), {"done": True}, "application/json", headers=headers
    )
    assert done.status_code == 200 and done.json()["done"] is True


def test_admins_create_people_all_or_nothing(cast: Cast) -> None:
    client = Client()
    headers = bearer(token_for(cast.admin))
    url = api("people")
    bad = client.post(
        url,
        {
            "people": [
                {"email": "new.one@example.com", "name": "New One"},
                {"email": "not-an-email", "name": "Broken"},
            ]
        },
        "application/json",
        headers=headers,
    )
    assert bad.status_code == 400
    assert [p["index"] for p in bad.json()["problems"]] == [1]
    assert not Person.objects.filter(email="new.one@example.com").exists()
    good = client.post(
        url,
        {
            "people": [
                {
                    "email": "new.one@example.com",
                    "name": "New One",
                    "manager_email": cast.manager.email,
                }
            ]
        },
        "application/json",
        headers=headers,
    )
    assert good.status_code == 200, good.content
    assert Person.objects.get(email="new.one@example.com").manager == cast.manager
    listed = client.get(url, {"limit": 100}, headers=headers).json()
    assert "new.one@example.com" in [p["email"] for p in listed["items"]]
    # Everyone else: 404, as for anything they may not see.
    other = bearer(token_for(cast.hr))
    assert client.get(url, headers=other).status_code == 404


def test_tokens_are_made_shown_once_and_revoked_on_the_account_pages(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.report)
    assert "API tokens" in client.get(reverse("account")).content.decode()
    made = client.post(reverse("api:tokens"), {"name": "Sync", "scope": "read", "days": "30"})
    assert made.status_code == 201
    token = ApiToken.objects.get(person=cast.report)
    assert token.expires_at - timezone.now() > timedelta(days=29)
    page = made.content.decode()
    secret = page.split('readonly value="')[1].split('"')[0]
    assert hash_secret(secret) == token.secret_hash
    listing = client.get(reverse("api:tokens")).content.decode()
    assert secret not in listing and token.hint in listing
    refused = client.post(reverse("api:tokens"), {"name": "", "scope": "read", "days": "9"})
    assert refused.status_code == 200
    assert ApiToken.objects.count() == 1
    assert "Give the token a name" in refused.content.decode()
    client.post(reverse("api:token_revoke", args=[token.uuid]))
    assert Client().get(api("me"), headers=bearer(secret)).status_code == 401


def test_the_openapi_document_and_the_docs_page_are_served(cast: Cast) -> None:
    client = Client()
    document = client.get(reverse("api:openapi"))
    assert document.status_code == 200
    assert "/api/one-on-ones/{pair}/points" in document.json()["paths"]
    docs = client.get(reverse("api:docs"))
    assert docs.status_code == 200
    assert "<script>" not in docs.content.decode()
    assert "swagger-ui-bundle.js" in docs.content.decode()


@pytest.mark.parametrize(
    ("route", "body"),
    [
        ("points", {"text": "nul \x00 inside"}),
        ("points", {"text": "   "}),
        ("points", {"text": "x" * 501}),
        ("points", {"text": "Fine", "section": "gossip"}),
        ("points", ["not", "an", "object"]),
        ("actions", {"text": "Do it", "owner": "not-a-uuid"}),
        ("actions", {"text": "Do it", "owner": "00000000-0000-4000-8000-000000000000"}),
        ("actions", {"text": "Do it", "owner": "", "due_on": "2026-02-30"}),
    ],
)
def test_bad_bodies_get_a_4xx_and_change_nothing(cast: Cast, route: str, body: object) -> None:
    before = (TalkingPoint.objects.count(), cast.one_on_one.actions.count())
    answer = Client().post(
        api(route, cast.one_on_one.uuid),
        body,
        "application/json",
        headers=bearer(token_for(cast.report)),
    )
    assert answer.status_code in (400, 422), answer.content
    assert (TalkingPoint.objects.count(), cast.one_on_one.actions.count()) == before


def test_a_body_that_is_not_json_gets_a_4xx(cast: Cast) -> None:
    answer = Client().post(
        api("note_save", cast.meeting.uuid, "shared"),
        "{not json",
        "application/json",
        headers=bearer(token_for(cast.report)),
    )
    assert answer.status_code in (400, 422)
    assert not Note.objects.filter(meeting=cast.meeting).exists()


def test_progress_is_recorded_on_an_active_goal(cast: Cast) -> None:
    an_active_goal(cast)
    goal = cast.one_on_one.goals.get(status="active")
    client = Client()
    headers = bearer(token_for(cast.report))
    url = api("goal_progress", goal.uuid)
    empty = client.post(url, {}, "application/json", headers=headers)
    assert empty.status_code == 400
    made = client.post(url, {"value": "12.5", "confidence": 7}, "application/json", headers=headers)
    assert made.status_code == 201, made.content
    progress = client.get(api("goal", goal.uuid), headers=headers).json()["progress"]
    assert [(p["value"], p["confidence"]) for p in progress] == [("12.50", 7)]


# --- Check-ins through the API -----------------------------------------------------------------

CHECKIN = {"mood": 4, "energy": 3, "workload": 5, "wins": "Shipped the rota", "topics": "Hiring"}


def checkin_state(cast: Cast) -> tuple[list[tuple[int, int, int, str, str]], list[str]]:
    checkins = list(CheckIn.objects.values_list("mood", "energy", "workload", "wins", "topics"))
    points = list(
        TalkingPoint.objects.filter(one_on_one=cast.one_on_one).values_list("text", flat=True)
    )
    return checkins, points


def test_the_report_submits_and_revises_a_check_in(cast: Cast) -> None:
    tomorrow(cast)
    client = Client()
    url = api("checkin_submit", cast.meeting.uuid)
    headers = bearer(token_for(cast.report))
    body = {**CHECKIN, "outside_work": "  Moving house  ", "outside_work_shared": False}
    made = client.post(url, body, "application/json", headers=headers)
    assert made.status_code == 200, made.content
    answer = made.json()
    assert (answer["meeting"], answer["mood"], answer["workload"]) == (
        str(cast.meeting.uuid),
        4,
        5,
    )
    assert answer["outside_work"] == "Moving house"  # trimmed as the form trims
    checkin = CheckIn.objects.get(meeting=cast.meeting)
    assert (checkin.report, checkin.wins, checkin.outside_work_shared) == (
        cast.report,
        "Shipped the rota",
        False,
    )
    points = TalkingPoint.objects.filter(one_on_one=cast.one_on_one)
    hiring = [(p.author, p.section) for p in points if p.text == "Hiring"]
    assert hiring == [(cast.report, "connection")]
    # Sent again with a new topic: the same check-in, each topic on the agenda once; texts left
    # out are saved blank, as the form saves them.
    again = client.post(
        url,
        {**CHECKIN, "mood": 2, "topics": "Hiring\nTraining"},
        "application/json",
        headers=headers,
    )
    assert again.status_code == 200, again.content
    assert again.json()["uuid"] == answer["uuid"]
    checkin.refresh_from_db()
    assert (checkin.mood, checkin.outside_work) == (2, "")
    texts = [point.text for point in points.all()]
    assert (texts.count("Hiring"), texts.count("Training")) == (1, 1)
    # The manager reads it through the API like any check-in.
    listed = client.get(
        api("checkins", cast.one_on_one.uuid), headers=bearer(token_for(cast.manager, Scope.READ))
    ).json()
    assert [item["mood"] for item in listed["items"]] == [2]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"mood": 0}, "greater than or equal to 1"),
        ({"energy": 6}, "less than or equal to 5"),
        ({"workload": None}, "valid integer"),
        ({"mood": "great"}, "valid integer"),
        ({"wins": "x" * 2001}, "at most 2000 characters"),
        ({"challenges": "nul \x00 inside"}, "Null characters are not allowed."),
        ({"outside_work_shared": "perhaps"}, "valid boolean"),
        ({"topics": "\n".join(f"Topic {n}" for n in range(11))}, "At most 10 topics"),
        ({"topics": "y" * 501}, "Keep each topic under 500 characters"),
    ],
)
def test_a_check_in_is_checked_as_the_form_checks_it(
    cast: Cast, change: dict[str, object], message: str
) -> None:
    tomorrow(cast)
    before = checkin_state(cast)
    answer = Client().post(
        api("checkin_submit", cast.meeting.uuid),
        {**CHECKIN, **change},
        "application/json",
        headers=bearer(token_for(cast.report)),
    )
    assert answer.status_code == 422, answer.content
    assert message in str(answer.json()["detail"])
    assert checkin_state(cast) == before


def test_a_check_in_without_its_scores_gets_422(cast: Cast) -> None:
    tomorrow(cast)
    answer = Client().post(
        api("checkin_submit", cast.meeting.uuid),
        {"wins": "No scores"},
        "application/json",
        headers=bearer(token_for(cast.report)),
    )
    assert answer.status_code == 422
    missing = {tuple(error["loc"])[-1] for error in answer.json()["detail"]}
    assert missing == {"mood", "energy", "workload"}
    assert not CheckIn.objects.exists()


def test_a_closed_check_in_gets_400_and_nothing_is_saved(cast: Cast) -> None:
    cast.meeting.scheduled_for = timezone.now() + timedelta(days=60)
    cast.meeting.save(update_fields=["scheduled_for"])
    before = checkin_state(cast)
    answer = Client().post(
        api("checkin_submit", cast.meeting.uuid),
        CHECKIN,
        "application/json",
        headers=bearer(token_for(cast.report)),
    )
    assert answer.status_code == 400
    assert answer.json() == {"detail": "This check-in is not open."}
    assert checkin_state(cast) == before


@pytest.mark.parametrize(
    ("role", "scope", "status"),
    [
        ("report", Scope.READ, 403),
        ("manager", Scope.READ_WRITE, 404),
        ("peer_manager", Scope.READ_WRITE, 404),
        ("outsider", Scope.READ_WRITE, 404),
    ],
)
def test_only_the_report_with_a_write_token_checks_in(
    cast: Cast, role: str, scope: str, status: int
) -> None:
    tomorrow(cast)
    before = checkin_state(cast)
    answer = Client().post(
        api("checkin_submit", cast.meeting.uuid),
        CHECKIN,
        "application/json",
        headers=bearer(token_for(getattr(cast, role), scope)),
    )
    assert answer.status_code == status
    assert checkin_state(cast) == before
