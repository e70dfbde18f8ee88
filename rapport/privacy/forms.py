from __future__ import annotations

from django import forms


class ErasureConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have read what will go. Erase this person's data; this cannot be undone.",
        error_messages={
            "required": "Tick the box to confirm: erasure cannot be undone, so it needs a yes."
        },
    )
