"""The signed-in person's page of personal access tokens: create, name, revoke.

A new token is shown once, in the answer to the form that created it (never stored in the
session cookie or anywhere else); only its hash is kept."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from lms.api.forms import RevokeTokenForm, TokenForm, scope_field
from lms.api.services import (
    SCOPE_LABELS,
    TokenError,
    allowed_scopes,
    create_token,
    own_token,
    revoke_token,
    tokens_of,
)
from lms.extensions import db

bp = Blueprint(
    "api_tokens", __name__, url_prefix="/tai-khoan/ma-truy-cap", template_folder="templates"
)


def _page(form: TokenForm, created: Any = None, secret: str | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    allowed = allowed_scopes(current_user)
    response = render_template(
        "api/tokens.html",
        form=form,
        tokens=tokens_of(current_user),
        scope_fields=[(s, getattr(form, scope_field(s))) for s in allowed],
        scope_labels=SCOPE_LABELS,
        created=created,
        secret=secret,
    )
    return response, status


@bp.route("", methods=["GET", "POST"])
@login_required
def index():  # type: ignore[no-untyped-def]
    """List the person's tokens and create a new one."""
    form = TokenForm()
    if not form.is_submitted():
        for scope in ("learning:read",):
            getattr(form, scope_field(scope)).data = True
        return _page(form)
    if not form.validate():
        return _page(form, status=422)
    try:
        token, secret = create_token(current_user, form.name.data or "", form.chosen_scopes())
    except TokenError as error:
        db.session.rollback()
        target = form.name if error.field == "name" else None
        if target is not None:
            target.errors = [*target.errors, str(error)]
        else:
            form.form_errors.append(str(error))
        return _page(form, status=422)
    db.session.commit()
    return _page(TokenForm(formdata=None), created=token, secret=secret, status=201)


@bp.route("/<int:token_id>/thu-hoi", methods=["GET", "POST"])
@login_required
def revoke(token_id: int) -> str | Response:
    """Ask for confirmation, then revoke one of the person's tokens."""
    try:
        token = own_token(current_user, token_id)
    except LookupError:
        abort(404)
    form = RevokeTokenForm()
    if form.validate_on_submit():
        if revoke_token(token):
            flash(_("Đã thu hồi mã “%(name)s”.", name=token.name), "success")
        db.session.commit()
        return redirect(url_for("api_tokens.index"))
    return render_template("api/token_revoke.html", token=token, form=form)


@bp.after_request
def _never_cache(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response
