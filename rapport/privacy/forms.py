from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ErasureConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have read what will go. Erase this person's data; this cannot be undone."),
        error_messages={
            "required": _("Tick the box to confirm: erasure cannot be undone, so it needs a yes.")
        },
    )
