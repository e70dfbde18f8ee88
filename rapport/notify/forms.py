from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rapport.notify.chat import webhook_url_problem
from rapport.notify.models import CHOOSABLE_KINDS, ChatFlavour, Kind


class PreferenceForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Emails you get"),
        choices=[(kind.value, kind.label) for kind in CHOOSABLE_KINDS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, offered: Sequence[Kind] = CHOOSABLE_KINDS, **kwargs: Any):
        """`offered`: the kinds this person can receive (notify.selectors.kinds_offered_to)."""
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = [(kind.value, kind.label) for kind in offered]  # type: ignore[attr-defined]


class TestEmailForm(forms.Form):
    to = forms.EmailField(label=_("Send a test email to"), max_length=254)


class RetryForm(forms.Form):
    """The outbox's "try the failed emails again" button."""

    retry = forms.BooleanField()


class ChatWebhookForm(forms.Form):
    flavour = forms.ChoiceField(
        label=_("Kind of webhook"), choices=ChatFlavour.choices, widget=forms.RadioSelect
    )
    url = forms.CharField(
        label=_("Webhook address"),
        max_length=1000,
        help_text=_("The URL the chat app gave you when you added the incoming webhook."),
        error_messages={"required": _("Paste the webhook address the chat app gave you.")},
    )

    def __init__(self, *args: Any, flavours: Sequence[str] | None = None, **kwargs: Any):
        """`flavours`: the kinds on offer (the organisation's webhook is generic JSON only)."""
        super().__init__(*args, **kwargs)
        if flavours is not None:
            self.fields["flavour"].choices = [  # type: ignore[attr-defined]
                (value, label) for value, label in ChatFlavour.choices if value in flavours
            ]
            if len(flavours) == 1:
                self.fields["flavour"].initial = flavours[0]

    def clean_url(self) -> str:
        url = str(self.cleaned_data["url"]).strip()
        try:
            URLValidator(schemes=["http", "https"])(url)
        except forms.ValidationError:
            raise forms.ValidationError(
                gettext("Enter a web address that starts with https://.")
            ) from None
        problem = webhook_url_problem(url)
        if problem is not None:
            raise forms.ValidationError(problem)
        return url


class ChatRemoveForm(forms.Form):
    """The "disconnect" button."""

    remove = forms.BooleanField()
