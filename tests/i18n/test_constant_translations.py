"""Every template has Django's i18n tags built in, with constant `{% translate %}` texts looked up
once per language (rapport/templatetags/constant_i18n.py): what a page shows is what Django's own
tag shows, in every language, escaped or not, kept in a variable or written out."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.template import Context, Engine, engines
from django.templatetags import i18n
from django.utils import translation

from rapport.templatetags.constant_i18n import ConstantTranslateNode

LOADS_I18N = re.compile(r"\{% load [^%]*\bi18n\b")
TEMPLATE = (
    "{% load i18n %}"
    '{% translate "Goals" %}|{% translate "Goals" as kept %}[{{ kept }}]|'
    '{% translate "Rough" context "mood" %}|{% translate word %}|{% translate "a < b" %}|'
    '{% autoescape off %}{% translate "a < b" %}{% endautoescape %}|'
    # Django's blocktranslate, its message made once per tag: with variables (escaped), plural
    # forms, a context and kept in a variable.
    "{% blocktranslate trimmed with name=who %}\n  1:1s with {{ name }}\n{% endblocktranslate %}|"
    "{% blocktranslate trimmed count counter=n %}{{ counter }} signal dismissed.{% plural %}"
    "{{ counter }} signals dismissed.{% endblocktranslate %}|"
    "{% blocktranslate count counter=1 %}{{ counter }} signal dismissed.{% plural %}"
    "{{ counter }} signals dismissed.{% endblocktranslate %}|"
    '{% blocktranslate with name=who context "mood" asvar kept %}Rough{% endblocktranslate %}'
    "[{{ kept }}]"
)


DJANGOS = Engine(libraries={"i18n": "django.templatetags.i18n"})
VALUES = {"who": "Ana <Admin>", "n": 3}


def _render(language: str, word: str = "Remove") -> str:
    # As Rapport's templates are written: the tags are built in.
    with translation.override(language):
        return (
            engines["django"]
            .from_string(TEMPLATE.removeprefix("{% load i18n %}"))
            .render({"word": word, **VALUES})
        )


def _djangos(language: str, word: str = "Remove") -> str:
    with translation.override(language):
        return DJANGOS.from_string(TEMPLATE).render(Context({"word": word, **VALUES}))


def test_constant_texts_are_translated_in_each_language_in_turn() -> None:
    assert (
        _render("en-gb")
        == _djangos("en-gb")
        == (
            "Goals|[Goals]|Rough|Remove|a < b|a < b|1:1s with Ana &lt;Admin&gt;|"
            "3 signals dismissed.|1 signal dismissed.|[Rough]"
        )
    )
    assert (
        _render("de")
        == _djangos("de")
        == (
            "Ziele|[Ziele]|Mies|Entfernen|a < b|a < b|1:1-Gespräche mit Ana &lt;Admin&gt;|"
            "3 Signale verworfen.|1 Signal verworfen.|[Mies]"
        )
    )
    assert _render("en-gb") == _djangos("en-gb")  # kept per language: German did not stay
    # A text from a variable is translated on each render, as Django does.
    assert _render("de", word="Dismiss") == _djangos("de", word="Dismiss")
    assert "Verwerfen" in _render("de", word="Dismiss")


def test_only_constant_texts_are_kept() -> None:
    template = engines["django"].engine.from_string(  # type: ignore[attr-defined]
        '{% translate "Goals" %}{% translate word %}'
        '{% translate "Goals"|upper %}{% translate "Goals" noop %}'
        '{% translate "Rough" context "mood" %}{% translate "Rough" context word %}'
    )
    nodes = [node for node in template.nodelist if isinstance(node, i18n.TranslateNode)]
    kept = [type(node) is ConstantTranslateNode for node in nodes]
    assert kept == [True, False, False, False, True, False]
    with translation.override("de"):
        assert template.render(Context({"word": "mood"})) == "ZielemoodZIELEGoalsMiesMies"


def test_no_template_loads_djangos_library_over_the_built_in() -> None:
    root = Path(settings.BASE_DIR) / "rapport"
    loading = [
        str(path.relative_to(root))
        for path in sorted(root.rglob("templates/**/*.html"))
        if LOADS_I18N.search(path.read_text())
    ]
    assert not loading, f"{loading} load i18n: their constant texts are translated on every render"
