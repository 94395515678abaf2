"""API tokens: stored hashed, scopes limited by role and place, Bearer only (never the session
cookie), the token page and `lms tokens`; rate limits, CORS, JSON errors; the OpenAPI
description matches the routes, their scopes and the docs page."""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import select

from lms.accounts.models import User
from lms.api.models import ApiToken
from lms.api.services import (
    PREFIX,
    TOKEN_LENGTH,
    TokenError,
    create_token,
    looks_like_token,
)
from lms.extensions import db
from tests.conftest import csrf_token
from tests.lms.api_helpers import EXAMPLE_COURSE, bearer, make_token

# --- tokens ----------------------------------------------------------------------------------


def test_a_token_is_shown_once_and_only_its_hash_is_stored(app, make_user):
    user_id = make_user()
    secret = make_token(app, user_id, ["learning:read"])
    assert secret.startswith(PREFIX) and len(secret) == TOKEN_LENGTH and looks_like_token(secret)
    assert not looks_like_token(secret[:-1] + ("A" if secret[-1] != "A" else "B"))  # checksum
    with app.app_context():
        token = db.session.scalar(select(ApiToken))
        assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert token.hint == secret[-4:]
        stored = " ".join(str(v) for v in vars(token).values())
        assert secret not in stored and secret[len(PREFIX) : -6] not in stored


def test_scopes_are_limited_by_role_and_place(app, make_user):
    learner = make_user()
    officer = make_user(role="officer", scope_level="commune")
    placeless = make_user(role="officer", scope_level="country")
    with app.test_request_context():
        for user_id, scopes, ok in [
            (learner, ["learning:read", "quizzes:take"], True),
            (learner, ["stats:read"], False),
            (officer, ["stats:read", "learning:read"], True),
            (placeless, ["stats:read"], True),
            (learner, ["admin:everything"], False),
            (learner, [], False),
        ]:
            user = db.session.get(User, user_id)
            try:
                create_token(user, "Tên", scopes)
                assert ok, scopes
            except TokenError:
                assert not ok, scopes
        try:
            create_token(db.session.get(User, learner), "   ", ["learning:read"])
            raise AssertionError("a token needs a name")
        except TokenError as error:
            assert error.field == "name"
        db.session.rollback()


