"""The "Bình dân học vụ số" learning platform: create_app() builds the Flask application."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from lms.config import Config

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


def create_app(config: Any | None = None) -> Flask:
    """Build the application from named steps; nothing here touches the database."""
    config = config or Config()
    app = Flask(__name__, instance_path=str(config.INSTANCE_PATH), instance_relative_config=False)
    app.config.from_object(config)
    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_error_pages(app)
    register_security(app)
    register_signals(app)
    register_cli(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the unbound extensions of lms.extensions to this app."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    import lms.models  # noqa: F401 - every model registered before migrations look
    from lms.core.db import enable_sqlite_rules
    from lms.core.i18n import select_locale, select_timezone
    from lms.extensions import babel, csrf, db, limiter, login_manager, migrate

    if not event.contains(Engine, "connect", enable_sqlite_rules):
        event.listen(Engine, "connect", enable_sqlite_rules)

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    login_manager.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Mount each area's views."""
    from lms.accounts.admin_views import bp as admin_bp
    from lms.accounts.views import bp as accounts_bp
    from lms.api.pages import bp as api_tokens_bp
    from lms.api.views import bp as api_bp
    from lms.audit.views import bp as audit_bp
    from lms.authoring.quiz_stats_views import bp as quiz_stats_bp
    from lms.authoring.views import bp as authoring_bp
    from lms.catalog.views import bp as catalog_bp
    from lms.certificates.views import bp as certificates_bp
    from lms.community.views import bp as community_bp
    from lms.core.views import bp as core_bp
    from lms.learning.views import bp as learning_bp
    from lms.privacy.views import bp as privacy_bp
    from lms.quizzes.views import bp as quizzes_bp
    from lms.reports.views import bp as reports_bp

    for blueprint in (
        core_bp,
        api_bp,
        api_tokens_bp,
        accounts_bp,
        admin_bp,
        audit_bp,
        catalog_bp,
        learning_bp,
        quizzes_bp,
        quiz_stats_bp,
        authoring_bp,
        certificates_bp,
        privacy_bp,
        community_bp,
        reports_bp,
    ):
        app.register_blueprint(blueprint)


def register_template_helpers(app: Flask) -> None:
    """Make shared helpers available to every template."""
    from lms.core.templating import register

    register(app)


def register_error_pages(app: Flask) -> None:
    """Render friendly Vietnamese error pages that never show a stack trace."""
    from lms.core.errors import register

    register(app)


def register_security(app: Flask) -> None:
    """Security headers and the sign-in session loader."""
    from lms.accounts.sessions import register as register_sessions
    from lms.core.security import register_security_headers

    register_security_headers(app)
    register_sessions(app)


def register_signals(app: Flask) -> None:
    """Connect the areas that listen to news from below (completion, certificates)."""
    from lms.audit.listeners import register as register_audit
    from lms.certificates.listeners import register as register_certificates
    from lms.community.listeners import register as register_community
    from lms.completion.listeners import register as register_completion
    from lms.reports.listeners import register as register_reports

    register_completion(app)
    register_certificates(app)
    register_reports(app)
    register_audit(app)
    register_community(app)


def register_cli(app: Flask) -> None:
    """Add the lms command groups (users, content, db backup, ...)."""
    from lms.cli import register

    register(app)
