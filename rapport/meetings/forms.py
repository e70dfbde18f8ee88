"""The meetings app's forms: 1:1 rules, meetings, the agenda, search, picking a time in both
people's zones, the person card and estimates, the week view."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from rapport.meetings import slots
from rapport.meetings.models import Cadence, Meeting, OneOnOne, Section, Weekday
from rapport.meetings.services import Rule
from rapport.people.models import Person

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

DURATIONS = [
    (15, _("15 minutes")),
    (20, _("20 minutes")),
    (30, _("30 minutes")),
    (45, _("45 minutes")),
    (60, _("1 hour")),
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
    cadence = forms.ChoiceField(choices=Cadence.choices, initial=Cadence.WEEKLY, label=_("Cadence"))
    weekday = forms.TypedChoiceField(
        choices=Weekday.choices, coerce=int, initial=Weekday.TUESDAY, label=_("Weekday")
    )
    start_time = forms.TimeField(
        initial=time(10, 0),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        label=_("Time"),
    )
    duration_minutes = forms.TypedChoiceField(
        choices=DURATIONS, coerce=int, initial=30, label=_("Length")
    )
    starts_on = forms.DateField(
        initial=date.today,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        label=_("Starting from"),
    )


class TeamSetupFilterForm(forms.Form):
    """The set-up page's filter: whose team (admins may choose any manager)."""

    manager = forms.UUIDField(required=False)


class OneOnOneRuleForm(RuleFields):
    target_connection_share = forms.IntegerField(
        min_value=0,
        max_value=100,
        initial=50,
        label=_("Time on connection (%)"),
        help_text=_(
            "The share of each meeting you aim to spend on the person rather than the work."
        ),
    )
    video_link = forms.URLField(
        required=False,
        max_length=500,
        assume_scheme="https",
        label=_("Video link for this 1:1"),
        help_text=_(
            "Goes into both people's calendar invites. Leave empty to use the manager's "
            "usual room (Your account)."
        ),
    )
    # Optional: left out, the pair keeps its growth rhythm.
    growth_every_weeks = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=52,
        initial=13,
        label=_("Growth conversation every (weeks)"),
        help_text=_(
            "A meeting about direction, strengths and what to learn next; 13 weeks is once "
            "a quarter. 0 turns the reminder off."
        ),
        error_messages={
            "min_value": _("Use 0 to turn the growth rhythm off, or a number of weeks up to 52."),
            "max_value": _("At most 52 weeks: a growth conversation at least once a year."),
            "invalid": _("Enter a whole number of weeks, such as 13."),
        },
    )


class PointForm(forms.Form):
    text = forms.CharField(max_length=500, label=_("Talking point"))
    section = forms.ChoiceField(
        choices=Section.choices, initial=Section.CONNECTION, label=_("Section")
    )
    is_private = forms.BooleanField(required=False, label=_("Private (only you see it)"))
    is_recurring = forms.BooleanField(required=False, label=_("Every meeting"))


class ActionForm(forms.Form):
    text = forms.CharField(max_length=500, label=_("Action"))
    owner = forms.ChoiceField(
        choices=[("me", _("Me")), ("them", _("Them"))], initial="me", label=_("Who")
    )
    due_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        label=pgettext_lazy("due date", "Due"),
    )
    # An active goal of the same 1:1 the action moves forward (optional).
    goal = forms.UUIDField(required=False, label=_("For goal"))
    # A due date in the past is refused unless this says the item is recorded late on purpose.
    already_late = forms.BooleanField(required=False, label=_("Already late"))


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
        choices=[("open", _("Everything open")), ("overdue", _("Only overdue"))],
        required=False,
        label=_("Show"),
    )
    person = forms.UUIDField(
        required=False, label=pgettext_lazy("person reporting to a manager", "Report")
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (Meeting.Status.HELD, pgettext_lazy("meeting status", "Held")),
            (Meeting.Status.SKIPPED, pgettext_lazy("meeting status", "Skipped")),
            (Meeting.Status.CANCELLED, pgettext_lazy("meeting status", "Cancelled")),
            (Meeting.Status.UPCOMING, pgettext_lazy("meeting status", "Upcoming")),
        ]
    )
    reason = forms.CharField(max_length=300, required=False)


