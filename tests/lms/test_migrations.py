"""Migrations run forward from empty and agree with the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from lms.extensions import db


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_database_is_at_the_single_head(app):
    from alembic.script import ScriptDirectory
    from flask_migrate import Migrate

    with app.app_context(), db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
        config = app.extensions["migrate"].migrate.get_config()
        heads = ScriptDirectory.from_config(config).get_heads()
    assert Migrate  # flask-migrate drives the migrations
    assert len(heads) == 1 and set(current) == set(heads)


def test_sqlite_enforces_foreign_keys_after_migrating(app):
    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL always enforces foreign keys")
        with pytest.raises(IntegrityError):
            db.session.execute(
                text(
                    "INSERT INTO user_sessions (token_hash, user_id, created_at) VALUES ('x', 999999, '2026-01-01')"
                )
            )
            db.session.flush()
        db.session.rollback()
