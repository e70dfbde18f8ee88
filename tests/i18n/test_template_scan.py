"""The CI check's template scan: literal text outside the translation tags fails it."""

from __future__ import annotations

from pathlib import Path

import pytest

from rapport import translations
from rapport.translations import scan_template, untranslated_templates


def test_every_scanned_template_keeps_its_text_inside_the_translation_tags() -> None:
    findings = untranslated_templates()
    assert findings == [], "\n".join(str(finding) for finding in findings)


def test_every_display_date_format_of_a_template_is_translatable() -> None:
    assert translations.unlisted_date_formats() == []


def test_the_pending_folders_exist(capsys: pytest.CaptureFixture[str]) -> None:
    """The lead empties PENDING_TEMPLATE_FOLDERS as the wrapping is merged; printed so the list
    stays visible in the test output."""
    for folder in translations.PENDING_TEMPLATE_FOLDERS:
        assert (translations.TEMPLATE_DIR / folder).is_dir(), folder
    print("template folders not scanned yet:", ", ".join(translations.PENDING_TEMPLATE_FOLDERS))


def test_a_planted_string_fails_the_scan(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    (folder / "home").mkdir(parents=True)
    (folder / "home" / "fine.html").write_text(
        '{% load i18n %}<p>{% translate "Fine" %}</p><p>{{ user.name }} · 10:00 · 1:1</p>'
    )
    assert untranslated_templates(folder) == []
    (folder / "home" / "planted.html").write_text(
        '{% load i18n %}<p>{% translate "Fine" %}</p>\n<p>Planted sentence</p>'
    )
    findings = untranslated_templates(folder)
    assert [(f.template, f.line, f.text) for f in findings] == [
        ("home/planted.html", 2, "Planted sentence")
    ]


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ('<input placeholder="Type here">', ["placeholder=Type here"]),
        ('<a title="Your account">x</a>', ["title=Your account", "x"]),
        ('<button aria-label="Remove {{ thing }}"></button>', ["aria-label=Remove …"]),
        ('<img alt="A chart" src="x.png">', ["alt=A chart"]),
        (
            '<span aria-description="Press P"></span>',
            ["aria-description=Press P"],
        ),
        ('<input placeholder="{% translate "Type here" %}">', []),
        ("{% blocktranslate trimmed %}Hello {{ name }}{% endblocktranslate %}", []),
        ("{% comment %}Notes for developers{% endcomment %}<p>{{ x }}</p>", []),
        ("<script>const words = 'not for people';</script>", []),
        ('<a class="brand" href="/"><span>Rapport</span></a>', []),
        ('<span class="badge">{{ count }} min</span>', ["min"]),
    ],
)
def test_the_scan_reads_text_and_the_attributes_people_read(source: str, found: list[str]) -> None:
    assert [finding.text for finding in scan_template(source, "t.html")] == found


def test_text_templates_count_every_word_outside_tags() -> None:
    source = '{% load i18n %}{% autoescape off %}Hello {{ name }},\n{% translate "Fine" %}\n'
    source += "Rapport\n{% endautoescape %}"
    assert [(f.line, f.text) for f in scan_template(source, "email.txt")] == [(1, "Hello ,")]
