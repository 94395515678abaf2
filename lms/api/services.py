"""Rules of the API: personal access tokens and their scopes, and idempotent requests.

A token is "bdhv_" + 32 random base-62 characters + a 6-character checksum, so a leaked one is
easy to recognise (secret scanners, logs) and a mistyped one is refused without a query. Only
its SHA-256 is stored: the token has about 190 bits of entropy, so a fast hash is enough."""

from __future__ import annotations

import hashlib
import secrets
import string
import zlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from lms.accounts.models import User
from lms.api.models import ApiToken, IdempotentRequest
from lms.core.db import utcnow
from lms.core.text import clean_line
from lms.extensions import db
from lms.reports.scope import allowed_scope

PREFIX = "bdhv_"
ALPHABET = string.digits + string.ascii_letters
SECRET_LENGTH = 32
CHECKSUM_LENGTH = 6
TOKEN_LENGTH = len(PREFIX) + SECRET_LENGTH + CHECKSUM_LENGTH
MAX_NAME = 80
MAX_LIVE_TOKENS = 20

SCOPES = ("learning:read", "quizzes:take", "stats:read")
SCOPE_LABELS = {
    "learning:read": _l("Xem khoá học đã đăng ký, tiến độ, kết quả và chứng nhận của tôi"),
    "quizzes:take": _l("Học thay tôi: đăng ký khoá học, đánh dấu bài đã học, làm bài kiểm tra"),
    "stats:read": _l("Xem và xuất số liệu phổ cập trong phạm vi quản lý của tôi"),
}

# A token's last use is written at most this often, not on every request.
USE_RESOLUTION = timedelta(minutes=1)
ACTIVITY_RESOLUTION = timedelta(hours=1)
# How long the answer to a request with an Idempotency-Key is kept.
IDEMPOTENCY_WINDOW = timedelta(hours=24)
MAX_IDEMPOTENCY_KEY = 200


class TokenError(ValueError):
    """A token rule was broken; the message is for the person and translated."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# --- tokens --------------------------------------------------------------------------------


def _checksum(secret: str) -> str:
    value = zlib.crc32(secret.encode())
    digits = []
    for _step in range(CHECKSUM_LENGTH):
        value, rest = divmod(value, len(ALPHABET))
        digits.append(ALPHABET[rest])
    return "".join(reversed(digits))


def new_secret() -> str:
    """Return a fresh token: prefix, random base-62 secret, checksum."""
    secret = "".join(secrets.choice(ALPHABET) for _ in range(SECRET_LENGTH))
    return f"{PREFIX}{secret}{_checksum(secret)}"


def looks_like_token(raw: str) -> bool:
    """Return whether raw has the shape and checksum of one of our tokens."""
    if len(raw) != TOKEN_LENGTH or not raw.startswith(PREFIX):
        return False
    body = raw[len(PREFIX) :]
    if any(c not in ALPHABET for c in body):
        return False
    return _checksum(body[:SECRET_LENGTH]) == body[SECRET_LENGTH:]


def hash_token(raw: str) -> str:
    """Return the stored form of a token."""
    return hashlib.sha256(raw.encode()).hexdigest()


def allowed_scopes(user: User) -> tuple[str, ...]:
    """Return the scopes a person's role and place allow: figures only for those who may see some."""
    scopes = ["learning:read", "quizzes:take"]
    if allowed_scope(user) is not None:
        scopes.append("stats:read")
    return tuple(scopes)


def create_token(
    user: User, name: str, scopes: list[str] | tuple[str, ...]
) -> tuple[ApiToken, str]:
    """Create a token for user; return it and its secret, which is never shown again."""
    clean = clean_line(name)[:MAX_NAME]
    if not clean:
        raise TokenError(
            _("Hãy đặt tên cho mã truy cập (ví dụ: “Máy tính bảng ở nhà văn hoá”)."), "name"
        )
    wanted = sorted(set(scopes))
    if not wanted:
        raise TokenError(_("Hãy chọn ít nhất một quyền cho mã truy cập."), "scopes")
    unknown = [s for s in wanted if s not in SCOPES]
    if unknown:
        raise TokenError(_("Quyền không hợp lệ: %(s)s.", s=", ".join(unknown)), "scopes")
    refused = [s for s in wanted if s not in allowed_scopes(user)]
    if refused:
        raise TokenError(
            _("Tài khoản của bạn không được cấp quyền: %(s)s.", s=", ".join(refused)), "scopes"
        )
    live = len(live_tokens(user))
    if live >= MAX_LIVE_TOKENS:
        raise TokenError(
            _("Bạn đã có %(n)d mã đang dùng: hãy thu hồi mã không cần nữa trước.", n=live), "name"
        )
    raw = new_secret()
    token = ApiToken(
        user_id=user.id,
        name=clean,
        token_hash=hash_token(raw),
        hint=raw[-4:],
        scopes=" ".join(wanted),
    )
    db.session.add(token)
    db.session.flush()
    return token, raw


