"""One function per kind of email. Each reads only what its recipient may see (notify/selectors)
and renders a subject, a text body and an HTML body from templates/notify/email/, with every
time in the recipient's own time zone and every word in the recipient's own language
(`in_recipient_language`: Person.email_language)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext

from rapport.display import format_date, language_to_activate
from rapport.markdown import render_markdown
from rapport.meetings import ical
from rapport.meetings.models import Meeting, OneOnOne
from rapport.notify import selectors
from rapport.notify.models import CHOOSABLE_KINDS, Kind
from rapport.notify.unsubscribe import unsubscribe_url
from rapport.people.models import Person
from rapport.people.tokens import invitation_token_generator


@dataclass(frozen=True)
class Email:
    kind: str
    key: str
    recipient: Person | None
    to: str
    subject: str
    text: str
    html: str
    unsubscribe_url: str
    # An iCalendar invite to send along (text/calendar), and its METHOD.
    calendar: str = ""
    calendar_method: str = ""


P = ParamSpec("P")
R = TypeVar("R")


def in_recipient_language(recipient: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Runs an email (or chat message) function in the language of the person passed as the
    keyword argument `recipient`: every word, date and subject of it, whoever triggered it
    (a request in another language, the worker with none)."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            person = kwargs.get(recipient)
            language = (
                person.email_language if isinstance(person, Person) else settings.LANGUAGE_CODE
            )
            with translation.override(language_to_activate(language)):
                return function(*args, **kwargs)

        return wrapper

    return decorate


def local_time(moment: datetime, person: Person) -> str:
    """'Tuesday 3 November 2026, 10:00 (America/New_York)': the recipient's wall clock, in the
    active language."""
    local = moment.astimezone(ZoneInfo(person.timezone))
    return f"{format_date(local, 'l j F Y, H:i')} ({person.timezone})"


def absolute(path: str) -> str:
    return settings.BASE_URL + path


def meeting_url(meeting: Meeting) -> str:
    return absolute(reverse("meetings:meeting", args=[meeting.uuid]))


def checkin_url(meeting: Meeting) -> str:
    """The check-in page when the check-ins app provides it, else the meeting page."""
    try:
        return absolute(reverse("checkins:checkin", args=[meeting.uuid]))
    except NoReverseMatch:
        return meeting_url(meeting)


def _render(
    kind: str, key: str, recipient: Person, context: dict[str, Any], *, to: str = ""
) -> Email:
    unsubscribe = unsubscribe_url(recipient, kind) if kind in CHOOSABLE_KINDS else ""
    context = {
        **context,
        "recipient": recipient,
        "unsubscribe_url": unsubscribe,
        "preferences_url": absolute(reverse("notify:preferences")),
        "kind_label": Kind(kind).label,
    }
    subject = render_to_string(f"notify/email/{kind}_subject.txt", context)
    return Email(
        kind=kind,
        key=key,
        recipient=recipient,
        to=to or recipient.email,
        subject=" ".join(subject.split()),
        text=render_to_string(f"notify/email/{kind}.txt", context),
        html=render_to_string(f"notify/email/{kind}.html", context),
        unsubscribe_url=unsubscribe,
    )


@in_recipient_language("report")
def report_reminder(*, meeting: Meeting, report: Person) -> Email:
    manager = meeting.one_on_one.manager
    context = {
        "meeting": meeting,
        "other": manager,
        "when": local_time(meeting.scheduled_for, report),
        "meeting_url": meeting_url(meeting),
        "checkin_url": checkin_url(meeting),
        "agenda": selectors.shared_agenda(report, meeting),
    }
    key = f"{Kind.REPORT_REMINDER}:{report.uuid}:{meeting.uuid}"
    return _render(Kind.REPORT_REMINDER, key, report, context)


@in_recipient_language("manager")
def manager_agenda(*, meeting: Meeting, manager: Person) -> Email:
    context = {
        "meeting": meeting,
        "other": meeting.one_on_one.report,
        "when": local_time(meeting.scheduled_for, manager),
        "meeting_url": meeting_url(meeting),
        "agenda": selectors.shared_agenda(manager, meeting),
        "actions": [a for a in selectors.meeting_actions(meeting) if not a.is_done],
        # The manager's own preparation: never in an email to the report.
        "signals": selectors.pair_signals_for_manager(manager, meeting),
    }
    key = f"{Kind.MANAGER_AGENDA}:{manager.uuid}:{meeting.uuid}"
    return _render(Kind.MANAGER_AGENDA, key, manager, context)


@in_recipient_language("person")
def meeting_recap(*, meeting: Meeting, person: Person) -> Email:
    notes = [
        {"who": who, "text": body, "html": render_markdown(body)}
        for who, body in selectors.shared_notes(person, meeting)
    ]
    context = {
        "meeting": meeting,
        "other": meeting.one_on_one.other_person(person),
        "when": local_time(meeting.scheduled_for, person),
        "meeting_url": meeting_url(meeting),
        "discussed": selectors.shared_agenda(person, meeting),
        "left": selectors.shared_points_left(person, meeting),
        "notes": notes,
        "actions": selectors.meeting_actions(meeting),
    }
    key = f"{Kind.MEETING_RECAP}:{person.uuid}:{meeting.uuid}"
    return _render(Kind.MEETING_RECAP, key, person, context)


@in_recipient_language("manager")
def weekly_digest(*, manager: Person, week_start: datetime) -> Email:
    """`week_start` is Monday 00:00 in the manager's zone."""
    today: date = week_start.date()
    meetings = selectors.week_meetings(manager, week_start)
    context = {
        "week_start": today,
        "week_end": today + timedelta(days=6),
        "overdue": selectors.overdue_team_actions(manager, today),
        "meetings": [
            {"with": m.one_on_one.report, "when": local_time(m.scheduled_for, manager)}
            | {"url": meeting_url(m), "status": m.get_status_display()}
            | {"upcoming": m.status == Meeting.Status.UPCOMING}
            for m in meetings
        ],
        "signals": selectors.team_signals_for_digest(manager),
        "actions_url": absolute(reverse("meetings:team_setup")),
    }
    year, week, _ = today.isocalendar()
    key = f"{Kind.WEEKLY_DIGEST}:{manager.uuid}:{year}-W{week:02d}"
    return _render(Kind.WEEKLY_DIGEST, key, manager, context)


