"""The /api/v1 blueprint: token authentication, rate limits, JSON errors, CORS; routes in modules.

CSRF protection is off for this blueprint because nothing here reads the session cookie:
every request is authorised by its Authorization header alone (see lms.api.auth)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import HTTPException

from lms.api.auth import authenticate, current_token, rate_limit_key
from lms.api.errors import ApiError, from_api_error, from_http_exception
from lms.extensions import csrf, limiter

PREFIX = "/api/v1"
DEFAULT_RATE_LIMIT = "120 per minute"

bp = Blueprint("api", __name__, url_prefix=PREFIX)
csrf.exempt(bp)
# One budget per token (or per address without one) across every endpoint of the API.
limiter.shared_limit(
    lambda: current_app.config.get("API_RATE_LIMIT") or DEFAULT_RATE_LIMIT,
    scope="api",
    key_func=rate_limit_key,
    methods=["GET", "POST", "PATCH"],
)(bp)
bp.before_request(authenticate)
bp.register_error_handler(ApiError, from_api_error)
bp.register_error_handler(HTTPException, from_http_exception)


@bp.after_request
def _no_store_with_token(response: Response) -> Response:
    """Answers given to a token are that person's: never cached by a shared proxy."""
    response.vary.add("Authorization")
    if current_token() is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


CORS_HEADERS = "Authorization, Content-Type, Idempotency-Key"
CORS_EXPOSED = (
    "Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, "
    "Content-Disposition, Idempotent-Replayed, WWW-Authenticate"
)


@bp.after_app_request
def _cors(response: Response) -> Response:
    """Allow the origins of API_CORS_ORIGINS (none by default) to call /api/v1 from a browser.

    Credentials (cookies) are never allowed: a browser client sends its token in the header."""
    origin = request.headers.get("Origin")
    if not request.path.startswith(PREFIX + "/") or not origin:
        return response
    allowed = current_app.config.get("API_CORS_ORIGINS") or ()
    if origin.rstrip("/") not in allowed and "*" not in allowed:
        return response
    response.headers["Access-Control-Allow-Origin"] = "*" if "*" in allowed else origin
    response.vary.add("Origin")
    response.headers["Access-Control-Expose-Headers"] = CORS_EXPOSED
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, PATCH, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = CORS_HEADERS
        response.headers["Access-Control-Max-Age"] = "600"
    return response


from lms.api.views import catalog, learning, meta, quizzes, stats  # noqa: E402, F401 - routes
