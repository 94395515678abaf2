"""Normalise Vietnamese text for answer comparison and search."""

import unicodedata

# NFD does not decompose đ/Đ (they are letters, not d + mark). Ð (U+00D0, Icelandic eth)
# looks identical to Đ and turns up in text converted from old Vietnamese encodings; it
# case-folds to ð, so both fold to d.
_LETTER_FOLDS = str.maketrans({"đ": "d", "Đ": "D", "Ð": "D", "ð": "d"})


def fold_diacritics(text: str) -> str:
    """Remove diacritics, mapping đ/Đ to d/D ("Đà Nẵng" -> "Da Nang")."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", bare.translate(_LETTER_FOLDS))


def normalise_answer(text: str, ignore_diacritics: bool = False) -> str:
    """Return the comparison form of an answer: NFC, case-folded, whitespace collapsed."""
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())
    if ignore_diacritics:
        folded = fold_diacritics(folded)
    return " ".join(folded.split())


def clean_text(text: str) -> str:
    """Return authored text in stored form: NFC, LF line endings, outer whitespace stripped."""
    unified = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", unified).strip()
