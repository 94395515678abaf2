"""What community listens to: a withdrawn consent to mentor support ends the links; any flush
that touches a membership, an attainment, a program certificate or a link refreshes the
copies the officers' figures read (lms.community.copies), in the same transaction."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from lms.community.models import Household, HouseholdMember, MentorLink
from lms.completion.models import Attainment
from lms.core.signals import consent_withdrawn

CERTIFICATE_CHANGES = ("revoked_at", "superseded_at", "user_id", "group_code")


def _on_consent_withdrawn(user: Any, purpose: str = "", **_: Any) -> None:
    from lms.community.services import on_consent_withdrawn

    on_consent_withdrawn(user, purpose)


def _changed(obj: Any, *names: str) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in names)


def _after_flush(session: Session, context: Any) -> None:
    from lms.community.copies import refresh_for_people

    people: set[int] = set()
    households: set[int] = set()
    for obj in [*session.new, *session.dirty, *session.deleted]:
        fresh = obj in session.new or obj in session.deleted
        if isinstance(obj, Attainment):
            people.add(obj.user_id)
        elif getattr(obj, "__tablename__", "") == "certificates":  # an area of its own
            if obj.kind == "program" and (fresh or _changed(obj, *CERTIFICATE_CHANGES)):
                people.add(obj.user_id)
        elif isinstance(obj, HouseholdMember):
            households.add(obj.household_id)
        elif isinstance(obj, Household) and obj in session.new:
            households.add(obj.id)
        elif isinstance(obj, MentorLink) and (obj in session.new or _changed(obj, "learner_id")):
            people.add(obj.learner_id)
    people.discard(None)  # type: ignore[arg-type]
    if people or households:
        refresh_for_people(session.connection(), people, households)


def register(app: Flask) -> None:
    """Connect the listeners (blinker keeps one connection per receiver; flush events once)."""
    consent_withdrawn.connect(_on_consent_withdrawn)
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