class RescheduleForm(forms.Form):
    day = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), label=_("New date")
    )
    at = forms.TimeField(
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"), label=_("Time")
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        min_length=2,
        max_length=100,
        strip=True,
        label=_("Search your 1:1s"),
        error_messages={"min_length": _("Type at least two characters.")},
    )


class HistorySearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, strip=True, label=_("Search this 1:1"))


# --- Picking a time -------------------------------------------------------------------------
#
# Forms that pick a 1:1 time: each shows the time in both people's zones and asks for an explicit
# confirmation, naming who it is bad for, before a time outside someone's working hours is booked.


def _untick(form: forms.Form, name: str) -> None:
    data = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict, which copies mutable
    data[name] = ""
    form.data = data


class HoursConfirmation(forms.Form):
    """Adds the confirmation box that appears with the warning. The page posts back the key of
    the time it warned about (`confirmed_slot`), so a tick given for one time never books
    another the person changed to afterwards."""

    confirm_out_of_hours = forms.BooleanField(required=False, widget=forms.HiddenInput)
    hours_check: slots.HoursCheck | None = None

    def check_hours(
        self, start: datetime, end: datetime, people: tuple[Person, ...], *, key: str = ""
    ) -> bool:
        """Whether the time may be booked; otherwise the warning is on the form."""
        self.hours_check = slots.check(start, end, people, key=key)
        if not self.hours_check.problems:
            return True
        field = self.fields["confirm_out_of_hours"]
        field.widget = forms.CheckboxInput()
        field.label = self.hours_check.confirmation
        # Cleaning made the bound field already, with the label it had then.
        self._bound_fields_cache.pop("confirm_out_of_hours", None)  # type: ignore[attr-defined]
        ticked = bool(self.cleaned_data.get("confirm_out_of_hours"))
        if ticked and self.data.get("confirmed_slot") == self.hours_check.key:
            return True
        # A tick given for another time does not count: show the box empty again.
        _untick(self, "confirm_out_of_hours")
        self.add_error(
            "confirm_out_of_hours",
            gettext(
                "Outside working hours: %(problems)s. Tick the box to book it anyway, or choose "
                "another time."
            )
            % {"problems": "; ".join(self.hours_check.sentences())},
        )
        return False


