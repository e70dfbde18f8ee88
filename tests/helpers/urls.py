from __future__ import annotations

from collections.abc import Iterator

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
