"""Forms that pick a 1:1 time: each shows the time in both people's zones and asks for an explicit
confirmation, naming who it is bad for, before a time outside someone's working hours is booked."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

from rapport.meetings import slots
from rapport.meetings.forms import DURATIONS, OneOnOneRuleForm, PeopleChoiceField, RescheduleForm
from rapport.meetings.models import Cadence, Meeting, OneOnOne, Weekday
from rapport.meetings.services import Rule
from rapport.people.models import Person


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
            "Outside working hours: "
            + "; ".join(self.hours_check.sentences())
            + ". Tick the box to book it anyway, or choose another time.",
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
        label="Everyone on the team",
        help_text="Selects every report, also without JavaScript.",
    )
    reports = PeopleChoiceField(
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Who",
        required=False,
    )
    cadence = forms.ChoiceField(choices=Cadence.choices, initial=Cadence.WEEKLY)
    duration_minutes = forms.TypedChoiceField(
        choices=DURATIONS, coerce=int, initial=30, label="Length"
    )
    max_per_day = forms.IntegerField(
        min_value=1,
        max_value=12,
        initial=slots.DEFAULT_MAX_PER_DAY,
        label="At most a day",
        help_text="1:1s on one day of yours, with 15 minutes between them.",
    )
    starts_on = forms.DateField(
        initial=date.today,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        label="Earliest start",
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
            self.add_error("reports", "Choose at least one person, or tick everyone.")
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
                choices=Weekday.choices, coerce=int, label=f"Day for {report.name}"
            )
            self.fields[_field_name("start", report)] = forms.TimeField(
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                label=f"Time for {report.name}",
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
            self.add_error(name, f"Tick to confirm: {'; '.join(found.sentences())}.")
        self._refuse_clashes(data)
        return data

    def _refuse_clashes(self, data: dict[str, Any]) -> None:
        """A time the manager changed onto another 1:1 is a double booking: refused."""
        placed: list[tuple[str, slots.Slot, int]] = [
            ("another of the manager's 1:1s", item.slot, item.duration_minutes)
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
                        f"Overlaps {whose} at {other.label()}: choose another time.",
                    )
                    break
            placed.append((f"the 1:1 with {report.name}", slot, self.duration))

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
