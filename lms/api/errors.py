"""API errors: {"error": {"code", "message"}} with the right status and a machine-readable code."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from lms.core.errors import MESSAGES, error_code


class ApiError(Exception):
    """An answer other than success: status, code (e.g. "not_enrolled"), message for people."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        headers: dict[str, str] | None = None,
        fields: dict[str, str] | None = None,
    ) -> None:
        super().__init__(code)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}
        self.fields = fields


def error_response(
    status: int,
    code: str,
    message: str,
    headers: dict[str, str] | None = None,
    fields: dict[str, str] | None = None,
) -> Response:
    """Return the JSON error answer."""
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    response = jsonify(error=error)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def from_api_error(error: ApiError) -> Response:
    return error_response(error.status, error.code, error.message, error.headers, error.fields)


# Headers of an HTTP error that the client needs (405 names the methods it may use).
KEPT_HEADERS = ("Allow", "WWW-Authenticate", "Retry-After")


def from_http_exception(error: HTTPException) -> Response:
    """Answer a werkzeug error (404, 405, 429 from the rate limiter...) in the API's shape."""
    status = error.code or 500
    _title, message = MESSAGES.get(status, (None, error.description or ""))
    headers = {k: v for k, v in error.get_headers() if k in KEPT_HEADERS}
    if status == 429:
        message = _("Bạn gửi quá nhiều yêu cầu. Hãy đợi rồi thử lại (xem Retry-After).")
    return error_response(status, error_code(status), str(message), headers)


def validation_error(message: str, fields: dict[str, str] | None = None) -> ApiError:
    """Return the 422 error for input that does not follow the API description."""
    return ApiError(422, "validation_error", message, fields=fields)


def not_found(message: str | None = None) -> ApiError:
    return ApiError(404, "not_found", message or str(MESSAGES[404][1]))


def forbidden(code: str, message: str) -> ApiError:
    return ApiError(403, code, message)