class RhythmForm(HoursConfirmation, OneOnOneRuleForm):
    """A pair's rhythm, checked against both people's hours for its first new meeting."""

    def __init__(self, *args: Any, one_on_one: OneOnOne, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.one_on_one = one_on_one
        if not self.is_bound:
            initial = self.initial
            rule = Rule(
                initial["cadence"],
                initial["weekday"],
                initial["start_time"],
                initial["duration_minutes"],
                initial["starts_on"],
            )
            self.hours_check = slots.check(*self._moment(rule), self._people())

    def _people(self) -> tuple[Person, ...]:
        return (self.one_on_one.manager, self.one_on_one.report)

    def _moment(self, rule: Rule) -> tuple[datetime, datetime]:
        today = timezone.now().date()
        return slots.first_meeting(
            weekday=rule.weekday,
            at=rule.start_time,
            duration_minutes=rule.duration_minutes,
            starts_on=max(rule.starts_on, today),
            zone=self.one_on_one.manager.timezone,
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        rule = Rule(
            data["cadence"],
            data["weekday"],
            data["start_time"],
            data["duration_minutes"],
            data["starts_on"],
        )
        data["confirm_out_of_hours"] = self.check_hours(*self._moment(rule), self._people())
        return data


class GrowthForm(forms.Form):
    """Making a coming meeting the growth conversation, or taking the mark off again."""

    growth = forms.TypedChoiceField(
        choices=[
            ("1", _("Make it the growth conversation")),
            ("0", _("Not a growth conversation")),
        ],
        coerce=lambda value: value == "1",
        error_messages={"required": _("Choose whether this is the growth conversation.")},
    )


class MoveForm(HoursConfirmation, RescheduleForm):
    """Moving one meeting, on the mover's clock."""

    def __init__(self, *args: Any, meeting: Meeting, zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.zone = zone
        if not self.is_bound:
            start = meeting.scheduled_for
            self.hours_check = slots.check(
                start, start + timedelta(minutes=meeting.duration_minutes), self._people()
            )

    def _people(self) -> tuple[Person, ...]:
        return (self.meeting.one_on_one.manager, self.meeting.one_on_one.report)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        moment = datetime.combine(data["day"], data["at"], tzinfo=ZoneInfo(self.zone))
        data["moment"] = moment
        end = moment + timedelta(minutes=self.meeting.duration_minutes)
        # The time as typed names it: the mover's zone is fixed, and so the same for both.
        key = f"{data['day'].isoformat()}T{data['at']:%H:%M}"
        data["confirm_out_of_hours"] = self.check_hours(moment, end, self._people(), key=key)
        return data


# --- The whole team --------------------------------------------------------------------------


class TeamPlanForm(forms.Form):
    """Step 1 of setting up many 1:1s: who, how often, how long, and how many a day."""

    everyone = forms.BooleanField(
        required=False,
        label=_("Everyone on the team"),
        help_text=_("Selects every report, also without JavaScript."),
    )
    reports = PeopleChoiceField(
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Who"),
        required=False,
    )
    cadence = forms.ChoiceField(choices=Cadence.choices, initial=Cadence.WEEKLY, label=_("Cadence"))
    duration_minutes = forms.TypedChoiceField(
        choices=DURATIONS, coerce=int, initial=30, label=_("Length")
    )
    max_per_day = forms.IntegerField(
        min_value=1,
        max_value=12,
        initial=slots.DEFAULT_MAX_PER_DAY,
        label=_("At most a day"),
        help_text=_("1:1s on one day of yours, with 15 minutes between them."),
    )
    starts_on = forms.DateField(
        initial=date.today,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        label=_("Earliest start"),
    )

    def __init__(self, *args: Any, manager: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.manager = manager
        self.team = manager.reports.filter(is_active=True).order_by("name")
        self.fields["reports"].queryset = self.team  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("everyone"):
            data["reports"] = list(self.team)
        elif "reports" in data and not data["reports"]:
            self.add_error("reports", gettext("Choose at least one person, or tick everyone."))
        return data


def _field_name(kind: str, report: Person) -> str:
    return f"{kind}_{report.pk}"


class ProposalsForm(forms.Form):
    """Step 2: one row per report with a weekday and time on the manager's clock, which the
    manager may change, and a confirmation for every row outside someone's hours."""

    def __init__(
        self,
        *args: Any,
        manager: Person,
        reports: list[Person],
        starts_on: date,
        duration_minutes: int,
        busy: Sequence[slots.Busy] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.manager, self.reports, self.busy = manager, reports, busy
        self.starts_on, self.duration = starts_on, duration_minutes
        self.checks: dict[int, slots.HoursCheck] = {}
        for report in reports:
            self.fields[_field_name("weekday", report)] = forms.TypedChoiceField(
                choices=Weekday.choices,
                coerce=int,
                label=gettext("Day for %(name)s") % {"name": report.name},
            )
            self.fields[_field_name("start", report)] = forms.TimeField(
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                label=gettext("Time for %(name)s") % {"name": report.name},
            )
            self.fields[_field_name("confirm", report)] = forms.BooleanField(required=False)

    def moment(self, weekday: int, at: time) -> tuple[datetime, datetime]:
        start = slots.moment_of(
            slots.Slot(weekday, at), starts_on=self.starts_on, zone=self.manager.timezone
        )
        return start, start + timedelta(minutes=self.duration)

    def check_row(self, report: Person, weekday: int, at: time) -> slots.HoursCheck:
        found = slots.check(*self.moment(weekday, at), (self.manager, report))
        self.checks[report.pk] = found
        return found

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        self.confirmed: set[int] = set()
        for report in self.reports:
            weekday = data.get(_field_name("weekday", report))
            at = data.get(_field_name("start", report))
            if weekday is None or at is None:
                continue
            found = self.check_row(report, weekday, at)
            if not found.problems:
                continue
            name = _field_name("confirm", report)
            if data.get(name) and self.data.get(_field_name("shown", report)) == found.key:
                self.confirmed.add(report.pk)
                continue
            _untick(self, name)
            self.add_error(
                name,
                gettext("Tick to confirm: %(problems)s.")
                % {"problems": "; ".join(found.sentences())},
            )
        self._refuse_clashes(data)
        return data

    def _refuse_clashes(self, data: dict[str, Any]) -> None:
        """A time the manager changed onto another 1:1 is a double booking: refused."""
        placed: list[tuple[str, slots.Slot, int]] = [
            (gettext("another of the manager's 1:1s"), item.slot, item.duration_minutes)
            for item in self.busy
        ]
        for report in self.reports:
            weekday = data.get(_field_name("weekday", report))
            at = data.get(_field_name("start", report))
            if weekday is None or at is None:
                continue
            slot = slots.Slot(weekday, at)
            for whose, other, minutes in placed:
                if slots.overlaps(slot, self.duration, other, minutes):
                    self.add_error(
                        _field_name("start", report),
                        gettext("Overlaps %(whose)s at %(time)s: choose another time.")
                        % {"whose": whose, "time": other.label()},
                    )
                    break
            placed.append(
                (gettext("the 1:1 with %(name)s") % {"name": report.name}, slot, self.duration)
            )

    def rules(self, cadence: str) -> list[tuple[Person, Rule]]:
        return [
            (
                report,
                Rule(
                    cadence,
                    self.cleaned_data[_field_name("weekday", report)],
                    self.cleaned_data[_field_name("start", report)],
                    self.duration,
                    self.starts_on,
                ),
            )
            for report in self.reports
        ]

    def row(self, report: Person) -> dict[str, Any]:
        """The fields and check of one report's row, for the template."""
        return {
            "weekday": self[_field_name("weekday", report)],
            "start": self[_field_name("start", report)],
            "confirm": self[_field_name("confirm", report)],
            "shown_name": _field_name("shown", report),
            "check": self.checks.get(report.pk),
        }


def proposals_initial(plan: slots.Plan, reports: list[Person]) -> dict[str, Any]:
    by_key = plan.by_key()
    initial: dict[str, Any] = {}
    for report in reports:
        proposal = by_key[str(report.pk)]
        if proposal.slot is not None:
            initial[_field_name("weekday", report)] = proposal.slot.weekday
            initial[_field_name("start", report)] = proposal.slot.start
    return initial


# --- The person card and estimates ----------------------------------------------------------


def _card_text(label: StrPromise, help_text: StrPromise) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PersonCardForm(forms.Form):
    motivators = _card_text(
        _("What motivates them"),
        _("What gives them energy: the kind of work, the people, the rewards that matter to them."),
    )
    struggles = _card_text(
        _("Where they struggle"),
        _("What drains them or trips them up, and where they could use your support."),
    )
    outside_work = _card_text(
        _("Context from outside work"),
        _(
            "Life events or duties that change how to manage them for now. Only what they chose "
            "to tell you."
        ),
    )
    working_style = _card_text(
        _("How they like to work"),
        _("Focus time or company, written or spoken, detailed briefs or room to find their way."),
    )
    recognition = _card_text(
        _("How they like to be recognised"),
        _("In front of the team or one to one, in writing or in person."),
    )


class EstimateForm(forms.Form):
    """Minutes on each part, for a meeting held without meeting mode."""

    connection_minutes = forms.IntegerField(min_value=0, max_value=600, label=_("Connection"))
    performance_minutes = forms.IntegerField(min_value=0, max_value=600, label=_("Performance"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        connection, performance = data.get("connection_minutes"), data.get("performance_minutes")
        if connection is not None and performance is not None:
            if connection + performance == 0:
                raise forms.ValidationError(_("Give at least a minute on one of the two parts."))
            if connection + performance > 600:
                raise forms.ValidationError(_("The two parts add up to more than 10 hours."))
        return data


# --- The week view -------------------------------------------------------------------------


class WeekForm(forms.Form):
    """The week view's filters. Each field stands alone: a bad week shows the current week, a
    bad person shades nobody's hours; neither is ever an error page."""

    week = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    person = forms.UUIDField(required=False)
