"""Chat reminders: where a webhook may point, what each message says, and the HTTP post.

A chat message carries facts and a link only: who the 1:1 is with, when, and counts (the
digest's meetings and overdue actions). Never a talking point, a note or an action's text, not
even shared ones: a channel is read by more people than a mailbox, and a chat app keeps what it
is sent. The page behind the link shows the rest to whoever signs in (docs/notifications.md).

Where a webhook may point (`webhook_url_problem`): https, and in production never an address on
a private, loopback, link-local or otherwise non-public network (no server-side request forgery
into the installation's own network: checked when the webhook is saved and again, after a fresh
DNS lookup, before every post). Outside production, plain http is allowed to loopback only, and
only with RAPPORT_DEBUG or in the tests (CHAT_WEBHOOK_ALLOW_LOOPBACK_HTTP), for a local receiver.
Redirects are never followed and no proxy from the environment is used.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import socket
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from rapport.display import format_date
from rapport.meetings.models import Meeting
from rapport.notify import selectors
from rapport.notify.emails import absolute, in_recipient_language, local_time, meeting_url
from rapport.notify.models import ChatFlavour, Kind
from rapport.people.models import Person

# Seconds for the whole exchange with a webhook (connect, send, answer).
TIMEOUT_SECONDS = 10
USER_AGENT = "Rapport chat reminders"

Resolver = Callable[[str], list[str]]


def resolve(host: str) -> list[str]:
    """Every address the host name resolves to (A and AAAA)."""
    infos = socket.getaddrinfo(host, 443, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _non_public(addresses: list[str]) -> bool:
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if not ip.is_global:
            return True
    return False


def webhook_url_problem(url: str, *, resolver: Resolver | None = None) -> str | None:
    """Why this URL may not receive chat reminders, or None when it may (module docstring)."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError:
        return gettext("Enter a valid web address.")
    if not host or parts.scheme not in ("http", "https"):
        return gettext("Enter a web address that starts with https://.")
    if parts.username or parts.password:
        return gettext("Leave the user name and password out of the address.")
    if parts.scheme == "http":
        if settings.PRODUCTION or not settings.CHAT_WEBHOOK_ALLOW_LOOPBACK_HTTP:
            return gettext("Use an https:// address: reminders are never sent unencrypted.")
        if not _is_loopback(host):
            return gettext(
                "Plain http:// is allowed to this machine (127.0.0.1) only; use https://."
            )
        return None
    if not settings.PRODUCTION:
        return None
    try:
        addresses = [host] if _is_ip(host) else (resolver or resolve)(host)
    except OSError:
        return gettext("This host name does not resolve; check the address.")
    if not addresses or _non_public(addresses):
        return gettext(
            "This address is on a private network; Rapport only posts to public addresses."
        )
    return None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


# --- What each message says -------------------------------------------------------------------


@dataclass(frozen=True)
class ChatMessage:
    kind: str
    key: str
    recipient: Person
    title: str
    text: str
    url: str
    link_label: str


@in_recipient_language("report")
def report_reminder(*, meeting: Meeting, report: Person) -> ChatMessage:
    manager = meeting.one_on_one.manager
    return ChatMessage(
        kind=Kind.REPORT_REMINDER,
        key=f"{Kind.REPORT_REMINDER}:{report.uuid}:{meeting.uuid}",
        recipient=report,
        title=gettext("Prepare for your 1:1"),
        text=gettext(
            "Your 1:1 with %(name)s is on %(when)s. "
            "Add what you want to talk about and check in before it."
        )
        % {"name": manager.name, "when": local_time(meeting.scheduled_for, report)},
        url=meeting_url(meeting),
        link_label=gettext("Open the meeting"),
    )


@in_recipient_language("manager")
def manager_agenda(*, meeting: Meeting, manager: Person) -> ChatMessage:
    report = meeting.one_on_one.report
    return ChatMessage(
        kind=Kind.MANAGER_AGENDA,
        key=f"{Kind.MANAGER_AGENDA}:{manager.uuid}:{meeting.uuid}",
        recipient=manager,
        title=gettext("Your 1:1 tomorrow"),
        text=gettext("Tomorrow: your 1:1 with %(name)s, %(when)s. The agenda is ready.")
        % {"name": report.name, "when": local_time(meeting.scheduled_for, manager)},
        url=meeting_url(meeting),
        link_label=gettext("See the agenda"),
    )


@in_recipient_language("person")
def meeting_recap(*, meeting: Meeting, person: Person) -> ChatMessage:
    other = meeting.one_on_one.other_person(person)
    return ChatMessage(
        kind=Kind.MEETING_RECAP,
        key=f"{Kind.MEETING_RECAP}:{person.uuid}:{meeting.uuid}",
        recipient=person,
        title=gettext("Recap of your 1:1"),
        text=gettext("The recap of your 1:1 with %(name)s on %(when)s is ready.")
        % {"name": other.name, "when": local_time(meeting.scheduled_for, person)},
        url=meeting_url(meeting),
        link_label=gettext("Read the recap"),
    )


