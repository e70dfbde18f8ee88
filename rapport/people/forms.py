from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.http import HttpRequest
from django.utils.translation import gettext, gettext_lazy, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from rapport.audit import services as audit
from rapport.audit.models import Action
from rapport.people import throttle
from rapport.people.backends import password_sign_in_allowed
from rapport.people.importing import MAX_BYTES, MAX_ROWS
from rapport.people.models import (
    DayAway,
    LeftReason,
    Person,
    Role,
    WorkingProfile,
    normalise_email,
    validate_preferred_name,
    validate_video_link,
)
from rapport.people.selectors import PeopleStatus
from rapport.people.timezones import canonical_timezone, is_known_timezone, timezone_choices

# One message for every counter, so a refusal says nothing about the account or the cause.
THROTTLED_MESSAGE = _(
    "Too many sign-in attempts. For your safety, sign-in is paused for a while; "
    "try again later or reset your password."
)


class SignInForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.person: Person | None = None
        self.throttled = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        email, password = data.get("email"), data.get("password")
        if not email or not password:
            return data
        address = throttle.client_address(self.request)
        browser = throttle.trusted_browser(self.request, email=email)
        # Checked before the password, and for unknown addresses alike, so a refusal tells
        # nothing about whether the account exists.
        if throttle.is_throttled(email=email, address=address, browser=browser):
            self.throttled = True
            raise ValidationError(THROTTLED_MESSAGE, code="throttled")
        # Before the password, so that nothing is learnt from it about the account either.
        if not password_sign_in_allowed(email):
            raise ValidationError(
                gettext("Passwords are switched off here: sign in with %(provider)s instead.")
                % {"provider": settings.OIDC_PROVIDER_NAME},
                code="password_sign_in_off",
            )
        person = authenticate(self.request, username=email, password=password)
        if person is None:
            throttle.record_failure(email=email, address=address, browser=browser)
            audit.record(
                action=Action.SIGN_IN_FAILED,
                actor=None,
                subject=Person.objects.filter(email=normalise_email(email)).first(),
                details={"address": address, "step": "password"},
            )
            raise ValidationError(
                gettext(
                    "That email and password do not match an account. Check both and try again."
                ),
                code="invalid_login",
            )
        throttle.clear_failures(email=email, address=address, browser=browser)
        self.person = person if isinstance(person, Person) else None
        return data


class PeopleSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, strip=True, label=_("Search people"))
    # HR and admins only (the view ignores it for anyone else).
    status = forms.ChoiceField(
        required=False,
        choices=[("", _("Everyone")), *PeopleStatus.CHOICES],
        error_messages={"invalid_choice": _("Choose active, leaving soon or left.")},
    )


def zone_filter_attrs() -> dict[str, Any]:
    """The zone <select>'s attributes: ui.js adds the filter box and reads its words, in the
    viewer's language, from the data-say-* attributes ({count} is filled in by the script)."""
    return {
        "data-zone-filter": "",
        "autocomplete": "off",
        "data-say-label": _("Filter time zones"),
        "data-say-placeholder": _("Type a city or region to filter"),
        "data-say-matches-one": ngettext_lazy(
            "{count} time zone matches", "{count} time zones match", 1
        ),
        "data-say-matches-other": ngettext_lazy(
            "{count} time zone matches", "{count} time zones match", 2
        ),
    }


class TimezoneField(forms.ChoiceField):
    """Canonical zones grouped by region (a filter box is added by ui.js). A stored or posted
    alias (Africa/Asmera, US/Eastern) is still accepted and becomes its canonical name."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Time zone"))
        kwargs.setdefault(
            "error_messages", {"invalid_choice": _("Choose a time zone from the list.")}
        )
        kwargs.setdefault("widget", forms.Select(attrs=zone_filter_attrs()))
        super().__init__(choices=timezone_choices, **kwargs)

    def keep(self, stored: str | None) -> None:
        """Offers a stored zone with no canonical twin (Etc/GMT+5), so saving keeps it."""
        self.choices = timezone_choices(keep=stored)

    def prepare_value(self, value: Any) -> Any:
        return canonical_timezone(value) if isinstance(value, str) else value

    def to_python(self, value: Any) -> str:
        name = super().to_python(value)
        return canonical_timezone(name) if name else name

    def valid_value(self, value: Any) -> bool:
        return is_known_timezone(str(value))

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and not is_known_timezone(value):
            raise ValidationError(gettext("Choose a time zone from the list."))


def preferred_name_field(*, own: bool) -> forms.CharField:
    """The short name used in greetings; blank means the first word of the full name."""
    return forms.CharField(
        max_length=60,
        required=False,
        label=_("Preferred name"),
        help_text=(
            _(
                "What you like to be called: greetings and emails use it. Leave it blank to use "
                "your first name."
            )
            if own
            else _(
                "What they like to be called: greetings and emails use it. Blank uses the "
                "first word of their name."
            )
        ),
        validators=[validate_preferred_name],
        error_messages={"max_length": _("Keep the preferred name to 60 characters or fewer.")},
    )


class PersonForm(forms.Form):
    """An admin edits someone's place in the organisation."""

    name = forms.CharField(max_length=150, label=_("Name"))
    preferred_name = preferred_name_field(own=False)
    title = forms.CharField(max_length=150, required=False, label=_("Title"))
    timezone = TimezoneField()
    role = forms.ChoiceField(choices=Role.choices, label=_("Role"))
    manager = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("Nobody (top of the chart)"),
        label=_("Manager"),
    )
    started_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        label=_("Started on"),
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = (  # type: ignore[attr-defined]
            Person.objects.filter(is_active=True).exclude(pk=person.pk).order_by("name")
        )
        self.fields["timezone"].keep(self.initial.get("timezone"))  # type: ignore[attr-defined]


