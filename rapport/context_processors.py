from __future__ import annotations

import functools
from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from rapport import access
from rapport.people.models import Person


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the top navigation may offer the signed-in person."""
    viewer = getattr(request, "user", None)
    if not isinstance(viewer, Person):
        return {}
    # Asked only when a template reads it, and then once for both links: the navigation shows
    # "1:1s" to managers and "Organisation" to skip-levels (HR sees it without asking).
    depth = functools.cache(lambda: access.management_depth_cached(viewer))
    return {
        "nav_can_import": access.can_import_people(viewer),
        "nav_can_see_audit": access.can_see_audit_trail(viewer),
        "nav_manages_people": SimpleLazyObject(lambda: depth() >= 1),
        "nav_sees_organisation": (True if viewer.is_hr else SimpleLazyObject(lambda: depth() >= 2)),
    }
