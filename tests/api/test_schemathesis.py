"""Schemathesis runs the whole OpenAPI document against the app inside pytest (so on SQLite and
on PostgreSQL alike, through the WSGI application and the test database): every operation, with
random path parameters and with the cast's real ones, as a person of the cast's 1:1 and as an
admin, must give no server error and only answers that match the document."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from rapport.api.models import Scope
from tests.api.helpers import bearer, token_for
from tests.cast import Cast

# Bounded so the fast tier keeps its time budget: 18 operations x 2 roles x 2 kinds of path.
EXAMPLES_PER_OPERATION = 6


def real_path_parameters(cast: Cast) -> dict[str, str]:
    action = cast.one_on_one.actions.order_by("pk").first()
    assert action is not None
    return {
        "pair": str(cast.one_on_one.uuid),
        "meeting": str(cast.meeting.uuid),
        "action": str(action.uuid),
    }


@pytest.fixture
def _connection_kept_between_requests() -> Iterator[None]:
    # As Django's test client does: the WSGI handler would close the test's database connection
    # (and its transaction) at the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# About 40 s on the shared 2-core VM (18 operations, 4 runs each): over the fast tier's budget.
@pytest.mark.slow
@pytest.mark.usefixtures("_connection_kept_between_requests")
def test_the_whole_document_holds_against_the_app(cast: Cast) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 15
    real = real_path_parameters(cast)
    failures: list[str] = []
    calls: list[int] = []
    for role in ("report", "admin"):
        cache.clear()  # the per-token limit is tested apart (tests/api/test_api.py)
        token = token_for(cast.person(role), Scope.READ_WRITE)  # type: ignore[arg-type]
        # Identity: the WSGI transport does not undo the compression GZipMiddleware applies.
        headers = bearer(token) | {"Accept-Encoding": "identity"}
        for operation in operations:
            for use_real in (False, True):
                check = checker(operation, headers, real if use_real else {}, calls)
                try:
                    check()
                except (Exception, BaseExceptionGroup) as failure:
                    failures.append(f"{role} {operation.label}: {failure}"[:2000])
    assert not failures, "\n\n".join(failures)
    assert len(calls) > len(operations) * 4


def checker(
    operation: Any, headers: dict[str, str], real: dict[str, str], calls: list[int]
) -> Callable[[], None]:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        if real and case.path_parameters:
            case.path_parameters = {
                name: real.get(name, value) for name, value in case.path_parameters.items()
            }
        response = case.call(headers=headers)
        calls.append(response.status_code)
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

    return check
