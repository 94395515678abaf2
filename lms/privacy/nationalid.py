"""Vietnamese citizen identity numbers (CCCD): checking, normalising and masking.

A CCCD number has 12 digits: 3 for the province where the birth was registered, 1 for the
century of birth and sex, 2 for the last two digits of the year of birth, then 6 random
digits. Only the structure is checked here; nothing is looked up anywhere."""

from __future__ import annotations

import re
from dataclasses import dataclass

# The 3-digit province codes of the CCCD numbering: the 63 provinces as they were before the
# 2025 merger (a number keeps the code of the province where the birth was registered; the
# merged provinces of 2025 kept codes from this same list).
PROVINCE_CODES = frozenset(
    {
        "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019",
        "020", "022", "024", "025", "026", "027", "030", "031", "033", "034", "035", "036",
        "037", "038", "040", "042", "044", "045", "046", "048", "049", "051", "052", "054",
        "056", "058", "060", "062", "064", "066", "067", "068", "070", "072", "074", "075",
        "077", "079", "080", "082", "083", "084", "086", "087", "089", "091", "092", "093",
        "094", "095", "096",
    }
)  # fmt: skip

# The 4th digit: the century of birth (and sex, which is never read here).
CENTURY_OF_DIGIT = {
    "0": 1900, "1": 1900, "2": 2000, "3": 2000, "4": 2100,
    "5": 2100, "6": 2200, "7": 2200, "8": 1800, "9": 1800,
}  # fmt: skip

_SEPARATORS = re.compile(r"[\s.\-]")


class NationalIdError(ValueError):
    """The number is not a valid CCCD number; `reason` says which rule failed."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class NationalId:
    """A checked CCCD number (12 digits). Its repr never shows the digits."""

    digits: str

    def __repr__(self) -> str:
        return f"NationalId({mask(self.digits)})"

    __str__ = __repr__


def normalise(raw: str) -> str:
    """Return the number without spaces, dots or dashes (as people often write it)."""
    return _SEPARATORS.sub("", raw or "")


def check_national_id(raw: str, birth_year: int | None) -> NationalId:
    """Return the checked number, or raise NationalIdError naming the broken rule.

    Reasons: "length" (not 12 digits), "province" (unknown province code), "century" (the
    4th digit's century does not hold the birth year), "year" (5th-6th digits are not the
    last two digits of the birth year), "birth_year" (no birth year to check against)."""
    digits = normalise(raw)
    if len(digits) != 12 or not digits.isascii() or not digits.isdigit():
        raise NationalIdError("length")
    if digits[:3] not in PROVINCE_CODES:
        raise NationalIdError("province")
    if birth_year is None:
        raise NationalIdError("birth_year")
    century = CENTURY_OF_DIGIT[digits[3]]
    if not century <= birth_year < century + 100:
        raise NationalIdError("century")
    if digits[4:6] != f"{birth_year % 100:02d}":
        raise NationalIdError("year")
    return NationalId(digits)


def mask(digits: str) -> str:
    """Return the number as it may be shown: only the last 3 digits, e.g. •••••••••789."""
    return "•" * (len(digits) - 3) + digits[-3:] if len(digits) > 3 else "•" * len(digits)
