"""Insights sits above people, meetings, goals, check-ins and questions and below notify: no
module of rapport/insights imports rapport.notify (notify reads signals, not the other way)."""

from __future__ import annotations

import ast
from pathlib import Path

import rapport.insights

INSIGHTS = Path(rapport.insights.__file__).parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_no_insights_module_imports_notify() -> None:
    offenders = {
        str(path.relative_to(INSIGHTS)): sorted(
            m for m in modules if m.startswith("rapport.notify")
        )
        for path in INSIGHTS.rglob("*.py")
        if (modules := imported_modules(path))
    }
    assert not {name: mods for name, mods in offenders.items() if mods}


def test_insights_has_one_urls_module_and_no_signals_module() -> None:
    names = {path.name for path in INSIGHTS.glob("*.py")}
    assert "urls.py" in names and not {n for n in names if n.startswith("urls_")}
    # Writes live in services.py: "signals" would suggest Django signals.
    assert "signals.py" not in names and "services.py" in names and "selectors.py" in names
