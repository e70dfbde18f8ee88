from __future__ import annotations

from typing import Any

from django import forms


def _card_text(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PersonCardForm(forms.Form):
    motivators = _card_text(
        "What motivates them",
        "What gives them energy: the kind of work, the people, the rewards that matter to them.",
    )
    struggles = _card_text(
        "Where they struggle",
        "What drains them or trips them up, and where they could use your support.",
    )
    outside_work = _card_text(
        "Context from outside work",
        "Life events or duties that change how to manage them for now. Only what they chose "
        "to tell you.",
    )
    working_style = _card_text(
        "How they like to work",
        "Focus time or company, written or spoken, detailed briefs or room to find their way.",
    )
    recognition = _card_text(
        "How they like to be recognised",
        "In front of the team or one to one, in writing or in person.",
    )


class EstimateForm(forms.Form):
    """Minutes on each part, for a meeting held without meeting mode."""

    connection_minutes = forms.IntegerField(min_value=0, max_value=600, label="Connection")
    performance_minutes = forms.IntegerField(min_value=0, max_value=600, label="Performance")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        connection, performance = data.get("connection_minutes"), data.get("performance_minutes")
        if connection is not None and performance is not None:
            if connection + performance == 0:
                raise forms.ValidationError("Give at least a minute on one of the two parts.")
            if connection + performance > 600:
                raise forms.ValidationError("The two parts add up to more than 10 hours.")
        return data
