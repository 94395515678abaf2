"""Who may see which figures: an officer their commune or province, an admin the country.

Every service of reports takes the viewer and the requested scope and calls authorise();
a refusal is logged (who, what was asked, what was allowed) before it is raised."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from flask_babel import gettext as _

from lms.core import places
from lms.extensions import db
from lms.reports.models import RefusalLog


class ScopeRefused(PermissionError):
    """The requested figures are outside the requester's scope (HTTP 403)."""


class UnknownPlace(LookupError):
    """The requested province or commune is not on the official map (HTTP 404)."""


@dataclass(frozen=True)
class Scope:
    """A place to report on: the whole country, one province or one commune."""

    level: str
    province_code: str | None = None
    commune_code: str | None = None

    @property
    def key(self) -> str:
        code = self.commune_code or self.province_code
        return self.level if code is None else f"{self.level}:{code}"

    @property
    def name(self) -> str:
        if self.level == "commune":
            commune = places.commune(self.commune_code)
            province = places.province(self.province_code)
            return f"{commune.name if commune else self.commune_code}, {province.name if province else ''}"
        if self.level == "province":
            province = places.province(self.province_code)
            return province.name if province else str(self.province_code)
        return _("Toàn quốc")

    def contains(self, other: Scope) -> bool:
        """Return whether every figure of `other` is inside this scope."""
        if self.level == "country":
            return True
        if self.level == "province":
            return other.level != "country" and other.province_code == self.province_code
        return other.level == "commune" and other.commune_code == self.commune_code

    def communes(self) -> list[places.Place]:
        """Return the communes of the scope, alphabetically (all 3,321 for the country)."""
        if self.level == "commune":
            commune = places.commune(self.commune_code)
            return [commune] if commune else []
        if self.level == "province":
            return list(places.communes(self.province_code or ""))
        return list(_all_communes())


@cache
def _all_communes() -> tuple[places.Place, ...]:
    return tuple(c for p in places.provinces() for c in places.communes(p.code))


COUNTRY = Scope("country")


def province_scope(code: str) -> Scope:
    """Return the scope of a province; UnknownPlace if the code is not on the map."""
    if places.province(code) is None:
        raise UnknownPlace(code)
    return Scope("province", code)


def commune_scope(code: str) -> Scope:
    """Return the scope of a commune; UnknownPlace if the code is not on the map."""
    commune = places.commune(code)
    if commune is None:
        raise UnknownPlace(code)
    return Scope("commune", commune.province_code, commune.code)


def allowed_scope(user: Any | None) -> Scope | None:
    """Return the widest scope a user may see (None: no figures at all)."""
    if user is None:
        return COUNTRY  # the operator at the server's shell
    if not getattr(user, "is_authenticated", True) or not getattr(user, "is_enabled", True):
        return None
    if user.role == "admin":
        return COUNTRY
    if user.role != "officer":
        return None
    if user.scope_level == "country":
        return COUNTRY
    if user.scope_level == "province" and user.province_code:
        return Scope("province", user.province_code)
    if user.scope_level == "commune" and user.commune_code:
        commune = places.commune(user.commune_code)
        return Scope(
            "commune", commune.province_code if commune else user.province_code, user.commune_code
        )
    return None


def actor_label(user: Any | None) -> str:
    """Return how the logs name the requester."""
    if user is None:
        return "cli"
    return f"{user.id}:{user.login}"


def authorise(user: Any | None, requested: Scope | list[Scope], via: str, path: str = "") -> None:
    """Raise ScopeRefused, after logging it, unless every requested scope is the user's."""
    wanted = requested if isinstance(requested, list) else [requested]
    allowed = allowed_scope(user)
    refused = [s for s in wanted if allowed is None or not allowed.contains(s)]
    if not refused:
        return
    db.session.add(
        RefusalLog(
            user_id=getattr(user, "id", None),
            actor=actor_label(user)[:254],
            requested=",".join(s.key for s in refused)[:200],
            allowed=allowed.key if allowed else "-",
            via=via,
            path=path[:500],
        )
    )
    db.session.flush()
    raise ScopeRefused(", ".join(s.key for s in refused))


def may_manage(user: Any | None, scope: Scope) -> bool:
    """Return whether the user may see (and so manage the local data of) a scope."""
    allowed = allowed_scope(user)
    return allowed is not None and allowed.contains(scope)
