"""Bearer-token authentication for the API, and the scopes each endpoint needs.

Only the Authorization header counts: the API never looks at the session cookie, so a page
on another site cannot make a signed-in browser act through it (and CSRF tokens, which the
API does not ask for, are not needed). The token found is kept in g.api_token."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from lms.accounts.models import User
from lms.api.errors import ApiError
from lms.api.models import ApiToken
from lms.api.services import effective_scopes, note_use, token_by_secret
from lms.extensions import db

BEARER = re.compile(r"^Bearer +(\S+) *$", re.IGNORECASE)
REALM = 'Bearer realm="api"'


def _unauthorised(code: str, message: str, error: str | None = None) -> ApiError:
    challenge = REALM if error is None else f'{REALM}, error="{error}"'
    return ApiError(401, code, message, headers={"WWW-Authenticate": challenge})


def authenticate() -> None:
    """Find the token of the Authorization header; a header that names no live token is a 401."""
    g.api_token = None
    header = request.headers.get("Authorization")
    if request.method == "OPTIONS" or header is None:
        return
    match = BEARER.match(header)
    if match is None:
        raise _unauthorised(
            "invalid_token",
            _("Tiêu đề Authorization phải có dạng “Bearer <mã truy cập>”."),
            "invalid_request",
        )
    token = token_by_secret(match[1])
    if token is None:
        raise _unauthorised(
            "invalid_token",
            _("Mã truy cập không đúng, đã bị thu hồi, hoặc tài khoản đã bị khoá."),
            "invalid_token",
        )
    g.api_token = token
    if note_use(token):
        db.session.commit()


def current_token() -> ApiToken | None:
    return g.get("api_token")


def api_user() -> User:
    """Return the owner of the request's token (only inside endpoints that require one)."""
    token = current_token()
    assert token is not None, "api_user() outside @requires"
    return token.user


def requires(*scopes: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Refuse the endpoint without a token (401) or without one of these scopes (403)."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            token = current_token()
            if token is None:
                raise _unauthorised(
                    "unauthorized",
                    _("Cần mã truy cập: gửi tiêu đề “Authorization: Bearer <mã truy cập>”."),
                )
            if not effective_scopes(token) & set(scopes):
                raise ApiError(
                    403,
                    "insufficient_scope",
                    _("Mã truy cập này không có quyền %(s)s.", s=" hoặc ".join(scopes)),
                    headers={
                        "WWW-Authenticate": f'{REALM}, error="insufficient_scope", '
                        f'scope="{" ".join(scopes)}"'
                    },
                )
            return view(*args, **kwargs)

        wrapped.required_scopes = scopes  # type: ignore[attr-defined]
        return wrapped

    return decorator


def rate_limit_key() -> str:
    """Count requests per token (its hash), or per address for requests without one."""
    header = request.headers.get("Authorization", "")
    match = BEARER.match(header)
    if match:
        return "api-token:" + hashlib.sha256(match[1].encode()).hexdigest()[:32]
    return "api-address:" + (get_remote_address() or "")
