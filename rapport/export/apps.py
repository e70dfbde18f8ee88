from __future__ import annotations

from django.apps import AppConfig


class ExportConfig(AppConfig):
    name = "rapport.export"
    label = "export"
    verbose_name = "Export"