def tokens_of(user: User) -> list[ApiToken]:
    """Return a person's tokens, live ones first, newest first."""
    return sorted(
        db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)),
        key=lambda t: (t.revoked_at is not None, -t.id),
    )


def live_tokens(user: User) -> list[ApiToken]:
    """Return a person's tokens that are not revoked."""
    return [t for t in tokens_of(user) if t.is_live]


def own_token(user: User, token_id: int) -> ApiToken:
    """Return one of the person's tokens (LookupError if it is someone else's or unknown)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise LookupError(token_id)
    return token


def revoke_token(token: ApiToken) -> bool:
    """Revoke a token for good; returns False if it already was."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    db.session.flush()
    return True


def token_by_secret(raw: str) -> ApiToken | None:
    """Return the live token with this secret, if its owner's account is enabled."""
    if not looks_like_token(raw):
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
    if token is None or not token.is_live or not token.user.is_enabled:
        return None
    return token


def effective_scopes(token: ApiToken) -> frozenset[str]:
    """Return the token's scopes that its owner's role and place still allow today."""
    return frozenset(token.scope_list) & frozenset(allowed_scopes(token.user))


def note_use(token: ApiToken) -> bool:
    """Record that the token (and so its owner) was used; returns whether anything changed."""
    now = utcnow()
    changed = False
    if token.last_used_at is None or now - token.last_used_at > USE_RESOLUTION:
        token.last_used_at = now
        changed = True
    user = token.user
    # A learner on a kiosk is as active as one in a browser ("active in 30 days").
    if user.last_active_at is None or now - user.last_active_at > ACTIVITY_RESOLUTION:
        user.last_active_at = now
        changed = True
    return changed


# --- idempotent requests ---------------------------------------------------------------------


class IdempotencyRefused(Exception):
    """The key was used for a different request ("reused"), or that one is still running."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Replay:
    """The answer already given to a request with the same key."""

    status: int
    body: str


def valid_idempotency_key(key: str) -> bool:
    """Return whether a key is 1–200 visible ASCII characters."""
    return 0 < len(key) <= MAX_IDEMPOTENCY_KEY and all(33 <= ord(c) <= 126 for c in key)


def request_fingerprint(method: str, path: str, body: Any) -> str:
    """Return what identifies a request: method, path and its JSON body in canonical form."""
    import json

    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def claim_idempotency_key(user: User, key: str, fingerprint: str) -> IdempotentRequest | Replay:
    """Return the stored answer for this key, or claim the key for a request about to run.

    IdempotencyRefused("reused") if the key came with a different request,
    ("in_progress") if the first request with it has not finished."""
    db.session.execute(
        delete(IdempotentRequest).where(
            IdempotentRequest.user_id == user.id,
            IdempotentRequest.created_at < utcnow() - IDEMPOTENCY_WINDOW,
        )
    )
    found = db.session.scalar(
        select(IdempotentRequest).where(
            IdempotentRequest.user_id == user.id, IdempotentRequest.key == key
        )
    )
    if found is not None:
        if found.fingerprint != fingerprint:
            raise IdempotencyRefused("reused")
        if found.status is None or found.body is None:
            raise IdempotencyRefused("in_progress")
        return Replay(found.status, found.body)
    claim = IdempotentRequest(user_id=user.id, key=key, fingerprint=fingerprint)
    db.session.add(claim)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise IdempotencyRefused("in_progress") from None
    return claim


def settle_idempotency_key(claim_id: int, status: int, body: str) -> None:
    """Store the answer given to the request that claimed a key."""
    claim = db.session.get(IdempotentRequest, claim_id)
    if claim is not None:
        claim.status, claim.body = status, body
        db.session.flush()


def release_idempotency_key(claim_id: int) -> None:
    """Forget a claimed key whose request failed, so that it can be tried again."""
    db.session.execute(delete(IdempotentRequest).where(IdempotentRequest.id == claim_id))


def forget_api_data(user: User) -> int:
    """Revoke a person's tokens and delete the answers kept for their idempotent requests.

    For erasing an account: the tokens already stop working when the account is disabled;
    this also drops the stored answers (which hold quiz results). Returns tokens revoked."""
    revoked = sum(revoke_token(token) for token in live_tokens(user))
    db.session.execute(delete(IdempotentRequest).where(IdempotentRequest.user_id == user.id))
    db.session.flush()
    return revoked
