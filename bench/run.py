"""Benchmark the platform against a hello-world Flask app served the same way (`make bench`).

For each database (a SQLite file, and PostgreSQL when reachable) it prepares a fresh
database, serves `lms:create_app()` with gunicorn, drives every scenario with wrk and
reports requests/s and latency, each also as a multiple of the hello-world route's.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

from client import Page, fetch
from databases import (
    DEFAULT_POSTGRES_URL,
    Database,
    SetupError,
    Skipped,
    checked_database_name,
    postgres_database,
    prepare,
    sqlite_database,
)
from loadgen import LoadSettings, find_wrk, run_wrk
from report import NO_DATABASE, Row, feed_lines, lesson_weight, table, to_json, write_json
from scenarios import BASELINE, SCENARIOS, Context, Scenario
from servers import ROOT, GunicornSettings, Server, ServerError, ServerPool

HERE = Path(__file__).resolve().parent


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per scenario (10)")
    parser.add_argument("--warmup", type=int, default=2, help="unrecorded seconds first (2)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (16)")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (4)")
    parser.add_argument("--database", action="append", choices=("sqlite", "postgresql"),
                        help="only these databases (repeatable; default both)")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL",
                                                                  DEFAULT_POSTGRES_URL),
                        help="PostgreSQL database to recreate (BENCH_POSTGRES_URL; default "
                             "%(default)s)")
    parser.add_argument("--scenario", action="append", metavar="NAME",
                        help="only these scenarios (repeatable; hello-world always runs); "
                             "known: " + ", ".join(s.name for s in SCENARIOS))
    parser.add_argument("--quiz-attempts", type=int, metavar="N",
                        help="open attempts to prepare for quiz-submit (default: as many as "
                             "three times the warm-up's rate needs; see bench/README.md)")
    parser.add_argument("--content", type=Path, default=ROOT / "content",
                        help="content packages to load (content/)")
    parser.add_argument("--results", type=Path, default=HERE / "results",
                        help="folder for the JSON report (bench/results)")
    args = parser.parse_args(argv)
    if args.duration < 1 or args.connections < args.wrk_threads:
        parser.error("need --duration >= 1 and --connections >= --wrk-threads")
    if args.quiz_attempts is not None and args.quiz_attempts < 2:
        parser.error("need --quiz-attempts >= 2 (one is the probe)")
    if "postgresql" in (args.database or ["postgresql"]):
        checked_database_name(args.postgres_url)
    known = {s.name for s in SCENARIOS}
    if unknown := set(args.scenario or ()) - known:
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    return args


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Bench:
    """One run: the servers, the load settings, and the rows measured so far."""

    def __init__(self, pool: ServerPool, wrk: str, load: LoadSettings,
                 quiz_attempts: int | None = None) -> None:
        self.pool = pool
        self.wrk = wrk
        self.load = load
        self.quiz_attempts = quiz_attempts
        self.rows: list[Row] = []
        self.certificates: dict[str, str] = {}

    def context(self, server: Server, database: Database | None) -> Context:
        return Context(server.base_url, database, self.load.warmup, self.load.duration,
                       self.load.connections, self.quiz_attempts)

    def run_hello(self, scenarios: list[Scenario]) -> None:
        server = self.pool.start("hello", "hello:app", dict(os.environ), pythonpath=HERE)
        try:
            context = self.context(server, None)
            for scenario in scenarios:
                self.measure(scenario, server, context, NO_DATABASE)
        finally:
            self.pool.stop(server)

    def run_platform(self, database: Database, scenarios: list[Scenario], content: Path) -> None:
        log(f"[{database.name}] preparing a fresh database…")
        try:
            timings = prepare(database, content)
        except SetupError as error:
            log(f"[{database.name}] preparation failed: {error}\n{error.details}")
            self.rows += [Row(s.name, database.name, failure=str(error)) for s in scenarios]
            return
        log(f"[{database.name}] " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
        self.certificate_speed(database)
        try:
            server = self.pool.start(f"lms-{database.name.lower()}", "lms:create_app()",
                                     database.env)
        except ServerError as error:
            log(f"[{database.name}] {error}")
            self.rows += [Row(s.name, database.name, failure=str(error)) for s in scenarios]
            return
        try:
            context = self.context(server, database)
            for scenario in scenarios:
                self.measure(scenario, server, context, database.name)
        finally:
            self.pool.stop(server)

    def certificate_speed(self, database: Database) -> None:
        """Record certificates rendered per second (PDF + QR, no cache), in-process, one core."""
        try:
            line = database.lms("certificates", "render-speed", "--count", "100").strip()
        except (SetupError, RuntimeError, OSError, subprocess.SubprocessError) as error:
            line = f"failed: {error}"
        self.certificates[database.name] = line
        log(f"[{database.name}] certificates: {line}")

    def measure(self, scenario: Scenario, server: Server, context: Context, db_name: str) -> None:
        row = Row(scenario.name, db_name, method=scenario.method)
        self.rows.append(row)
        try:
            request = scenario.request(context)
            row.path, row.method = request.path, request.method
            probe = fetch(server.base_url, request.path, request.headers, request.method,
                          request.body)
            if probe.status != scenario.expect_status:
                raise SetupError(f"{request.method} {request.path} answered {probe.status}, "
                                 f"expected {scenario.expect_status}")
            feed = request.feed
            if feed is not None:
                feed.check_probe(probe)
            row.html_bytes = len(probe.body)
            if probe.headers.get_content_type() == "text/html":
                row.asset_bytes = asset_bytes(server.base_url, probe)
            if "Cookie" in request.headers and probe.headers.get("Set-Cookie"):
                row.notes.append("answers a signed-in request with Set-Cookie")
            log(f"[{db_name}] {scenario.name}: {request.method} {request.path} "
                f"({self.load.warmup} s warm-up, {self.load.duration} s measured)")
            if self.load.warmup:
                warmup = run_wrk(self.wrk, server.base_url, request, self.load,
                                 duration=self.load.warmup)
                if feed is not None:
                    feed.after_warmup(warmup)
            if feed is not None:
                feed.before_measure()
            row.measurement = run_wrk(self.wrk, server.base_url, request, self.load)
            if feed is not None:
                row.details = feed.after_measure(row.measurement)
        except (SetupError, LookupError, RuntimeError, OSError, subprocess.SubprocessError) as error:
            row.failure = str(error)
            log(f"[{db_name}] {scenario.name} failed: {error}")
            if tail := server.log_tail():
                log(f"gunicorn log:\n{tail}")
            return
        m = row.measurement
        if m.error_count:
            row.notes.append(f"wrk errors: {m.errors}")
            log(f"[{db_name}] {scenario.name}: wrk errors {m.errors}\n{server.log_tail()}")
        log(f"[{db_name}] {scenario.name}: {m.rps:,.0f} req/s, p50 {m.p50_ms:.2f} ms, "
            f"p99 {m.p99_ms:.2f} ms")


def asset_bytes(base_url: str, page: Page) -> int:
    """Sum the same-origin stylesheets and scripts a page loads (the page's weight before media)."""
    total = 0
    for href in dict.fromkeys(page.assets()):
        parts = urllib.parse.urlsplit(href)
        if parts.netloc:
            continue
        asset = fetch(base_url, parts.path, {})
        if asset.status == 200:
            total += len(asset.body)
    return total


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wrk = find_wrk()
    load = LoadSettings(args.duration, args.warmup, args.connections, args.wrk_threads)
    gunicorn = GunicornSettings(args.workers, args.threads)
    wanted = set(args.scenario or ()) | {BASELINE}
    chosen = [s for s in SCENARIOS if not args.scenario or s.name in wanted]
    hello = [s for s in chosen if s.app == "hello"]
    platform_scenarios = [s for s in chosen if s.app == "lms"]
    databases = args.database or ["sqlite", "postgresql"]
    started = datetime.now(UTC)
    skipped: list[Skipped] = []
    load_before = os.getloadavg()
    log(f"{gunicorn.describe()}; wrk {load.threads} threads, {load.connections} connections, "
        f"{load.duration} s per scenario; {os.cpu_count()} CPUs, load {load_before[0]:.1f}")
    if load_before[0] > (os.cpu_count() or 1) / 2:
        log("Warning: the machine is already busy; the figures will be noisy.")

    with tempfile.TemporaryDirectory(prefix="lms-bench-") as tmp, \
            ServerPool(gunicorn, Path(tmp)) as pool:
        bench = Bench(pool, wrk, load, args.quiz_attempts)
        bench.run_hello(hello)
        for kind in databases:
            if kind == "sqlite":
                bench.run_platform(sqlite_database(Path(tmp)), platform_scenarios, args.content)
                continue
            target = postgres_database(Path(tmp), args.postgres_url)
            if isinstance(target, Skipped):
                skipped.append(target)
                log(f"PostgreSQL skipped: {target.reason}")
                continue
            try:
                bench.run_platform(target, platform_scenarios, args.content)
            finally:
                target.drop()
        rows = bench.rows
        certificates = bench.certificates

    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    meta = {
        "started_at": started.isoformat(timespec="seconds"),
        "seconds": round(time.time() - started.timestamp(), 1),
        "content": str(args.content),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version(),
                    "load_average_before": [round(x, 2) for x in load_before],
                    "load_average_after": [round(x, 2) for x in os.getloadavg()]},
        "gunicorn": {"workers": gunicorn.workers, "threads": gunicorn.threads,
                     "worker_class": "gthread"},
        "certificates_rendered": certificates,
        "wrk": {"threads": load.threads, "connections": load.connections,
                "duration_s": load.duration, "warmup_s": load.warmup},
    }
    path = write_json(to_json(rows, skipped, meta), args.results, stamp)

    print()
    print(table(rows))
    after = meta["machine"]["load_average_after"][0]
    print(f"{gunicorn.describe()}; wrk {load.threads} threads, {load.connections} connections, "
          f"{load.duration} s each; {os.cpu_count()} CPUs, load average {load_before[0]:.1f} "
          f"before, {after:.1f} after.")
    for line in lesson_weight(rows) + feed_lines(rows):
        print(line)
    for name, line in certificates.items():
        print(f"Certificates ({name}, in-process, one core, PDF + QR, no cache): {line}")
    for skip in skipped:
        print(f"{skip.database} skipped: {skip.reason}")
    for row in rows:
        for note in row.notes:
            print(f"Note ({row.scenario}, {row.database}): {note}")
        if row.failure:
            print(f"Failed ({row.scenario}, {row.database}): {row.failure.splitlines()[0]}")
    print(f"\nJSON: {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    return 1 if any(row.failure for row in rows) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        log("Interrupted; servers stopped.")
        sys.exit(130)
    except ServerError as error:
        log(f"A server did not start; servers stopped.\n{error}")
        sys.exit(1)
