from __future__ import annotations

from django.apps import AppConfig


class SynthConfig(AppConfig):
    """`rapport synth`: a synthetic organisation for benchmarks. No models of its own."""

    name = "rapport.synth"
    label = "synth"
    verbose_name = "Synthetic organisation"
