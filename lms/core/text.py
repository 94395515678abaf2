"""Text rules: NFC storage, diacritic folding for search, phone numbers."""

from __future__ import annotations

import re
import unicodedata

from assessments.text import fold_diacritics

__all__ = ["fold_diacritics", "nfc", "clean_line", "search_key", "normalise_phone", "sort_key"]

_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    """Return text in Unicode NFC, the form everything is stored in."""
    return unicodedata.normalize("NFC", text)


def clean_line(text: str | None) -> str:
    """Return a single-line field in NFC with whitespace collapsed and trimmed."""
    return _SPACES.sub(" ", nfc(text or "")).strip()


def search_key(text: str) -> str:
    """Return the folded form used to search: no diacritics, lower case, single spaces."""
    return _SPACES.sub(" ", fold_diacritics(nfc(text)).casefold()).strip()


def sort_key(text: str) -> tuple[str, str]:
    """Return a key that sorts Vietnamese names sensibly where the database cannot."""
    return (search_key(text), nfc(text))


_PHONE_CHARS = re.compile(r"[\s().\-]")
_VN_MOBILE = re.compile(r"^\+84[1-9]\d{8,9}$")


def normalise_phone(raw: str) -> str | None:
    """Return a Vietnamese phone number in +84 form, or None if it is not one.

    "0912 345 678", "+84912345678" and "84912345678" are the same person.
    """
    digits = _PHONE_CHARS.sub("", nfc(raw).strip())
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if digits.startswith("0"):
        digits = "+84" + digits[1:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "+" + digits
    return digits if _VN_MOBILE.match(digits) else None
