from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver


def route_names() -> set[str]:
    """Every named URL pattern of the project, with its namespace (people:detail)."""
    return set(_walk(get_resolver().url_patterns, prefix=""))


def unnamed_routes() -> list[str]:
    return [str(p.pattern) for p in _patterns(get_resolver().url_patterns) if not p.name]


def _walk(patterns: list[URLPattern | URLResolver], prefix: str) -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            space = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _walk(pattern.url_patterns, space)
        elif pattern.name:
            yield prefix + pattern.name


def _patterns(patterns: list[URLPattern | URLResolver]) -> Iterator[URLPattern]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns)
        else:
            yield pattern


ANY_METHOD = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def route_methods() -> dict[str, frozenset[str]]:
    """Every named route and the HTTP methods its view accepts, read from the view itself: a
    class-based view's handlers, or the list given to require_http_methods (require_GET,
    require_POST, require_safe) somewhere in a function view's chain of decorators. A view that
    restricts nothing accepts every method."""
    methods: dict[str, frozenset[str]] = {}
    for name, pattern in _named(get_resolver().url_patterns, prefix=""):
        methods[name] = _methods_of(pattern.callback)
    return methods


def write_routes() -> set[str]:
    return {name for name, methods in route_methods().items() if methods - SAFE_METHODS}


def _named(
    patterns: list[URLPattern | URLResolver], prefix: str
) -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            space = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _named(pattern.url_patterns, space)
        elif pattern.name:
            yield prefix + pattern.name, pattern


def _methods_of(view: Callable[..., Any]) -> frozenset[str]:
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return frozenset(
            method.upper() for method in view_class.http_method_names if hasattr(view_class, method)
        )
    current: Any = view
    while current is not None:
        for cell in getattr(current, "__closure__", None) or ():
            contents = cell.cell_contents
            if (
                isinstance(contents, list | tuple)
                and contents
                and all(isinstance(item, str) and item.isupper() for item in contents)
            ):
                return frozenset(contents)
        current = getattr(current, "__wrapped__", None)
    return ANY_METHOD
