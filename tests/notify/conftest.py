"""A real SMTP server on loopback (aiosmtpd) that keeps what arrives, and task backends the tests
can read: the dummy backend records what was enqueued, the immediate one runs it at once."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from pytest_django import Settings

DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@dataclass
class Arrived:
    to: list[str]
    message: EmailMessage
    raw: bytes

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, content_type: str) -> str:
        body = self.message.get_body(preferencelist=(content_type.split("/")[1],))
        assert body is not None, content_type
        return str(body.get_content())

    @property
    def text(self) -> str:
        return self.part("text/plain")

    @property
    def html(self) -> str:
        return self.part("text/html")


@dataclass
class Mailbox:
    """What the SMTP server accepted. `refuse` makes it answer the next N messages with 451."""

    arrived: list[Arrived] = field(default_factory=list)
    refuse: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse > 0:
            self.refuse -= 1
            return "451 Try again later"
        parsed = email.message_from_bytes(envelope.original_content, policy=default_policy)
        self.arrived.append(
            Arrived(to=list(envelope.rcpt_tos), message=parsed, raw=envelope.original_content)
        )
        return "250 OK"

    def to(self, address: str) -> list[Arrived]:
        return [item for item in self.arrived if address in item.to]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp(settings: Settings) -> Iterator[Mailbox]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture
def dummy_tasks(settings: Settings) -> list[Any]:
    """The list of task results enqueued while the test runs."""
    from django.tasks import task_backends

    settings.TASKS = DUMMY_TASKS
    return task_backends["default"].results  # type: ignore[attr-defined]


@pytest.fixture
def immediate_tasks(settings: Settings) -> None:
    settings.TASKS = IMMEDIATE_TASKS
