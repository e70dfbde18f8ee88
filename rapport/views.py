from __future__ import annotations

import sys
from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import defaults
from django.views.decorators.http import require_GET

from rapport import access, pagecache
from rapport.database import write_refusal
from rapport.display import url_patterns
from rapport.home import HomePage, MeetingRow, home_page
from rapport.http import SignedInRequest
from rapport.middleware import refused_write_answer
from rapport.notify.selectors import email_health_fields
from rapport.people import selectors
from rapport.people.charts import team_sizes_chart


@require_GET
def home(request: SignedInRequest) -> HttpResponse:
    """One page per person. A manager gets a triage board (rapport/home.py): the 1:1s of today
    and the coming days with what needs attention before each, and who needs a 1:1 soon; the
    rest is one click away. A report gets their next 1:1 and what they bring to it; HR and
    admins the organisation at a glance."""
    viewer = request.user
    now = timezone.now()
    # HR's and admins' overview changes with every write in the organisation: read each time.
    overview = (
        selectors.organisation_overview(viewer, today=timezone.localdate(now))
        if access.can_see_organisation_overview(viewer)
        else None
    )

    def context(page: HomePage) -> dict[str, Any]:
        urls = url_patterns(
            meeting="meetings:meeting", one_on_one="meetings:one_on_one", person="people:detail"
        )
        return {
            "home": page.home,
            "triage": _triage(request, page, now, urls),
            "open_actions": page.open_actions,
            "overdue_actions": page.overdue_actions,
            "team": page.team,
            "team_hours_chart": page.team_hours_chart,
            "team_sizes_chart": team_sizes_chart(overview) if overview else None,
            "my_manager": page.my_manager,
            "checkin_due": page.checkin_due,
            "overview": overview,
            "can_import": access.can_import_people(viewer),
            "now": now,
            "urls": urls,
        }

    # Without the overview the rendered content is kept, and its data need not be.
    keep_content = overview is None
    content = pagecache.page_content(
        request,
        "home",
        viewer.pk,
        now=now,
        data=lambda: home_page(viewer, now=now, keep=not keep_content),
        template="home.html#content",
        context=context,
        keep=keep_content,
        until=pagecache.horizon_of,
    )
    return render(request, "home.html", {"content": content})


TRIAGE_ROW = "home/_triage_row.html"


def _triage(
    request: SignedInRequest, page: HomePage, now: datetime, urls: dict[str, str]
) -> dict[str, list[tuple[MeetingRow, list[str]]]] | None:
    """The manager's board, list by list, each row with its HTML split around its holes
    (`pagecache.rendered_apart`): kept per meeting under the other person's version
    (`pagecache.pieces`), each until its own horizon (`MeetingRow.until`), so that after a
    write about one report the board renders that report's rows alone. None without a board."""
    board = page.home.board
    if board is None:
        return None
    lists = {
        "today": board.today,
        "week": board.week,
        "week_quiet": board.week_quiet,
        "later": board.later,
    }
    # The week's flagged rows show their day: HTML of its own, under a kind of its own.
    plain = [row for name, rows in lists.items() if name != "week" for row in rows]
    shown = {
        False: _row_html(request, plain, now, urls, show_day=False),
        True: _row_html(request, board.week, now, urls, show_day=True),
    }
    return {
        name: [(row, shown[name == "week"][row.meeting.pk]) for row in rows]
        for name, rows in lists.items()
    }


def _row_html(
    request: SignedInRequest,
    rows: list[MeetingRow],
    now: datetime,
    urls: dict[str, str],
    *,
    show_day: bool,
) -> dict[int, list[str]]:
    by_meeting = {row.meeting.pk: row for row in rows}

    def rendered(_moment: datetime, meetings: list[int]) -> dict[int, list[str]]:
        return {
            pk: pagecache.rendered_apart(
                None, TRIAGE_ROW, {"row": by_meeting[pk], "show_day": show_day, "urls": urls}
            )
            for pk in meetings
        }

    def until(pk: int, _html: list[str]) -> datetime:
        found = by_meeting[pk].until
        assert found is not None
        return found

    return pagecache.pieces(
        "home-row-day" if show_day else "home-row",
        request.user.pk,
        now,
        {pk: row.other.pk for pk, row in by_meeting.items()},
        rendered,
        until=until,
    )


@login_not_required
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """For load balancers (readiness): answers once the database does and accepts writes (503
    while it refuses them). Late or failing email makes the status "degraded" with its reasons,
    still HTTP 200: the instance can serve, an operator should look."""
    reason = write_refusal()
    if reason is not None:
        return JsonResponse({"status": "unavailable", "reason": reason}, status=503)
    return JsonResponse({"status": "ok", **email_health_fields()})


@login_not_required
@require_GET
def alive(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers, nothing else is touched. It is also the benchmarks'
    floor, the fastest a page can be through the same server and middleware."""
    return HttpResponse("ok", content_type="text/plain")


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 handler. A script whose request the database refused before any view ran (the
    session lookup during a PostgreSQL restart, an unreadable SQLite file) still gets the 503
    JSON and Retry-After that RefusedWriteMiddleware gives a refusal inside a view."""
    error = sys.exc_info()[1]
    if error is not None and (answer := refused_write_answer(request, error)) is not None:
        return answer
    return defaults.server_error(request)
