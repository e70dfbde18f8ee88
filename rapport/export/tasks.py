"""The export's background task: build a requested zip (see services.export_build)."""

from __future__ import annotations

from django.tasks import task

from rapport.export import services


@task
def build_export(export_id: int) -> bool:
    return services.export_build(export_id=export_id)
