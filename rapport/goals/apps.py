from __future__ import annotations

from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "rapport.goals"
    label = "goals"
    verbose_name = "Goals"
