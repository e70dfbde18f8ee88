"""The insights pages: the manager's team view with its signal writes (dismiss, restore, put on
the agenda), and the organisation view (1:1 cadence per manager, check-in averages of groups of
5 or more, and whether people whose 1:1s were kept stayed longer; aggregates only, see
docs/organisation-view.md)."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from rapport import access, pagecache
from rapport.display import url_patterns
from rapport.http import SignedInRequest
from rapport.insights import org, selectors, services
from rapport.insights.charts_org import share_bar
from rapport.insights.forms import DismissForm, SignalToAgendaForm, TeamFilterForm
from rapport.insights.rules import Rule
from rapport.meetings.models import OneOnOne
from rapport.meetings.selectors import get_meeting_for


def _team_urls() -> dict[str, str]:
    """The team view's per-person addresses, reversed once per page (rapport/display.py)."""
    return url_patterns(
        one_on_one="meetings:one_on_one",
        signal_dismiss="insights:signal_dismiss",
        dismissed="insights:dismissed",
    )


@require_GET
def team(request: SignedInRequest) -> HttpResponse:
    """The viewer's own team only; someone who leads nobody gets an empty state, not a 404:
    the page is about their own team, so there is nothing to hide."""
    form = TeamFilterForm(request.GET)
    sort, only_signals = form.choice()
    now = timezone.now()

    def context(view: selectors.TeamView) -> dict[str, Any]:
        members = selectors.sorted_members(view.members, sort=sort, only_signals=only_signals)
        cards = _member_cards(request, view, now)
        return {
            "view": view,
            "rows": [(member, cards[member.report.pk]) for member in members],
            "form": form,
            "sort": sort,
            "only_signals": only_signals,
            "urls": _team_urls(),
        }

    def data() -> selectors.TeamView:
        return selectors.team_view_cached(request.user, now=now)

    if request.htmx:
        return render(request, "insights/team.html#team-rows", context(data()))
    content = pagecache.page_content(
        request,
        "team",
        request.user.pk,
        now=now,
        data=data,
        template="insights/team.html#content",
        context=context,
        # The filter form shows the query's values as given: they are part of the key. An
        # invalid query (shown as given, read as the defaults) is rendered, not kept.
        variant=(_given(request, "sort"), _given(request, "show")),
        keep=form.is_valid(),
        # The content shows the view alone (and the query above): it lasts as long as the view.
        until=pagecache.horizon_of,
    )
    return render(request, "insights/team.html", {"content": content})


MEMBER_CARD = "insights/team.html#member-card"


def _member_cards(
    request: SignedInRequest, view: selectors.TeamView, now: datetime
) -> dict[int, list[str]]:
    """Each member's card as HTML split around its holes (`pagecache.rendered_apart`), by
    report: kept per report (`pagecache.pieces`), so that after a write about one report the
    page renders that report's card alone. A card shows its member and nothing else of the
    page; it lasts as long as its member's facts (or the view, without a 1:1)."""
    members = {member.report.pk: member for member in view.members}
    urls = {"urls": _team_urls()}

    def cards(_moment: datetime, report_ids: list[int]) -> dict[int, list[str]]:
        return {
            pk: pagecache.rendered_apart(None, MEMBER_CARD, {"member": members[pk], **urls})
            for pk in report_ids
        }

    def until(pk: int, _card: list[str]) -> datetime:
        member = members[pk]
        return member.until if member.one_on_one is not None else view.until

    return pagecache.pieces(
        "team-card", request.user.pk, now, {pk: pk for pk in members}, cards, until=until
    )


def _given(request: SignedInRequest, name: str) -> str:
    value = request.GET.get(name)
    return "-" if value is None else f"{name}={value}"


