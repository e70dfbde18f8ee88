from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.api.models import DEFAULT_LIFETIME_DAYS, LIFETIME_CHOICES, Scope


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What will use it, such as “HR sync script”."),
        error_messages={
            "required": _("Give the token a name, such as the script that will use it.")
        },
    )
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=Scope.choices,
        initial=Scope.READ,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose read only, or read and write.")},
    )
    days = forms.TypedChoiceField(
        label=_("Expires after"),
        choices=LIFETIME_CHOICES,
        coerce=int,
        initial=DEFAULT_LIFETIME_DAYS,
        error_messages={"invalid_choice": _("Choose one of the lifetimes offered.")},
    )
