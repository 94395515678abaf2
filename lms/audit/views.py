"""The admin's view of what happened to an account (and what it did)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from lms.accounts.models import User
from lms.audit.services import ACTION_LABELS, events_about, people_named
from lms.core.security import roles_required
from lms.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/quan-tri")


@bp.route("/nguoi-dung/<int:user_id>/nhat-ky")
@roles_required("admin")
def account_log(user_id: int) -> str:
    """List an account's audit entries, newest first, optionally one kind of action."""
    user = db.session.get(User, user_id) or abort(404)
    action = request.args.get("action") if request.args.get("action") in ACTION_LABELS else None
    page = db.paginate(events_about(user.id, action), per_page=50, error_out=False)
    people = people_named(
        {e.actor_id for e in page.items if e.actor_id}
        | {e.subject_id for e in page.items if e.subject_id}
    )
    return render_template(
        "audit/account_log.html",
        user=user,
        page=page,
        people=people,
        action=action,
        labels=ACTION_LABELS,
    )