@require_POST
def signal_dismiss(request: SignedInRequest, one_on_one_uuid: str) -> HttpResponse:
    # Only the pair's manager finds the pair here: anyone else gets a 404.
    one_on_one = get_object_or_404(
        access.one_on_ones_led_by(request.user).select_related("report"), uuid=one_on_one_uuid
    )
    form = DismissForm(request.POST)
    error = ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.signal_dismiss(
                one_on_one=one_on_one,
                rule=Rule(data["rule"]),
                since=data["since"],
                reason=data["reason"],
                by=request.user,
                signal=selectors.open_signal(
                    request.user, one_on_one, rule=data["rule"], since=data["since"]
                ),
            )
        except ValidationError as problem:
            error = " ".join(problem.messages)
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(
                request,
                gettext("Signal dismissed for %(name)s.") % {"name": one_on_one.report.name},
            )
        return redirect("insights:team")
    member = selectors.team_view(request.user, one_on_one=one_on_one).members[0]
    context = {
        "member": member,
        "error": error,
        "error_rule": form.data.get("rule", ""),
        "reason": form.data.get("reason", ""),
        "urls": _team_urls(),
    }
    return render(request, MEMBER_CARD, context)


@require_POST
def signal_to_agenda(request: SignedInRequest, one_on_one_uuid: str) -> HttpResponse:
    """Put one of the pair's open signals on its agenda as the manager's private point."""
    one_on_one = get_object_or_404(
        access.one_on_ones_led_by(request.user).select_related("report"), uuid=one_on_one_uuid
    )
    form = SignalToAgendaForm(request.POST)
    if not form.is_valid():
        raise Http404("No such signal.")
    data = form.cleaned_data
    back = None
    if data["meeting"]:
        back = get_meeting_for(request.user, data["meeting"])
        if back.one_on_one_id != one_on_one.pk:
            raise Http404("That meeting belongs to another 1:1.")
    signal = selectors.open_signal(request.user, one_on_one, rule=data["rule"], since=data["since"])
    if signal is None:
        messages.error(request, gettext("That signal is no longer open: nothing was added."))
    else:
        services.signal_to_agenda(one_on_one=one_on_one, signal=signal, by=request.user)
        messages.success(request, gettext("Added to the agenda as your private point."))
    if back is not None:
        return redirect("meetings:meeting", meeting_uuid=back.uuid)
    return redirect("insights:team")


def _pair_led_by(request: SignedInRequest, one_on_one_uuid: str) -> OneOnOne:
    """Only the pair's manager finds the pair here: anyone else gets a 404."""
    return get_object_or_404(
        access.one_on_ones_led_by(request.user).select_related("report"), uuid=one_on_one_uuid
    )


@require_GET
def dismissed(request: SignedInRequest, one_on_one_uuid: str) -> HttpResponse:
    """The history of the pair's dismissed signals: who, when, why, and the evidence at the
    time, with a way to restore each one still dismissed."""
    one_on_one = _pair_led_by(request, one_on_one_uuid)
    context = {
        "one_on_one": one_on_one,
        "other": one_on_one.report,
        "dismissals": selectors.dismissal_history(request.user, one_on_one),
    }
    return render(request, "insights/dismissed.html", context)


@require_POST
def signal_restore(
    request: SignedInRequest, one_on_one_uuid: str, dismissal_id: int
) -> HttpResponse:
    one_on_one = _pair_led_by(request, one_on_one_uuid)
    dismissal = get_object_or_404(
        selectors.dismissal_history(request.user, one_on_one), pk=dismissal_id
    )
    services.signal_restore(dismissal=dismissal, by=request.user, now=timezone.now())
    messages.success(
        request, gettext("Signal restored for %(name)s.") % {"name": one_on_one.report.name}
    )
    return redirect("insights:dismissed", one_on_one_uuid=one_on_one.uuid)


def _percent(share: float) -> int:
    return round(share * 100)


