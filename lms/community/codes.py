"""Household invitation codes: 8 characters people can read aloud and type on a phone.

Seven random characters of Crockford's base 32 (no I, L, O or U) and one Luhn mod 32
check character, printed as ABCD-EFGH. Reading forgives case, spaces and dashes, and the
look-alikes O→0 and I/L→1; the check character catches any single mistyped character
and most swaps of two neighbours, so a typo is told apart from a code that does not exist."""

from __future__ import annotations

import enum
import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PAYLOAD = 7
LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_IGNORED = re.compile(r"[\s\-.·_]")


class Reading(enum.Enum):
    """What a typed code turned out to be."""

    VALID = "valid"
    MISTYPED = "mistyped"  # right shape, wrong check character: a typo
    MALFORMED = "malformed"  # not 8 characters of the alphabet


def _luhn_total(code: str, double_first: bool) -> int:
    n = len(ALPHABET)
    total, double = 0, double_first
    for char in reversed(code):
        addend = ALPHABET.index(char) * (2 if double else 1)
        total += addend // n + addend % n
        double = not double
    return total


def check_character(payload: str) -> str:
    """Return the Luhn mod 32 check character of a payload."""
    n = len(ALPHABET)
    return ALPHABET[(n - _luhn_total(payload, True) % n) % n]


def new_code() -> str:
    """Return a fresh random code (8 characters, no separator)."""
    payload = "".join(secrets.choice(ALPHABET) for _ in range(PAYLOAD))
    return payload + check_character(payload)


def grouped(code: str) -> str:
    """Return the code as it is shown: ABCD-EFGH."""
    return f"{code[:4]}-{code[4:]}"


def read_code(raw: str) -> tuple[Reading, str]:
    """Return how a typed code reads, and its normalised form."""
    code = _IGNORED.sub("", (raw or "").upper()).translate(LOOK_ALIKES)
    if len(code) != PAYLOAD + 1 or any(ch not in ALPHABET for ch in code):
        return Reading.MALFORMED, code
    if _luhn_total(code, False) % len(ALPHABET) != 0:
        return Reading.MISTYPED, code
    return Reading.VALID, code