@in_recipient_language("manager")
def weekly_digest(*, manager: Person, week_start: datetime) -> ChatMessage:
    """`week_start` is Monday 00:00 in the manager's zone."""
    today = week_start.date()
    meetings = len(selectors.week_meetings(manager, week_start))
    overdue = len(selectors.overdue_team_actions(manager, today))
    year, week, _ = today.isocalendar()
    return ChatMessage(
        kind=Kind.WEEKLY_DIGEST,
        key=f"{Kind.WEEKLY_DIGEST}:{manager.uuid}:{year}-W{week:02d}",
        recipient=manager,
        title=gettext("Your week from %(day)s") % {"day": format_date(today, "j F")},
        text=gettext("This week: %(meetings)s with your team, %(overdue)s.")
        % {
            "meetings": ngettext("%(count)d 1:1", "%(count)d 1:1s", meetings) % {"count": meetings},
            "overdue": ngettext("%(count)d overdue action", "%(count)d overdue actions", overdue)
            % {"count": overdue},
        },
        url=absolute(reverse("meetings:team_setup")),
        link_label=gettext("Open your team"),
    )


# --- Payload shapes ---------------------------------------------------------------------------


def _slack_escape(text: str) -> str:
    """Slack's mrkdwn reads &, < and > as markup (https://api.slack.com/reference/surfaces/formatting#escaping)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(message: ChatMessage) -> dict[str, Any]:
    """Slack incoming webhook: `text` (the notification and the fallback) plus Block Kit
    `blocks` (https://api.slack.com/messaging/webhooks)."""
    text = _slack_escape(message.text)
    return {
        "text": f"{_slack_escape(message.title)}: {text} {message.url}",
        "blocks": [
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": f"*{_slack_escape(message.title)}*\n{text}"},
            },
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": message.link_label},
                        "url": message.url,
                    }
                ],
            },
        ],
    }


def teams_payload(message: ChatMessage) -> dict[str, Any]:
    """Microsoft Teams: a message whose one attachment is an Adaptive Card, the shape Teams
    documents for incoming webhooks and for the Workflows ("Post to a channel when a webhook
    request is received") that replace Office 365 connectors (docs/notifications.md)."""
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": [
                        {
                            "type": "TextBlock",
                            "text": message.title,
                            "weight": "Bolder",
                            "size": "Medium",
                            "wrap": True,
                        },
                        {"type": "TextBlock", "text": message.text, "wrap": True},
                    ],
                    "actions": [
                        {"type": "Action.OpenUrl", "title": message.link_label, "url": message.url}
                    ],
                },
            }
        ],
    }


def delivery_key(message: ChatMessage) -> str:
    """The unique key of a message's delivery row: its email's key, marked as chat."""
    return f"chat:{message.key}"


def message_id(key: str) -> str:
    """The same for every try of one delivery: a receiver can drop a repeat."""
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def json_payload(message: ChatMessage) -> dict[str, Any]:
    """Rapport's own shape, version 1 (docs/notifications.md)."""
    return {
        "version": 1,
        "id": message_id(delivery_key(message)),
        "kind": message.kind,
        "recipient": {"email": message.recipient.email, "name": message.recipient.name},
        "title": message.title,
        "text": message.text,
        "url": message.url,
    }


PAYLOADS: dict[str, Callable[[ChatMessage], dict[str, Any]]] = {
    ChatFlavour.SLACK: slack_payload,
    ChatFlavour.TEAMS: teams_payload,
    ChatFlavour.JSON: json_payload,
}


def payload_for(flavour: str, message: ChatMessage) -> str:
    return json.dumps(PAYLOADS[flavour](message), ensure_ascii=False, separators=(",", ":"))


# --- Posting ----------------------------------------------------------------------------------


class WebhookFailed(Exception):
    """A webhook refused the message or could not be reached; the text is safe to show (it never
    holds the URL, which is the webhook's secret)."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())


def post(url: str, body: str, *, key: str, resolver: Resolver | None = None) -> None:
    """POST the JSON body; any answer but 2xx raises WebhookFailed. The address is checked again
    first, so a host name that now resolves to a private address is refused."""
    problem = webhook_url_problem(url, resolver=resolver)
    if problem is not None:
        raise WebhookFailed(f"refused: {problem}")
    # http or https only: webhook_url_problem just checked the scheme.
    request = urllib.request.Request(  # noqa: S310
        url,
        data=body.encode(),
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "Idempotency-Key": message_id(key),
        },
    )
    try:
        with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as answer:
            answer.read(1024)
    except urllib.error.HTTPError as error:
        said = error.read(200).decode(errors="replace").strip()
        raise WebhookFailed(f"HTTP {error.code}{': ' + said if said else ''}"[:300]) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise WebhookFailed(f"could not connect: {reason}"[:300]) from None


def retry_wait(attempts: int) -> timedelta:
    """1, 2, 4, 8, 16 minutes after the 1st to 5th failure."""
    return timedelta(minutes=2 ** max(attempts - 1, 0))
