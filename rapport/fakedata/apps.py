from __future__ import annotations

from django.apps import AppConfig


class FakeDataConfig(AppConfig):
    """The demo and synthetic organisations (`rapport demo`, `rapport synth`). No models: an
    app only so that it can hold the two commands."""

    name = "rapport.fakedata"
    label = "fakedata"
    verbose_name = "Demo and synthetic data"
