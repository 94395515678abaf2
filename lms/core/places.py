"""The official 2025 administrative map: 34 provinces and 3,321 communes (vietnam-provinces)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from vietnam_provinces import Province, Ward

from lms.core.text import sort_key


@dataclass(frozen=True)
class Place:
    """A province or commune with its official code and name."""

    code: str
    name: str
    province_code: str


def _province_code(value: int) -> str:
    return f"{value:02d}"


def _commune_code(value: int) -> str:
    return f"{value:05d}"


@cache
def provinces() -> tuple[Place, ...]:
    """Return all provinces in Vietnamese alphabetical order."""
    items = [
        Place(_province_code(p.code.value), p.name, _province_code(p.code.value))
        for p in Province.iter_all()
    ]
    return tuple(sorted(items, key=lambda p: sort_key(p.name)))


@cache
def _communes_by_province() -> dict[str, tuple[Place, ...]]:
    grouped: dict[str, list[Place]] = {}
    for ward in Ward.iter_all():
        province = _province_code(ward.province_code.value)
        grouped.setdefault(province, []).append(
            Place(_commune_code(ward.code.value), ward.name, province)
        )
    return {k: tuple(sorted(v, key=lambda c: sort_key(c.name))) for k, v in grouped.items()}


@cache
def _communes_by_code() -> dict[str, Place]:
    return {c.code: c for group in _communes_by_province().values() for c in group}


@cache
def _provinces_by_code() -> dict[str, Place]:
    return {p.code: p for p in provinces()}


def communes(province_code: str) -> tuple[Place, ...]:
    """Return the communes of a province, alphabetically; empty for an unknown code."""
    return _communes_by_province().get(province_code, ())


def province(code: str | None) -> Place | None:
    """Return the province with this code, or None."""
    return _provinces_by_code().get(code or "")


def commune(code: str | None) -> Place | None:
    """Return the commune with this code, or None."""
    return _communes_by_code().get(code or "")


def commune_count() -> int:
    """Return how many communes the map holds."""
    return len(_communes_by_code())
