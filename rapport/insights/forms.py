from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.insights.rules import Rule

SORT_CHOICES = [
    ("name", _("Name")),
    ("next", _("Next 1:1")),
    ("mood", _("Mood, lowest first")),
    ("workload", _("Workload, highest first")),
    ("signals", _("Signals, most first")),
]
SHOW_CHOICES = [("all", _("Everyone")), ("signals", _("Only with signals"))]


class TeamFilterForm(forms.Form):
    """The team view's GET filter; anything invalid falls back to the defaults."""

    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False, label=_("Sort by"))
    show = forms.ChoiceField(choices=SHOW_CHOICES, required=False, label=_("Show"))

    def choice(self) -> tuple[str, bool]:
        if not self.is_valid():
            return "name", False
        return self.cleaned_data["sort"] or "name", self.cleaned_data["show"] == "signals"


class DismissForm(forms.Form):
    rule = forms.ChoiceField(choices=Rule.choices)
    since = forms.DateField()
    reason = forms.CharField(
        max_length=200,
        strip=True,
        error_messages={"required": _("Give a reason: a word on why this signal can rest.")},
    )


class SignalToAgendaForm(forms.Form):
    rule = forms.ChoiceField(choices=Rule.choices)
    since = forms.DateField()
    # The meeting page the button was pressed on, to go back to (optional).
    meeting = forms.UUIDField(required=False)
