"""Where a chat webhook may point: https; in production never a private, loopback or link-local
address (no request forgery into the installation's network), checked again before each post;
plain http only to loopback, only when DEBUG or the tests allow it."""

from __future__ import annotations

import pytest
from pytest_django import Settings

from rapport.notify import chat


def public(host: str) -> list[str]:
    return ["93.184.215.14"]


def private(host: str) -> list[str]:
    return ["93.184.215.14", "10.1.2.3"]


def test_https_is_accepted_outside_production(settings: Settings) -> None:
    settings.PRODUCTION = False
    assert chat.webhook_url_problem("https://hooks.slack.com/services/T0/B0/x") is None


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/x", "file:///etc/passwd", "hooks.slack.com/services", "https://", ""],
)
def test_other_schemes_and_broken_addresses_are_refused(settings: Settings, url: str) -> None:
    assert chat.webhook_url_problem(url) is not None


def test_credentials_in_the_address_are_refused() -> None:
    assert chat.webhook_url_problem("https://me:pw@example.com/hook") is not None


def test_plain_http_goes_to_loopback_only_and_only_when_allowed(settings: Settings) -> None:
    settings.PRODUCTION = False
    settings.CHAT_WEBHOOK_ALLOW_LOOPBACK_HTTP = False
    assert "https" in str(chat.webhook_url_problem("http://127.0.0.1:8080/hook"))
    settings.CHAT_WEBHOOK_ALLOW_LOOPBACK_HTTP = True
    assert chat.webhook_url_problem("http://127.0.0.1:8080/hook") is None
    assert chat.webhook_url_problem("http://localhost:8080/hook") is None
    assert chat.webhook_url_problem("http://[::1]:8080/hook") is None
    assert "127.0.0.1" in str(chat.webhook_url_problem("http://example.com/hook"))
    assert "127.0.0.1" in str(chat.webhook_url_problem("http://10.0.0.5/hook"))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.0.0.5/hook",
        "https://192.168.1.10/hook",
        "https://172.16.0.1/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://[fd00::1]/hook",
        "https://[::ffff:10.0.0.1]/hook",
        "https://0.0.0.0/hook",
        "https://100.64.0.1/hook",
    ],
)
def test_production_refuses_every_address_that_is_not_public(settings: Settings, url: str) -> None:
    settings.PRODUCTION = True
    settings.CHAT_WEBHOOK_ALLOW_LOOPBACK_HTTP = True  # production wins
    assert chat.webhook_url_problem(url, resolver=lambda host: ["127.0.0.1"]) is not None


def test_production_looks_up_the_host_and_refuses_a_private_answer(settings: Settings) -> None:
    settings.PRODUCTION = True
    url = "https://hooks.example.com/x"
    assert chat.webhook_url_problem(url, resolver=public) is None
    assert "private network" in str(chat.webhook_url_problem(url, resolver=private))

    def missing(host: str) -> list[str]:
        raise OSError("no such host")

    assert "does not resolve" in str(chat.webhook_url_problem(url, resolver=missing))


def test_a_host_that_now_resolves_privately_is_refused_before_posting(settings: Settings) -> None:
    """The address is checked again at every post (a name can change its answer)."""
    settings.PRODUCTION = True
    with pytest.raises(chat.WebhookFailed, match="private network"):
        chat.post("https://hooks.example.com/x", "{}", key="k", resolver=private)


def test_the_retry_waits_double() -> None:
    assert [chat.retry_wait(n).total_seconds() / 60 for n in range(1, 6)] == [1, 2, 4, 8, 16]
