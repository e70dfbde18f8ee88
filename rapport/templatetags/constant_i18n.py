"""Django's `i18n` template library, with `{% translate "constant text" %}` looked up once per
language instead of on every render: a built-in of every template (settings TEMPLATES), so the
templates do not `{% load i18n %}`, which would put Django's own tags back in their place
(tests/i18n/test_constant_translations.py checks that none does). `makemessages` reads the tags
as before.

Django's tag makes a lazy translation of its text on each render and translates it when the
value is written out: about 6 µs a tag, and a page renders up to two hundred of them (a
meeting's agenda repeats its buttons' labels per point). A tag whose text and context are
constants, with no filter and not `noop`, always gives the same result in one language, so the
result is kept by language (and autoescaping, which decides how it is written). A
`{% blocktranslate %}` makes its message from its text once per tag (Django trims it with a
regular expression on every render) and renders as Django's. Every other tag and the filters are
Django's own.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import FilterExpression, Parser, Token, Variable
from django.template.context import Context
from django.templatetags import i18n
from django.utils.translation import get_language

register = template.Library()
register.tags.update(i18n.register.tags)
register.filters.update(i18n.register.filters)

# (language, autoescape, text, context) -> the rendered translation.
_rendered: dict[tuple[str | None, bool, str, str | None], str] = {}


@receiver(setting_changed)
def _forget_on_language_settings(*, setting: str, **kwargs: Any) -> None:
    # Django forgets its loaded catalogues on these (tests change them); so does this.
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"}:
        _rendered.clear()


def _constant(expression: FilterExpression | None) -> str | None:
    """The text of a string literal with no filter, else None. Django keeps a literal as the
    string itself (a context's) or, for the translated text, as a Variable of it."""
    if expression is None or expression.filters:
        return None
    if isinstance(expression.var, str):
        return str(expression.var)
    literal = expression.var.literal if isinstance(expression.var, Variable) else None
    return literal if isinstance(literal, str) else None


class ConstantTranslateNode(i18n.TranslateNode):
    """A `{% translate %}` of constant text (see `do_translate`)."""

    text: str
    context_text: str | None

    def render(self, context: Context) -> str:
        key = (get_language(), context.autoescape, self.text, self.context_text)
        value = _rendered.get(key)
        if value is None:
            # Django's own render, in a context of its own: a constant reads no variable, and
            # its result depends on nothing else of the page's context.
            alone = Context(
                autoescape=context.autoescape, use_l10n=context.use_l10n, use_tz=context.use_tz
            )
            value = super().render(alone)
            if self.asvar:
                value = alone[self.asvar]
            _rendered[key] = value
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


class BlockTranslateNode(i18n.BlockTranslateNode):
    """Django's `{% blocktranslate %}`, with its singular and plural messages made once, when
    the template is read, instead of on every render."""

    messages: dict[int, tuple[str, list[str]]]  # by the id of the node's singular or plural

    def render_token_list(self, tokens: list[Token]) -> tuple[str, list[str]]:
        message, variables = self.messages[id(tokens)]
        return message, list(variables)  # Django's render extends the list it gets


@register.tag("blocktranslate")
@register.tag("blocktrans")
def do_block_translate(parser: Parser, token: Token) -> i18n.BlockTranslateNode:
    node = i18n.do_block_translate(parser, token)
    node.__class__ = BlockTranslateNode
    assert isinstance(node, BlockTranslateNode)
    node.messages = {
        id(tokens): i18n.BlockTranslateNode.render_token_list(node, tokens)
        for tokens in (node.singular, node.plural)
        if tokens is not None
    }
    return node


@register.tag("translate")
@register.tag("trans")
def do_translate(parser: Parser, token: Token) -> i18n.TranslateNode:
    node = i18n.do_translate(parser, token)
    text = _constant(node.filter_expression)
    context_text = _constant(node.message_context)
    if text is not None and not node.noop and (node.message_context is None or context_text):
        node.__class__ = ConstantTranslateNode
        assert isinstance(node, ConstantTranslateNode)
        node.text = text
        node.context_text = context_text
    return node
