"""The Idempotency-Key header: a request sent again with the same key gets the same answer.

The first request with a key claims it (committed at once, so a concurrent twin sees the
claim and is told 409 idempotency_in_progress), runs, and its answer is stored for 24 hours;
the same key with the same method, path and JSON body is answered from the store (header
Idempotent-Replayed: true). The same key with a different request is refused with 422
idempotency_key_reused, as the IETF Idempotency-Key draft recommends. Server errors are not
stored: the key is released so the request can be tried again."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, make_response, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from lms.api.auth import api_user
from lms.api.errors import ApiError, from_api_error, from_http_exception, validation_error
from lms.api.services import (
    IdempotencyRefused,
    Replay,
    claim_idempotency_key,
    release_idempotency_key,
    request_fingerprint,
    settle_idempotency_key,
    valid_idempotency_key,
)
from lms.extensions import db

HEADER = "Idempotency-Key"


def _body() -> Any:
    raw = request.get_data(cache=True)
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


def _release(claim_id: int) -> None:
    db.session.rollback()
    release_idempotency_key(claim_id)
    db.session.commit()


def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
    """Honour an Idempotency-Key header on a POST endpoint (the header is optional)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        if not valid_idempotency_key(key):
            raise validation_error(
                _("Idempotency-Key phải gồm 1 đến 200 ký tự ASCII nhìn thấy được."),
                {HEADER: _("1–200 ký tự ASCII")},
            )
        fingerprint = request_fingerprint(request.method, request.path, _body())
        try:
            claim = claim_idempotency_key(api_user(), key, fingerprint)
        except IdempotencyRefused as refusal:
            db.session.rollback()
            if refusal.code == "reused":
                raise ApiError(
                    422,
                    "idempotency_key_reused",
                    _("Idempotency-Key này đã được dùng cho một yêu cầu khác."),
                ) from None
            raise ApiError(
                409,
                "idempotency_in_progress",
                _("Yêu cầu đầu tiên với Idempotency-Key này đang được xử lý: hãy thử lại sau."),
                headers={"Retry-After": "1"},
            ) from None
        if isinstance(claim, Replay):
            db.session.commit()
            replay = Response(claim.body, status=claim.status, mimetype="application/json")
            replay.headers["Idempotent-Replayed"] = "true"
            return replay
        claim_id = claim.id
        db.session.commit()
        try:
            response: Response = make_response(view(*args, **kwargs))
        except ApiError as error:
            db.session.rollback()
            response = from_api_error(error)
        except HTTPException as error:
            db.session.rollback()
            response = from_http_exception(error)
        except Exception:
            _release(claim_id)
            raise
        if response.status_code >= 500:
            _release(claim_id)
            return response
        settle_idempotency_key(claim_id, response.status_code, response.get_data(as_text=True))
        db.session.commit()
        return response

    wrapped.idempotent = True  # type: ignore[attr-defined]
    return wrapped
