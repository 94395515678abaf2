"""Certificate codes: 135 random bits in Crockford base32 with a Luhn mod 32 check character.

A code is 27 data characters and 1 check character, shown as 7 groups of 4
("7KQ2-M9XD-..."), so it can be read over the phone. Reading it back is forgiving:
case is ignored, spaces, dots and hyphens are dropped, O reads as 0 and I or L as 1
(Crockford's rules), and the check character catches any single mistyped character and any
swap of two neighbouring characters except 0 with Z."""

from __future__ import annotations

import secrets
from enum import Enum

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
DATA_LENGTH = 27  # 27 × 5 = 135 random bits (at least 128 are required)
LENGTH = DATA_LENGTH + 1
GROUP = 4
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_ALIASES = {"O": "0", "I": "1", "L": "1"}
_SEPARATORS = " -._\u2010\u2011\u2012\u2013\u2014\t"


def check_character(data: str) -> str:
    """Return the Luhn mod 32 check character of canonical data characters."""
    total, factor = 0, 2
    for ch in reversed(data):
        addend = factor * _VALUE[ch]
        total += addend // 32 + addend % 32
        factor = 1 if factor == 2 else 2
    return ALPHABET[(32 - total % 32) % 32]


def new_code() -> str:
    """Return a fresh canonical code (28 characters, no separators)."""
    value = secrets.randbits(5 * DATA_LENGTH)
    data = "".join(ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(DATA_LENGTH)))
    return data + check_character(data)


class Reading(Enum):
    """What a typed code turned out to be."""

    VALID = "valid"
    MISTYPED = "mistyped"  # right length and alphabet, wrong check character
    MALFORMED = "malformed"  # not a certificate code at all


def read_code(raw: str) -> tuple[Reading, str]:
    """Return how a typed code reads and its canonical form (empty when malformed)."""
    cleaned = "".join(ch for ch in raw.upper() if ch not in _SEPARATORS)
    canonical = "".join(_ALIASES.get(ch, ch) for ch in cleaned)
    if len(canonical) != LENGTH or any(ch not in _VALUE for ch in canonical):
        return Reading.MALFORMED, ""
    if check_character(canonical[:-1]) != canonical[-1]:
        return Reading.MISTYPED, canonical
    return Reading.VALID, canonical


def grouped(code: str) -> str:
    """Return a canonical code as groups of four joined by hyphens."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))
