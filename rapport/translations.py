"""The translation catalogues (rapport/locale/<lang>/LC_MESSAGES/django.po) read and compiled
in pure Python, so that no machine needs GNU gettext to run Rapport or its tests
(docs/translating.md). `python -m rapport.translations compile` writes every django.mo from its
django.po, as `msgfmt` would; the tests check that the committed .mo files say exactly what the
.po files say.

Only what Django's catalogues use is read: msgctxt, msgid, msgid_plural, msgstr[n], the
"fuzzy" flag and obsolete (#~) entries, which are skipped."""

from __future__ import annotations

import ast
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
# Contexts and plurals as GNU gettext stores them in a .mo file.
CONTEXT_SEPARATOR = "\x04"
PLURAL_SEPARATOR = "\x00"


@dataclass
class Entry:
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    # Index -> text: [0] alone for a singular entry, one per plural form otherwise.
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: frozenset[str] = frozenset()

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def is_fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def is_translated(self) -> bool:
        forms = self.msgstr.values()
        return bool(forms) and all(text != "" for text in forms)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    def mo_key(self) -> str:
        key = self.msgid
        if self.msgid_plural is not None:
            key += PLURAL_SEPARATOR + self.msgid_plural
        if self.msgctxt is not None:
            key = self.msgctxt + CONTEXT_SEPARATOR + key
        return key

    def mo_value(self) -> str:
        value = PLURAL_SEPARATOR.join(self.msgstr[index] for index in sorted(self.msgstr))
        if self.is_header:
            # As msgfmt does: the extraction date changes on every run and says nothing.
            value = "".join(
                line
                for line in value.splitlines(keepends=True)
                if not line.startswith("POT-Creation-Date:")
            )
        return value


def _unquote(line: str) -> str:
    text = line.strip()
    if not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"not a quoted string: {line!r}")
    # A .po string uses C escapes, which Python's own string syntax covers (\n, \t, \", \\).
    value = ast.literal_eval(text)
    assert isinstance(value, str)
    return value


def parse_po(text: str) -> list[Entry]:
    """Every live entry of a .po file (the header included), in file order."""
    entries: list[Entry] = []
    current: Entry | None = None
    flags: set[str] = set()
    field_name: str | None = None
    plural_index = 0

    def finish() -> None:
        nonlocal current
        if current is not None:
            entries.append(current)
        current = None

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            finish()
            field_name = None
            continue
        if line.startswith("#~"):
            continue  # obsolete
        if line.startswith("#,"):
            finish()
            flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        # An entry starts at its msgctxt, or at its msgid when it has none.
        if keyword == "msgctxt" or (keyword == "msgid" and field_name != "msgctxt"):
            finish()
            current = Entry(msgid="", flags=frozenset(flags))
            flags = set()
        if current is None:
            raise ValueError(f"text outside an entry: {raw!r}")
        if keyword == "msgctxt":
            current.msgctxt = _unquote(rest)
            field_name = "msgctxt"
        elif keyword == "msgid":
            current.msgid = _unquote(rest)
            field_name = "msgid"
        elif keyword == "msgid_plural":
            current.msgid_plural = _unquote(rest)
            field_name = "msgid_plural"
        elif keyword == "msgstr":
            current.msgstr[0] = _unquote(rest)
            field_name, plural_index = "msgstr", 0
        elif keyword.startswith("msgstr["):
            plural_index = int(keyword[len("msgstr[") : -1])
            current.msgstr[plural_index] = _unquote(rest)
            field_name = "msgstr"
        elif line.startswith('"'):
            value = _unquote(line)
            if field_name == "msgctxt":
                current.msgctxt = (current.msgctxt or "") + value
            elif field_name == "msgid":
                current.msgid += value
            elif field_name == "msgid_plural":
                current.msgid_plural = (current.msgid_plural or "") + value
            elif field_name == "msgstr":
                current.msgstr[plural_index] += value
            else:
                raise ValueError(f"continuation without a field: {raw!r}")
        else:
            raise ValueError(f"unknown line: {raw!r}")
    finish()
    return entries


def compile_mo(entries: list[Entry]) -> bytes:
    """A GNU .mo file of the translated, non-fuzzy entries (and the header), as msgfmt writes
    it: keys sorted, no hash table (optional in the format; Python's and GNU's readers do
    without)."""
    pairs = sorted(
        (entry.mo_key().encode(), entry.mo_value().encode())
        for entry in entries
        if entry.is_header or (entry.is_translated and not entry.is_fuzzy)
    )
    count = len(pairs)
    header_size = 7 * 4
    keys_table = header_size
    values_table = keys_table + count * 8
    offset = values_table + count * 8
    key_index, value_index, blobs = [], [], []
    for key, _ in pairs:
        key_index.append((len(key), offset))
        blobs.append(key + b"\x00")
        offset += len(key) + 1
    for _, value in pairs:
        value_index.append((len(value), offset))
        blobs.append(value + b"\x00")
        offset += len(value) + 1
    out = [struct.pack("<7I", 0x950412DE, 0, count, keys_table, values_table, 0, 0)]
    out += [struct.pack("<2I", length, start) for length, start in key_index + value_index]
    out += blobs
    return b"".join(out)


