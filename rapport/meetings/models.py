from __future__ import annotations

import secrets
import uuid
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone as django_timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from rapport.crypto.fields import EncryptedCharField, EncryptedTextField
from rapport.meetings import system_texts
from rapport.people.models import DayAway, Person, validate_timezone, validate_video_link


class Cadence(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    BIWEEKLY = "biweekly", _("Every 2 weeks")
    MONTHLY = "monthly", _("Every month")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Section(models.TextChoices):
    # Connection comes first everywhere: in the agenda, in forms, in charts.
    CONNECTION = "connection", _("Connection")
    PERFORMANCE = "performance", _("Performance")


class OneOnOne(models.Model):
    """The recurring 1:1 of one manager and one report. Closed, never deleted, when the
    report's manager changes: the report keeps its history, the old manager loses it."""

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("1:1 status", "Active")
        CLOSED = "closed", pgettext_lazy("1:1 status", "Closed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    manager = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    cadence = models.CharField(max_length=16, choices=Cadence.choices, default=Cadence.WEEKLY)
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, default=Weekday.TUESDAY)
    start_time = models.TimeField()
    # The rule is kept in the manager's zone at set-up, so a daylight-saving change moves the
    # meeting with the manager's wall clock, not with UTC.
    timezone = models.CharField(max_length=64, validators=[validate_timezone])
    duration_minutes = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(10), MaxValueValidator(240)]
    )
    starts_on = models.DateField()
    target_connection_share = models.PositiveSmallIntegerField(
        default=50, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The pair's video room; empty means the manager's usual room (Person.video_link).
    video_link = models.URLField(
        max_length=500, blank=True, db_default="", default="", validators=[validate_video_link]
    )
    # The iCalendar SEQUENCE of the pair's series: raised by every change of its schedule
    # (set-up, rhythm, one meeting moved, skipped or cancelled, end), so calendars take the
    # newest invite. The worker sends invites for sequences not yet sent.
    calendar_sequence = models.PositiveIntegerField(default=0, db_default=0)
    # A growth conversation (direction, strengths, what to learn next) every this many weeks;
    # 0 turns the rhythm off. 13 weeks: once a quarter.
    growth_every_weeks = models.PositiveSmallIntegerField(
        default=13, db_default=13, validators=[MaxValueValidator(52)]
    )
    # Meetings exist as rows up to this moment; later ones are created as time moves on.
    scheduled_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=django_timezone.now)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(status="active"),
                name="one_active_one_on_one_per_report",
            ),
            models.CheckConstraint(
                condition=~Q(manager=models.F("report")), name="one_on_one_two_people"
            ),
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["manager", "status"])]

    def __str__(self) -> str:
        return f"1:1 {self.manager} / {self.report}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def other_person(self, viewer: Person) -> Person:
        return self.report if viewer.pk == self.manager_id else self.manager

    def growth_due_on(self, last_growth: date | None) -> date | None:
        """The day the next growth conversation is due: the rhythm counted from the last one
        held (or from the pair's start); None when the pair turned the rhythm off."""
        if not self.growth_every_weeks:
            return None
        return (last_growth or self.starts_on) + timedelta(weeks=self.growth_every_weeks)

    @property
    def room(self) -> str:
        """The video link calendars and pages show: the pair's own, else the manager's usual."""
        return self.video_link or self.manager.video_link

    @property
    def weekday_short(self) -> str:
        """The weekday abbreviated as the active language does it ("Tue", "Di", "mar")."""
        return str(WEEKDAYS_ABBR[self.weekday])

    @property
    def cadence_phrase(self) -> str:
        """The cadence inside a sentence ("every week"), cased as the active language wants."""
        phrases = {
            Cadence.WEEKLY: pgettext("cadence inside a sentence", "every week"),
            Cadence.BIWEEKLY: pgettext("cadence inside a sentence", "every 2 weeks"),
            Cadence.MONTHLY: pgettext("cadence inside a sentence", "every month"),
        }
        return phrases.get(Cadence(self.cadence), self.get_cadence_display())


