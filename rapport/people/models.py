from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone as django_timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from rapport.crypto.fields import EncryptedCharField, EncryptedTextField
from rapport.people.timezones import is_known_timezone


def validate_timezone(value: str) -> None:
    if not is_known_timezone(value):
        raise ValidationError(
            gettext("“%(value)s” is not a known time zone (for example Europe/Berlin).")
            % {"value": value}
        )


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    HR = "hr", _("HR")
    ADMIN = "admin", _("Admin")


class LeftReason(models.TextChoices):
    VOLUNTARY = "voluntary", _("Voluntary")
    INVOLUNTARY = "involuntary", _("Involuntary")


# Working days as a bit set, Monday = bit 0: Monday to Friday by default.
WEEKDAYS_MONDAY_TO_FRIDAY = 0b0011111
DEFAULT_WORK_STARTS = time(9, 0)
DEFAULT_WORK_ENDS = time(17, 30)


def validate_video_link(value: str) -> None:
    """A video room is a secure link: the person's usual room and a pair's own (meetings)."""
    if value and not value.lower().startswith("https://"):
        raise ValidationError(
            gettext("Use a secure link that starts with https:// (copy it from your video app).")
        )


def validate_work_days(value: int) -> None:
    if not 0 < value < 2**7:
        raise ValidationError(gettext("Choose at least one working day."))


