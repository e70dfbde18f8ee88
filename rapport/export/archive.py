"""The zip of one person's data, from the plain data of `selectors.export_contents`: pure,
no database. data.json (machine-readable, described by schema.json in the same zip and by
docs/export-schema.md), README.md (the same, readable) and one CSV file per kind of row.

CSV cells are neutralised against formula injection: a spreadsheet runs a cell that starts
with = + - @ (or a tab or carriage return before one), so such cells get a leading apostrophe,
which spreadsheets show as text (OWASP's advice)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.db import models
from django.utils.translation import get_language, gettext, pgettext

from rapport.goals.models import Status as GoalStatus
from rapport.meetings.models import Cadence, Note, OneOnOne, Section
from rapport.people.models import DayAway

SCHEMA_FILE = Path(__file__).parent / "data" / "schema.json"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Json = dict[str, Any]


def neutralise_cell(value: object) -> str:
    """The text of one CSV cell, safe to open in a spreadsheet."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise_cell(h) for h in header])
    for row in rows:
        writer.writerow([neutralise_cell(cell) for cell in row])
    return out.getvalue()


def _pairs(data: Json) -> list[Json]:
    return list(data["one_on_ones"])


def _pair_label(pair: Json) -> str:
    return f"{pair['manager']} / {pair['report']}"


def _per_pair(pairs: list[Json], key: str, columns: tuple[str, ...]) -> str:
    """One CSV of the items under `key` in every 1:1: the pair's label, then `columns`."""
    return csv_text(
        ("one_on_one", *columns),
        ((_pair_label(p), *(item[c] for c in columns)) for p in pairs for item in p[key]),
    )


def csv_files(data: Json) -> dict[str, str]:
    """File name -> CSV text."""
    pairs = _pairs(data)
    progress = ("by", "value", "confidence", "obstacle", "note", "created_at")
    return {
        "meetings.csv": _per_pair(
            pairs,
            "meetings",
            ("scheduled_for", "status", "duration_minutes", "started_at", "ended_at"),
        ),
        "talking_points.csv": _per_pair(
            pairs,
            "talking_points",
            ("section", "author", "private", "text", "discussed_in_meeting_of", "created_at"),
        ),
        "notes.csv": _per_pair(
            pairs, "notes", ("meeting_of", "author", "kind", "body", "updated_at")
        ),
        "action_items.csv": _per_pair(
            pairs, "action_items", ("text", "owner", "due_on", "done_at", "created_at")
        ),
        "goals.csv": _per_pair(
            pairs,
            "goals",
            (
                "title",
                "kind",
                "status",
                "metric",
                "baseline",
                "target",
                "current",
                "due_on",
                "why",
                "created_at",
            ),
        ),
        # Progress sits under each goal: named by the goal's title.
        "goal_progress.csv": csv_text(
            ("one_on_one", "goal", *progress),
            (
                (_pair_label(p), g["title"], *(u[c] for c in progress))
                for p in pairs
                for g in p["goals"]
                for u in g["progress"]
            ),
        ),
        "check_ins.csv": _per_pair(
            pairs,
            "check_ins",
            (
                "meeting_of",
                "mood",
                "energy",
                "workload",
                "wins",
                "challenges",
                "topics",
                "outside_work",
                "submitted_at",
            ),
        ),
    }


def _word(choices: type[models.TextChoices], value: str) -> str:
    """A stored choice ("weekly", "holiday") as a word in the active language; English writes
    its labels in lower case inside a sentence, as the README always did."""
    label = str(dict(choices.choices).get(value, value))
    return label.lower() if (get_language() or "en").startswith("en") else label


def _role(value: str) -> str:
    if value == "manager":
        return pgettext("your role in a 1:1", "manager")
    return pgettext("your role in a 1:1", "report")


def _quote(text: str) -> str:
    """A user's text as a Markdown block quote (kept verbatim, line by line)."""
    lines = text.strip().splitlines() or [""]
    return "\n".join(f"> {line}" if line else ">" for line in lines)


def markdown(data: Json) -> str:
    person = data["person"]
    out: list[str] = [
        "# " + gettext("Your data in Rapport: %(name)s") % {"name": person["name"]},
        "",
        gettext(
            "Prepared %(when)s. The same data, machine-readable, is in data.json (described by "
            "schema.json); tables of it are in the CSV files."
        )
        % {"when": data["generated_at"]},
        "",
        "## " + gettext("You"),
        "",
    ]
    for key, label in (
        ("name", gettext("Name")),
        ("preferred_name", gettext("Preferred name")),
        ("email", gettext("Email")),
        ("title", gettext("Title")),
        ("timezone", gettext("Time zone")),
        ("manager", gettext("Manager")),
        ("role", gettext("Role")),
        ("started_on", gettext("Started on")),
        ("left_on", gettext("Left on")),
    ):
        if person.get(key):
            out.append(f"- {label}: {person[key]}")
    profile = data["working_profile"]
    if profile:
        out += ["", "## " + gettext("Working with me"), ""]
        for answer in profile["answers"]:
            shared = (
                gettext("shared with your manager")
                if answer["shared_with_manager"]
                else gettext("kept to yourself")
            )
            out += [f"### {answer['question']} ({shared})", "", _quote(answer["answer"]), ""]
    if data["days_away"]:
        out += ["", "## " + gettext("Days away"), ""]
        out += [
            "- "
            + gettext("%(first)s to %(last)s: %(kind)s")
            % {
                "first": d["starts_on"],
                "last": d["ends_on"],
                "kind": _word(DayAway.Kind, d["kind"]),
            }
            for d in data["days_away"]
        ]
    for pair in _pairs(data):
        out += _pair_markdown(pair)
    return "\n".join(out).rstrip() + "\n"


