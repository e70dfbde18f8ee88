"""`{% kept parts %}`: HTML kept apart (rapport/pagecache.py: `rendered_apart`, a piece such as
a team member's card) put into the page being rendered, holes and all."""

from __future__ import annotations

from django import template
from django.template import Context
from django.utils.safestring import SafeString

from rapport import pagecache

register = template.Library()


@register.simple_tag(takes_context=True)
def kept(context: Context, parts: list[str]) -> SafeString:
    """Into content rendered for keeping, `parts` with their holes left open under that
    content's own mark; anywhere else, with this request's token and clocks filled in."""
    mark = context.get(pagecache.KEPT_MARK)
    if isinstance(mark, str):
        return SafeString(mark.join(parts))
    return pagecache.filled_in(context["request"], parts)
