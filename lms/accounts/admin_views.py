"""The admin's list of accounts and the account editor."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from lms.accounts.constants import ROLES
from lms.accounts.forms import AdminUserForm, chosen_id
from lms.accounts.models import User
from lms.accounts.services import AccountChanges, AccountError, search_users, update_account
from lms.core.security import roles_required
from lms.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/quan-tri")


@bp.route("/nguoi-dung")
@roles_required("admin")
def users() -> str:
    """List accounts, searchable by name (without diacritics), e-mail or phone, by role."""
    query = request.args.get("q", "").strip()
    role = request.args.get("role") if request.args.get("role") in ROLES else None
    page = db.paginate(search_users(query, role), per_page=25, error_out=False)
    return render_template("accounts/admin_users.html", page=page, q=query, role=role, roles=ROLES)


@bp.route("/nguoi-dung/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_user(user_id: int) -> str | Response:
    """Edit an account's name, role, group, place, scope and whether it may sign in."""
    user = db.session.get(User, user_id) or abort(404)
    form = AdminUserForm(obj=user if request.method == "GET" else None)
    if request.method == "GET":
        form.learner_group.data = user.learner_group or ""
        form.scope_level.data = user.scope_level or ""
        form.province_code.data = user.province_code or ""
        form.commune_code.data = user.commune_code or ""
        form.village_id.data = str(user.village_id or "")
        form.unit_id.data = str(user.unit_id or "")
    form.fill_place_choices()
    if form.picking_place:
        return render_template("accounts/admin_user_edit.html", form=form, user=user)
    if form.validate_on_submit():
        try:
            update_account(
                user,
                AccountChanges(
                    full_name=form.full_name.data or "",
                    role=form.role.data,
                    learner_group=form.learner_group.data or None,
                    province_code=form.province_code.data or None,
                    commune_code=form.commune_code.data or None,
                    scope_level=form.scope_level.data or None,
                    is_enabled=form.is_enabled.data,
                    village_id=chosen_id(form.village_id.data),
                    unit_id=chosen_id(form.unit_id.data),
                ),
            )
        except AccountError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Đã lưu tài khoản %(name)s.", name=user.full_name), "success")
            return redirect(url_for("admin.users"))
    return render_template("accounts/admin_user_edit.html", form=form, user=user)
