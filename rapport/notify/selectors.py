"""What each email may show, read on behalf of its recipient.

Every read goes through the viewer-scoped selectors of rapport/meetings with the recipient as
the viewer, and then drops anything private, even the recipient's own private points and notes:
an email can be forwarded, printed or read over a shoulder, so it carries shared content only.
The manager's person card is never read here; emails link to the meeting page where it shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from rapport import access
from rapport.insights.selectors import team_view
from rapport.meetings import selectors as meeting_selectors
from rapport.meetings.models import ActionItem, Meeting, OneOnOne, Section
from rapport.notify.models import (
    CHAT_MAX_ATTEMPTS,
    CHOOSABLE_KINDS,
    MANAGER_KINDS,
    MAX_ATTEMPTS,
    ChatWebhook,
    Kind,
    Outbox,
)
from rapport.people.models import Person


@dataclass
class SharedSection:
    label: str
    points: list[str] = field(default_factory=list)


def shared_agenda(viewer: Person, meeting: Meeting) -> list[SharedSection]:
    """The agenda of an open meeting, or what was discussed in a held one: shared points only.
    Connection first, as everywhere."""
    sections = []
    for section in meeting_selectors.agenda_for(viewer, meeting):
        texts = [point.shown_text for point in section.points if not point.is_private]
        texts += [
            template.shown_text
            for template, discussed in section.recurring
            if not template.is_private and (meeting.is_open or discussed)
        ]
        sections.append(SharedSection(label=section.label, points=texts))
    return sections


def shared_points_left(viewer: Person, meeting: Meeting) -> list[SharedSection]:
    """The shared points that were on a held meeting's agenda and were not covered: they carry
    over to the next meeting. Connection first; sections with nothing left are left out."""
    sections = {value: SharedSection(label=str(label)) for value, label in Section.choices}
    for point in meeting_selectors.points_left_after(viewer, meeting):
        if not point.is_private:
            sections[point.section].points.append(point.shown_text)
    return [section for section in sections.values() if section.points]


def shared_notes(viewer: Person, meeting: Meeting) -> list[tuple[str, str]]:
    """(who, Markdown body) of the shared notes of both people; never a private note."""
    view = meeting_selectors.notes_for(viewer, meeting)
    notes = []
    for slot, who in ((view.shared, viewer), (view.theirs, view.other)):
        if slot.note is not None and slot.note.kind == "shared" and slot.body.strip():
            notes.append((who.name, slot.body))
    return notes


def meeting_actions(meeting: Meeting) -> list[ActionItem]:
    """Action items are shared content: both people of the pair see all of them."""
    return meeting_selectors.actions_for_meeting(meeting)


def overdue_team_actions(manager: Person, today: date) -> list[ActionItem]:
    """Open actions past their due date in the manager's active 1:1s (owned by either person)."""
    return list(
        ActionItem.objects.overdue(today)
        .filter(one_on_one__in=meeting_selectors.active_one_on_ones_managed_by(manager))
        .select_related("owner", "one_on_one__report")
        .order_by("due_on", "created_at")
    )


def week_meetings(manager: Person, start: datetime) -> list[Meeting]:
    """The manager's own 1:1s as the manager, in the week from `start`."""
    return [
        meeting
        for meeting in meeting_selectors.meetings_between(manager, start, start + timedelta(days=7))
        if meeting.one_on_one.manager_id == manager.pk
    ]


@dataclass(frozen=True)
class DigestSignal:
    text: str


def team_signals_for_digest(manager: Person) -> list[DigestSignal]:
    """The team view's open signals (dismissed ones stay out), one sentence each: the person
    and the rule's title. Titles name the rule, never anything the report wrote."""
    return [
        DigestSignal(text=f"{member.report.name}: {signal.title}")
        for member in team_view(manager).members
        for signal in member.signals
    ]


@dataclass(frozen=True)
class PairSignal:
    """One open signal of the pair for the manager's day-before email: rule title, severity
    and the first line of its evidence (figures from the rules, never the report's words)."""

    title: str
    severity: str
    act_now: bool
    evidence: str


def pair_signals_for_manager(manager: Person, meeting: Meeting) -> list[PairSignal]:
    """The pair's open signals, act-now first, for its manager only: anyone else (the report's
    emails above all) gets an empty list."""
    one_on_one = meeting.one_on_one
    if not access.can_see_team_signals(manager, one_on_one):
        return []
    member = team_view(manager, one_on_one=one_on_one).members[0]
    return [
        PairSignal(
            title=signal.title,
            severity=str(signal.severity.label),
            act_now=signal.act_now,
            evidence=signal.evidence[0] if signal.evidence else "",
        )
        for group in member.groups
        for signal in group.signals
    ]


def kinds_offered_to(person: Person) -> list[Kind]:
    """The email kinds the person may choose: the manager-only kinds (the agenda the day
    before, the Monday digest) only for someone who manages an active 1:1 or has an active
    report; nobody else can receive them, so offering them would only confuse."""
    manages = (
        person.reports.filter(is_active=True).exists()
        or OneOnOne.objects.filter(manager=person, status=OneOnOne.Status.ACTIVE).exists()
    )
    return [kind for kind in CHOOSABLE_KINDS if manages or kind not in MANAGER_KINDS]