class PersonManager(BaseUserManager["Person"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> Person:
        if not email:
            raise ValueError("A person needs an email address.")
        person = self.model(email=normalise_email(email), **fields)
        person.set_password(password)
        person.save(using=self._db)
        return person

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> Person:
        fields.setdefault("role", Role.ADMIN)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str | None) -> Person:
        # Sign-in is case-insensitive on the email address.
        return self.get(email=normalise_email(username or ""))


# Name suffixes that may follow a comma in a name written first name first ("Ana Ruiz, Jr."),
# so that such a name is not taken for "Last, First".
NAME_SUFFIXES = frozenset(
    {"jr", "sr", "ii", "iii", "iv", "v", "phd", "md", "dds", "esq", "mba", "msc", "bsc", "cpa"}
)


def swapped_last_first(name: str) -> str | None:
    """ "Cohen, Daniel" as "Daniel Cohen"; None when the name is not written "Last, First".

    HR systems often export names family name first with a comma; Rapport writes names as
    people say them, so greetings start with the first name. One comma, words on both sides, and
    no suffix such as Jr. after it.
    """
    if name.count(",") != 1:
        return None
    last, first = (" ".join(part.split()) for part in name.split(","))
    if not last or not first or not any(c.isalpha() for c in last + first):
        return None
    if first.replace(".", "").lower() in NAME_SUFFIXES:
        return None
    return f"{first} {last}"


def validate_preferred_name(value: str) -> None:
    if "," in value:
        raise ValidationError(
            gettext(
                "Write only the name you go by, without a comma (for example Dani or Ana María)."
            ),
            code="comma",
        )
    if any(not character.isprintable() for character in value):
        raise ValidationError(
            gettext(
                "The preferred name contains a character that is not text (such as a tab or a "
                "line break); type it again."
            ),
            code="control",
        )


# The window of "left in the last 12 months" (Person.left_in_year_to).
LEAVER_YEAR = timedelta(days=365)


def normalise_email(email: str) -> str:
    return email.strip().lower()


class Person(AbstractBaseUser):
    """Everyone who signs in: managers, reports, HR and admins. Sign-in is by email."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(max_length=254, unique=True)
    name = models.CharField(max_length=150)
    # The name used in greetings and around the app ("Dani" for Daniela Cohen); blank means the
    # first word of `name`.
    preferred_name = models.CharField(
        max_length=60,
        blank=True,
        default="",
        db_default="",
        validators=[validate_preferred_name],
    )
    title = models.CharField(max_length=150, blank=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    # The language the app speaks to this person (pages and emails); blank follows the browser
    # (and, for emails, the site's LANGUAGE_CODE).
    language = models.CharField(
        max_length=8, blank=True, default="", db_default="", choices=settings.LANGUAGES
    )
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    started_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    # Working hours on the person's own wall clock (`timezone`): scheduling proposes 1:1s inside
    # both people's hours and asks before booking outside them.
    work_days = models.PositiveSmallIntegerField(
        default=WEEKDAYS_MONDAY_TO_FRIDAY,
        db_default=WEEKDAYS_MONDAY_TO_FRIDAY,
        validators=[validate_work_days],
    )
    work_starts = models.TimeField(default=DEFAULT_WORK_STARTS, db_default=DEFAULT_WORK_STARTS)
    work_ends = models.TimeField(default=DEFAULT_WORK_ENDS, db_default=DEFAULT_WORK_ENDS)
    # A manager's usual video room, used for a 1:1 that has no link of its own.
    video_link = models.URLField(
        max_length=500, blank=True, db_default="", default="", validators=[validate_video_link]
    )
    left_reason = models.CharField(max_length=16, choices=LeftReason.choices, blank=True)
    is_active = models.BooleanField(default=True)
    # Set by `rapport demo` and `rapport synth`, whose accounts share a published password: in
    # production such an account cannot sign in (PersonBackend) and `check --deploy` reports it.
    # A marker rather than the address, because it travels with the row whatever the address.
    is_demo = models.BooleanField(default=False, db_default=False, editable=False)
    created_at = models.DateTimeField(default=django_timezone.now, editable=False)

    objects: ClassVar[PersonManager] = PersonManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["name"]

    class Meta:
        ordering = ("name",)
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(Lower("email"), name="person_email_unique_ci"),
            models.CheckConstraint(
                condition=~models.Q(manager=models.F("id")), name="person_not_own_manager"
            ),
            models.CheckConstraint(
                condition=models.Q(left_reason="") | models.Q(left_on__isnull=False),
                name="person_left_reason_needs_left_on",
            ),
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["manager", "is_active"])]

    def __str__(self) -> str:
        return self.name or self.email

    @staticmethod
    def left_in_year_to(today: date) -> models.Q:
        """Who counts as a leaver of the 12 months up to `today` (the organisation's calendar):
        a departure applied with a leaving date in that window. The one definition behind every
        figure that counts leavers (home, the organisation view's retention)."""
        return models.Q(left_on__gt=today - LEAVER_YEAR, left_on__lte=today)

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        """The preferred name if set, else the first name: the first word of the name, or the
        word after the comma of a name written "Last, First" (never "Cohen,")."""
        if self.preferred_name.strip():
            return self.preferred_name.strip()
        name = swapped_last_first(self.name) or self.name
        words = name.split()
        return words[0] if words else self.email

    @property
    def initials(self) -> str:
        parts = [part for part in self.name.split() if part]
        if not parts:
            return self.email[:1].upper()
        return (parts[0][0] + (parts[-1][0] if len(parts) > 1 else "")).upper()

    def has_left(self, today: date) -> bool:
        """Whether the person's departure has taken effect by `today`: the one rule erasure and
        retention read (a leaving date still in the future has not)."""
        return self.left_on is not None and self.left_on <= today

    @property
    def is_hr(self) -> bool:
        return self.role == Role.HR

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def clean(self) -> None:
        self.email = normalise_email(self.email)
        if self.left_reason and not self.left_on:
            raise ValidationError(
                {"left_reason": gettext("A reason for leaving needs a leaving date.")}
            )
        if self.work_ends <= self.work_starts:
            raise ValidationError(
                {"work_ends": gettext("The working day must end after it starts.")}
            )

    @property
    def email_language(self) -> str:
        """The language emails to this person are written in: their own choice, else the site's."""
        return self.language or settings.LANGUAGE_CODE

    # --- Working hours ---------------------------------------------------------------------------

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def works_on(self, weekday: int) -> bool:
        """Whether `weekday` (Monday = 0) is one of the person's working days."""
        return bool(self.work_days & (1 << weekday))

    def working_window(self, day: date) -> tuple[datetime, datetime] | None:
        """The person's working hours on their local `day`, in UTC; None on a day off."""
        if not self.works_on(day.weekday()):
            return None
        zone = self.zone
        start = datetime.combine(day, self.work_starts, tzinfo=zone).astimezone(UTC)
        end = datetime.combine(day, self.work_ends, tzinfo=zone).astimezone(UTC)
        return start, end

    def is_working(self, start: datetime, end: datetime) -> bool:
        """Whether the whole of `start`..`end` (aware datetimes) lies inside one of the person's
        working days. Days away are not looked at here (see DayAway)."""
        local_day = start.astimezone(self.zone).date()
        window = self.working_window(local_day)
        return window is not None and window[0] <= start and end <= window[1]

    def working_day_names(self) -> list[str]:
        # Django's abbreviations (Mon, Tue…), in the active language.
        return [str(WEEKDAYS_ABBR[index]) for index in range(7) if self.works_on(index)]


class DayAway(models.Model):
    """Days a person is away (holiday, leave), inclusive on both ends, on their own calendar.
    A manager's days away skip their 1:1s in the range; the skip is re-applied whenever the
    meetings of a rhythm are (re)created, so it survives later changes of rhythm."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday")
        LEAVE = "leave", _("Leave")
        OTHER = "other", _("Away")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="days_away")
    starts_on = models.DateField()
    ends_on = models.DateField()
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.HOLIDAY)
    created_at = models.DateTimeField(default=django_timezone.now, editable=False)

    class Meta:
        ordering = ("starts_on",)
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="day_away_ends_after_start",
            ),
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["person", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on:%Y-%m-%d} to {self.ends_on:%Y-%m-%d}"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError(
                {"ends_on": gettext("The last day away cannot be before the first.")}
            )
        if self.starts_on and self.ends_on and self.ends_on - self.starts_on > timedelta(days=366):
            raise ValidationError({"ends_on": gettext("Days away cover at most a year at a time.")})

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


class LoginFailure(models.Model):
    """One failed sign-in, counted per account, per address, per trusted browser and in all
    for throttling (rapport/people/throttle.py).

    Kept in the database, not a per-process cache, so several web processes share the count.
    """

    email = models.CharField(max_length=254, blank=True)
    address = models.CharField(max_length=64, blank=True)
    # The nonce of the trusted-browser cookie the failed try presented, if any.
    browser = models.CharField(max_length=32, blank=True, db_default="", default="")
    at = models.DateTimeField(default=django_timezone.now)

    class Meta:
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["email", "at"]),
            models.Index(fields=["address", "at"]),
            models.Index(fields=["browser", "at"]),
            # The global ceiling counts every failure in the window.
            models.Index(fields=["at"], name="loginfailure_at"),
        ]

    def __str__(self) -> str:
        return f"failed sign-in at {self.at:%Y-%m-%d %H:%M}"


class PasswordResetRequest(models.Model):
    """One request for a reset email, whether or not the address has an account: counted per
    target address and per client address so that resets cannot flood anyone's mailbox."""

    email = models.CharField(max_length=254)
    address = models.CharField(max_length=64, blank=True)
    # False when a limit refused it: it still counts for its client address, not for the target.
    queued = models.BooleanField()
    at = models.DateTimeField(default=django_timezone.now)

    class Meta:
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["email", "at"]),
            models.Index(fields=["address", "at"]),
        ]

    def __str__(self) -> str:
        return f"password reset asked at {self.at:%Y-%m-%d %H:%M}"


class WorkingProfile(models.Model):
    """The person's own "working with me" profile, written by them for their manager. Each
    answer has its own sharing choice and is kept to the person until they share it: only they
    see the kept answers, their current manager only the shared ones (access.py)."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="working_profile")
    # Every answer is encrypted at rest (rapport/crypto), kept or shared.
    how_i_work = EncryptedTextField(blank=True, max_length=2000)
    how_i_work_shared = models.BooleanField(default=False)
    feedback = EncryptedTextField(blank=True, max_length=2000)
    feedback_shared = models.BooleanField(default=False)
    recognition = EncryptedTextField(blank=True, max_length=2000)
    recognition_shared = models.BooleanField(default=False)
    growth = EncryptedTextField(blank=True, max_length=2000)
    growth_shared = models.BooleanField(default=False)
    outside_work = EncryptedTextField(blank=True, max_length=2000)
    outside_work_shared = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=django_timezone.now)

    # (field, the question as the person reads it, the heading their manager reads)
    ANSWERS: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("how_i_work", gettext_noop("How I like to work"), gettext_noop("How they like to work")),
        (
            "feedback",
            gettext_noop("How I like to get feedback"),
            gettext_noop("How they like feedback"),
        ),
        (
            "recognition",
            gettext_noop("What recognition means to me"),
            gettext_noop("What recognition means to them"),
        ),
        (
            "growth",
            gettext_noop("What I want to grow in"),
            gettext_noop("What they want to grow in"),
        ),
        (
            "outside_work",
            gettext_noop("Outside work, what I choose to share"),
            gettext_noop("Outside work"),
        ),
    )

    def __str__(self) -> str:
        return f"working-with-me profile of {self.person}"

    def answer(self, name: str) -> str:
        return str(getattr(self, name))

    def is_shared(self, name: str) -> bool:
        return bool(getattr(self, f"{name}_shared"))

    def shared_answers(self) -> list[tuple[str, str]]:
        """(heading, text) of every answer the person shares and has written, in form order."""
        return [
            (gettext(heading), self.answer(name))
            for name, _mine, heading in self.ANSWERS
            if self.is_shared(name) and self.answer(name).strip()
        ]


class Departure(models.Model):
    """A departure recorded by HR or an admin. A leaving date after today (the organisation's
    calendar) is SCHEDULED: the person keeps access and the worker applies it on the day. Once
    APPLIED, it keeps what it changed (the reports it moved, the 1:1s it closed, the meetings it
    cancelled) so that an undo within the grace period puts exactly that back. Pairs and
    meetings live in the meetings app, above this one: they are kept as ids."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        APPLIED = "applied", _("Applied")
        CANCELLED = "cancelled", _("Cancelled")
        UNDONE = "undone", _("Undone")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="departures")
    leaves_on = models.DateField()
    reason = models.CharField(max_length=16, choices=LeftReason.choices)
    state = models.CharField(max_length=12, choices=State.choices, default=State.SCHEDULED)
    recorded_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=django_timezone.now, editable=False)
    applied_at = models.DateTimeField(null=True, blank=True)
    # When it was cancelled (scheduled) or undone (applied).
    ended_at = models.DateTimeField(null=True, blank=True)
    # What applying changed: the person's reports and the manager they moved to, the pairs it
    # closed and the upcoming meetings it cancelled.
    reports_moved_to = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moved_report_ids = models.JSONField(default=list, blank=True)
    closed_one_on_one_ids = models.JSONField(default=list, blank=True)
    cancelled_meeting_ids = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ("-recorded_at", "-pk")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(state="scheduled"),
                name="one_scheduled_departure_per_person",
            ),
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["state", "leaves_on"])]

    def __str__(self) -> str:
        return f"departure of {self.person} on {self.leaves_on:%Y-%m-%d} ({self.state})"

    @property
    def is_scheduled(self) -> bool:
        return self.state == self.State.SCHEDULED

    @property
    def is_applied(self) -> bool:
        return self.state == self.State.APPLIED

    def undo_until(self, grace: timedelta) -> datetime | None:
        """The moment the undo of an applied departure closes; None unless applied."""
        if not self.is_applied or self.applied_at is None:
            return None
        return self.applied_at + grace

    def can_undo(self, now: datetime, grace: timedelta) -> bool:
        until = self.undo_until(grace)
        return until is not None and now < until


