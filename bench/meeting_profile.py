"""CPU per request and queries of the meeting page and the fragments it polls, for the manager
and the report of one pair, in-process, warm, one request at a time (as bench/profile.py).

    RAPPORT_VAR_DIR=/tmp/x-var rapport migrate && RAPPORT_VAR_DIR=/tmp/x-var rapport demo
    RAPPORT_PRODUCTION=false RAPPORT_VAR_DIR=/tmp/x-var python -m bench.meeting_profile \
        [--requests 40] [--sql "agenda fragment"] [--cprofile "meeting page"]

The pair is the demo's (or `rapport synth`'s) manager of 30 with their first report by name, and
the meeting is that pair's next upcoming one: the meeting page `make bench` loads. `--sql PAGE`
prints that page's queries (for the manager); `--cprofile PAGE` where its time goes. "agenda
unchanged" is the poll of an open meeting page while nothing changes (answered 204); "agenda,
notes typed" the same poll after each of the manager's note autosaves (a shared note saved
before each request).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from typing import Any

import django

from bench.profile import DEMO_MANAGER, PRODUCTION_ENV, measure_page, print_profile


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=40, help="measured, after 5 warm-ups")
    parser.add_argument("--sql", default="", help="a page name: print its queries")
    parser.add_argument("--cprofile", default="", help="a page name: print its profile")
    options = parser.parse_args()
    if "RAPPORT_PRODUCTION" not in os.environ:  # else the database's own key and settings
        os.environ.update(PRODUCTION_ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    django.setup()
    print(f"{'page':<22}{'viewer':<9}{'CPU ms':>8}{'min':>8}{'wall ms':>9}{'SQL':>5}{'KB':>7}")
    for row in measure(options.requests, options.sql, options.cprofile):
        print(
            f"{row['page']:<22}{row['viewer']:<9}{row['cpu_ms']:>8.2f}{row['cpu_min_ms']:>8.2f}"
            f"{row['wall_ms']:>9.2f}{row['queries']:>5}{row['bytes'] / 1024:>7.1f}"
        )
    print(
        f"(CPU per request: median and least of {options.requests} requests, one at a time, "
        "in-process, warm)"
    )


def measure(requests: int, sql_page: str, profile_page: str) -> list[dict[str, Any]]:
    from django.test import Client
    from django.urls import reverse

    from bench.sessions import session_cookie
    from rapport import versions
    from rapport.fakedata.plan import REFERENCE_MANAGER_EMAIL
    from rapport.meetings.models import Meeting, Note, OneOnOne
    from rapport.meetings.services import note_save
    from rapport.meetings.views.meeting import AGENDA_SEEN_HEADER
    from rapport.people.models import Person

    manager = Person.objects.filter(email__in=[DEMO_MANAGER, REFERENCE_MANAGER_EMAIL]).first()
    if manager is None:
        sys.exit("no manager of 30 in this database: run `rapport demo` or `rapport synth`")
    pair = (
        OneOnOne.objects.filter(manager=manager, status=OneOnOne.Status.ACTIVE)
        .select_related("report")
        .order_by("report__name", "pk")
        .first()
    )
    meeting = (
        Meeting.objects.filter(one_on_one=pair, status=Meeting.Status.UPCOMING)
        .order_by("scheduled_for")
        .first()
    )
    if pair is None or meeting is None:
        sys.exit("the manager's first pair has no upcoming meeting")
    htmx = {"HX-Request": "1"}
    pages = [
        ("meeting page", reverse("meetings:meeting", args=[meeting.uuid]), {}),
        ("agenda fragment", reverse("meetings:agenda", args=[meeting.uuid]), htmx),
        ("mode page", reverse("meetings:mode", args=[meeting.uuid]), {}),
        (
            "clock fragment",
            reverse("meetings:mode_clock", args=[meeting.uuid]),
            {"HX-Request": "1"},
        ),
    ]
    rows = []
    for viewer, person in (("manager", manager), ("report", pair.report)):
        client = Client(HTTP_HOST="127.0.0.1", HTTP_COOKIE=session_cookie(person))
        # What an open meeting page's poll sends every 15 s while nothing changes: the tag of
        # the agenda the page shows, answered 204 (with the page cache on, as in production).
        page = client.get(pages[0][1], secure=True).content.decode()
        tag = re.search(rf'"{AGENDA_SEEN_HEADER}": "([0-9a-f]+)"', page)
        seen = {**htmx, AGENDA_SEEN_HEADER: tag.group(1)} if tag else {}
        unchanged = (
            [
                ("agenda unchanged", pages[1][1], seen),
                # The same poll while the manager types notes, autosaved every few seconds:
                # notes move no version, so it is answered 204 too.
                ("agenda, notes typed", pages[1][1], seen),
            ]
            if tag
            else []
        )
        # The first visit after a write that concerns the viewer: the page cache builds the
        # page anew (what the warm figures skip).
        written = "meeting, after write"

        def write(pk: int = person.pk) -> None:
            versions.bump_people([pk])

        def type_notes() -> None:
            current = Note.objects.filter(
                meeting=meeting, author=manager, kind=Note.Kind.SHARED
            ).first()
            note_save(
                meeting=meeting,
                author=manager,
                kind=Note.Kind.SHARED,
                body=f"Notes typed at {time.perf_counter()}",
                base_version=current.version if current else 0,
            )

        # Last: its writes move the tag the poll above sends.
        for name, url, headers in [*pages[:2], *unchanged, *pages[2:], (written, pages[0][1], {})]:
            before = {written: write, "agenda, notes typed": type_notes}.get(name)
            status = 204 if headers is seen else 200
            row, queries = measure_page(
                client, url, requests, headers, status=status, before=before
            )
            if name == sql_page and viewer == "manager":
                for number, sql in enumerate(queries, start=1):
                    print(f"{number:>3}. {sql[:300]}", file=sys.stderr)
            rows.append({"page": name, "viewer": viewer, **row})
            if name == profile_page and viewer == "manager":
                print_profile(client, url, requests, headers)
    return rows


if __name__ == "__main__":
    main()
