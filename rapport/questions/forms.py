from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.meetings.models import Section
from rapport.questions.models import Category

# "Others" adds the shown questions to the list each time; a bound keeps the address short
# enough for any server, and no section holds anywhere near this many questions.
EXCLUDE_MAX = 200


class QuestionForm(forms.Form):
    text = forms.CharField(
        max_length=300,
        label=_("Question"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("An open question, in your own words. It joins the bank for every manager."),
    )
    section = forms.ChoiceField(choices=Section.choices, label=_("Part of the 1:1"))
    category = forms.ChoiceField(choices=Category.choices, label=_("Category"))


class ExcludeField(forms.CharField):
    """Comma-separated question ids already shown, so "Others" shows different ones."""

    def __init__(self) -> None:
        super().__init__(required=False, widget=forms.HiddenInput)

    def to_python(self, value: object) -> list[uuid.UUID]:  # type: ignore[override]
        text = super().to_python(value) or ""
        parts = [part for part in text.split(",") if part.strip()]
        if len(parts) > EXCLUDE_MAX:
            raise forms.ValidationError(_("Too many questions to leave out."))
        try:
            return list(dict.fromkeys(uuid.UUID(part.strip()) for part in parts))
        except ValueError as bad:
            raise forms.ValidationError(_("Not a list of question ids.")) from bad


class SuggestionsForm(forms.Form):
    section = forms.ChoiceField(choices=Section.choices)
    exclude = ExcludeField()


class AskedForm(forms.Form):
    question = forms.UUIDField(widget=forms.HiddenInput)
    follow_up = forms.CharField(required=False, max_length=500, label=_("Follow-up"))
    exclude = ExcludeField()
