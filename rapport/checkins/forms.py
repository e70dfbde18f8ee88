from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

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
        error_messages={
            "required": format_lazy(
                _("Choose one: {first} to {last}."), first=scale.words[0], last=scale.words[-1]
            )
        },
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
            "wins": _("What went well"),
            "challenges": _("What was hard"),
            "outside_work": _("Outside work"),
            "topics": _("Topics for the 1:1"),
        }

    def __init__(self, *args: Any, manager_name: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        name = manager_name or gettext("your manager")
        self.fields["outside_work_shared"].label = gettext("Share with %(name)s") % {"name": name}
        self.fields["outside_work_shared"].help_text = gettext(
            "Off: only you see this note. On: %(name)s sees it too."
        ) % {"name": name}
        self.fields["outside_work"].help_text = gettext(
            "Optional. Anything that colours your week."
        )
        self.fields["topics"].help_text = gettext(
            "One per line. Each becomes a talking point of yours on the agenda."
        )

    def clean_topics(self) -> str:
        topics: str = self.cleaned_data["topics"]
        lines = topic_lines(topics)
        if len(lines) > MAX_TOPICS:
            raise forms.ValidationError(
                ngettext(
                    "At most %(count)d topic; the rest can wait.",
                    "At most %(count)d topics; the rest can wait.",
                    MAX_TOPICS,
                )
                % {"count": MAX_TOPICS}
            )
        if any(len(line) > TOPIC_MAX_CHARS for line in lines):
            raise forms.ValidationError(
                gettext("Keep each topic under %(count)d characters (one line each).")
                % {"count": TOPIC_MAX_CHARS}
            )
        return topics

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