def po_files(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    return sorted(locale_dir.glob("*/LC_MESSAGES/django.po"))


def compile_all(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Writes each django.mo whose content differs from its django.po's; returns those written."""
    written = []
    for po in po_files(locale_dir):
        mo = po.with_suffix(".mo")
        data = compile_mo(parse_po(po.read_text(encoding="utf-8")))
        if not mo.exists() or mo.read_bytes() != data:
            mo.write_bytes(data)
            written.append(mo)
    return written


# --- The checks (`make i18n-check`; the template scan also runs in the test suite) ------------

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
LANGUAGES_CHECKED = ("de", "es", "pt")
# Template folders whose strings are still being wrapped, printed by every check until the
# list is empty. Remove a folder once its templates pass the scan.
PENDING_TEMPLATE_FOLDERS: tuple[str, ...] = ()
# Attributes that people read or hear: their text must be translatable too.
READ_ATTRIBUTES = frozenset({"placeholder", "title", "aria-label", "alt", "aria-description"})
# Words that stay as they are in every language.
UNTRANSLATED_WORDS = frozenset({"Rapport"})
# Elements whose text is for machines, not people: scripts, styles, and code (the import's CSV
# column names, which stay as they are in every language).
MACHINE_TEXT_TAGS = frozenset({"script", "style", "code"})
MASK = "\x01"


@dataclass(frozen=True)
class Finding:
    template: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.template}:{self.line}: {self.text!r}"


def _has_words(text: str) -> bool:
    words = [
        word
        for word in "".join(c if c.isalpha() or c == "'" else " " for c in text).split()
        if word.strip("'") and word.strip("'") not in UNTRANSLATED_WORDS
    ]
    return any(any(c.isalpha() for c in word) for word in words)


def _masked_source(source: str) -> str:
    """The template with every tag, variable and comment, and everything inside
    {% blocktranslate %} and {% comment %}, replaced by MASK: what is left is literal text."""
    from django.template.base import Lexer, TokenType

    out: list[str] = []
    skipping: str | None = None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if skipping is not None:
                if name == skipping:
                    skipping = None
                out.append(MASK)
                continue
            if name in ("blocktranslate", "blocktrans") or name in ("comment", "verbatim"):
                skipping = "end" + name
            out.append(MASK)
        elif token.token_type == TokenType.TEXT and skipping is None:
            out.append(token.contents)
        elif token.token_type == TokenType.TEXT:
            out.append(MASK)
        else:
            out.append(MASK)
    return "".join(out)


def scan_template(source: str, name: str) -> list[Finding]:
    """Literal text with letters outside the translation tags: text nodes, and the attributes
    in READ_ATTRIBUTES. Text templates (emails) count every letter outside tags."""
    from html.parser import HTMLParser

    masked = _masked_source(source)
    findings: list[Finding] = []
    if not name.endswith((".html", ".svg")):
        for number, line in enumerate(masked.splitlines(), start=1):
            text = " ".join(line.replace(MASK, " ").split())
            if _has_words(text):
                findings.append(Finding(name, number, text))
        return findings

    class Scanner(HTMLParser):
        skipped = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in MACHINE_TEXT_TAGS:
                self.skipped += 1
            for attribute, value in attrs:
                if attribute in READ_ATTRIBUTES and value and _has_words(value.replace(MASK, " ")):
                    findings.append(
                        Finding(name, self.getpos()[0], f"{attribute}={value.replace(MASK, '…')}")
                    )

        def handle_endtag(self, tag: str) -> None:
            if tag in MACHINE_TEXT_TAGS and self.skipped:
                self.skipped -= 1

        def handle_data(self, data: str) -> None:
            text = " ".join(data.replace(MASK, " ").split())
            if not self.skipped and _has_words(text):
                findings.append(Finding(name, self.getpos()[0], text))

    scanner = Scanner(convert_charrefs=True)
    scanner.feed(masked)
    scanner.close()
    return findings


def templates_to_scan(template_dir: Path = TEMPLATE_DIR) -> list[Path]:
    pending = {template_dir / folder for folder in PENDING_TEMPLATE_FOLDERS}
    return sorted(
        path
        for path in template_dir.rglob("*")
        if path.suffix in (".html", ".txt", ".svg")
        and not any(path.is_relative_to(folder) for folder in pending)
    )


def untranslated_templates(template_dir: Path = TEMPLATE_DIR) -> list[Finding]:
    findings = []
    for path in templates_to_scan(template_dir):
        name = str(path.relative_to(template_dir))
        findings += scan_template(path.read_text(encoding="utf-8"), name)
    return findings


def unlisted_date_formats(template_dir: Path = TEMPLATE_DIR) -> list[Finding]:
    """Display formats used in templates (`|date:"..."`, `|time:`, `|date_once:`) that are
    neither in rapport.display.DISPLAY_FORMATS (translated) nor universal."""
    import re

    from django.utils import translation

    from rapport.display import DISPLAY_FORMATS, UNIVERSAL_FORMATS

    with translation.override(None):  # the msgids themselves
        known = {str(display_format) for display_format in DISPLAY_FORMATS} | UNIVERSAL_FORMATS
    pattern = re.compile(r"\|(?:date|time|date_once):(?:\"([^\"]*)\"|'([^']*)')")
    findings = []
    for path in sorted(template_dir.rglob("*")):
        if path.suffix not in (".html", ".txt", ".svg"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for match in pattern.finditer(line):
                used = match.group(1) if match.group(1) is not None else match.group(2)
                if used not in known:
                    name = str(path.relative_to(template_dir))
                    findings.append(Finding(name, number, f"date format {used!r}"))
    return findings


def stale_mo_files(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """The .mo files that do not say exactly what their .po says (or are missing)."""
    return [
        po.with_suffix(".mo")
        for po in po_files(locale_dir)
        if not po.with_suffix(".mo").exists()
        or po.with_suffix(".mo").read_bytes()
        != compile_mo(parse_po(po.read_text(encoding="utf-8")))
    ]


def plural_count(entries: list[Entry]) -> int:
    header = entries[0].msgstr.get(0, "") if entries and entries[0].is_header else ""
    for line in header.splitlines():
        if line.startswith("Plural-Forms:") and "nplurals=" in line:
            return int(line.split("nplurals=")[1].split(";")[0])
    return 2


def catalogue_problems(entries: list[Entry], language: str) -> list[str]:
    """Untranslated, fuzzy and badly pluralised entries of one catalogue."""
    forms = plural_count(entries)
    problems = []
    for entry in entries:
        if entry.is_header:
            continue
        label = f"{language}: " + (f"[{entry.msgctxt}] " if entry.msgctxt else "") + entry.msgid
        if entry.is_fuzzy:
            problems.append(f"{label!r} is fuzzy")
        elif not entry.is_translated:
            problems.append(f"{label!r} is not translated")
        elif entry.msgid_plural is not None and len(entry.msgstr) != forms:
            problems.append(f"{label!r} has {len(entry.msgstr)} plural forms, not {forms}")
    return problems


def fresh_extraction_problems(source: Path = LOCALE_DIR.parent) -> list[str]:
    """Extracts every string of the package `source` again (Django's makemessages: GNU xgettext
    and msgmerge) into a copy of its catalogues and reports what the copy lacks: a msgid the
    committed .po files do not translate comes out empty or fuzzy."""
    import os
    import shutil
    import tempfile

    import django
    from django.conf import settings
    from django.core.management import call_command

    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        return ["GNU gettext (xgettext, msgmerge) is missing: apt-get install gettext"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    django.setup()
    problems = []
    with tempfile.TemporaryDirectory() as folder:
        # makemessages writes each template out as a .py file beside it while it reads it: run
        # it on a copy of the package, so the working tree (read by other tests and by the
        # autoreloader at the same moment) never holds those files.
        package = Path(folder) / source.name
        shutil.copytree(source, package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        copy = package / "locale"
        kept = settings.LOCALE_PATHS
        settings.LOCALE_PATHS = [copy]
        here = Path.cwd()
        # From the copy's root: makemessages adds a ./locale it finds in its working directory,
        # and would write there.
        os.chdir(folder)
        try:
            call_command(
                "makemessages",
                locale=list(LANGUAGES_CHECKED),
                no_location=True,
                no_obsolete=True,
                # Else makemessages finds the copy's locale on its walk and writes there.
                ignore_patterns=["locale"],
                verbosity=0,
            )
        finally:
            os.chdir(here)
            settings.LOCALE_PATHS = kept
        for language in LANGUAGES_CHECKED:
            po = copy / language / "LC_MESSAGES" / "django.po"
            problems += catalogue_problems(parse_po(po.read_text(encoding="utf-8")), language)
    return problems


def check() -> int:
    """`make i18n-check`: 0 when every string is translated, every template string wrapped,
    every display date format listed and every .mo up to date; 1 otherwise, with the list."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    django.setup()
    if PENDING_TEMPLATE_FOLDERS:
        print("Template folders not scanned yet (still being wrapped):")
        print("  " + ", ".join(PENDING_TEMPLATE_FOLDERS))
    problems = [f"untranslated template text: {f}" for f in untranslated_templates()]
    problems += [f"unlisted {f}" for f in unlisted_date_formats()]
    problems += [f"{path} is not compiled from its .po" for path in stale_mo_files()]
    problems += fresh_extraction_problems()
    for problem in problems:
        print(problem)
    print(f"i18n check: {len(problems)} problem{'' if len(problems) == 1 else 's'}")
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    if argv[1:] == ["compile"]:
        for path in compile_all():
            print(f"compiled {path}")
        return 0
    if argv[1:] == ["check"]:
        return check()
    print("usage: python -m rapport.translations compile|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
