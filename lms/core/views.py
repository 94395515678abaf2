"""Site-wide pages: language choice, the commune list for forms, health check."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, request, session, url_for
from werkzeug.wrappers import Response

from lms.accounts.forms import LanguageForm
from lms.core import places
from lms.core.urls import safe_next

bp = Blueprint("core", __name__)


@bp.route("/ngon-ngu", methods=["POST"])
def set_language() -> Response:
    """Switch the interface between Vietnamese and English."""
    form = LanguageForm()
    if form.validate_on_submit():
        session["lang"] = form.lang.data
    return redirect(safe_next(request.form.get("next"), url_for("catalog.index")))


@bp.route("/dia-ban/<province_code>/xa.json")
def communes(province_code: str) -> Response:
    """Return the communes of a province, for the progressive enhancement of forms."""
    if places.province(province_code) is None:
        abort(404)
    response = jsonify([{"code": c.code, "name": c.name} for c in places.communes(province_code)])
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.route("/healthz")
def health() -> Response:
    """Tell a load balancer the process is up."""
    return jsonify(status="ok")
