"""Password hashing with Argon2id (a slow, memory-hard hash)."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_PASSWORD_LENGTH = 8


@cache
def _hasher(fast: bool) -> PasswordHasher:
    # Tests hash thousands of passwords; production uses argon2's recommended parameters.
    return (
        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1) if fast else PasswordHasher()
    )


def _current() -> PasswordHasher:
    return _hasher(bool(current_app.config.get("PASSWORD_HASH_FAST")))


def hash_password(password: str) -> str:
    """Return the Argon2id hash of a password."""
    return _current().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Return whether password matches the stored hash."""
    try:
        return _current().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Verifying against this when the account does not exist keeps timing the same for both.
def dummy_verify(password: str) -> None:
    """Spend the time a real verification would."""
    verify_password(_dummy_hash(bool(current_app.config.get("PASSWORD_HASH_FAST"))), password)


@cache
def _dummy_hash(fast: bool) -> str:
    return _hasher(fast).hash("not-a-real-password")
