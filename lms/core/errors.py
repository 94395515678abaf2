"""Friendly error pages in the person's language; never a stack trace."""

from __future__ import annotations

from flask import Flask, jsonify, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from lms.extensions import db

MESSAGES = {
    400: (
        _l("Yêu cầu không hợp lệ"),
        _l("Trang không hiểu yêu cầu vừa gửi. Hãy quay lại và thử lại."),
    ),
    401: (_l("Cần đăng nhập"), _l("Bạn cần đăng nhập để xem trang này.")),
    403: (
        _l("Không có quyền truy cập"),
        _l(
            "Tài khoản của bạn không được phép xem trang này. "
            "Nếu bạn nghĩ đây là nhầm lẫn, hãy liên hệ cán bộ phụ trách ở xã."
        ),
    ),
    404: (
        _l("Không tìm thấy trang"),
        _l("Trang bạn tìm không có hoặc đã được chuyển đi. Hãy kiểm tra lại địa chỉ."),
    ),
    405: (_l("Thao tác không được hỗ trợ"), _l("Trang này không nhận kiểu yêu cầu vừa gửi.")),
    413: (_l("Tệp quá lớn"), _l("Tệp hoặc dữ liệu gửi lên vượt quá giới hạn cho phép.")),
    429: (_l("Thao tác quá nhanh"), _l("Bạn đã thử quá nhiều lần. Hãy đợi vài phút rồi thử lại.")),
    500: (
        _l("Hệ thống gặp sự cố"),
        _l("Đã có lỗi ở phía máy chủ. Dữ liệu của bạn vẫn an toàn; hãy thử lại sau ít phút."),
    ),
}


# Machine-readable error codes of JSON answers ({"error": {"code", "message"}}), by HTTP status.
ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "server_error",
}


def error_code(status: int) -> str:
    """Return the machine-readable code of an HTTP error status."""
    return ERROR_CODES.get(status, "client_error" if 400 <= status < 500 else "server_error")


def _render(code: int, detail: str | None = None):  # type: ignore[no-untyped-def]
    title, message = MESSAGES.get(code, MESSAGES[500])
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return jsonify(error={"code": error_code(code), "message": str(detail or message)}), code
    return render_template(
        "errors/error.html", code=code, title=title, message=detail or message
    ), code


def register(app: Flask) -> None:
    """Install the error handlers."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):  # type: ignore[no-untyped-def]
        return _render(
            400,
            str(
                _l(
                    "Phiên làm việc của biểu mẫu đã hết hạn hoặc không hợp lệ. "
                    "Hãy tải lại trang và gửi lại."
                )
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        response = make_response(_render(error.code or 500))
        for name, value in error.get_headers():
            if name in ("Allow", "Retry-After"):  # 405 names the methods; 429 the wait
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception):  # type: ignore[no-untyped-def]
        db.session.rollback()
        app.logger.exception("Unhandled error on %s", request.path)
        return _render(InternalServerError.code)
