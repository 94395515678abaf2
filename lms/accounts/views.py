"""Register, sign in and out, and one's own account."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from lms.accounts.constants import CONSENT_PURPOSES
from lms.accounts.forms import (
    LoginForm,
    LogoutForm,
    NameForm,
    PasswordChangeForm,
    ProfilePlaceForm,
    RegisterForm,
    chosen_id,
    guardian_of,
)
from lms.accounts.services import (
    AccountError,
    NewAccount,
    active_consents,
    authenticate,
    change_password,
    correct_name,
    create_account,
    parse_login,
    record_consents,
    update_residence,
)
from lms.accounts.sessions import sign_in, sign_out
from lms.core.urls import safe_next
from lms.extensions import db, limiter
from lms.privacy.services import save_national_id

bp = Blueprint("accounts", __name__)


def _login_key() -> str:
    raw = request.form.get("login", "")
    login = parse_login(raw)
    return login.key if login else raw.strip().lower()[:254]


def _failed(response: Response) -> bool:
    return response.status_code != 302


@bp.route("/dang-ky", methods=["GET", "POST"])
def register() -> str | Response:
    """A learner opens an account: identity, group, place, and consent per purpose."""
    if current_user.is_authenticated:
        return redirect(url_for("learning.my_learning"))
    form = RegisterForm()
    if request.method == "GET" and request.args.get("province_code"):
        form.province_code.data = request.args["province_code"]
    form.fill_place_choices()
    if form.picking_place:
        return render_template("accounts/register.html", form=form, purposes=CONSENT_PURPOSES)
    if form.validate_on_submit():
        purposes = {p.code for p in CONSENT_PURPOSES if getattr(form, f"consent_{p.code}").data}
        try:
            user = create_account(
                NewAccount(
                    full_name=form.full_name.data or "",
                    login=form.login.data or "",
                    password=form.password.data or "",
                    learner_group=form.learner_group.data,
                    birth_year=form.birth_year.data,
                    province_code=form.province_code.data,
                    commune_code=form.commune_code.data,
                    village_id=chosen_id(form.village_id.data),
                    unit_id=chosen_id(form.unit_id.data),
                )
            )
            record_consents(user, purposes, guardian=guardian_of(form))
            if (form.national_id.data or "").strip():
                save_national_id(user, form.national_id.data or "")
        except AccountError as error:
            db.session.rollback()
            field = getattr(form, error.field or "", None) if error.field != "consent" else None
            if field is not None:
                field.errors = [*field.errors, str(error)]
            else:
                form.form_errors.append(str(error))
        else:
            sign_in(user)
            db.session.commit()
            flash(_("Chào mừng %(name)s! Tài khoản đã được tạo.", name=user.full_name), "success")
            return redirect(url_for("learning.my_learning"))
    return render_template("accounts/register.html", form=form, purposes=CONSENT_PURPOSES)


@bp.route("/dang-nhap", methods=["GET", "POST"])
@limiter.limit(
    "5 per minute;20 per hour",
    key_func=lambda: f"login-ip:{_login_key()}:{get_remote_address()}",
    methods=["POST"],
    deduct_when=_failed,
)
@limiter.limit(
    "50 per hour", key_func=lambda: f"login:{_login_key()}", methods=["POST"], deduct_when=_failed
)
def login() -> str | Response:
    """Sign in; unknown accounts and wrong passwords get the same answer."""
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.login.data or "", form.password.data or "")
        if user is not None:
            sign_in(user)
            db.session.commit()
            return redirect(safe_next(request.args.get("next"), url_for("learning.my_learning")))
        db.session.commit()  # the failed attempt stays in the audit trail
        form.form_errors.append(_("Số điện thoại/email hoặc mật khẩu không đúng."))
    return render_template("accounts/login.html", form=form)


@bp.route("/dang-xuat", methods=["POST"])
@login_required
def logout() -> Response:
    """Sign out: the server forgets this session, so a copied cookie no longer works."""
    form = LogoutForm()
    if not form.validate_on_submit():
        return redirect(url_for("catalog.index"))
    sign_out()
    db.session.commit()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("catalog.index"))


@bp.route("/tai-khoan/noi-song", methods=["GET", "POST"])
@login_required
def residence() -> str | Response:
    """A learner who moved says where they live now (and where they work or study)."""
    if current_user.role != "learner":
        abort(403)
    form = ProfilePlaceForm(obj=current_user if request.method == "GET" else None)
    if request.method == "GET":
        form.village_id.data = str(current_user.village_id or "")
        form.unit_id.data = str(current_user.unit_id or "")
    form.fill_place_choices()
    if form.picking_place:
        return render_template("accounts/residence.html", form=form)
    if form.validate_on_submit():
        try:
            update_residence(
                current_user,
                form.province_code.data,
                form.commune_code.data,
                chosen_id(form.village_id.data),
                chosen_id(form.unit_id.data),
            )
        except AccountError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Đã lưu nơi sống mới."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/residence.html", form=form)


@bp.route("/tai-khoan/mat-khau", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per hour", key_func=lambda: f"password:{current_user.id}", methods=["POST"])
def password() -> str | Response:
    """Change one's password; every other browser and device is signed out."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()  # type: ignore[attr-defined]
        try:
            change_password(user, form.current_password.data or "", form.new_password.data or "")
        except AccountError as error:
            db.session.commit()  # a wrong current password stays in the audit trail
            getattr(form, error.field or "new_password", form.new_password).errors.append(
                str(error)
            )
        else:
            sign_in(user)  # this browser stays signed in, with a new session
            db.session.commit()
            flash(_("Đã đổi mật khẩu. Các thiết bị khác đã được đăng xuất."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/password.html", form=form)


@bp.route("/tai-khoan/ho-ten", methods=["GET", "POST"])
@login_required
def name() -> str | Response:
    """Correct one's name; certificates already issued are issued again under it."""
    form = NameForm(obj=current_user if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            changed = correct_name(current_user, form.full_name.data or "")
        except AccountError as error:
            db.session.rollback()
            form.full_name.errors.append(str(error))
        else:
            db.session.commit()
            if changed:
                flash(_("Đã lưu họ tên mới."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/name.html", form=form)


@bp.route("/tai-khoan")
@login_required
def account() -> str:
    """Show one's own account and the consents given."""
    return render_template(
        "accounts/account.html", consents=active_consents(current_user), purposes=CONSENT_PURPOSES
    )