class Meeting(models.Model):
    class Status(models.TextChoices):
        UPCOMING = "upcoming", pgettext_lazy("meeting status", "Upcoming")
        HELD = "held", pgettext_lazy("meeting status", "Held")
        SKIPPED = "skipped", pgettext_lazy("meeting status", "Skipped")
        CANCELLED = "cancelled", pgettext_lazy("meeting status", "Cancelled")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    one_on_one = models.ForeignKey(OneOnOne, on_delete=models.CASCADE, related_name="meetings")
    # The slot the rule gave; `scheduled_for` differs from it when the meeting was rescheduled.
    slot = models.DateTimeField()
    scheduled_for = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=30)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.UPCOMING)
    status_reason = models.CharField(max_length=300, blank=True)
    # The day away that skipped this meeting: removing the day away puts the meeting back, and a
    # skip made by hand (null here) is never undone by one.
    skipped_for_away = models.ForeignKey(
        DayAway, null=True, blank=True, on_delete=models.SET_NULL, related_name="skipped_meetings"
    )
    # Meeting mode: when the timer first started and when the meeting was ended.
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # Measured seconds per section, written when meeting mode ends (segments stay the source).
    connection_seconds = models.PositiveIntegerField(null=True, blank=True)
    performance_seconds = models.PositiveIntegerField(null=True, blank=True)
    # For a meeting held without meeting mode: minutes estimated afterwards, never mixed up
    # with measured time.
    estimated_connection_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    estimated_performance_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    # A growth conversation: holding it resets the pair's growth rhythm (insights' rule).
    is_growth = models.BooleanField(default=False, db_default=False)

    class Meta:
        ordering = ("scheduled_for",)
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["one_on_one", "slot"], name="one_meeting_per_slot"),
        ]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["one_on_one", "scheduled_for"]),
            # A pair's last held or next upcoming meeting, and its held ones of a window: without
            # it, on years of history the planner walks every pair's meetings by status instead.
            models.Index(fields=["one_on_one", "status", "scheduled_for"]),
            models.Index(fields=["status", "scheduled_for"]),
            # The organisation view's windows over everyone's meetings (all statuses).
            models.Index(fields=["scheduled_for"]),
        ]

    def __str__(self) -> str:
        return f"{self.one_on_one} at {self.scheduled_for:%Y-%m-%d %H:%M}"

    @property
    def is_rescheduled(self) -> bool:
        return self.scheduled_for != self.slot

    @property
    def is_open(self) -> bool:
        """Open meetings gather the agenda: everything not yet discussed shows on them."""
        return self.status == self.Status.UPCOMING

    @property
    def ends_at(self) -> datetime:
        return self.scheduled_for + timedelta(minutes=self.duration_minutes)

    def state_at(self, now: datetime, zone: tzinfo) -> tuple[str, str]:
        """The (label, badge key) a list shows at `now`, dates read in `zone`: an open meeting
        whose time has passed is no longer "Upcoming", it is waiting to be marked held."""
        if self.status != self.Status.UPCOMING:
            return self.get_status_display(), self.status
        if now < self.scheduled_for:
            return pgettext("meeting state", "Upcoming"), "upcoming"
        if now < self.ends_at:
            return pgettext("meeting state", "Now"), "upcoming"
        if self.scheduled_for.astimezone(zone).date() == now.astimezone(zone).date():
            return pgettext("meeting state", "Earlier today, not marked held"), "unmarked"
        return pgettext("meeting state", "Not marked held"), "unmarked"

    @staticmethod
    def accounted_before(now: datetime) -> datetime:
        """Figures (cadence, retention) count a meeting as held or missed only once a day has
        passed since its time: the pair may be in it right now, or mark it held later that day."""
        return now - timedelta(days=1)

    @property
    def shown_status_reason(self) -> str:
        """The status reason in the active language (system_texts: Rapport's own reasons are
        translated; one a person wrote stays as written)."""
        return system_texts.shown_reason(self.status_reason)


