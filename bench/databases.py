"""Fresh databases for the benchmark: migrated, content loaded, one learner account."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from servers import BIN, ROOT

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench"
# Never drop these: `test` belongs to the test suite, the others to PostgreSQL itself.
PROTECTED_DATABASES = frozenset({"test", "postgres", "template0", "template1"})
LEARNER_LOGIN = "hocvien.bench@example.com"


@dataclass
class Database:
    """A database the platform is benchmarked on, with the environment its server runs in."""

    name: str
    url: str
    instance_path: Path
    drop: Callable[[], None] = lambda: None
    secret_key: str = field(default_factory=lambda: secrets.token_hex(32))
    learner_password: str = field(default_factory=lambda: secrets.token_urlsafe(12))

    @property
    def env(self) -> dict[str, str]:
        """The environment of `lms` commands and of the gunicorn serving this database."""
        return {
            **os.environ,
            "DATABASE_URL": self.url,
            "LMS_INSTANCE_PATH": str(self.instance_path),
            "SECRET_KEY": self.secret_key,
        }

    def lms(self, *args: str, stdin: str | None = None) -> str:
        """Run an `lms` command against this database; return its output or raise with it."""
        return self._run([str(BIN / "lms"), *args], f"lms {' '.join(args)}", stdin)

    def script(self, path: Path, *args: str) -> str:
        """Run a Python script (e.g. bench/quizprep.py) with the app's environment; its stdout."""
        return self._run([str(BIN / "python"), str(path), *args], f"{path.name} {args[0]}",
                         None, stdout_only=True)

    def _run(self, command: list[str], label: str, stdin: str | None,
             stdout_only: bool = False) -> str:
        result = subprocess.run(  # noqa: S603 - fixed command
            command, env=self.env, cwd=ROOT, input=stdin,
            capture_output=True, text=True, timeout=600,
        )
        output = result.stdout + result.stderr
        if result.returncode != 0:
            raise SetupError(f"`{label}` failed: {_gist(output)}", details=output)
        return result.stdout if stdout_only else output


def _gist(output: str) -> str:
    """The line of a command's output that says what went wrong (the exception, if any)."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    errors = [line for line in lines if re.match(r"([\w.]*(Error|Exception)|Error):", line)]
    return (errors or lines or ["(no output)"])[-1][:300]


class SetupError(RuntimeError):
    """A database or a scenario could not be prepared; `details` holds the full output."""

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.details = details


@dataclass(frozen=True)
class Skipped:
    database: str
    reason: str


def sqlite_database(workdir: Path) -> Database:
    """A SQLite file under the run's temporary directory (WAL, like the app configures it)."""
    instance = workdir / "instance-sqlite"
    instance.mkdir(parents=True)
    return Database("SQLite", f"sqlite:///{instance / 'bench.sqlite3'}", instance)


def checked_database_name(url: str) -> str:
    """Return the database name in `url`, or exit if it is one the benchmark must not drop."""
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name) or name in PROTECTED_DATABASES:
        raise SystemExit(f"Refusing to recreate PostgreSQL database {name!r}: "
                         "name a database of the benchmark's own, such as 'bench'.")
    return name


def postgres_database(workdir: Path, url: str) -> Database | Skipped:
    """Recreate the database named in `url` (e.g. `bench`); Skipped if the server is absent."""
    try:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import SQLAlchemyError
    except ImportError as error:  # pragma: no cover - SQLAlchemy comes with the app
        return Skipped("PostgreSQL", f"SQLAlchemy not importable: {error}")
    target = make_url(url)
    name = checked_database_name(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT",
                          connect_args={"connect_timeout": 3})

    def recreate(create: bool) -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            if create:
                connection.execute(
                    text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
                )

    try:
        recreate(create=True)
    except ModuleNotFoundError as error:
        return Skipped("PostgreSQL", f"driver missing: {error}")
    except SQLAlchemyError as error:
        first_line = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        return Skipped("PostgreSQL", f"not reachable at {target.render_as_string()}: {first_line}")

    def drop() -> None:
        try:
            recreate(create=False)
        finally:
            admin.dispose()

    instance = workdir / "instance-postgresql"
    instance.mkdir(parents=True)
    return Database("PostgreSQL", target.render_as_string(hide_password=False), instance, drop)


def prepare(database: Database, content: Path = ROOT / "content") -> dict[str, float]:
    """Migrate from empty, load the shipped content, create the learner; return step timings."""
    timings: dict[str, float] = {}
    steps: list[tuple[str, tuple[str, ...], str | None]] = [
        ("migrate", ("db", "upgrade"), None),
        ("load content", ("content", "load", str(content)), None),
        ("create learner", ("users", "create", LEARNER_LOGIN, "--role", "learner",
                            "--name", "Học viên đo tốc độ", "--password-stdin"),
         database.learner_password + "\n"),
    ]
    for label, args, stdin in steps:
        started = time.perf_counter()
        database.lms(*args, stdin=stdin)
        timings[label] = time.perf_counter() - started
    return timings
