"""The privacy notice, and one's own data: consents, ID number, download, erasure."""

from __future__ import annotations

import os

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from lms.accounts.constants import CONSENT_BY_CODE, CONSENT_PURPOSES, GUARDIAN_AGE
from lms.accounts.services import AccountError, give_consent, withdraw_consent
from lms.accounts.sessions import sign_out
from lms.extensions import db
from lms.privacy.forms import (
    ConsentForm,
    DownloadForm,
    EraseForm,
    NationalIdForm,
    RemoveNationalIdForm,
)
from lms.privacy.services import (
    PrivacyError,
    erase_my_account,
    export_personal_data,
    masked_national_id,
    remove_national_id,
    set_national_id,
)

bp = Blueprint("privacy", __name__)


@bp.route("/quyen-rieng-tu")
def notice() -> str:
    """The privacy notice, in plain Vietnamese, for anyone."""
    return render_template(
        "privacy/notice.html",
        purposes=CONSENT_PURPOSES,
        guardian_age=GUARDIAN_AGE,
        # Who answers requests about data where the platform runs (a commune office, an e-mail).
        contact=current_app.config.get("PRIVACY_CONTACT") or os.environ.get("PRIVACY_CONTACT", ""),
    )


@bp.route("/tai-khoan/dong-y", methods=["POST"])
@login_required
def consent() -> BaseResponse:
    """Give or withdraw consent to one purpose, from the account page."""
    form = ConsentForm()
    if not form.validate_on_submit():
        abort(400)
    purpose = CONSENT_BY_CODE[form.purpose.data]
    if form.action.data == "withdraw" and purpose.required:
        return redirect(url_for("privacy.erase"))
    try:
        if form.action.data == "give":
            give_consent(current_user, purpose.code)
            message = _("Đã ghi nhận sự đồng ý của bạn.")
        else:
            withdraw_consent(current_user, purpose.code)
            message = _("Đã rút lại sự đồng ý. Từ nay dữ liệu không được dùng cho mục đích này.")
    except AccountError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("accounts.account"))
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("accounts.account"))


def _my_data_page(id_form: NationalIdForm | None = None, status: int = 200) -> tuple[str, int]:
    return render_template(
        "privacy/my_data.html",
        masked_id=masked_national_id(current_user),
        id_form=id_form or NationalIdForm(formdata=None),
        remove_form=RemoveNationalIdForm(formdata=None),
        download_form=DownloadForm(formdata=None),
    ), status


@bp.route("/tai-khoan/du-lieu")
@login_required
def my_data() -> tuple[str, int]:
    """One's data: the ID number (masked), downloads, and the way to erasure."""
    return _my_data_page()


@bp.route("/tai-khoan/du-lieu/cccd", methods=["POST"])
@login_required
def national_id() -> tuple[str, int] | BaseResponse:
    """Save (or replace) the optional CCCD number."""
    form = NationalIdForm()
    if not form.validate_on_submit():
        return _my_data_page(form, 422)
    try:
        set_national_id(current_user, form.national_id.data or "")
    except PrivacyError as error:
        db.session.rollback()
        form.national_id.errors = [str(error)]
        return _my_data_page(form, 422)
    db.session.commit()
    flash(_("Đã lưu số CCCD (đã mã hoá)."), "success")
    return redirect(url_for("privacy.my_data"))


@bp.route("/tai-khoan/du-lieu/cccd/xoa", methods=["POST"])
@login_required
def remove_id() -> BaseResponse:
    """Delete the stored CCCD number."""
    form = RemoveNationalIdForm()
    if not form.validate_on_submit():
        abort(400)
    removed = remove_national_id(current_user)
    db.session.commit()
    flash(_("Đã xoá số CCCD.") if removed else _("Bạn chưa lưu số CCCD nào."), "info")
    return redirect(url_for("privacy.my_data"))


@bp.route("/tai-khoan/du-lieu/tai-ve", methods=["POST"])
@login_required
def download() -> Response:
    """Download everything the platform holds about oneself, as JSON or CSV."""
    form = DownloadForm()
    if not form.validate_on_submit():
        abort(400)
    fmt = form.fmt.data
    content = export_personal_data(current_user, fmt)
    db.session.commit()
    mimetype = "application/json" if fmt == "json" else "text/csv; charset=utf-8"
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="du-lieu-ca-nhan-{current_user.id}.{fmt}"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/tai-khoan/xoa-du-lieu", methods=["GET", "POST"])
@login_required
def erase() -> tuple[str, int] | BaseResponse:
    """Explain erasure, then erase after the password and a tick."""
    form = EraseForm()
    if form.validate_on_submit():
        try:
            erase_my_account(current_user, form.password.data or "")
        except PrivacyError as error:
            db.session.rollback()
            if error.field == "password":
                form.password.errors = [str(error)]
            else:
                form.form_errors.append(str(error))
        else:
            sign_out()
            db.session.commit()
            flash(
                _(
                    "Dữ liệu cá nhân của bạn đã được xoá và tài khoản đã đóng. "
                    "Cảm ơn bạn đã tham gia học."
                ),
                "success",
            )
            return redirect(url_for("catalog.index"))
    status = 422 if form.is_submitted() else 200
    return render_template("privacy/erase.html", form=form), status
