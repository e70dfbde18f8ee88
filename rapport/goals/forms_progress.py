from __future__ import annotations

from typing import Any

from django import forms


class ProgressForm(forms.Form):
    value = forms.DecimalField(
        label="Where it stands now",
        required=False,
        max_digits=14,
        decimal_places=2,
    )
    confidence = forms.IntegerField(
        label="Confidence (1-10)",
        required=False,
        min_value=1,
        max_value=10,
        help_text="How sure the person is of reaching it, in their own words as a number.",
    )
    obstacle = forms.CharField(
        label="Obstacle in the way",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Anything blocking progress. Coaching questions about it appear in meeting mode.",
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # The meeting the progress was recorded in, when the form sits on a meeting page.
    meeting = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_text = any((data.get(name) or "").strip() for name in ("obstacle", "note"))
        if data.get("value") is None and data.get("confidence") is None and not has_text:
            raise forms.ValidationError("Give a value, a confidence, an obstacle or a note.")
        return data
