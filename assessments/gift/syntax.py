"""GIFT text conventions: escapes, format tags, answer weights, HTML to plain text."""

import re
from html.parser import HTMLParser

SPECIALS = "~=#{}:"
# Escaped characters become Unicode noncharacters while the structure is parsed (as Moodle
# does with placeholders), so that splitting on ~ = # { } : never sees an escaped one.
_PROTECTED = SPECIALS + "\\>"
_PLACEHOLDERS = {char: chr(0xFDD0 + index) for index, char in enumerate(_PROTECTED)}
_NEWLINE = chr(0xFDD0 + len(_PROTECTED))
_RESTORE = str.maketrans({mark: char for char, mark in _PLACEHOLDERS.items()} | {_NEWLINE: "\n"})
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)

FORMAT_TAG = re.compile(r"\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
WEIGHT = re.compile(r"%(-?[0-9]+(?:\.[0-9]*)?)%")


def protect(text: str) -> str:
    """Replace escape sequences (\\~ \\= \\# \\{ \\} \\: \\\\ \\n) by placeholders."""

    def replace(match: re.Match[str]) -> str:
        char = match.group(1)
        if char == "n":
            return _NEWLINE
        return _PLACEHOLDERS.get(char, match.group(0))

    return _ESCAPE.sub(replace, text)


def restore(text: str) -> str:
    """Turn placeholders back into the characters they stand for."""
    return text.translate(_RESTORE)


def escape(text: str) -> str:
    """Escape text for GIFT: backslash, ~ = # { } :, and newlines as \\n."""
    out = []
    for char in text:
        if char == "\\" or char in SPECIALS:
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        else:
            out.append(char)
    return "".join(out)


def escape_formatted(text: str) -> str:
    """Escape a text that GIFT reads with an optional [format] tag in front."""
    escaped = escape(text)
    return "[plain]" + escaped if FORMAT_TAG.match(text) else escaped


def split_format(text: str, default: str) -> tuple[str, str]:
    """Return (format, text without its leading [format] tag)."""
    match = FORMAT_TAG.match(text)
    if match is None:
        return default, text
    return match.group(1).lower(), text[match.end() :]


def split_weight(text: str) -> tuple[float | None, str]:
    """Return (weight in percent or None, text after a leading %weight%)."""
    match = WEIGHT.match(text)
    if match is None:
        return None, text
    return float(match.group(1)), text[match.end() :]


def format_weight(percent: float) -> str:
    """Format a weight the way Moodle writes them (33.33333, 50, -25)."""
    return f"{percent:.5f}".rstrip("0").rstrip(".")


class _TextExtractor(HTMLParser):
    BLOCKS = frozenset({"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.images = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" or tag in self.BLOCKS:
            self.parts.append("\n")
        if tag == "img":
            self.images += 1
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append(alt)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(re.sub(r"\s+", " ", data))  # HTML line breaks are spaces


def html_to_text(html: str) -> tuple[str, int]:
    """Return plain text of an HTML fragment and how many images it dropped."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    lines = [" ".join(line.split()) for line in "".join(extractor.parts).split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text, extractor.images
