from __future__ import annotations

from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "rapport.checkins"
    label = "checkins"
    verbose_name = "Check-ins"
