from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from rapport.insights.rules import Severity

register = template.Library()


@register.simple_tag
def severity_badge(severity: str | None) -> SafeString:
    """The badge of insights/_severity.html, built here: the home board and the team view show
    dozens and an included template each cost more than the rest of the line. The same text,
    to the final newline."""
    if severity not in Severity.values:
        return SafeString("\n")
    return format_html(
        '<span class="badge severity-{}">{}</span>\n', severity, Severity(severity).label
    )
