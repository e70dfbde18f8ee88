"""Markdown from people's notes, turned into HTML that can never run anything.

Two layers, because either alone is one bug away from a script in someone's 1:1 notes:
markdown-it never passes raw HTML through (it is shown as text), and nh3 (the ammonia
sanitiser) then keeps only an allow-list of tags and attributes and only safe link schemes.
The Content-Security-Policy is the third layer: no inline script would run even if both failed.
"""

from __future__ import annotations

from functools import cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "hr",
        "strong",
        "em",
        "del",
        "s",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "a",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
)
# No style, class or on* attribute survives: only what a link and a numbered list need.
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Notes are written by colleagues, but links in them still should not vouch for or leak to
# the sites they point at.
LINK_REL = "noopener noreferrer nofollow"


@cache
def _parser() -> MarkdownIt:
    # Images are off: a remote image is a tracking beacon (and the CSP would block it anyway),
    # so `![text](url)` stays a visible link instead.
    return (
        MarkdownIt("commonmark", {"html": False})
        .enable(["table", "strikethrough"])
        .disable("image")
    )


def render_markdown(text: str) -> SafeString:
    """The safe HTML of a note. Empty text gives an empty string."""
    if not text.strip():
        return SafeString("")
    return sanitise_html(_parser().render(text))


def sanitise_html(html: str) -> SafeString:
    """The second layer on its own, so that tests can feed it what markdown-it never emits."""
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above
