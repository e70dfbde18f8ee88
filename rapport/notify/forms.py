from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from rapport.notify.models import CHOOSABLE_KINDS, Kind


class PreferenceForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label="Emails you get",
        choices=[(kind.value, kind.label) for kind in CHOOSABLE_KINDS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, offered: Sequence[Kind] = CHOOSABLE_KINDS, **kwargs: Any):
        """`offered`: the kinds this person can receive (notify.selectors.kinds_offered_to)."""
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = [(kind.value, kind.label) for kind in offered]  # type: ignore[attr-defined]


class TestEmailForm(forms.Form):
    to = forms.EmailField(label="Send a test email to", max_length=254)


class RetryForm(forms.Form):
    """The outbox's "try the failed emails again" button."""

    retry = forms.BooleanField()