def _pair_markdown(pair: Json) -> list[str]:
    out = [
        "",
        "## "
        + gettext("1:1 of %(manager)s and %(report)s (you are the %(role)s; %(status)s)")
        % {
            "manager": pair["manager"],
            "report": pair["report"],
            "role": _role(pair["my_role"]),
            "status": _word(OneOnOne.Status, pair["status"]),
        },
        "",
    ]
    out.append(
        gettext("%(count)s meetings, %(cadence)s, since %(day)s.")
        % {
            "count": len(pair["meetings"]),
            "cadence": _word(Cadence, pair["cadence"]),
            "day": pair["starts_on"],
        }
    )
    if pair["talking_points"]:
        out += ["", "### " + gettext("Talking points"), ""]
        for t in pair["talking_points"]:
            private = " (" + gettext("private") + ")" if t["private"] else ""
            section = _word(Section, t["section"])
            out.append(f"- [{section}] {t['author']}{private}: {t['text']}")
    if pair["notes"]:
        out += ["", "### " + gettext("Notes"), ""]
        for n in pair["notes"]:
            out += [
                f"#### {n['meeting_of']}: {n['author']}, {_word(Note.Kind, n['kind'])}",
                "",
                _quote(n["body"]),
                "",
            ]
    if pair["note_conflict_copies"]:
        out += ["", "### " + gettext("Kept copies of your notes"), ""]
        for c in pair["note_conflict_copies"]:
            kind = _word(Note.Kind, c["kind"])
            out += [f"#### {c['meeting_of']} ({kind})", "", _quote(c["body"]), ""]
    if pair["action_items"]:
        out += ["", "### " + gettext("Action items"), ""]
        for a in pair["action_items"]:
            done = ", " + gettext("done %(when)s") % {"when": a["done_at"]} if a["done_at"] else ""
            due = ", " + gettext("due %(day)s") % {"day": a["due_on"]} if a["due_on"] else ""
            out.append(f"- {a['text']} ({a['owner']}{due}{done})")
    for goal in pair["goals"]:
        out += [
            "",
            "### "
            + gettext("Goal: %(title)s (%(status)s)")
            % {"title": goal["title"], "status": _word(GoalStatus, goal["status"])},
            "",
        ]
        if goal["why"]:
            out += [_quote(goal["why"]), ""]
        for u in goal["progress"]:
            parts = [p for p in (u["value"], u["obstacle"], u["note"]) if p]
            out.append(f"- {u['created_at']}, {u['by']}: {'; '.join(map(str, parts))}")
        for c in goal["coaching"]:
            out.append(
                "- "
                + gettext("Coaching %(when)s: %(obstacle)s -> %(decision)s")
                % {"when": c["created_at"], "obstacle": c["obstacle"], "decision": c["decision"]}
            )
            if c["private_note"]:
                out.append(
                    "  - " + gettext("Your private note: %(note)s") % {"note": c["private_note"]}
                )
    if pair["check_ins"]:
        out += ["", "### " + gettext("Check-ins"), ""]
        for c in pair["check_ins"]:
            out.append(
                "- "
                + gettext("%(meeting)s: mood %(mood)s, energy %(energy)s, workload %(workload)s")
                % {
                    "meeting": c["meeting_of"],
                    "mood": c["mood"],
                    "energy": c["energy"],
                    "workload": c["workload"],
                }
            )
            for key in ("wins", "challenges", "topics", "outside_work"):
                if c[key]:
                    out.append(f"  - {key.replace('_', ' ')}: {c[key]}")
    card = pair["person_card"]
    if card:
        out += [
            "",
            "### " + gettext("Your person card about %(name)s") % {"name": pair["report"]},
            "",
        ]
        for key, value in card.items():
            if key != "updated_at" and value:
                out += [f"#### {key.replace('_', ' ').capitalize()}", "", _quote(value), ""]
    if pair["dismissed_signals"]:
        out += ["", "### " + gettext("Signals you set aside"), ""]
        for d in pair["dismissed_signals"]:
            out.append(f"- {d['dismissed_at']}: {d['title']}: {d['reason']}")
    return out


def zip_bytes(data: Json) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False))
        archive.writestr("schema.json", SCHEMA_FILE.read_text(encoding="utf-8"))
        archive.writestr("README.md", markdown(data))
        for name, text in csv_files(data).items():
            archive.writestr(name, text)
    return buffer.getvalue()
