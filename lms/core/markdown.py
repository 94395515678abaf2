"""Markdown to safe HTML: rendered and sanitised once, when content is saved (DESIGN §3)."""

from __future__ import annotations

import re
from collections.abc import Callable

import bleach
from markdown_it import MarkdownIt

from lms.core.text import nfc

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "hr",
        "strong",
        "em",
        "b",
        "i",
        "u",
        "s",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "a",
        "img",
        "figure",
        "figcaption",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "sup",
        "sub",
        "mark",
        "kbd",
        "abbr",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "img": ["src", "alt", "title", "loading", "width", "height"],
    "th": ["align", "scope"],
    "td": ["align"],
    "abbr": ["title"],
    "ol": ["start"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "tel"})

# bleach with strip=True keeps the text of a removed element; these elements' text is code
# or style, never prose, so they go first with their content.
_DROPPED_WITH_CONTENT = re.compile(
    r"<(script|style|iframe|object|embed|template|noscript|textarea)\b.*?(</\1\s*>|$)",
    re.IGNORECASE | re.DOTALL,
)

MediaResolver = Callable[[str], str | None]


def sanitise_html(html: str) -> str:
    """Return html reduced to the allow-list: no scripts, styles, frames or event handlers."""
    html = _DROPPED_WITH_CONTENT.sub("", nfc(html))
    return bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )


def _parser(resolve_media: MediaResolver | None) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table").enable("strikethrough")
    default_image = md.renderer.rules["image"]

    def render_image(renderer, tokens, idx, options, env):  # type: ignore[no-untyped-def]
        token = tokens[idx]
        src = str(token.attrGet("src") or "")
        if resolve_media is not None:
            resolved = resolve_media(src)
            if resolved is not None:
                token.attrSet("src", resolved)
        token.attrSet("loading", "lazy")
        return default_image(tokens, idx, options, env)

    md.add_render_rule("image", render_image)
    return md


def render_markdown(text: str, resolve_media: MediaResolver | None = None) -> str:
    """Return sanitised HTML for Markdown text; resolve_media maps relative media paths to URLs."""
    return sanitise_html(_parser(resolve_media).render(nfc(text)))


def render_inline(text: str) -> str:
    """Return sanitised HTML for a short inline Markdown text (a question prompt, an option)."""
    return sanitise_html(_parser(None).renderInline(nfc(text)))


def image_sources(text: str) -> list[tuple[str, str]]:
    """Return (src, alt) for every Markdown image in text, to check alt text and media."""
    found: list[tuple[str, str]] = []
    for token in _parser(None).parse(nfc(text)):
        for child in token.children or []:
            if child.type == "image":
                found.append((str(child.attrGet("src") or ""), child.content))
    return found
