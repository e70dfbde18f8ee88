"""Run inside Rapport's settings (`python -m bench.probe`): signs the benchmark's people in,
finds the pages to load, counts each page's SQL queries, and prints it all as JSON.

Queries are counted here through Django's test client on the same database the server uses;
the server under load runs without any counting in its way.
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import Any

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from bench.sessions import session_cookie
    from rapport.fakedata.plan import HR_EMAIL, REFERENCE_MANAGER_EMAIL
    from rapport.meetings.models import Meeting, OneOnOne
    from rapport.people.models import Person

    manager = Person.objects.get(email=REFERENCE_MANAGER_EMAIL)
    hr = Person.objects.get(email=HR_EMAIL)
    first_pair = (
        OneOnOne.objects.filter(manager=manager, status=OneOnOne.Status.ACTIVE)
        .order_by("report__name", "pk")
        .first()
    )
    next_meeting = (
        Meeting.objects.filter(one_on_one=first_pair, status=Meeting.Status.UPCOMING)
        .order_by("scheduled_for")
        .first()
    )
    assert next_meeting is not None, "the reference pair has no upcoming meeting"
    cookies = {"manager": session_cookie(manager), "hr": session_cookie(hr)}
    pages = [
        ("floor", reverse("alive"), None),
        # The full layout signed in (session, user, navigation) and nothing else.
        ("signed-in floor", reverse("password_change_done"), "manager"),
        ("home", reverse("home"), "manager"),
        ("team view (30)", reverse("insights:team"), "manager"),
        ("meeting page", reverse("meetings:meeting", args=[next_meeting.uuid]), "manager"),
        ("org view (HR)", reverse("insights:org"), "hr"),
    ]
    found: list[dict[str, Any]] = []
    for name, url, who in pages:
        client = Client(HTTP_HOST="127.0.0.1", HTTP_COOKIE=cookies[who] if who else "")
        client.get(url, secure=True)  # the first request warms per-process caches
        cache.clear()  # but the count is of the full work (the org view keeps its result)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, secure=True)
        if response.status_code != 200:
            sys.exit(f"{name} ({url}) answered {response.status_code}, not 200")
        found.append(
            {
                "name": name,
                "path": url,
                "cookie": cookies[who] if who else "",
                "queries": len(queries),
                "bytes": len(response.content),
            }
        )
    home = Client(HTTP_HOST="127.0.0.1", HTTP_COOKIE=cookies["manager"])
    html = home.get(reverse("home"), secure=True).content.decode()
    assets = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html)
    json.dump({"pages": found, "assets": sorted(set(assets))}, sys.stdout)


if __name__ == "__main__":
    main()
