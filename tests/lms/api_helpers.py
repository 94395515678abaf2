"""Helpers shared by the API tests: tokens, the example course, Bearer headers."""

from __future__ import annotations

from lms.extensions import db

EXAMPLE_COURSE = "lam-quen-dien-thoai-thong-minh"
EXAMPLE_QUIZ = "kiem-tra-cuoi-khoa"


def make_token(app, user_id: int, scopes: list[str], name: str = "Thử nghiệm") -> str:
    """Create a token for a user and return its secret."""
    from lms.accounts.models import User
    from lms.api.services import create_token

    with app.test_request_context():
        _token, secret = create_token(db.session.get(User, user_id), name, scopes)
        db.session.commit()
        return secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}
