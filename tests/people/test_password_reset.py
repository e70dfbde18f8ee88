"""Asking for a password reset: the same work for every address, the email sent by the worker
through the outbox, and limits per account and per client address."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings

from rapport.notify.models import Kind, Outbox
from rapport.notify.services import outbox_send_due, password_reset_email_queue
from rapport.people.models import PasswordResetRequest, Person
from tests.cast import Cast

DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def queued(settings: Settings) -> list[Any]:
    """The tasks the requests enqueued, not yet run."""
    from django.tasks import task_backends

    settings.TASKS = DUMMY_TASKS
    results: list[Any] = task_backends["default"].results  # type: ignore[attr-defined]
    return results


def ask(client: Client, email: str, address: str = "203.0.113.7") -> Any:
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def run_worker(queued: list[Any]) -> None:
    """What `rapport worker` does: run the enqueued tasks, then send the outbox."""
    while queued:
        result = queued.pop(0)
        result.task.call(*result.args, **result.kwargs)
    outbox_send_due()


def test_a_reset_email_arrives_from_the_worker_and_leads_to_a_new_password(
    cast: Cast, client: Client, queued: list[Any]
) -> None:
    response = ask(client, "Rui@Example.com")
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []  # nothing is sent inside the request
    run_worker(queued)
    [message] = mail.outbox
    assert message.to == ["rui@example.com"]
    link = next(line for line in message.body.splitlines() if "/password-reset/" in line).strip()
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"]
    new_password = "a brand new passphrase"
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    signed_in = Client().post(
        reverse("login"), {"email": "rui@example.com", "password": new_password}
    )
    assert signed_in.status_code == 302


def reset_password(client: Client, queued: list[Any], email: str, new_password: str) -> None:
    """Ask for the email, follow its link in `client` and choose `new_password`."""
    ask(client, email)
    run_worker(queued)
    body = mail.outbox[-1].body
    link = next(line for line in body.splitlines() if "/password-reset/" in line).strip()
    form_page = client.get("/" + link.split("://", 1)[1].split("/", 1)[1], follow=True)
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done["Location"] == reverse("password_reset_complete")


def test_completing_a_reset_lets_that_browser_into_an_account_under_attack(
    cast: Cast, client: Client, queued: list[Any]
) -> None:
    attacker = Client()
    for attempt in range(10):
        attacker.post(
            reverse("login"),
            {"email": "rui@example.com", "password": "wrong"},
            REMOTE_ADDR=f"198.51.100.{attempt}",
        )
    reset_password(client, queued, "rui@example.com", "a brand new passphrase")
    credentials = {"email": "rui@example.com", "password": "a brand new passphrase"}
    # The refusal's advice works for the browser that followed the link, and only for it.
    assert client.post(reverse("login"), credentials).status_code == 302
    assert Client().post(reverse("login"), credentials).status_code == 429


def test_the_link_is_built_from_the_base_url_not_the_request_host(
    cast: Cast, client: Client, queued: list[Any], settings: Settings
) -> None:
    settings.BASE_URL = "https://rapport.example.com"
    settings.ALLOWED_HOSTS = ["evil.example", "testserver"]
    client.post(reverse("password_reset"), {"email": "rui@example.com"}, HTTP_HOST="evil.example")
    run_worker(queued)
    assert "https://rapport.example.com/password-reset/" in mail.outbox[0].body
    assert "evil.example" not in mail.outbox[0].body


def sql_shapes(queries: list[dict[str, Any]]) -> list[str]:
    """The statements without their values (addresses, times)."""
    return [re.sub(r"'[^']*'|\b\d+\b", "?", query["sql"]) for query in queries]


def test_known_and_unknown_addresses_take_the_same_path_and_send_nothing_in_the_request(
    cast: Cast, client: Client, queued: list[Any]
) -> None:
    with CaptureQueriesContext(connection) as known:
        known_response = ask(client, "rui@example.com", address="192.0.2.1")
    with CaptureQueriesContext(connection) as unknown:
        unknown_response = ask(client, "nobody@example.com", address="192.0.2.2")
    assert sql_shapes(known.captured_queries) == sql_shapes(unknown.captured_queries)
    assert "people_person" not in " ".join(sql_shapes(known.captured_queries))
    assert known_response["Location"] == unknown_response["Location"]
    assert mail.outbox == [] and not Outbox.objects.exists()
    assert len(queued) == 2
    run_worker(queued)
    assert [m.to for m in mail.outbox] == [["rui@example.com"]]


def test_twenty_requests_for_one_account_send_at_most_three_emails(
    cast: Cast, client: Client, queued: list[Any]
) -> None:
    for attempt in range(20):
        response = ask(client, "rui@example.com", address=f"198.51.100.{attempt}")
        assert response["Location"] == reverse("password_reset_done")
    run_worker(queued)
    assert len(mail.outbox) == 3


def test_one_client_address_may_ask_ten_times_an_hour(
    cast: Cast, client: Client, queued: list[Any]
) -> None:
    for attempt in range(15):
        response = ask(client, f"someone{attempt}@example.com", address="198.51.100.1")
        assert response["Location"] == reverse("password_reset_done")
    assert len(queued) == 10
    assert PasswordResetRequest.objects.filter(queued=False).count() == 5


def test_the_limits_lift_after_an_hour(
    cast: Cast, client: Client, queued: list[Any], time_machine: Any
) -> None:
    for _ in range(4):
        ask(client, "rui@example.com")
    assert len(queued) == 3
    time_machine.move_to(timezone.now() + timedelta(hours=1, seconds=1))
    ask(client, "rui@example.com")
    assert len(queued) == 4


def test_running_the_task_twice_sends_one_email(cast: Cast) -> None:
    assert password_reset_email_queue(email="rui@example.com", key="password_reset:once")
    assert not password_reset_email_queue(email="rui@example.com", key="password_reset:once")
    assert Outbox.objects.filter(kind=Kind.PASSWORD_RESET).count() == 1


def test_the_worker_keeps_to_the_account_limit_on_its_own(cast: Cast) -> None:
    # Even if the request's counts were lost (rows deleted, several sites on one database).
    for attempt in range(5):
        password_reset_email_queue(email="rui@example.com", key=f"password_reset:{attempt}")
    assert Outbox.objects.filter(kind=Kind.PASSWORD_RESET).count() == 3


def test_an_unknown_or_departed_address_gets_nothing(cast: Cast) -> None:
    Person.objects.filter(pk=cast.report.pk).update(is_active=False)
    assert not password_reset_email_queue(email="rui@example.com", key="password_reset:a")
    assert not password_reset_email_queue(email="nobody@example.com", key="password_reset:b")
    assert not Outbox.objects.exists()


def test_an_imported_person_without_a_password_can_set_one_by_reset(
    cast: Cast, client: Client, queued: list[Any]
) -> None:
    fresh = Person.objects.create_user("fresh@example.com", None, name="Fresh Start")
    assert not fresh.has_usable_password()
    ask(client, "fresh@example.com")
    run_worker(queued)
    assert [m.to for m in mail.outbox] == [["fresh@example.com"]]


def test_an_invalid_address_is_shown_the_form_again(cast: Cast, client: Client) -> None:
    response = ask(client, "not an address")
    assert response.status_code == 200
    assert not PasswordResetRequest.objects.exists()
