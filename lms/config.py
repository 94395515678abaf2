"""Configuration read from the environment (DESIGN §6)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _instance_path() -> Path:
    return Path(os.environ.get("LMS_INSTANCE_PATH", Path.cwd() / "instance")).resolve()


def _secret_key(instance: Path) -> str:
    """Return SECRET_KEY from the environment, or one generated once into instance/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    """Settings for a real deployment; every value can come from the environment."""

    def __init__(self, instance_path: Path | None = None) -> None:
        self.INSTANCE_PATH = instance_path or _instance_path()
        self.SECRET_KEY = _secret_key(self.INSTANCE_PATH)
        self.SQLALCHEMY_DATABASE_URI = os.environ.get(
            "DATABASE_URL", f"sqlite:///{self.INSTANCE_PATH / 'lms.sqlite3'}"
        )
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.REDIS_URL = os.environ.get("REDIS_URL", "")
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "memory://"
        # Printed QR codes point here forever: set it to the site's public https address.
        self.PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "").rstrip("/")
        self.CERTIFICATE_ISSUER = os.environ.get("CERTIFICATE_ISSUER", "")
        self.RATELIMIT_HEADERS_ENABLED = True
        # Origins that may call /api/v1 from a browser (comma-separated, "*" = any): none by default.
        self.API_CORS_ORIGINS = tuple(
            origin.strip().rstrip("/")
            for origin in os.environ.get("API_CORS_ORIGINS", "").split(",")
            if origin.strip()
        )
        self.API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "120 per minute")
        self.MEDIA_ROOT = self.INSTANCE_PATH / "media"
        self.BABEL_DEFAULT_LOCALE = "vi"
        self.BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
        self.LANGUAGES = ("vi", "en")
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        self.PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 14
        self.WTF_CSRF_TIME_LIMIT = None  # a form left open on a slow phone must still submit
        self.MAX_CONTENT_LENGTH = 64 * 1024 * 1024
        self.PAGE_SIZE = 12
        self.SEND_FILE_MAX_AGE_DEFAULT = 3600  # CSS and JS: revalidated hourly on slow networks
        self.TESTING = False


class TestConfig(Config):
    """Settings for the test suite: a throwaway database, fast hashing, memory rate limits."""

    def __init__(self, database_url: str, instance_path: Path) -> None:
        super().__init__(instance_path)
        self.SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
        self.TESTING = True
        self.SQLALCHEMY_DATABASE_URI = database_url
        self.RATELIMIT_STORAGE_URI = "memory://"
        self.PASSWORD_HASH_FAST = True
