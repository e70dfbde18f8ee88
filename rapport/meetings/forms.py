from __future__ import annotations

from datetime import date, time
from typing import Any

from django import forms

from rapport.meetings.models import Cadence, Meeting, Section, Weekday

DURATIONS = [
    (15, "15 minutes"),
    (20, "20 minutes"),
    (30, "30 minutes"),
    (45, "45 minutes"),
    (60, "1 hour"),
]


# The largest primary key a database can hold (BigAutoField).
MAX_ID = 2**63 - 1


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    """Choices by id that refuse an id no database row can have before asking for it: SQLite
    cannot compare a number past 64 bits and raises OverflowError from the query."""

    def clean(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else []:
            try:
                number = int(str(pk))
            except ValueError:
                continue  # not a number at all: the parent class says so
            if abs(number) > MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super().clean(value)


class RuleFields(forms.Form):
    cadence = forms.ChoiceField(choices=Cadence.choices, initial=Cadence.WEEKLY)
    weekday = forms.TypedChoiceField(choices=Weekday.choices, coerce=int, initial=Weekday.TUESDAY)
    start_time = forms.TimeField(
        initial=time(10, 0),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        label="Time",
    )
    duration_minutes = forms.TypedChoiceField(
        choices=DURATIONS, coerce=int, initial=30, label="Length"
    )
    starts_on = forms.DateField(
        initial=date.today,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        label="Starting from",
    )


class TeamSetupFilterForm(forms.Form):
    """The set-up page's filter: whose team (admins may choose any manager)."""

    manager = forms.UUIDField(required=False)


class OneOnOneRuleForm(RuleFields):
    target_connection_share = forms.IntegerField(
        min_value=0,
        max_value=100,
        initial=50,
        label="Time on connection (%)",
        help_text="The share of each meeting you aim to spend on the person rather than the work.",
    )
    video_link = forms.URLField(
        required=False,
        max_length=500,
        assume_scheme="https",
        label="Video link for this 1:1",
        help_text="Goes into both people's calendar invites. Leave empty to use the manager's "
        "usual room (Your account).",
    )


class PointForm(forms.Form):
    text = forms.CharField(max_length=500, label="Talking point")
    section = forms.ChoiceField(choices=Section.choices, initial=Section.CONNECTION)
    is_private = forms.BooleanField(required=False, label="Private (only you see it)")
    is_recurring = forms.BooleanField(required=False, label="Every meeting")


class ActionForm(forms.Form):
    text = forms.CharField(max_length=500, label="Action")
    owner = forms.ChoiceField(choices=[("me", "Me"), ("them", "Them")], initial="me", label="Who")
    due_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        label="Due",
    )
    # An active goal of the same 1:1 the action moves forward (optional).
    goal = forms.UUIDField(required=False, label="For goal")
    # A due date in the past is refused unless this says the item is recorded late on purpose.
    already_late = forms.BooleanField(required=False, label="Already late")


class ActionDoneForm(forms.Form):
    done = forms.BooleanField(required=False)
    # The meeting page the tick was made on, to answer with its fragment (absent on My actions).
    meeting = forms.UUIDField(required=False)

    def clean_done(self) -> bool:
        # The checkbox posts "1"; anything else means not done, as before this form.
        return self.data.get("done") == "1"


class JustDoneForm(forms.Form):
    """My actions after a tick: which item was just marked done, to offer its undo."""

    done = forms.UUIDField(required=False)


class TeamActionsFilterForm(forms.Form):
    """The team part of the actions page: everything open or only what is overdue, for the
    whole team or one report."""

    show = forms.ChoiceField(
        choices=[("open", "Everything open"), ("overdue", "Only overdue")],
        required=False,
        label="Show",
    )
    person = forms.UUIDField(required=False, label="Report")


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (Meeting.Status.HELD, "Held"),
            (Meeting.Status.SKIPPED, "Skipped"),
            (Meeting.Status.CANCELLED, "Cancelled"),
            (Meeting.Status.UPCOMING, "Upcoming"),
        ]
    )
    reason = forms.CharField(max_length=300, required=False)


class RescheduleForm(forms.Form):
    day = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), label="New date"
    )
    at = forms.TimeField(
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"), label="Time"
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        min_length=2,
        max_length=100,
        strip=True,
        label="Search your 1:1s",
        error_messages={"min_length": "Type at least two characters."},
    )


class HistorySearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, strip=True, label="Search this 1:1")
