from __future__ import annotations

from django import forms

from rapport.notify.models import CHOOSABLE_KINDS


class PreferenceForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label="Emails you get",
        choices=[(kind.value, kind.label) for kind in CHOOSABLE_KINDS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class TestEmailForm(forms.Form):
    to = forms.EmailField(label="Send a test email to", max_length=254)


class RetryForm(forms.Form):
    """The outbox's "try the failed emails again" button."""

    retry = forms.BooleanField()
