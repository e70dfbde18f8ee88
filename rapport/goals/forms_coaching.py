"""The forms of a coaching conversation (GROW): starting one, saving a step, and the decision
that becomes an action."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from rapport.goals.models import ObstacleKind

NOT_SURE = ("", "Not sure yet")
MOVES = (("next", "Next step"), ("back", "Back"), ("stay", "Save"))
OWNERS = (("report", "The person"), ("manager", "The manager"))


class CoachingStartForm(forms.Form):
    # The meeting the conversation happens in, when started from meeting mode.
    meeting = forms.UUIDField(required=False, widget=forms.HiddenInput)


class CoachingStepForm(forms.Form):
    obstacle_kind = forms.ChoiceField(
        label="Kind of obstacle",
        required=False,
        choices=[NOT_SURE, *ObstacleKind.choices],
        help_text="It chooses the questions.",
    )
    options = forms.CharField(
        label="Options the person named",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="In their own words, one per line. Both of you see these.",
    )
    private_note = forms.CharField(
        label="Your private coaching note",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only you ever see this.",
    )
    move = forms.ChoiceField(choices=MOVES, initial="stay", required=False)

    def clean_move(self) -> str:
        move: str = self.cleaned_data.get("move") or "stay"
        return move


class CoachingDecideForm(forms.Form):
    decision = forms.CharField(
        label="What the person will do",
        max_length=300,
        error_messages={"required": "Write what the person will do."},
    )
    owner = forms.ChoiceField(
        label="Who does it",
        choices=OWNERS,
        initial="report",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who does it."},
    )
    due_on = forms.DateField(
        label="By when",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Give the action a due date: a decision without one drifts.",
            "invalid": "Enter a date such as 2026-03-31.",
        },
    )
    private_note = forms.CharField(
        label="Your private coaching note",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only you ever see this.",
    )

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_due_on(self) -> date:
        due_on: date = self.cleaned_data["due_on"]
        if self.today is not None and due_on < self.today:
            raise forms.ValidationError("Choose today or a later day.")
        return due_on
