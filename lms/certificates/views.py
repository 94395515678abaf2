"""Certificate pages: public verification (HTML and JSON), the published keys, "Chứng nhận của
tôi", downloads, the list for officers (and, later, mentors) and the admin's revocation."""

from __future__ import annotations

import io
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from lms.accounts.models import User
from lms.certificates.codes import Reading, grouped
from lms.certificates.forms import ReissueForm, RevokeForm
from lms.certificates.labels import ERROR_MESSAGES, KIND_LABELS, REASON_LABELS, STATUS_LABELS
from lms.certificates.models import Certificate
from lms.certificates.pdf import certificate_pdf, public_base_url, verify_url
from lms.certificates.services import (
    CertificateError,
    Lookup,
    certificates_of,
    certificates_visible_to,
    code_history,
    keyring,
    look_up_certificate,
    may_see_certificate,
    public_record,
    reissue_certificate,
    revoke_certificate,
)
from lms.core.security import roles_required
from lms.extensions import db, limiter

bp = Blueprint("certificates", __name__)

# Anyone may check a certificate, but not try codes at speed: misses (404) are counted
# tightly, all look-ups loosely, per address, across the page and the API alike.
LOOKUP_LIMIT = "120 per minute"
MISS_LIMIT = "10 per minute;60 per hour"


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {
        "REASON_LABELS": REASON_LABELS,
        "STATUS_LABELS": STATUS_LABELS,
        "KIND_LABELS": KIND_LABELS,
    }


@bp.app_template_filter("grouped_code")
def _grouped_code(code: str) -> str:
    return grouped(code)


@bp.app_template_filter("format_percent_vi")
def _format_percent_vi(value: float) -> str:
    """Format a percent the Vietnamese way: 92,5 (no trailing ,0)."""
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")


def _lookup_key() -> str:
    return f"certificate-lookup:{get_remote_address()}"


lookup_limit = limiter.shared_limit(LOOKUP_LIMIT, scope="certificate-lookup", key_func=_lookup_key)
miss_limit = limiter.shared_limit(
    MISS_LIMIT,
    scope="certificate-miss",
    key_func=_lookup_key,
    deduct_when=lambda response: response.status_code == 404,
)


def _miss_message(lookup: Lookup) -> tuple[str, str]:
    if lookup.reading is Reading.MISTYPED:
        return "mistyped", _(
            "Mã này có vẻ bị gõ nhầm một ký tự (ký tự kiểm tra cuối mã không khớp). "
            "Hãy đối chiếu lại từng nhóm 4 ký tự trên giấy chứng nhận."
        )
    if lookup.reading is Reading.MALFORMED:
        return "malformed", _(
            "Đây không phải là một mã chứng nhận: mã gồm 28 chữ và số, "
            "in thành 7 nhóm 4 ký tự, ví dụ 7KQ2-M9XD-…"
        )
    return "not_found", _("Không tìm thấy chứng nhận nào có mã này.")


@bp.route("/verify")
def verify_form() -> str | Response:
    """Ask for a code typed from a paper certificate."""
    typed = request.args.get("code", "").strip()
    if typed:
        return redirect(url_for("certificates.verify", code=typed))
    return render_template("certificates/verify_form.html", typed="")


@bp.route("/verify/<path:code>")
@lookup_limit
@miss_limit
def verify(code: str) -> tuple[str, int] | str | Response:
    """Show whether a certificate is valid, to anyone, without signing in."""
    lookup = look_up_certificate(code)
    certificate = lookup.certificate
    if certificate is None:
        kind, message = _miss_message(lookup)
        return render_template(
            "certificates/verify_form.html", typed=code, miss=kind, message=message
        ), 404
    if code != grouped(certificate.code):
        return redirect(url_for("certificates.verify", code=grouped(certificate.code)), 301)
    url = verify_url(certificate.code)
    response = make_response(
        render_template(
            "certificates/verify.html",
            certificate=certificate,
            record=public_record(certificate, url),
            history=code_history(certificate),
            keys_url=url_for("certificates.public_keys", _external=True),
        )
    )
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/api/v1/certificates/<path:code>")
@lookup_limit
@miss_limit
def api_certificate(code: str) -> tuple[Response, int] | Response:
    """The same check as JSON; errors as {"error": {"code", "message"}}."""
    lookup = look_up_certificate(code)
    if lookup.certificate is None:
        kind, message = _miss_message(lookup)
        return jsonify(error={"code": kind, "message": message}), 404
    response = jsonify(public_record(lookup.certificate, verify_url(lookup.certificate.code)))
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/api/v1/certificate-keys")
def public_keys() -> Response:
    """Publish every signing key (active and retired) for offline checkers."""
    ring = keyring()
    ring.active_key_id()
    base = public_base_url()
    response = jsonify(
        {
            "alg": "Ed25519",
            "statement": "BDHVS-CERT-1\\n<code>\\n<name>\\n<achievement>\\n<YYYY-MM-DD> (UTF-8, NFC)",
            "qr": f"{base}/verify/<code>#1.<kid>.<base64url(name\\nachievement\\ndate)>"
            ".<base64url(signature)>",
            "documentation": url_for("certificates.verify_form", _external=True) + "#ngoai-tuyen",
            "keys": ring.published(),
        }
    )
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.route("/chung-nhan-cua-toi")
@login_required
def mine() -> str:
    """The signed-in person's certificates, with downloads."""
    return render_template(
        "certificates/mine.html",
        certificates=certificates_of(current_user),
        current_name=current_user.full_name,
    )


