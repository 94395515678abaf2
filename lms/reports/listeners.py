"""Keep the rollup up to date as facts change, whichever code path changes them.

Registration, a move to another commune or village, a group change, activity, a course
completed or withdrawn, an attainment recorded or withdrawn, a certificate revoked: each is
seen at flush time and the learner's contribution is recomputed in the same transaction."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from flask import Flask, g, has_app_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.completion.models import Attainment
from lms.core.signals import attempt_graded
from lms.learning.models import Enrolment, LessonProgress
from lms.quizzes.models import QuizAttempt
from lms.reports.models import Population, TargetOverride
from lms.reports.rollup import (
    attempt_domain_rows,
    local_day,
    refresh_learner,
    remove_learner,
    write_domain_rows,
)

PENDING_DOMAINS = "reports.pending_domain_rows"
PLACE_FIELDS = ("role", "province_code", "commune_code", "village_id", "unit_id", "learner_group")


def _changed(obj: Any, name: str) -> bool:
    return inspect(obj).attrs[name].history.has_changes()


def _certificate_class() -> type | None:
    try:
        from lms.certificates.models import Certificate  # type: ignore[import-not-found]
    except ImportError:
        return None
    return Certificate if hasattr(Certificate, "revoked_at") else None


def _collect(session: Session) -> tuple[set[int], dict[int, set[date]]]:
    """Return the learners whose facts may have changed, and their new days of activity."""
    touched: set[int] = set()
    days: dict[int, set[date]] = defaultdict(set)
    certificate = _certificate_class()
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, User):
            if obj in session.new or any(_changed(obj, name) for name in PLACE_FIELDS):
                touched.add(obj.id)
            if obj in session.new and obj.created_at is not None:
                days[obj.id].add(local_day(obj.created_at))
            if obj.last_active_at is not None and _changed(obj, "last_active_at"):
                old = inspect(obj).attrs.last_active_at.history.deleted
                day = local_day(obj.last_active_at)
                if not old or old[0] is None or local_day(old[0]) != day:
                    days[obj.id].add(day)
        elif isinstance(obj, Enrolment):
            if obj in session.new and obj.enrolled_at is not None:
                days[obj.user_id].add(local_day(obj.enrolled_at))
            if obj in session.new or _changed(obj, "completed_at"):
                touched.add(obj.user_id)
                if obj.completed_at is not None:
                    days[obj.user_id].add(local_day(obj.completed_at))
        elif isinstance(obj, LessonProgress):
            if obj in session.new and obj.completed_at is not None:
                days[obj.user_id].add(local_day(obj.completed_at))
        elif isinstance(obj, QuizAttempt):
            if obj.submitted_at is not None and _changed(obj, "submitted_at"):
                days[obj.user_id].add(local_day(obj.submitted_at))
        elif isinstance(obj, Attainment) or (
            certificate is not None and isinstance(obj, certificate) and _changed(obj, "revoked_at")
        ):
            touched.add(obj.user_id)
    for obj in session.deleted:
        if isinstance(obj, Attainment | Enrolment):
            touched.add(obj.user_id)
    return touched, days


def _before_flush(session: Session, context: Any, instances: Any) -> None:
    erased = [obj.id for obj in session.deleted if isinstance(obj, User) and obj.id is not None]
    if erased:
        connection = session.connection()
        for user_id in erased:
            remove_learner(connection, user_id)


def _after_flush(session: Session, context: Any) -> None:
    changed = [*session.new, *session.dirty, *session.deleted]
    if has_app_context() and any(isinstance(o, Population | TargetOverride) for o in changed):
        g.pop("report_frames", None)  # populations or targets read earlier in this request
    touched, days = _collect(session)
    deleted = {obj.id for obj in session.deleted if isinstance(obj, User)}
    wanted = (touched | set(days)) - deleted
    if not wanted:
        return
    connection = session.connection()
    for user_id in sorted(wanted):
        refresh_learner(connection, user_id, days.get(user_id, ()))


def _on_attempt_graded(attempt: Any, **_: Any) -> None:
    from lms.extensions import db

    connection = db.session.connection()
    # Every submission of a quiz adds to the same domain rows (the province's, the country's):
    # they are written just before the commit, so concurrent submissions wait on those row
    # locks for the commit only, not for the rest of the request.
    attempt_domain_rows(connection, attempt, db.session.info.setdefault(PENDING_DOMAINS, {}))
    if attempt.submitted_at is not None:
        refresh_learner(connection, attempt.user_id, [local_day(attempt.submitted_at)])


def _before_commit(session: Session) -> None:
    rows = session.info.pop(PENDING_DOMAINS, None)
    if rows:
        write_domain_rows(session.connection(), rows)


def _after_soft_rollback(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint
        session.info.pop(PENDING_DOMAINS, None)


def register(app: Flask) -> None:
    """Listen to flushes of every session and to graded attempts (once per process)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_soft_rollback", _after_soft_rollback)
    attempt_graded.connect(_on_attempt_graded)
