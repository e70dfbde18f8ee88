from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from rapport.people import forms
from rapport.people.models import Person, Role
from tests.cast import Cast
from tests.people.importing_helpers import csv_bytes, person_row, team

URL = reverse("people:import")


def upload(data: bytes, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.fixture
def admin_client(client: Client, cast: Cast) -> Client:
    client.force_login(cast.admin)
    return client


def test_an_admin_sees_the_upload_form(admin_client: Client) -> None:
    response = admin_client.get(URL)

    assert response.status_code == 200
    assert b'enctype="multipart/form-data"' in response.content
    assert b"manager_email" in response.content


def test_an_admin_imports_a_file(admin_client: Client) -> None:
    response = admin_client.post(URL, {"file": upload(csv_bytes(team(3)))})

    assert response.status_code == 200
    assert response.context["report"].created == 3
    assert b"Imported" in response.content
    assert Person.objects.filter(email="person2@example.org", manager__name="Bea Boss").exists()


def test_it_lists_the_problems_with_their_lines_and_changes_nothing(admin_client: Client) -> None:
    rows = team(3)
    rows[2][4] = "Atlantis/Capital"

    response = admin_client.post(URL, {"file": upload(csv_bytes(rows))})

    assert response.status_code == 200
    content = response.content.decode()
    assert "1 problem found: nothing was changed" in content
    assert '<td class="num">4</td>' in content
    assert "Atlantis/Capital" in content
    assert not Person.objects.filter(email="boss@example.org").exists()


def test_a_check_only_upload_changes_nothing(admin_client: Client) -> None:
    response = admin_client.post(URL, {"file": upload(csv_bytes(team(3))), "dry_run": "on"})

    assert b"nothing was changed yet" in response.content
    assert response.context["report"].created == 3
    assert not Person.objects.filter(email="boss@example.org").exists()


def test_it_can_deactivate_people_missing_from_the_file_but_never_the_admin(
    admin_client: Client, cast: Cast
) -> None:
    data = csv_bytes(team(2))

    response = admin_client.post(URL, {"file": upload(data), "deactivate_missing": "on"})

    assert response.context["report"].deactivated == 8
    cast.admin.refresh_from_db()
    assert cast.admin.is_active


def test_an_admin_cannot_take_away_their_own_admin_role(admin_client: Client, cast: Cast) -> None:
    rows = [person_row("ada@example.com", "Ada Admin", role="member")]

    response = admin_client.post(URL, {"file": upload(csv_bytes(rows))})

    assert b"your own admin role" in response.content
    cast.admin.refresh_from_db()
    assert cast.admin.role == Role.ADMIN


def test_it_refuses_a_file_over_5_mb_before_reading_it(admin_client: Client) -> None:
    data = csv_bytes(team(2)).ljust(forms.MAX_BYTES + 1, b"\n")

    response = admin_client.post(URL, {"file": upload(data)})

    assert response.status_code == 200
    assert response.context["report"] is None
    assert "larger than 5 MB" in str(response.context["form"].errors["file"])


def test_it_explains_a_file_that_is_not_utf8(admin_client: Client) -> None:
    data = "email,name\nzoe@example.org,Zoë\n".encode("cp1252")

    response = admin_client.post(URL, {"file": upload(data)})

    assert "CSV UTF-8" in response.content.decode()


def test_it_shows_only_the_first_problems_of_a_very_bad_file(
    admin_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rapport.people import views

    monkeypatch.setattr(views, "PROBLEMS_SHOWN", 2)
    rows = [person_row(f"p{number}@example.org", "") for number in range(5)]

    response = admin_client.post(URL, {"file": upload(csv_bytes(rows))})

    assert len(response.context["problems"]) == 2
    assert b"And 3 more" in response.content


@pytest.mark.parametrize("role", ["manager", "report", "skip_level", "hr", "outsider"])
def test_it_is_not_found_for_anyone_but_an_admin(client: Client, cast: Cast, role: str) -> None:
    client.force_login(cast.person(role))  # type: ignore[arg-type]
    count = Person.objects.count()

    assert client.get(URL).status_code == 404
    assert client.post(URL, {"file": upload(csv_bytes(team(2)))}).status_code == 404
    assert Person.objects.count() == count


def test_it_sends_anonymous_visitors_to_sign_in(client: Client, db: None) -> None:
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_lists_a_nul_byte_as_a_problem_of_its_row(admin_client: Client) -> None:
    rows = team(2)
    rows[1][0] = "person1@example.org\x00"

    response = admin_client.post(URL, {"file": upload(csv_bytes(rows))})

    assert response.status_code == 200
    content = response.content.decode()
    assert "1 problem found: nothing was changed" in content
    assert "the email contains a NUL character" in content
    assert not Person.objects.filter(email="boss@example.org").exists()
