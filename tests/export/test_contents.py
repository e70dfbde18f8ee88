"""What a person's export holds: their shared and private content, and nothing of anyone
else's private content (the canary markers of tests/canaries.py), for every person of the
cast; the JSON matches the schema shipped beside it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from rapport.meetings.services import point_add
from tests.canaries import PROFILE_SHARED, plant_canaries
from tests.cast import PRIVATE_POINT_MARKER, Cast
from tests.export.conftest import built_export, files_of

PEOPLE = (
    "manager",
    "report",
    "report_two",
    "peer_manager",
    "peer_report",
    "skip_level",
    "hr",
    "admin",
    "outsider",
)
# Markers a role may see on a page but that are about someone else, so not in their copy of
# their own data: the report's profile answers shared with the manager are the report's.
ABOUT_SOMEONE_ELSE = {("manager", PROFILE_SHARED)}


@pytest.mark.parametrize("role", PEOPLE)
def test_an_export_holds_what_its_person_may_see_and_no_one_elses_private_content(
    cast: Cast, role: str
) -> None:
    markers = plant_canaries(cast)
    assert PRIVATE_POINT_MARKER in markers
    person = getattr(cast, role)
    text = "\n".join(files_of(built_export(person)).values())
    leaked = [m for m, allowed in markers.items() if m in text and role not in allowed]
    missing = [
        m
        for m, allowed in markers.items()
        if role in allowed and m not in text and (role, m) not in ABOUT_SOMEONE_ELSE
    ]
    assert not leaked, f"{role}'s export holds {leaked}"
    assert not missing, f"{role}'s export lacks their own {missing}"


def test_the_report_finds_their_own_private_content_in_every_format(cast: Cast) -> None:
    plant_canaries(cast)
    files = files_of(built_export(cast.report))
    assert set(files) >= {"data.json", "schema.json", "README.md", "talking_points.csv"}
    for name in ("data.json", "README.md", "talking_points.csv"):
        assert "CANARY-REPORT-PRIVATE-POINT-c41d" in files[name], name
    assert "CANARY-REPORT-PRIVATE-NOTE-5e6f" in files["notes.csv"]
    data = json.loads(files["data.json"])
    assert data["person"]["email"] == cast.report.email
    roles = {pair["my_role"] for pair in data["one_on_ones"]}
    assert roles == {"report"}
    manager_pairs = json.loads(files_of(built_export(cast.manager))["data.json"])["one_on_ones"]
    assert {p["my_role"] for p in manager_pairs} == {"manager"}
    assert cast.report.name in {p["report"] for p in manager_pairs}


def test_a_closed_one_on_one_stays_in_the_reports_export_only(cast: Cast) -> None:
    point_add(
        one_on_one=cast.one_on_one,
        author=cast.report,
        text="Shared before the move",
        section="connection",
        is_private=False,
    )
    cast.one_on_one.status = "closed"
    cast.one_on_one.save(update_fields=["status"])
    assert "Shared before the move" in files_of(built_export(cast.report))["data.json"]
    assert "Shared before the move" not in files_of(built_export(cast.manager))["data.json"]


def _check(value: Any, schema: dict[str, Any], where: str) -> list[str]:
    """A small JSON Schema check, enough for the keywords schema.json uses."""
    problems: list[str] = []
    if "const" in schema and value != schema["const"]:
        problems.append(f"{where}: {value!r} is not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{where}: {value!r} not in {schema['enum']}")
    kinds = schema.get("type")
    if kinds is not None:
        names = {
            "string": str,
            "integer": int,
            "boolean": bool,
            "object": dict,
            "array": list,
            "null": type(None),
        }
        allowed = [kinds] if isinstance(kinds, str) else kinds
        if not any(
            isinstance(value, names[k]) and not (k == "integer" and isinstance(value, bool))
            for k in allowed
        ):
            return [f"{where}: {value!r} is not {kinds}"]
    if isinstance(value, dict):
        missing = set(schema.get("required", ())) - value.keys()
        problems += [f"{where}: lacks {sorted(missing)}"] if missing else []
        extra = value.keys() - schema.get("properties", {}).keys()
        problems += [f"{where}: undocumented {sorted(extra)}"] if extra else []
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                problems += _check(value[key], sub, f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            problems += _check(item, schema["items"], f"{where}[{i}]")
    return problems


@pytest.mark.parametrize("role", ("manager", "report"))
def test_data_json_follows_the_schema_shipped_beside_it(cast: Cast, role: str) -> None:
    plant_canaries(cast)
    files = files_of(built_export(getattr(cast, role)))
    data = json.loads(files["data.json"])
    schema = json.loads(files["schema.json"])
    assert data["one_on_ones"] and data["one_on_ones"][0]["goals"]
    assert _check(data, schema, "data") == []