class TalkingPoint(models.Model):
    """Belongs to the pair, not to a meeting: a point stays on the agenda of every open meeting
    until it is discussed, so skipping or moving a meeting loses nothing."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    one_on_one = models.ForeignKey(OneOnOne, on_delete=models.CASCADE, related_name="points")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    # Encrypted at rest (rapport/crypto): shared and private points share the column.
    text = EncryptedCharField(max_length=500)
    section = models.CharField(max_length=12, choices=Section.choices, default=Section.CONNECTION)
    is_private = models.BooleanField(default=False)
    is_recurring = models.BooleanField(default=False)
    # A recurring point is a template; discussing it in a meeting records a copy pointing here.
    recurring_source = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="discussions"
    )
    position = models.PositiveIntegerField(default=0)
    discussed_in = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="discussed_points"
    )
    discussed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=django_timezone.now)

    class Meta:
        ordering = ("position", "created_at")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=~(Q(is_recurring=True) & Q(discussed_in__isnull=False)),
                name="recurring_point_is_never_discussed_itself",
            ),
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["one_on_one", "discussed_in"])]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def shown_text(self) -> str:
        """The text in the active language: the points Rapport puts on an agenda are translated
        (system_texts); what people wrote stays as written."""
        return system_texts.shown_point(self.text)


class Note(models.Model):
    """One person's shared or private note on one meeting. `version` rises with every save;
    a save made from an older version is refused so that no text is overwritten unseen."""

    class Kind(models.TextChoices):
        SHARED = "shared", pgettext_lazy("note kind", "Shared")
        PRIVATE = "private", pgettext_lazy("note kind", "Private")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    # Encrypted at rest (rapport/crypto): shared and private notes share the column.
    body = EncryptedTextField(blank=True, max_length=100_000)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=django_timezone.now)
    # The idempotency key of the save that produced `version`: the same save sent again after
    # its answer was lost is recognised and answered as saved, not as a conflict with itself.
    last_save_key = models.CharField(max_length=64, blank=True, default="", db_default="")

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["meeting", "author", "kind"], name="one_note_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} note by {self.author} on {self.meeting}"


class ActionItemQuerySet(models.QuerySet["ActionItem"]):
    def open(self) -> ActionItemQuerySet:
        return self.filter(done_at__isnull=True)

    def overdue(self, today: date) -> ActionItemQuerySet:
        """The query of ActionItem.is_overdue: open, due before `today`."""
        return self.open().filter(due_on__lt=today)


class ActionItem(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    one_on_one = models.ForeignKey(OneOnOne, on_delete=models.CASCADE, related_name="actions")
    created_in = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="created_actions"
    )
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    text = models.CharField(max_length=500)
    due_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=django_timezone.now)
    # The goal this action moves forward, if any; the action outlives a deleted goal.
    goal = models.ForeignKey(
        "goals.Goal", null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ("done_at", "due_on", "created_at")
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["one_on_one", "done_at"]),
            models.Index(fields=["owner", "done_at"]),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def is_overdue(self, today: date) -> bool:
        """Open, with a due date before `today` (the viewer's local date). The query of the same
        rule is ActionItem.objects.overdue(today)."""
        return self.done_at is None and self.due_on is not None and self.due_on < today


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """The secret address of a person's calendar feed. Regenerating replaces the token, so
    the old address stops working at once."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=django_timezone.now)

    def __str__(self) -> str:
        return f"calendar feed of {self.person}"


class NoteConflictCopy(models.Model):
    """Text that arrived from a stale version of a note. Kept on the server until its author
    chooses between it and the saved note, so closing the page never loses it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="conflict_copies")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    body = EncryptedTextField(blank=True, max_length=100_000)
    # The version the text was written on, so the person can tell what it was based on.
    base_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=django_timezone.now)

    class Meta:
        ordering = ("created_at", "pk")
        indexes: ClassVar[list[Any]] = [models.Index(fields=["note", "author"])]

    def __str__(self) -> str:
        return f"unsaved copy of {self.note}"


class TimeSegment(models.Model):
    """One stretch of meeting-mode time on one section. The running segment has no end; a
    pause is simply the absence of a running segment. Kept on the server so a reload, a lost
    connection or a second device continue the same clock."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="segments")
    section = models.CharField(max_length=12, choices=Section.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("started_at",)
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["meeting"], condition=Q(ended_at__isnull=True), name="one_running_segment"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="segment_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.section} {self.started_at:%H:%M:%S}"


class PersonCard(models.Model):
    """The manager's private card about a report, in one 1:1. Nobody else ever sees it; it
    closes with the 1:1 when the report's manager changes."""

    one_on_one = models.OneToOneField(OneOnOne, on_delete=models.CASCADE, related_name="card")
    motivators = EncryptedTextField(blank=True, max_length=5000)
    struggles = EncryptedTextField(blank=True, max_length=5000)
    outside_work = EncryptedTextField(blank=True, max_length=5000)
    working_style = EncryptedTextField(blank=True, max_length=5000)
    recognition = EncryptedTextField(blank=True, max_length=5000)
    updated_at = models.DateTimeField(default=django_timezone.now)

    def __str__(self) -> str:
        return f"card about {self.one_on_one.report_id}"
