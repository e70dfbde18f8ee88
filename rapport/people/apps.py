from __future__ import annotations

from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "rapport.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from rapport.people import checks  # noqa: F401  (registers the system checks)
