"""Real Chromium (Debian's package) driven by Playwright; no browser is downloaded.

Without /usr/bin/chromium these tests are skipped locally; CI sets RAPPORT_REQUIRE_BROWSER=1
so that a missing browser fails instead of silently skipping.
"""

from __future__ import annotations

import importlib
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# pytest-django's live_server sets up the database from inside Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("RAPPORT_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("RAPPORT_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


def _load_question_bank() -> None:
    """The built-in questions come from a data migration, and the flush after every
    transactional test empties the table: load them again, as the migration does, so a test
    reading the bank does not depend on running first."""
    from django.apps import apps

    loader = importlib.import_module("rapport.questions.migrations.0002_load_question_bank")
    loader.load_builtin_questions(apps, None)


class RequestsInFlight:
    """Counts the live server's requests between Django's request_started and request_finished.

    Closing a page does not stop a request the server is already answering; if the database is
    flushed meanwhile, PostgreSQL's TRUNCATE and that request's locks can deadlock."""

    def __init__(self) -> None:
        self._count = 0
        self._lock = threading.Lock()

    def started(self, **kwargs: Any) -> None:
        with self._lock:
            self._count += 1

    def finished(self, **kwargs: Any) -> None:
        with self._lock:
            self._count -= 1

    def wait_until_idle(self, timeout: float = 10.0) -> None:
        # Idle twice in a row: a request already sent may reach the server a moment later.
        deadline = time.monotonic() + timeout
        quiet_checks = 0
        while quiet_checks < 2 and time.monotonic() < deadline:
            quiet_checks = quiet_checks + 1 if self._count <= 0 else 0
            time.sleep(0.05)


@pytest.fixture
def open_page(browser: Any, live_server: Any, transactional_db: None) -> Iterator[Any]:
    """Opens pages in fresh browser contexts (one per person). Depending on the live server and
    the database makes pytest close every page *before* the database is flushed, and teardown
    then waits for the server to finish what it was answering: a page left polling or
    autosaving into a flush locks SQLite, deadlocks PostgreSQL, and spoils the next test."""
    from django.core.signals import request_finished, request_started

    contexts: list[Any] = []
    in_flight = RequestsInFlight()
    request_started.connect(in_flight.started, dispatch_uid="browser-in-flight-start")
    request_finished.connect(in_flight.finished, dispatch_uid="browser-in-flight-end")
    _load_question_bank()

    def open_one(width: int = 1280) -> Any:
        context = browser.new_context(viewport={"width": width, "height": 900})
        contexts.append(context)
        page = context.new_page()
        problems: list[str] = []
        page.on(
            "console",
            lambda message: problems.append(message.text) if message.type == "error" else None,
        )
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.console_problems = problems
        return page

    yield open_one
    for context in contexts:
        context.close()
    in_flight.wait_until_idle()
    request_started.disconnect(dispatch_uid="browser-in-flight-start")
    request_finished.disconnect(dispatch_uid="browser-in-flight-end")


@pytest.fixture
def page(open_page: Any) -> Any:
    return open_page()


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
