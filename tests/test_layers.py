"""The domain layer's imports go one way: down the order of the apps, never in a circle.

Every module under rapport/ is parsed (imports at any depth, the ones inside functions too) and
sorted into the web layer (views, URLs, forms, template tags, management commands, the demo
generators and the project's request plumbing), which may compose across apps freely, and the
domain layer (models, services, selectors, presentation and the apps' named helpers), which may
only import apps below its own. docs/development.md explains the order and how to keep this green.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "rapport"

# The apps from the bottom up. Apps on one rank may not import each other.
APP_RANK = {
    # Encryption at rest: its fields sit under every app's models.
    "crypto": 0,
    "people": 1,
    # The audit trail: every app records into it, and it knows people only.
    "audit": 1.5,
    "meetings": 2,
    "goals": 3,
    "checkins": 3,
    "questions": 4,
    "insights": 5,
    "notify": 6,
    # rapport/home.py: the home page's triage board, read across every app but notify.
    "home": 7,
    # rapport/export: a person's copy of their data, read across every app.
    "export": 8,
    # Erasure and retention take content away from every app, exports and API tokens included.
    "privacy": 9,
    # rapport/api: the JSON API, on top of every app; nobody imports it.
    "api": 8,
}

# Project-level modules that import nothing of the apps: every layer may use them.
LEAVES = {
    "rapport.backup",
    "rapport.charts",
    # Display helpers: addresses reversed once per page, dates in the reader's language.
    "rapport.display",
    "rapport.markdown",
    "rapport.env",
    "rapport.database",
    "rapport.upkeep",
    # Versions of each person's pages and the per-viewer page cache built on them.
    "rapport.versions",
    "rapport.pagecache",
}

# Who may see and change what: above every app's models, below everything else of the domain.
ACCESS = "rapport.access"

# Project-level modules of the web layer (requests, responses, wiring) and the generators.
WEB_PROJECT = {
    "rapport",
    "rapport.asgi",
    "rapport.wsgi",
    "rapport.manage",
    "rapport.settings",
    "rapport.urls",
    "rapport.views",
    "rapport.http",
    "rapport.middleware",
    "rapport.context_processors",
}
WEB_PARTS = {"management", "templatetags", "migrations", "fakedata", "views"}
WEB_PREFIXES = ("views", "urls", "forms", "presentation")
# rapport/fakedata (above, in WEB_PARTS), the demo and synth generator, writes through the
# services of every app, like a management command.
WEB_NAMES = {"apps"}


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    line: int

    def __str__(self) -> str:
        return f"{self.importer} (line {self.line}) imports {self.imported}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for path in ROOT.rglob("*.py")
        if "migrations" not in path.parts and "static" not in path.parts
    }


def resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The module of ours that `name` (a module, or a name inside one) refers to."""
    while name not in modules:
        if "." not in name:
            return None
        name = name.rsplit(".", 1)[0]
    return name


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> Iterator[Import]:
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                origin = ".".join([*base, node.module] if node.module else base)
            else:
                origin = node.module or ""
            targets = [f"{origin}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            found = resolve(target, modules)
            if found is not None and found != name:
                yield Import(name, found, node.lineno)


def app_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in APP_RANK else None


def in_domain(name: str) -> bool:
    if name in WEB_PROJECT:
        return False
    parts = name.split(".")
    if WEB_PARTS & set(parts):
        return False
    last = parts[-1]
    return not (last.startswith(WEB_PREFIXES) or last in WEB_NAMES)


def is_models(name: str) -> bool:
    return app_of(name) is not None and name.split(".")[-1] == "models"


@cache
def domain_imports() -> tuple[Import, ...]:
    """Read once per test process: the files do not change while the tests run."""
    modules = all_modules()
    return tuple(
        found
        for name, path in sorted(modules.items())
        if in_domain(name)
        for found in imports_of(name, path, modules)
    )


def violation(found: Import) -> str | None:
    """Why this import breaks the order, or None when it is allowed."""
    importer, imported = found.importer, found.imported
    if not in_domain(imported):
        return "the domain layer imports the web layer"
    if imported in LEAVES:
        return None
    if importer in LEAVES:
        return "a leaf module imports the apps"
    if importer == ACCESS:
        return None if is_models(imported) else "access.py may import models only"
    if imported == ACCESS:
        return "models sit below access.py" if is_models(importer) else None
    source, target = app_of(importer), app_of(imported)
    if source is None or target is None:
        return f"{importer} has no place in the order (add it to LEAVES or APP_RANK)"
    if source == target:
        return None
    if APP_RANK[target] < APP_RANK[source]:
        return None
    return f"{source} imports {target}, which is not below it"


def cycles(edges: Iterable[Import]) -> list[list[Import]]:
    """Every import cycle of the module graph, each as the chain of imports that closes it."""
    graph: dict[str, list[Import]] = {}
    for edge in edges:
        graph.setdefault(edge.importer, []).append(edge)
    found: list[list[Import]] = []
    seen: set[frozenset[str]] = set()
    done: set[str] = set()

    def walk(node: str, path: list[Import], on_path: dict[str, int]) -> None:
        for edge in graph.get(node, []):
            nxt = edge.imported
            if nxt in on_path:
                loop = [*path[on_path[nxt] :], edge]
                key = frozenset(step.importer for step in loop)
                if key not in seen:
                    seen.add(key)
                    found.append(loop)
            elif nxt not in done:
                on_path[nxt] = len(path) + 1
                walk(nxt, [*path, edge], on_path)
                del on_path[nxt]
        done.add(node)

    for start in sorted(graph):
        if start not in done:
            walk(start, [], {start: 0})
    return found


def describe(loop: list[Import]) -> str:
    return " -> ".join([loop[0].importer, *(f"{e.imported} (line {e.line})" for e in loop)])


def test_every_domain_import_goes_down_the_order() -> None:
    problems = [f"{found}: {why}" for found in domain_imports() if (why := violation(found))]
    assert not problems, "imports against the layer order:\n" + "\n".join(problems)


def test_the_domain_layer_has_no_import_cycle_between_apps() -> None:
    # A cycle inside one app (notify's services enqueue its tasks, which call the services back)
    # is the app's own business; a cycle that leaves the app is what this test forbids.
    loops = [
        loop for loop in cycles(domain_imports()) if len({app_of(e.importer) for e in loop}) > 1
    ]
    assert not loops, "import cycles in the domain layer:\n" + "\n".join(map(describe, loops))


def test_the_apps_have_no_cycle_between_them() -> None:
    crossing = {
        (found.importer, found.imported): found
        for found in domain_imports()
        if app_of(found.importer) and app_of(found.imported)
        if app_of(found.importer) != app_of(found.imported)
    }
    app_edges = [
        Import(str(app_of(found.importer)), str(app_of(found.imported)), found.line)
        for found in crossing.values()
    ]
    details = []
    for loop in cycles(app_edges):
        steps = {(step.importer, step.imported) for step in loop}
        details.append(
            " -> ".join([loop[0].importer, *(step.imported for step in loop)])
            + ", through:\n  "
            + "\n  ".join(
                str(found)
                for found in crossing.values()
                if (app_of(found.importer), app_of(found.imported)) in steps
                and APP_RANK[str(app_of(found.imported))] >= APP_RANK[str(app_of(found.importer))]
            )
        )
    assert not details, "cycles between apps in the domain layer:\n" + "\n".join(details)


@pytest.mark.parametrize(
    ("importer", "imported", "expected"),
    [
        ("rapport.people.services", "rapport.meetings.services", "people imports meetings"),
        ("rapport.goals.coaching", "rapport.checkins.models", "goals imports checkins"),
        ("rapport.meetings.models", "rapport.access", "models sit below access.py"),
        ("rapport.access", "rapport.meetings.services", "access.py may import models only"),
        ("rapport.meetings.selectors", "rapport.meetings.views", "imports the web layer"),
        ("rapport.markdown", "rapport.people.models", "a leaf module imports the apps"),
    ],
)
def test_it_names_an_upward_import(importer: str, imported: str, expected: str) -> None:
    why = violation(Import(importer, imported, 1))
    assert why is not None and expected in why


def test_it_finds_a_cycle_and_names_its_path() -> None:
    edges = [
        Import("rapport.people.services", "rapport.meetings.services", 13),
        Import("rapport.meetings.services", "rapport.people.models", 20),
        Import("rapport.people.models", "rapport.people.services", 5),
    ]
    (loop,) = cycles(edges)
    assert describe(loop) == (
        "rapport.meetings.services -> rapport.people.models (line 20)"
        " -> rapport.people.services (line 5) -> rapport.meetings.services (line 13)"
    )


def test_it_reads_imports_inside_functions() -> None:
    found = [
        edge
        for edge in domain_imports()
        if edge.importer == "rapport.access" and edge.imported == "rapport.people.models"
    ]
    assert len(found) > 1  # the module's own import and the ones inside its functions
