"""Reading query parameters and JSON bodies strictly (422 with the field named), and pagination."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from flask import request, url_for
from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from lms.api.errors import ApiError, validation_error
from lms.extensions import db

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 100_000


def int_arg(name: str, default: int | None, low: int, high: int) -> int | None:
    """Return an integer query parameter between low and high, or default when it is absent."""
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or not low <= int(raw) <= high:
        raise validation_error(
            _("Tham số %(n)s phải là số nguyên từ %(a)d đến %(b)d.", n=name, a=low, b=high),
            {name: _("số nguyên từ %(a)d đến %(b)d", a=low, b=high)},
        )
    return int(raw)


def str_arg(
    name: str, max_length: int = 100, choices: Sequence[str] | None = None, empty: bool = True
) -> str:
    """Return a text query parameter (stripped), checked against its length and choices.

    With empty=False a parameter that is present must have a value (absent is still "")."""
    raw = request.args.get(name, "").strip()
    if not empty and not raw and name in request.args:
        raise validation_error(
            _("Tham số %(n)s không được để trống.", n=name), {name: _("không được để trống")}
        )
    if len(raw) > max_length:
        raise validation_error(
            _("Tham số %(n)s dài quá %(m)d ký tự.", n=name, m=max_length),
            {name: _("tối đa %(m)d ký tự", m=max_length)},
        )
    if raw and choices is not None and raw not in choices:
        raise validation_error(
            _("Tham số %(n)s phải là một trong: %(c)s.", n=name, c=", ".join(choices)),
            {name: ", ".join(choices)},
        )
    return raw


def json_body(required: bool = True) -> dict[str, Any]:
    """Return the request's JSON object; 400 if it is not JSON, 422 if it is not an object."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        if required:
            raise validation_error(_("Cần gửi một đối tượng JSON trong thân yêu cầu."))
        return {}
    data = request.get_json(force=True, silent=True)
    if data is None and raw.strip() != b"null":
        raise ApiError(400, "bad_request", _("Thân yêu cầu không phải JSON hợp lệ."))
    if not isinstance(data, dict):
        raise validation_error(_("Thân yêu cầu phải là một đối tượng JSON."))
    return data


def page_args() -> tuple[int, int]:
    """Return the page asked for and its size (?page=1&per_page=20, at most 100 a page)."""
    page = int_arg("page", 1, 1, MAX_PAGE)
    per_page = int_arg("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    assert page is not None and per_page is not None
    return page, per_page


def _link(page: int, per_page: int, extra: dict[str, Any]) -> str:
    assert request.endpoint is not None
    return url_for(
        request.endpoint, **(request.view_args or {}), **extra, page=page, per_page=per_page
    )


def paginated(
    items: list[dict[str, Any]], total: int, page: int, per_page: int, extra: dict[str, Any]
) -> dict[str, Any]:
    """Return a page of items with its totals and links (first, last, previous, next)."""
    pages = max(1, math.ceil(total / per_page))
    kept = {k: v for k, v in extra.items() if v not in (None, "")}
    return {
        "items": items,
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": pages,
        "links": {
            "self": _link(page, per_page, kept),
            "first": _link(1, per_page, kept),
            "last": _link(pages, per_page, kept),
            "prev": _link(page - 1, per_page, kept) if 1 < page <= pages + 1 else None,
            "next": _link(page + 1, per_page, kept) if page < pages else None,
        },
    }


def page_of_select(stmt: Select[Any], page: int, per_page: int) -> tuple[list[Any], int]:
    """Return one page of a select() and the number of rows in all pages."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)))
    return rows, int(total or 0)


def page_of_list(items: list[Any], page: int, per_page: int) -> tuple[list[Any], int]:
    """Return one page of a list and its length."""
    start = (page - 1) * per_page
    return items[start : start + per_page], len(items)