def _visible_certificate(code: str) -> Certificate:
    certificate = look_up_certificate(code).certificate
    if certificate is None:
        abort(404)
    if not may_see_certificate(current_user, certificate):
        abort(403)
    return certificate


@bp.route("/chung-nhan/<code>.pdf")
@login_required
def download(code: str) -> Response:
    """Download a valid certificate as a PDF (the holder, officers in scope, admins)."""
    certificate = _visible_certificate(code)
    if not certificate.is_live:
        flash(_("Chứng nhận này không còn hiệu lực nên không thể tải bản in."), "error")
        return redirect(url_for("certificates.verify", code=grouped(certificate.code)))
    if not certificate.holder_name:
        flash(_("Người được cấp đã xoá dữ liệu cá nhân: không in lại chứng nhận này."), "error")
        return redirect(url_for("certificates.verify", code=grouped(certificate.code)))
    # The cached file is small (about 60 KB): sending its bytes leaves no file handle open.
    response = send_file(
        io.BytesIO(certificate_pdf(certificate).read_bytes()),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"chung-nhan-{grouped(certificate.code)}.pdf",
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/chung-nhan/quan-ly")
@roles_required("officer", "admin", "mentor")
def managed() -> str:
    """Certificates of the people the viewer is responsible for, to search and print."""
    query = request.args.get("q", "").strip()
    status = request.args.get("status", "valid")
    if status not in ("valid", "revoked", "all"):
        status = "valid"
    page = db.paginate(
        certificates_visible_to(current_user, query, status), per_page=25, error_out=False
    )
    holders = _holders(page.items)
    return render_template(
        "certificates/managed.html", page=page, q=query, status=status, holders=holders
    )


def _holders(certificates: list[Certificate]) -> dict[int, User]:
    ids = {c.user_id for c in certificates if c.user_id is not None}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(db.select(User).where(User.id.in_(ids)))}


def _admin_page(certificate: Certificate, **forms: Any) -> str:
    holder = db.session.get(User, certificate.user_id) if certificate.user_id else None
    return render_template(
        "certificates/admin_detail.html",
        certificate=certificate,
        record=public_record(certificate, verify_url(certificate.code)),
        history=code_history(certificate),
        holder=holder,
        revoke_form=forms.get("revoke_form") or RevokeForm(formdata=None),
        reissue_form=forms.get("reissue_form") or ReissueForm(formdata=None),
    )


@bp.route("/quan-tri/chung-nhan/<code>")
@roles_required("admin")
def admin_detail(code: str) -> str:
    """An admin's view of one certificate, with revocation and re-issue."""
    certificate = look_up_certificate(code).certificate or abort(404)
    return _admin_page(certificate)


@bp.route("/quan-tri/chung-nhan/<code>/thu-hoi", methods=["POST"])
@roles_required("admin")
def admin_revoke(code: str) -> str | tuple[str, int] | Response:
    """Revoke a certificate for a reason (cheating, error), after confirmation."""
    certificate = look_up_certificate(code).certificate or abort(404)
    form = RevokeForm()
    if not form.validate_on_submit():
        return _admin_page(certificate, revoke_form=form), 422
    try:
        revoke_certificate(certificate, form.reason.data, form.note.data or "", by=current_user)
    except CertificateError as error:
        db.session.rollback()
        flash(str(ERROR_MESSAGES[error.code]), "error")
        return redirect(url_for("certificates.admin_detail", code=grouped(certificate.code)))
    db.session.commit()
    flash(_("Đã thu hồi chứng nhận %(code)s.", code=grouped(certificate.code)), "success")
    return redirect(url_for("certificates.admin_detail", code=grouped(certificate.code)))


@bp.route("/quan-tri/chung-nhan/<code>/cap-lai", methods=["POST"])
@roles_required("admin")
def admin_reissue(code: str) -> str | tuple[str, int] | Response:
    """Re-issue a certificate under the holder's corrected name, after confirmation."""
    certificate = look_up_certificate(code).certificate or abort(404)
    form = ReissueForm()
    if not form.validate_on_submit():
        return _admin_page(certificate, reissue_form=form), 422
    try:
        new = reissue_certificate(certificate)
    except CertificateError as error:
        db.session.rollback()
        flash(str(ERROR_MESSAGES[error.code]), "error")
        return redirect(url_for("certificates.admin_detail", code=grouped(certificate.code)))
    db.session.commit()
    flash(
        _(
            "Đã cấp lại chứng nhận với mã mới %(new)s; mã cũ %(old)s hiện “đã được cấp lại”.",
            new=grouped(new.code),
            old=grouped(certificate.code),
        ),
        "success",
    )
    return redirect(url_for("certificates.admin_detail", code=grouped(new.code)))