class Invitation(models.Model):
    """A new person's first email, asked for by an import or an admin's re-send. The worker's
    tick turns each unqueued row into one outbox email (key `invitation:<uuid>`), so it is sent
    exactly once however often the tick runs."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="invitations")
    created_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=django_timezone.now, editable=False)
    queued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes: ClassVar[list[Any]] = [models.Index(fields=["queued_at"])]

    def __str__(self) -> str:
        return f"invitation of {self.person} at {self.created_at:%Y-%m-%d %H:%M}"


class SecondFactor(models.Model):
    """A person's authenticator app (TOTP, rapport/people/totp.py), set up once they typed a
    code it made. The secret is stored as the app holds it (base32): the database's own
    protection covers it for now, like the session keys beside it."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="second_factor")
    # Encrypted at rest (rapport/crypto): a dump alone must not let anyone make the codes.
    secret = EncryptedCharField(max_length=64)
    enrolled_at = models.DateTimeField(default=django_timezone.now, editable=False)
    # The newest time step whose code was accepted: a code is good once, and an older one never.
    last_used_step = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"authenticator app since {self.enrolled_at:%Y-%m-%d}"


class RecoveryCode(models.Model):
    """One of the ten codes shown once at set-up, for a lost phone: single use, stored hashed."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=django_timezone.now, editable=False)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["person", "code_hash"], name="recovery_code_unique_per_person"
            ),
        ]

    def __str__(self) -> str:
        return "used recovery code" if self.used_at else "recovery code"