def managers_with_active_pairs() -> QuerySet[Person]:
    return Person.objects.filter(
        is_active=True,
        pk__in=OneOnOne.objects.filter(status=OneOnOne.Status.ACTIVE).values("manager_id"),
    )


# --- The admins' outbox page ------------------------------------------------------------------
#
# Admins run the email but may not learn who meets whom, when, or whether a 1:1 was held
# (docs/privacy.md). Reminders, agendas and recaps each name a 1:1 in their recipient, subject
# and timing, and the Monday digest goes to managers with active 1:1s and lists their week; so
# the page shows those kinds only as counts and as error reasons with every address blanked.
# A test email is an admin's own message to an address they typed: its address may show.

KINDS_WITHOUT_ONE_ON_ONE = frozenset({Kind.TEST})
SENT_WINDOW = timedelta(days=7)
FAILURES_SHOWN = 50
ADDRESS = re.compile(r"[^\s<>()\[\]{},;:'\"]+@[^\s<>()\[\]{},;:'\"]+")


@dataclass(frozen=True)
class KindCounts:
    label: str
    scheduled: int  # decided, not due yet
    waiting: int  # due, not tried yet
    retrying: int  # failed, tried again after a wait
    gave_up: int  # failed every try
    sent_lately: int  # sent in the last SENT_WINDOW


@dataclass(frozen=True)
class FailureReason:
    kind_label: str
    reason: str
    emails: int
    gave_up: int
    address: str  # only for kinds without a 1:1, else empty


@dataclass(frozen=True)
class OutboxOverview:
    kinds: list[KindCounts]
    failures: list[FailureReason]
    oldest_waiting_since: datetime | None
    retryable: int


def blank_addresses(error: str) -> str:
    """The mail server's reason without any email address in it (servers quote the refused
    recipient: "{'rui@example.com': (550, ...)}")."""
    return ADDRESS.sub("[address]", error)


def outbox_overview(now: datetime, *, max_attempts: int) -> OutboxOverview:
    """What an admin needs to run email, and nothing that tells of anyone's 1:1."""
    unsent = Q(sent_at__isnull=True)
    failed = unsent & Q(attempts__gt=0)
    counts: dict[str, dict[str, int]] = {
        row["kind"]: {
            "scheduled": row["scheduled"],
            "waiting": row["waiting"],
            "retrying": row["retrying"],
            "gave_up": row["gave_up"],
            "sent_lately": row["sent_lately"],
        }
        for row in Outbox.objects.values("kind").annotate(
            scheduled=Count("pk", filter=unsent & Q(attempts=0, send_after__gt=now)),
            waiting=Count("pk", filter=unsent & Q(attempts=0, send_after__lte=now)),
            retrying=Count("pk", filter=failed & Q(attempts__lt=max_attempts)),
            gave_up=Count("pk", filter=unsent & Q(attempts__gte=max_attempts)),
            sent_lately=Count("pk", filter=Q(sent_at__gte=now - SENT_WINDOW)),
        )
    }
    empty = dict.fromkeys(("scheduled", "waiting", "retrying", "gave_up", "sent_lately"), 0)
    kinds = [
        KindCounts(label=str(label), **counts.get(kind, empty)) for kind, label in Kind.choices
    ]
    oldest = (
        Outbox.objects.filter(unsent, send_after__lte=now, attempts__lt=max_attempts)
        .order_by("send_after")
        .values_list("send_after", flat=True)
        .first()
    )
    return OutboxOverview(
        kinds=kinds,
        failures=_failure_reasons(max_attempts),
        oldest_waiting_since=oldest,
        retryable=sum(kind.retrying + kind.gave_up for kind in kinds),
    )


def _failure_reasons(max_attempts: int) -> list[FailureReason]:
    rows = (
        Outbox.objects.filter(sent_at__isnull=True, attempts__gt=0)
        .values("kind", "last_error", "to_address")
        .annotate(emails=Count("pk"), gave_up=Count("pk", filter=Q(attempts__gte=max_attempts)))
    )
    merged: dict[tuple[str, str, str], list[int]] = {}
    for row in rows:
        shows_address = row["kind"] in KINDS_WITHOUT_ONE_ON_ONE
        error = row["last_error"] if shows_address else blank_addresses(row["last_error"])
        key = (row["kind"], error, row["to_address"] if shows_address else "")
        totals = merged.setdefault(key, [0, 0])
        totals[0] += row["emails"]
        totals[1] += row["gave_up"]
    labels = dict(Kind.choices)
    reasons = [
        FailureReason(
            kind_label=str(labels.get(kind, kind)),
            reason=error or "(no reason recorded)",
            emails=emails,
            gave_up=gave_up,
            address=address,
        )
        for (kind, error, address), (emails, gave_up) in merged.items()
    ]
    reasons.sort(key=lambda reason: (-reason.emails, reason.kind_label, reason.reason))
    return reasons[:FAILURES_SHOWN]


