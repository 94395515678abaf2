"""The OpenAPI description (lms/api/openapi.yaml, served as JSON) and its page for people."""

from __future__ import annotations

import copy
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from flask import Response, jsonify, render_template, request
from flask_babel import gettext as _

from lms.api.errors import validation_error
from lms.api.views import PREFIX, bp

DOCUMENT = Path(__file__).resolve().parent.parent / "openapi.yaml"
METHODS = ("get", "post", "put", "patch", "delete")
METHODS_CHECKED = ("GET", "POST", "PUT", "PATCH", "DELETE")


@lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    """Return the API's OpenAPI 3.1 description, read once from the YAML beside the code."""
    document = yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))
    document["servers"] = [{"url": PREFIX}]
    return document


def operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Return every operation with its method and path, grouped in the document's tag order."""
    found = []
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                operation = item[method]
                security = operation.get("security", document.get("security", []))
                scopes = sorted({s for req in security for ss in req.values() for s in ss})
                found.append(
                    {
                        "method": method.upper(),
                        "path": PREFIX + path,
                        "tag": (operation.get("tags") or [""])[0],
                        "summary": operation.get("summary", ""),
                        "description": operation.get("description", ""),
                        "public": not security,
                        "scopes": scopes,
                        "parameters": [
                            *item.get("parameters", []),
                            *operation.get("parameters", []),
                        ],
                        "body": "requestBody" in operation,
                        "responses": operation.get("responses", {}),
                        "id": operation.get("operationId", f"{method}-{path}"),
                    }
                )
    return found


@lru_cache(maxsize=256)
def query_parameters(rule: str, method: str) -> frozenset[str] | None:
    """Return the query parameters the description gives an endpoint (None: not described)."""
    document = openapi_document()
    path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.removeprefix(PREFIX))
    item = document["paths"].get(path)
    if item is None or method.lower() not in item:
        return None
    names = set()
    for parameter in [*item.get("parameters", []), *item[method.lower()].get("parameters", [])]:
        parameter = _resolve(document, parameter)
        if parameter["in"] == "query":
            names.add(parameter["name"])
    return frozenset(names)


def refuse_unknown_parameters() -> None:
    """Refuse (422) a query parameter the endpoint does not know: a typo must not pass unseen."""
    if request.url_rule is None or request.method not in METHODS_CHECKED:
        return
    known = query_parameters(request.url_rule.rule, request.method)
    unknown = sorted(set(request.args) - known) if known is not None else []
    if unknown:
        raise validation_error(
            _("Tham số không được hỗ trợ: %(p)s.", p=", ".join(unknown)),
            {name: _("không được hỗ trợ") for name in unknown[:20]},
        )


def _resolve(document: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    ref = item.get("$ref")
    if not ref:
        return item
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node  # type: ignore[no-any-return]


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 description of this API."""
    response = jsonify(openapi_document())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/docs")
def docs() -> str:
    """The API's endpoints for people, rendered on the server from the OpenAPI description."""
    document = copy.deepcopy(openapi_document())
    ops = operations(document)
    for op in ops:
        op["parameters"] = [_resolve(document, p) for p in op["parameters"]]
        op["responses"] = {
            code: _resolve(document, r) for code, r in sorted(op["responses"].items())
        }
    tags = [t["name"] for t in document.get("tags", [])]
    return render_template(
        "api/docs.html",
        document=document,
        tags=[
            (
                t,
                next(x for x in document["tags"] if x["name"] == t),
                [o for o in ops if o["tag"] == t],
            )
            for t in tags
        ],
    )


bp.before_request(refuse_unknown_parameters)
