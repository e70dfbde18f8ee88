"""/api/: the JSON API (django-ninja), its OpenAPI document and docs, and the token pages.

Ninja makes one URL pattern per operation; here each path gets one pattern, named once, which
answers exactly the methods of its operations (405 to any other, before anything is read) and
needs no session (the token is the sign-in)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, path
from django.views.decorators.http import require_http_methods
from ninja.operation import PathView

from rapport.api.views import docs, endpoints, tokens
from rapport.api.views.base import api

app_name = "api"


def _path_view(view: Callable[..., Any]) -> PathView | None:
    for cell in getattr(view, "__closure__", None) or ():
        if isinstance(cell.cell_contents, PathView):
            return cell.cell_contents
    return None


def _api_routes() -> list[URLPattern]:
    assert endpoints.__name__  # the operations register themselves on import
    patterns: list[URLPattern | URLResolver] = api.urls[0]
    routes: dict[str, URLPattern] = {}
    for pattern in patterns:
        assert isinstance(pattern, URLPattern)
        route = str(pattern.pattern)
        if route in routes or pattern.name == "api-root":
            continue
        operations = _path_view(pattern.callback)
        methods = (
            sorted({m for op in operations.operations for m in op.methods})
            if operations is not None
            else ["GET", "HEAD"]
        )
        view = login_not_required(require_http_methods(methods)(pattern.callback))
        name = "openapi" if pattern.name == "openapi-json" else pattern.name
        routes[route] = path(route, view, name=name)
    return list(routes.values())


urlpatterns = [
    path("docs", docs.docs, name="docs"),
    path("tokens/", tokens.tokens, name="tokens"),
    path("tokens/<uuid:token_uuid>/revoke/", tokens.token_revoke, name="token_revoke"),
    *_api_routes(),
]
