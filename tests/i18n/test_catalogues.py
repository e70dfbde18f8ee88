"""The translation catalogues: the committed .mo files say what the .po files say, every entry
is translated, and the pure-Python reader and compiler agree with GNU gettext's format."""

from __future__ import annotations

import gettext
import io
import shutil
import subprocess
from pathlib import Path

import pytest

from rapport import translations
from rapport.translations import Entry, catalogue_problems, compile_mo, parse_po, po_files


def test_every_language_has_a_catalogue() -> None:
    languages = {path.parts[-3] for path in po_files()}
    assert languages == {"de", "es", "pt"}


@pytest.mark.parametrize("po", po_files(), ids=lambda path: path.parts[-3])
def test_the_committed_mo_file_is_compiled_from_its_po(po: Path) -> None:
    """A .po changed without `python -m rapport.translations compile` fails here."""
    compiled = compile_mo(parse_po(po.read_text(encoding="utf-8")))
    assert po.with_suffix(".mo").read_bytes() == compiled


@pytest.mark.parametrize("po", po_files(), ids=lambda path: path.parts[-3])
def test_every_entry_is_translated_and_none_is_fuzzy(po: Path) -> None:
    entries = parse_po(po.read_text(encoding="utf-8"))
    assert len(entries) > 300
    assert catalogue_problems(entries, po.parts[-3]) == []


@pytest.mark.parametrize("po", po_files(), ids=lambda path: path.parts[-3])
def test_the_mo_file_reads_back_as_python_gettext_sees_it(po: Path) -> None:
    entries = parse_po(po.read_text(encoding="utf-8"))
    catalogue = gettext.GNUTranslations(io.BytesIO(compile_mo(entries)))
    for entry in entries[1:]:
        if entry.msgid_plural is None and entry.msgctxt is None:
            assert catalogue.gettext(entry.msgid) == entry.msgstr[0]
        elif entry.msgid_plural is None and entry.msgctxt is not None:
            assert catalogue.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr[0]
        elif entry.msgid_plural is not None:
            assert catalogue.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr[0]
            assert catalogue.ngettext(entry.msgid, entry.msgid_plural, 5) == entry.msgstr[1]


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
@pytest.mark.parametrize("po", po_files(), ids=lambda path: path.parts[-3])
def test_the_compiler_agrees_with_msgfmt(po: Path, tmp_path: Path) -> None:
    target = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(target), str(po)], check=True)
    ours = gettext.GNUTranslations(io.BytesIO(po.with_suffix(".mo").read_bytes()))
    theirs = gettext.GNUTranslations(io.BytesIO(target.read_bytes()))
    assert ours._catalog == theirs._catalog  # type: ignore[attr-defined]


def test_the_reader_handles_contexts_plurals_continuations_escapes_and_fuzzy() -> None:
    text = (
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgctxt "date format"\nmsgid "j M"\nmsgstr "j. M."\n\n'
        'msgid "%(n)s point"\nmsgid_plural "%(n)s points"\nmsgstr[0] "%(n)s Punkt"\n'
        'msgstr[1] "%(n)s Punkte"\n\n'
        'msgid ""\n"Say \\"hi\\"\\n"\n"twice"\nmsgstr "Sag \\"hallo\\"\\n"\n"zweimal"\n\n'
        '#, fuzzy\nmsgid "Old"\nmsgstr "Alt"\n\n'
        '#~ msgid "Gone"\n#~ msgstr "Weg"\n'
    )
    header, dated, plural, escaped, fuzzy = parse_po(text)
    assert header.is_header and translations.plural_count([header]) == 2
    assert dated.key == ("date format", "j M") and dated.msgstr == {0: "j. M."}
    assert plural.msgid_plural == "%(n)s points" and plural.msgstr[1] == "%(n)s Punkte"
    assert escaped.msgid == 'Say "hi"\ntwice' and escaped.msgstr[0] == 'Sag "hallo"\nzweimal'
    assert fuzzy.is_fuzzy
    compiled = gettext.GNUTranslations(io.BytesIO(compile_mo([header, dated, plural, fuzzy])))
    assert compiled.pgettext("date format", "j M") == "j. M."
    assert compiled.ngettext("%(n)s point", "%(n)s points", 3) == "%(n)s Punkte"
    assert compiled.gettext("Old") == "Old"  # fuzzy entries are left out, as msgfmt does


def test_the_catalogue_check_names_empty_fuzzy_and_short_plural_entries() -> None:
    header = Entry(msgid="", msgstr={0: "Plural-Forms: nplurals=2; plural=(n != 1);\n"})
    entries = [
        header,
        Entry(msgid="Empty", msgstr={0: ""}),
        Entry(msgid="Fuzzy", msgstr={0: "Unscharf"}, flags=frozenset({"fuzzy"})),
        Entry(msgid="%(n)s day", msgid_plural="%(n)s days", msgstr={0: "%(n)s Tag"}),
        Entry(msgid="Fine", msgstr={0: "Gut"}),
    ]
    problems = catalogue_problems(entries, "de")
    assert problems == [
        "'de: Empty' is not translated",
        "'de: Fuzzy' is fuzzy",
        "'de: %(n)s day' has 1 plural forms, not 2",
    ]


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext's xgettext is missing")
def test_a_fresh_extraction_finds_nothing_untranslated() -> None:
    """`make i18n-check`'s first half: every string in the code and templates, extracted anew,
    has a translation in each catalogue (the committed files are left as they are)."""
    before = {path: path.read_bytes() for path in po_files()}
    assert translations.fresh_extraction_problems() == []
    assert {path: path.read_bytes() for path in po_files()} == before


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext's xgettext is missing")
def test_a_fresh_extraction_reports_a_new_string_and_writes_nothing_beside_the_templates(
    tmp_path: Path,
) -> None:
    """The extraction runs on a copy of the package: makemessages writes each template out as a
    .py file beside it while reading it, and another test walking the package's .py files at
    that moment found one gone (CI, stop 29)."""
    package = tmp_path / "rapport"
    shutil.copytree(translations.LOCALE_DIR, package / "locale")
    (package / "templates").mkdir()
    page = package / "templates" / "new.html"
    page.write_text('{% load i18n %}<p>{% translate "A sentence nobody has translated" %}</p>')
    problems = translations.fresh_extraction_problems(package)
    assert problems == [
        f"'{language}: A sentence nobody has translated' is not translated"
        for language in translations.LANGUAGES_CHECKED
    ]
    assert sorted(path.name for path in page.parent.iterdir()) == ["new.html"]