# --- Health -------------------------------------------------------------------------------------

# An email due this long and not sent means no worker is sending (the tick runs every minute).
HEALTH_WAIT_LIMIT = timedelta(minutes=15)
# Rows that gave up this recently keep the health degraded until they are sent or retried.
HEALTH_GAVE_UP_WINDOW = timedelta(days=7)
# A row that failed this many tries in a row (about 15 minutes) means the mail server is down.
HEALTH_FAILING_TRIES = 4


@dataclass(frozen=True)
class EmailHealth:
    reasons: list[str]

    @property
    def degraded(self) -> bool:
        return bool(self.reasons)

    def as_json(self) -> dict[str, object]:
        """Fields for /health/: nothing when email is fine, else status "degraded" (still HTTP
        200: load balancers keep an instance whose mail is late) and why."""
        return {"status": "degraded", "email": self.reasons} if self.reasons else {}


def email_health(now: datetime, *, max_attempts: int) -> EmailHealth:
    """Is email going out? Counts only, nothing about anyone's 1:1: emails that gave up, emails
    failing for a while (the mail server is down), and the wait of the oldest due email (no
    worker sends)."""
    unsent = Outbox.objects.filter(sent_at__isnull=True)
    figures = unsent.aggregate(
        gave_up=Count(
            "pk",
            filter=Q(attempts__gte=max_attempts, send_after__gte=now - HEALTH_GAVE_UP_WINDOW),
        ),
        failing=Count(
            "pk", filter=Q(attempts__gte=HEALTH_FAILING_TRIES, attempts__lt=max_attempts)
        ),
    )
    oldest = (
        unsent.filter(send_after__lte=now, attempts__lt=max_attempts)
        .order_by("send_after")
        .values_list("send_after", flat=True)
        .first()
    )
    reasons = []
    if gave_up := figures["gave_up"]:
        reasons.append(f"{_emails(gave_up)} gave up after {max_attempts} tries")
    if failing := figures["failing"]:
        reasons.append(f"{_emails(failing)} failed {HEALTH_FAILING_TRIES} or more tries")
    if oldest is not None and now - oldest > HEALTH_WAIT_LIMIT:
        minutes = int((now - oldest).total_seconds() // 60)
        reasons.append(f"the oldest due email has waited {minutes} minutes")
    return EmailHealth(reasons=reasons)


def _emails(count: int) -> str:
    return "1 email" if count == 1 else f"{count} emails"


def email_health_fields() -> dict[str, object]:
    """The health view's email fields, as of now."""
    return email_health(timezone.now(), max_attempts=MAX_ATTEMPTS).as_json()


# --- Chat webhooks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChatStatus:
    """What a webhook's page shows: never its URL (the secret), only its host; the times of
    deliveries to the person themselves only."""

    flavour: str
    flavour_value: str
    host: str
    set_by_admin: bool
    is_failing: bool
    last_error: str
    last_failed_at: datetime | None
    last_ok_at: datetime | None
    ever_ok: bool
    gave_up: int
    retrying: int


CHAT_GAVE_UP_WINDOW = timedelta(days=30)


def chat_status(person: Person | None, *, viewer: Person) -> ChatStatus | None:
    """The webhook of `person` (the organisation's when None) as `viewer` sees it, or None when
    there is none. `viewer` is the person or an admin (the views check access first)."""
    hook = ChatWebhook.objects.filter(person=person).first()
    if hook is None:
        return None
    since = timezone.now() - CHAT_GAVE_UP_WINDOW
    unsent = hook.deliveries.filter(sent_at__isnull=True, created_at__gte=since).aggregate(
        gave_up=Count("pk", filter=Q(attempts__gte=CHAT_MAX_ATTEMPTS)),
        retrying=Count("pk", filter=Q(attempts__gt=0, attempts__lt=CHAT_MAX_ATTEMPTS)),
    )
    # A delivery's time tells when a reminder was due, and so when a 1:1 is: only for the
    # person themselves (docs/privacy.md).
    own = person is not None and viewer.pk == person.pk
    return ChatStatus(
        flavour=hook.get_flavour_display(),
        host=urlsplit(hook.url).hostname or "",
        flavour_value=hook.flavour,
        set_by_admin=person is not None and hook.set_by_id not in (None, person.pk),
        is_failing=hook.is_failing,
        last_error=hook.last_error,
        last_failed_at=hook.last_failed_at if own else None,
        last_ok_at=hook.last_ok_at if own else None,
        ever_ok=hook.last_ok_at is not None,
        gave_up=unsent["gave_up"],
        retrying=unsent["retrying"],
    )


def organisation_chat_reaches(person: Person) -> bool:
    """The person has no webhook of their own and the organisation has one."""
    return (
        not ChatWebhook.objects.filter(person=person).exists()
        and ChatWebhook.objects.filter(person__isnull=True).exists()
    )