@require_GET
def organisation(request: SignedInRequest) -> HttpResponse:
    now, today = timezone.now(), timezone.localdate()
    view = selectors.organisation_view(request.user, now=now, today=today, head=True)

    def whole() -> selectors.OrgView:
        if not view.stored_as:
            return view  # computed for this request, rows and all
        # Gone since the head was read (a new generation, an eviction): computed afresh.
        return selectors.stored_view(view.stored_as) or selectors.organisation_view(
            request.user, now=now, today=today
        )

    context = {
        **_figures_context(view, whole),
        # A stored view's figures are drawn once per language and kept with it; figures computed
        # for this request alone are drawn for it (0 seconds: not kept).
        "figures_key": _figures_key(view) or secrets.token_hex(8),
        "figures_seconds": _figures_seconds() if view.stored_as else 0,
    }
    return render(request, "insights/org.html", context)


def org_figures_draw(figures: selectors.OrgFigures) -> int:
    """Draws every stored view's figures in the default language into the cache where the
    page's {% cache %} looks for them, so that the first request after the worker's recompute
    draws nothing either (at 10,000 people HR's take a tenth of a second). The worker calls it
    after storing them; how many it drew."""
    with translation.override(settings.LANGUAGE_CODE):
        drawn = {
            make_template_fragment_key("org-figures", [_figures_key(view)]): render_to_string(
                "insights/org_figures.html", _figures_context(view, functools.partial(_same, view))
            )
            for view in figures.views.values()
        }
    cache.set_many(drawn, _figures_seconds())
    return len(drawn)


def _figures_key(view: selectors.OrgView) -> str:
    return f"{view.stored_as}:{translation.get_language()}" if view.stored_as else ""


def _figures_seconds() -> int:
    return 2 * settings.RAPPORT_ORG_VIEW_CACHE_SECONDS  # as long as the stored views


def _figures_context(
    view: selectors.OrgView, whole: Callable[[], selectors.OrgView]
) -> dict[str, Any]:
    """`view` may be a head without rows; `whole()` gives the view with them."""
    read = functools.cache(whole)
    return {
        "view": view,
        # Called by the template only when its cached figures ({% cache %}) are not there: at
        # 10,000 people reading and drawing the rows costs far more than the rest of the page.
        "cadence": functools.cache(lambda: _cadence_rows(read())),
        "checkins": functools.cache(lambda: read().checkins),
        "retention_rows": functools.cache(functools.partial(_retention_rows, view)),
        "minimum": org.MINIMUM_GROUP,
        "kept_percent": _percent(org.KEPT_SHARE),
        "window_weeks": selectors.WINDOW.days // 7,
    }


def _cadence_rows(
    view: selectors.OrgView,
) -> list[tuple[selectors.CadenceGroup, int, SafeString | str]]:
    return [
        (
            row,
            _percent(row.cadence.held_share),
            share_bar(
                row.cadence.held_share,
                marker=org.KEPT_SHARE,
                label=gettext("%(team)s: %(held)s of %(due)s 1:1s held (%(percent)s%%)")
                % {
                    "team": row.label,
                    "held": row.cadence.held,
                    "due": row.cadence.due,
                    "percent": _percent(row.cadence.held_share),
                },
            )
            if row.blocks
            else "",
        )
        for row in view.cadence
    ]


def _retention_rows(
    view: selectors.OrgView,
) -> list[tuple[str, org.RetentionGroup, int, SafeString]]:
    retention = view.retention
    if not retention.shown:
        return []
    groups = (
        (gettext("whose 1:1s were kept"), retention.kept, "accent"),
        (gettext("whose 1:1s lapsed"), retention.lapsed, "warn"),
    )
    return [
        (
            label,
            group,
            _percent(group.left_share),
            share_bar(
                group.left_share,
                tone=tone,
                label=gettext("People %(label)s: %(left)s of %(people)s left (%(percent)s%%)")
                % {
                    "label": label,
                    "left": group.left,
                    "people": group.people,
                    "percent": _percent(group.left_share),
                },
            ),
        )
        for label, group, tone in groups
    ]


def _same(view: selectors.OrgView) -> selectors.OrgView:
    return view
