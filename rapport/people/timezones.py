from __future__ import annotations

import difflib
import zoneinfo
from collections import defaultdict
from functools import cache
from importlib import resources

# The zone offered to someone who does not want a place's rules.
UTC = "UTC"


@cache
def known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_known_timezone(name: str) -> bool:
    return name in known_timezones()


def _tzdata_file(name: str) -> bytes | None:
    """The compiled rules of one zone from the pinned tzdata package (not the system's, so
    every machine offers the same list)."""
    try:
        return resources.files("tzdata.zoneinfo").joinpath(*name.split("/")).read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, ModuleNotFoundError):
        return None


@cache
def canonical_timezones() -> tuple[str, ...]:
    """The zones worth offering: one per place in tzdata's zone.tab (Europe/Berlin,
    Africa/Asmara) plus UTC; never backward-compatible aliases (Africa/Asmera, US/Eastern) nor
    the Etc/ fixed offsets."""
    table = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    names = {UTC}
    for line in table.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name = line.split("\t")[2]
        if is_known_timezone(name):
            names.add(name)
    return tuple(sorted(names))


@cache
def _canonical_by_rules() -> dict[bytes, tuple[str, ...]]:
    by_rules: dict[bytes, list[str]] = defaultdict(list)
    for name in canonical_timezones():
        rules = _tzdata_file(name)
        if rules is not None:
            by_rules[rules].append(name)
    return {rules: tuple(names) for rules, names in by_rules.items()}


@cache
def canonical_timezone(name: str) -> str:
    """The name to store and offer for a known zone: itself when canonical, else the canonical
    zone with the same rules and the nearest spelling (Africa/Asmera -> Africa/Asmara,
    US/Eastern -> America/New_York, Etc/UTC -> UTC). A zone with no such twin (a fixed
    offset like Etc/GMT+5) keeps its own name: it is still valid."""
    if name in canonical_timezones() or not is_known_timezone(name):
        return name
    rules = _tzdata_file(name)
    twins = _canonical_by_rules().get(rules, ()) if rules is not None else ()
    if not twins:
        return name
    place = name.rsplit("/", 1)[-1]
    return max(
        twins,
        key=lambda twin: (
            difflib.SequenceMatcher(None, place, twin.rsplit("/", 1)[-1]).ratio(),
            twin == UTC,
        ),
    )


def zone_label(name: str) -> str:
    """What a person reads for a zone inside its region's group: "New York", "Argentina /
    Buenos Aires"."""
    return name.split("/", 1)[-1].replace("_", " ").replace("/", " / ")


def timezone_choices(keep: str | None = None) -> list[tuple[str, object]]:
    """The zones to choose from, grouped by region ("Africa", "America", ...) for <optgroup>,
    UTC first. `keep` adds a stored zone that has no canonical twin, so editing a person does not
    silently change it."""
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name in canonical_timezones():
        if name == UTC:
            continue
        region = name.split("/", 1)[0]
        groups[region].append((name, zone_label(name)))
    choices: list[tuple[str, object]] = [(UTC, "UTC")]
    for region in sorted(groups):
        choices.append((region, sorted(groups[region], key=lambda choice: choice[1])))
    if keep and is_known_timezone(keep) and canonical_timezone(keep) not in canonical_timezones():
        choices.append(("Other", [(keep, keep.replace("_", " "))]))
    return choices
