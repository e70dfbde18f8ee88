from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rapport.audit.models import Action


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        required=False,
        choices=[("", _("Every kind")), *Action.choices],
        label=_("Action"),
        error_messages={"invalid_choice": _("Choose a kind of event from the list.")},
    )
    actor = forms.CharField(
        required=False,
        max_length=100,
        label=_("Who did it"),
        help_text=_("Part of a name or email."),
    )
    subject = forms.CharField(
        required=False, max_length=100, label=_("To whom"), help_text=_("Part of a name or email.")
    )
    since = forms.DateField(
        required=False,
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date such as 2026-12-01.")},
    )
    until = forms.DateField(
        required=False,
        label=_("Until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date such as 2026-12-31.")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", gettext("The last day cannot be before the first."))
        return data
