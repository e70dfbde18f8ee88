from __future__ import annotations

from typing import Any

from django import forms

from rapport.checkins.models import CheckIn
from rapport.checkins.scales import ENERGY, MOOD, WORKLOAD, Scale
from rapport.checkins.services import TOPIC_MAX_CHARS, topic_lines

MAX_TOPICS = 10


def scale_field(scale: Scale) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=scale.question,
        choices=scale.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": f"Choose one: {scale.words[0]} to {scale.words[-1]}."},
    )


class CheckInForm(forms.ModelForm):
    mood = scale_field(MOOD)
    energy = scale_field(ENERGY)
    workload = scale_field(WORKLOAD)

    class Meta:
        model = CheckIn
        fields = (
            "mood",
            "energy",
            "workload",
            "wins",
            "challenges",
            "outside_work",
            "outside_work_shared",
            "topics",
        )
        widgets = {
            "wins": forms.Textarea(attrs={"rows": 2}),
            "challenges": forms.Textarea(attrs={"rows": 2}),
            "outside_work": forms.Textarea(attrs={"rows": 2}),
            "topics": forms.Textarea(attrs={"rows": 3}),
            "outside_work_shared": forms.CheckboxInput(
                attrs={"role": "switch", "aria-describedby": "id_outside_work_shared_helptext"}
            ),
        }
        labels = {
            "wins": "What went well",
            "challenges": "What was hard",
            "outside_work": "Outside work",
            "topics": "Topics for the 1:1",
        }

    def __init__(self, *args: Any, manager_name: str = "your manager", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outside_work_shared"].label = f"Share with {manager_name}"
        self.fields[
            "outside_work_shared"
        ].help_text = f"Off: only you see this note. On: {manager_name} sees it too."
        self.fields["outside_work"].help_text = "Optional. Anything that colours your week."
        self.fields[
            "topics"
        ].help_text = "One per line. Each becomes a talking point of yours on the agenda."

    def clean_topics(self) -> str:
        topics: str = self.cleaned_data["topics"]
        lines = topic_lines(topics)
        if len(lines) > MAX_TOPICS:
            raise forms.ValidationError(f"At most {MAX_TOPICS} topics; the rest can wait.")
        if any(len(line) > TOPIC_MAX_CHARS for line in lines):
            raise forms.ValidationError(
                f"Keep each topic under {TOPIC_MAX_CHARS} characters (one line each)."
            )
        return topics

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