@in_recipient_language("person")
def calendar_invite(
    *, one_on_one: OneOnOne, person: Person, method: str, calendar: bytes, now: datetime
) -> Email:
    """The pair's series as an invite (REQUEST) or its end (CANCEL), the same file for both
    people; the text says when in the recipient's own zone. Never any agenda or note text."""
    upcoming = (
        one_on_one.meetings.filter(status=Meeting.Status.UPCOMING, scheduled_for__gte=now)
        .order_by("scheduled_for")
        .first()
    )
    context = {
        "method": method,
        "other": one_on_one.other_person(person),
        # The rule on the manager's clock, which it follows through daylight saving; the next
        # meeting on the recipient's own.
        "rule": gettext("%(cadence)s on %(weekday)s at %(time)s")
        % {
            "cadence": one_on_one.get_cadence_display(),
            "weekday": one_on_one.get_weekday_display(),
            "time": f"{one_on_one.start_time:%H:%M}",
        },
        "rule_zone": one_on_one.timezone,
        "same_zone": one_on_one.timezone == person.timezone,
        "next": local_time(upcoming.scheduled_for, person) if upcoming else "",
        "room": one_on_one.room,
        "pair_url": ical.pair_url(one_on_one),
        "sequence": one_on_one.calendar_sequence,
    }
    key = f"{Kind.CALENDAR_INVITE}:{person.uuid}:{one_on_one.uuid}:{one_on_one.calendar_sequence}"
    email = _render(Kind.CALENDAR_INVITE, key, person, context)
    return Email(**{**email.__dict__, "calendar": calendar.decode(), "calendar_method": method})


@in_recipient_language("by")
def sample_email(*, to: str, by: Person | None, nonce: str) -> Email:
    """A test message an admin asks for; it names no one and carries nothing from a 1:1."""
    context = {"to": to, "home_url": absolute(reverse("home"))}
    recipient = by or Person(name="Rapport", email=to)
    email = _render(Kind.TEST, f"{Kind.TEST}:{nonce}", recipient, context, to=to)
    return Email(**{**email.__dict__, "recipient": by})


@in_recipient_language("person")
def invitation(*, person: Person, key: str) -> Email:
    """A new person's first email: what Rapport is and a link to choose a password (the
    invitation token: valid RAPPORT_INVITATION_DAYS and until the password is set). Nothing
    private: who they are and who invites them is all it says."""
    path = reverse(
        "people:invitation",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(person.pk)),
            "token": invitation_token_generator.make_token(person),
        },
    )
    context = {
        "accept_url": absolute(path),
        "manager": person.manager if person.manager_id else None,
        "days": settings.RAPPORT_INVITATION_DAYS,
    }
    return _render(Kind.INVITATION, key, person, context)


@in_recipient_language("person")
def password_reset(*, person: Person, key: str) -> Email:
    """The link to choose a new password (Django's token: valid for PASSWORD_RESET_TIMEOUT and
    until the password changes). Built from BASE_URL, never from the request's Host header."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(person.pk)),
            "token": default_token_generator.make_token(person),
        },
    )
    return _render(Kind.PASSWORD_RESET, key, person, {"reset_url": absolute(path)})