def test_missing_malformed_wrong_and_revoked_tokens_are_refused(app, client, make_user):
    user_id = make_user()
    secret = make_token(app, user_id, ["learning:read"])
    missing = client.get("/api/v1/me")
    assert missing.status_code == 401 and missing.get_json()["error"]["code"] == "unauthorized"
    assert missing.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    for header, error in [
        (f"Token {secret}", "invalid_request"),
        (f"Bearer {secret}x", "invalid_token"),
        ("Bearer " + PREFIX + "0" * 38, "invalid_token"),
    ]:
        response = client.get("/api/v1/courses", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.get_json()["error"]["code"] == "invalid_token"
        assert f'error="{error}"' in response.headers["WWW-Authenticate"]
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    with app.app_context():
        db.session.scalar(select(ApiToken)).revoked_at = db.func.now()
        db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_a_disabled_account_cannot_use_its_tokens(app, client, make_user):
    user_id = make_user()
    secret = make_token(app, user_id, ["learning:read"])
    with app.app_context():
        db.session.get(User, user_id).is_enabled = False
        db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_a_missing_scope_is_403_and_a_lost_role_drops_its_scope(app, client, make_user):
    user_id = make_user(role="officer", scope_level="commune")
    reader = make_token(app, user_id, ["learning:read"])
    response = client.post(f"/api/v1/courses/{EXAMPLE_COURSE}/enrolment", headers=bearer(reader))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "insufficient_scope"
    assert 'scope="quizzes:take"' in response.headers["WWW-Authenticate"]
    stats = make_token(app, user_id, ["stats:read"])
    assert client.get("/api/v1/stats/figures", headers=bearer(stats)).status_code == 200
    with app.app_context():
        db.session.get(User, user_id).role = "learner"
        db.session.commit()
    assert client.get("/api/v1/stats/figures", headers=bearer(stats)).status_code == 403
    assert client.get("/api/v1/me", headers=bearer(stats)).status_code == 403  # nothing left


def test_use_is_recorded_on_the_token_and_as_activity(app, client, make_user):
    user_id = make_user()
    secret = make_token(app, user_id, ["learning:read"])
    with app.app_context():
        db.session.get(User, user_id).last_active_at = None
        db.session.commit()
    client.get("/api/v1/courses", headers=bearer(secret))
    with app.app_context():
        assert db.session.scalar(select(ApiToken)).last_used_at is not None
        assert db.session.get(User, user_id).last_active_at is not None


def test_a_signed_in_browser_cannot_drive_the_api(app, client, make_user, login):
    make_user(login="hv@example.com")
    login("hv@example.com")
    assert client.get("/hoc-tap-cua-toi").status_code == 200  # the cookie works on pages
    for method, path in [
        ("get", "/api/v1/me"),
        ("post", f"/api/v1/courses/{EXAMPLE_COURSE}/enrolment"),
        ("get", "/api/v1/me/progress"),
    ]:
        response = getattr(client, method)(path, headers={"Origin": "https://evil.example"})
        assert response.status_code == 401, path
        assert "Access-Control-Allow-Origin" not in response.headers
    with app.app_context():
        from lms.learning.models import Enrolment

        assert db.session.scalar(select(Enrolment)) is None


def test_the_api_needs_no_csrf_token_with_a_bearer_token(app, client, make_user):
    secret = make_token(app, make_user(), ["quizzes:take"])
    response = client.post(f"/api/v1/courses/{EXAMPLE_COURSE}/enrolment", headers=bearer(secret))
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"


# --- errors, rate limits, CORS ----------------------------------------------------------------


def test_errors_have_machine_readable_codes(app, client):
    assert client.get("/api/v1/nothing-here").get_json()["error"]["code"] == "not_found"
    response = client.delete("/api/v1/courses")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    response = client.get("/api/v1/courses?per_page=500")
    assert response.status_code == 422
    assert response.get_json()["error"] == {
        "code": "validation_error",
        "message": response.get_json()["error"]["message"],
        "fields": {"per_page": "số nguyên từ 1 đến 100"},
    }
    response = client.get("/api/v1/courses?sort=title")
    assert response.status_code == 422 and "sort" in response.get_json()["error"]["fields"]


def test_rate_limit_per_token_with_retry_after(app, client, make_user):
    first = make_token(app, make_user(), ["learning:read"])
    second = make_token(app, make_user(), ["learning:read"])
    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        statuses = [client.get("/api/v1/me", headers=bearer(first)).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = client.get("/api/v1/courses", headers=bearer(first))
        assert limited.status_code == 429
        assert limited.get_json()["error"]["code"] == "rate_limited"
        assert int(limited.headers["Retry-After"]) > 0
        assert client.get("/api/v1/me", headers=bearer(second)).status_code == 200
    finally:
        app.config["API_RATE_LIMIT"] = None


def test_cors_is_off_unless_origins_are_configured(app, client):
    origin = {"Origin": "https://tinh.example.gov.vn"}
    assert (
        "Access-Control-Allow-Origin" not in client.get("/api/v1/courses", headers=origin).headers
    )
    app.config["API_CORS_ORIGINS"] = ("https://tinh.example.gov.vn",)
    try:
        allowed = client.get("/api/v1/courses", headers=origin)
        assert allowed.headers["Access-Control-Allow-Origin"] == "https://tinh.example.gov.vn"
        assert "Origin" in allowed.headers["Vary"]
        assert "Access-Control-Allow-Credentials" not in allowed.headers
        preflight = client.options(
            "/api/v1/attempts/1/answers",
            headers={**origin, "Access-Control-Request-Method": "PATCH"},
        )
        assert preflight.status_code == 200
        assert "PATCH" in preflight.headers["Access-Control-Allow-Methods"]
        assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
        other = client.get("/api/v1/courses", headers={"Origin": "https://evil.example"})
        assert "Access-Control-Allow-Origin" not in other.headers
        page = client.get("/khoa-hoc", headers=origin)  # only the API, never the site's pages
        assert "Access-Control-Allow-Origin" not in page.headers
    finally:
        app.config["API_CORS_ORIGINS"] = ()


# --- the token page ---------------------------------------------------------------------------


def test_token_page_creates_shows_once_and_revokes(app, client, make_user, login):
    user_id = make_user(login="hv@example.com")
    assert client.get("/tai-khoan/ma-truy-cap").status_code == 302  # sign in first
    login("hv@example.com")
    page = client.get("/tai-khoan/ma-truy-cap")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "stats:read" not in html  # not offered to a learner
    token = csrf_token(client, "/tai-khoan/ma-truy-cap")
    created = client.post(
        "/tai-khoan/ma-truy-cap",
        data={"csrf_token": token, "name": "Máy ở nhà văn hoá", "scope_quizzes_take": "y"},
    )
    assert created.status_code == 201 and created.headers["Cache-Control"] == "no-store"
    secret = re.search(r'value="(bdhv_[0-9A-Za-z]+)"', created.get_data(as_text=True))[1]
    assert client.get("/api/v1/me", headers=bearer(secret)).get_json()["token"] == {
        "name": "Máy ở nhà văn hoá",
        "scopes": ["quizzes:take"],
        "created_at": client.get("/api/v1/me", headers=bearer(secret)).get_json()["token"][
            "created_at"
        ],
    }
    listing = client.get("/tai-khoan/ma-truy-cap").get_data(as_text=True)
    assert "Máy ở nhà văn hoá" in listing and secret not in listing and secret[-4:] in listing
    forged = client.post(
        "/tai-khoan/ma-truy-cap",
        data={"csrf_token": token, "name": "Số liệu", "scope_stats_read": "y"},
    )
    assert forged.status_code == 422 and "stats:read" in forged.get_data(as_text=True)
    no_csrf = client.post("/tai-khoan/ma-truy-cap", data={"name": "X", "scope_learning_read": "y"})
    assert no_csrf.status_code == 400
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == user_id))
    confirm = client.get(f"/tai-khoan/ma-truy-cap/{token_id}/thu-hoi")
    assert confirm.status_code == 200 and "Thu hồi mã" in confirm.get_data(as_text=True)
    revoke_token = csrf_token(client, f"/tai-khoan/ma-truy-cap/{token_id}/thu-hoi")
    done = client.post(
        f"/tai-khoan/ma-truy-cap/{token_id}/thu-hoi", data={"csrf_token": revoke_token}
    )
    assert done.status_code == 302
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_nobody_revokes_someone_elses_token(app, client, make_user, login):
    other = make_token(app, make_user(), ["learning:read"])
    make_user(login="hv@example.com")
    login("hv@example.com")
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    assert client.get(f"/tai-khoan/ma-truy-cap/{token_id}/thu-hoi").status_code == 404
    token = csrf_token(client, "/tai-khoan/ma-truy-cap")
    response = client.post(f"/tai-khoan/ma-truy-cap/{token_id}/thu-hoi", data={"csrf_token": token})
    assert response.status_code == 404
    assert client.get("/api/v1/me", headers=bearer(other)).status_code == 200


