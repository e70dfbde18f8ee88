from __future__ import annotations

from django import forms


class WeekForm(forms.Form):
    """The week view's filters. Each field stands alone: a bad week shows the current week, a
    bad person shades nobody's hours; neither is ever an error page."""

    week = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    person = forms.UUIDField(required=False)
