"""Pages only read: moving the 1:1s' horizon of meeting rows is the worker's job (notify_tick;
tests/notify/test_tick.py holds that it extends), not something a GET does on the way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rapport.meetings.models import Meeting, OneOnOne
from rapport.meetings.services import EXTEND_WHEN_LESS_THAN
from tests.cast import Cast

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


def running_short(cast: Cast) -> None:
    """The pair's rows end sooner than the horizon wants: the state a page used to repair."""
    OneOnOne.objects.filter(pk=cast.one_on_one.pk).update(
        scheduled_until=timezone.now() + EXTEND_WHEN_LESS_THAN - timedelta(days=1)
    )


@pytest.mark.parametrize("role", ["manager", "report"])
def test_the_home_page_writes_nothing_even_when_a_schedule_runs_short(
    cast: Cast, role: str
) -> None:
    running_short(cast)
    meetings = Meeting.objects.count()
    client = Client()
    client.force_login(getattr(cast, role))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert writes == []
    assert Meeting.objects.count() == meetings