# --- lms tokens -------------------------------------------------------------------------------


def test_cli_creates_a_token_printed_alone_on_stdout(app, client, make_user):
    make_user(role="officer", scope_level="province", commune_code=None, login="tinh@example.com")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["tokens", "create", "tinh@example.com", "--name", "Bảng tỉnh"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip()
    assert looks_like_token(secret) and "stats:read" in result.stderr
    me = client.get("/api/v1/me", headers=bearer(secret)).get_json()
    assert me["token"]["scopes"] == ["learning:read", "quizzes:take", "stats:read"]
    listed = runner.invoke(args=["tokens", "list", "tinh@example.com"])
    assert "Bảng tỉnh" in listed.output and secret not in listed.output
    token_id = re.search(r"#(\d+)", listed.output)[1]
    revoked = runner.invoke(args=["tokens", "revoke", "tinh@example.com", token_id])
    assert revoked.exit_code == 0
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_cli_refuses_scopes_beyond_the_role_and_unknown_people(app, make_user):
    make_user(login="hv@example.com")
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["tokens", "create", "hv@example.com", "--scope", "stats:read"])
    assert refused.exit_code != 0 and "stats:read" in refused.output
    unknown = runner.invoke(args=["tokens", "create", "nobody@example.com"])
    assert unknown.exit_code != 0 and "Không có tài khoản" in unknown.output
    only = runner.invoke(args=["tokens", "create", "hv@example.com", "--scope", "learning:read"])
    assert only.exit_code == 0


# --- the description --------------------------------------------------------------------------


def _rules(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                found.add((method.lower(), path))
    return found


def test_every_route_is_described_and_every_description_is_a_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1") and document["servers"] == [{"url": "/api/v1"}]
    described = {
        (method, path)
        for path, item in document["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }
    assert described == _rules(app)


def test_described_scopes_and_idempotency_match_the_code(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        view = app.view_functions[rule.endpoint]
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = document["paths"][path][method.lower()]
            scopes = {s for req in operation.get("security", [{}]) for v in req.values() for s in v}
            assert scopes == set(getattr(view, "required_scopes", ())), (method, path)
            names = {p.get("$ref", "").rsplit("/", 1)[-1] for p in operation.get("parameters", [])}
            assert ("idempotency_key" in names) == bool(getattr(view, "idempotent", False)), path


def test_docs_page_lists_every_operation_without_inline_script(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    response = client.get("/api/v1/docs")
    html = response.get_data(as_text=True)
    assert (
        response.status_code == 200
        and "script-src 'self'" in response.headers["Content-Security-Policy"]
    )
    for path, item in document["paths"].items():
        for method in item:
            if method in ("get", "post", "patch"):
                assert f"<code>{method.upper()} /api/v1{path}</code>" in html, path
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert " style=" not in html and "<style" not in html


def test_forgetting_a_person_revokes_tokens_and_drops_kept_answers(app, client, make_user):
    from lms.api.models import IdempotentRequest
    from lms.api.services import forget_api_data

    user_id = make_user()
    secret = make_token(app, user_id, ["quizzes:take"])
    client.post(
        f"/api/v1/courses/{EXAMPLE_COURSE}/quizzes/kiem-tra-cuoi-khoa/attempts",
        headers={**bearer(secret), "Idempotency-Key": "k"},
    )
    with app.test_request_context():
        assert db.session.scalar(select(IdempotentRequest)) is not None  # kept: 403 not enrolled
        assert forget_api_data(db.session.get(User, user_id)) == 1
        db.session.commit()
        assert db.session.scalar(select(IdempotentRequest)) is None
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401