class ProfileForm(forms.Form):
    """What people may change about themselves."""

    name = forms.CharField(max_length=150, label=_("Full name"))
    preferred_name = preferred_name_field(own=True)
    timezone = TimezoneField(help_text=_("Meeting times are shown to you in this time zone."))
    # Each language under its own name, so that anyone can find theirs.
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        choices=[("", gettext_lazy("Your browser's language")), *settings.LANGUAGES],
        required=False,
        help_text=gettext_lazy("Rapport's pages and your emails are written in this language."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["timezone"].keep(self.initial.get("timezone"))  # type: ignore[attr-defined]


WEEKDAY_CHOICES = [
    (str(index), name)
    for index, name in enumerate(
        (
            _("Monday"),
            _("Tuesday"),
            _("Wednesday"),
            _("Thursday"),
            _("Friday"),
            _("Saturday"),
            _("Sunday"),
        )
    )
]


class WorkingHoursForm(forms.Form):
    """A person's working days and hours, on their own clock, and their usual video room."""

    work_days = forms.MultipleChoiceField(
        choices=WEEKDAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        label=_("Working days"),
        error_messages={"required": _("Choose at least one working day.")},
    )
    work_starts = forms.TimeField(
        label=_("Day starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    work_ends = forms.TimeField(
        label=_("Day ends at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    video_link = forms.URLField(
        required=False,
        max_length=500,
        label=_("Your video room"),
        help_text=_(
            "Your usual meeting link (Zoom, Meet, Teams, Jitsi), starting with https://. "
            "Your 1:1s use it unless a 1:1 has a room of its own."
        ),
        assume_scheme="https",
        validators=[validate_video_link],
    )

    def __init__(self, *args: Any, zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("work_starts", "work_ends"):
            self.fields[name].help_text = gettext("In your own time zone, %(zone)s.") % {
                "zone": zone
            }

    def clean_work_days(self) -> int:
        days = self.cleaned_data["work_days"]
        return sum(1 << int(day) for day in set(days))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("work_starts"), data.get("work_ends")
        if starts is not None and ends is not None and ends <= starts:
            self.add_error("work_ends", gettext("The working day must end after it starts."))
        return data

    @staticmethod
    def initial_for(person: Person) -> dict[str, Any]:
        return {
            "work_days": [str(day) for day in range(7) if person.works_on(day)],
            "work_starts": person.work_starts,
            "work_ends": person.work_ends,
            "video_link": person.video_link,
        }


class DayAwayForm(forms.Form):
    kind = forms.ChoiceField(choices=DayAway.Kind.choices, label=_("Kind"))
    starts_on = forms.DateField(
        label=_("First day away"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label=_("Last day away"),
        help_text=_("The same as the first day for a single day."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts is not None and ends is not None and ends < starts:
            self.add_error("ends_on", gettext("The last day away cannot be before the first."))
        return data


class DepartureForm(forms.Form):
    """Two steps: the date and reason, then (with `confirm`) the same values once HR has read
    what the departure will do (people/person_departure_confirm.html)."""

    leaves_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        label=_("Leaving date"),
        help_text=_(
            "From this day on they can no longer sign in. Today or an earlier day takes "
            "effect at once; a later day is scheduled and they keep access until then."
        ),
        error_messages={
            "required": _("Enter the leaving date."),
            "invalid": _("Enter the leaving date as a date, for example 2026-12-31."),
        },
    )
    reason = forms.ChoiceField(
        choices=LeftReason.choices,
        label=_("Reason"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whether the departure was voluntary or not."),
            "invalid_choice": _("Choose voluntary or involuntary."),
        },
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


def _looks_like_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return len(value) <= 254


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 CSV, at most 5 MB."),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )
    deactivate_missing = forms.BooleanField(
        required=False,
        label=_("Deactivate people who are not in this file"),
        help_text=_("They can no longer sign in; nobody is ever deleted."),
    )
    dry_run = forms.BooleanField(
        required=False,
        label=_("Only check the file"),
        help_text=_("See what the import would do without changing anything."),
    )

    def clean(self) -> dict[str, Any]:
        """`keep_name`: the emails, one per ticked "Keep as written" box of the preview, whose
        name written "Last, First" is imported as written rather than swapped."""
        data = super().clean() or {}
        posted = self.data.getlist("keep_name") if hasattr(self.data, "getlist") else []
        emails = {normalise_email(str(value)) for value in posted if str(value).strip()}
        if len(emails) > MAX_ROWS:
            raise ValidationError(gettext("Too many names to keep as written."), code="too_many")
        wrong = sorted(email for email in emails if not _looks_like_email(email))
        if wrong:
            raise ValidationError(
                gettext(
                    "Reload the page and choose again: “%(value)s” is not the email of a row in "
                    "the file."
                ),
                params={"value": wrong[0][:100]},
                code="keep_name",
            )
        data["keep_names"] = emails
        return data

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        # Checked before anything reads the file into memory.
        if upload.size is None or upload.size > MAX_BYTES:
            raise ValidationError(
                gettext(
                    "The file is larger than 5 MB. Leave out columns Rapport does not use, or "
                    "split it into several files."
                ),
                code="too_large",
            )
        return upload


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


PROFILE_HINTS = {
    "how_i_work": _("Focus time, meetings, messages, when in the day you do your best work."),
    "feedback": _("In writing or face to face, straight away or when you have had time to think."),
    "recognition": _("A word in private, a mention in front of the team, more responsibility."),
    "growth": _("Skills, kinds of work or roles you would like to move towards."),
    "outside_work": _("Only what you are happy for your manager to know: family, hobbies, plans."),
}
KEPT, SHARED = "kept", "shared"
SHARING_CHOICES = [(KEPT, _("Kept to myself")), (SHARED, _("Shared with my manager"))]


class WorkingProfileForm(forms.Form):
    """The working-with-me profile: an answer and a sharing choice per question."""

    def __init__(self, *args: Any, profile: WorkingProfile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, question, _their in WorkingProfile.ANSWERS:
            self.fields[name] = forms.CharField(
                label=gettext(question),
                required=False,
                max_length=2000,
                help_text=PROFILE_HINTS[name],
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=profile.answer(name),
            )
            self.fields[f"{name}_sharing"] = forms.ChoiceField(
                label=gettext("Who sees “%(question)s”") % {"question": gettext(question)},
                choices=SHARING_CHOICES,
                widget=forms.RadioSelect,
                initial=SHARED if profile.is_shared(name) else KEPT,
                error_messages={
                    "required": gettext("Choose whether to share this answer or keep it.")
                },
            )

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[name], self[f"{name}_sharing"]) for name, _, _ in WorkingProfile.ANSWERS]

    def answers(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name, _, _ in WorkingProfile.ANSWERS}

    def shared(self) -> set[str]:
        return {
            name
            for name, _, _ in WorkingProfile.ANSWERS
            if self.cleaned_data[f"{name}_sharing"] == SHARED
        }


# --- The second factor ------------------------------------------------------------------------

_ENROL_SALT = "rapport.people.second-factor.enrol"
# Long enough to find the phone, install an app and scan; the page can simply be reloaded.
ENROL_SECONDS = 30 * 60


class SignInCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_(
            "The six digits your authenticator app shows for Rapport, or one of your "
            "recovery codes."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autofocus": True,
                "spellcheck": "false",
                "autocapitalize": "off",
            }
        ),
        error_messages={"required": _("Type the code from your authenticator app.")},
    )


class SecondFactorEnrolForm(forms.Form):
    """The secret travels in the page, signed for this person, until the app proves it holds it:
    nothing is stored before then."""

    enrolment = forms.CharField(widget=forms.HiddenInput)
    code = forms.CharField(
        label=_("Code from your app"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={"required": _("Type the six digits your app shows for Rapport.")},
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person

    @staticmethod
    def sign(person: Person, secret: str) -> str:
        return signing.dumps(secret, salt=f"{_ENROL_SALT}:{person.pk}")

    def clean_enrolment(self) -> str:
        try:
            secret = signing.loads(
                self.cleaned_data["enrolment"],
                salt=f"{_ENROL_SALT}:{self.person.pk}",
                max_age=ENROL_SECONDS,
            )
        except signing.BadSignature as error:
            raise ValidationError(
                gettext(
                    "This set-up page is too old. Scan the new QR code below and type its code."
                ),
                code="expired",
            ) from error
        return str(secret)


class RecoveryCodesRenewForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your app"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={"required": _("Type the six digits your app shows for Rapport.")},
    )
