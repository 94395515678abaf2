"""Benchmark the officer statistics over a synthetic population (issue 5, DESIGN §7).

For each database (a SQLite file, then PostgreSQL when reachable) and each population size it
migrates a fresh database, loads content/, runs `lms demo generate --learners N`, creates an
admin and two officers, serves `lms:create_app()` and bench/hello.py with the same gunicorn
settings as bench/run.py, and drives each statistics page and export with wrk. Figures are
reported as in bench/README.md: requests/s and latency, each also against the hello-world
route of the same run. It also times the generator and a one-shot `lms stats export`.

    .venv/bin/python bench/stats.py --learners 100000 --learners 1000000
    .venv/bin/python bench/stats.py --database sqlite --learners 20000 --duration 3

Generating a million learners takes half an hour or more per database; to generate both at
once and measure each alone afterwards (two runs measured at once would share the cores):

    .venv/bin/python bench/stats.py --generate-only --workdir /tmp/s --database sqlite ...
    .venv/bin/python bench/stats.py --generate-only --workdir /tmp/p --database postgresql ...
    .venv/bin/python bench/stats.py --database sqlite --reuse-sqlite /tmp/s/sqlite-1000000/instance/lms.sqlite
    .venv/bin/python bench/stats.py --database postgresql --reuse-postgres
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from client import Browser
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
from scenarios import Request
from servers import BIN, ROOT, GunicornSettings, ServerPool

HERE = Path(__file__).resolve().parent
PASSWORD = "mat-khau-do-toc-do"  # noqa: S105 - a throwaway account in a throwaway database
PERIOD = "2026-Q2"
OFFICERS = {
    "admin": ("admin.bench@example.com", ["--role", "admin"]),
    "province": (
        "tinh.bench@example.com",
        ["--role", "officer", "--province", "01", "--scope", "province"],
    ),
    "commune": (
        "xa.bench@example.com",
        ["--role", "officer", "--commune", "00070", "--scope", "commune"],
    ),
}
SCENARIOS = [
    ("stats-country", "admin", f"/thong-ke/ca-nuoc?ky={PERIOD}"),
    ("stats-province", "province", f"/thong-ke/tinh/01?ky={PERIOD}"),
    ("stats-commune", "commune", f"/thong-ke/xa/00070?ky={PERIOD}"),
    ("export-province-csv", "province", f"/thong-ke/xuat?ky={PERIOD}&dinh_dang=csv&tinh=01"),
    ("export-province-xlsx", "province", f"/thong-ke/xuat?ky={PERIOD}&dinh_dang=xlsx&tinh=01"),
    ("export-country-csv", "admin", f"/thong-ke/xuat?ky={PERIOD}&dinh_dang=csv"),
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, action="append", help="population sizes (100000)")
    parser.add_argument("--database", action="append", choices=("sqlite", "postgresql"))
    parser.add_argument("--duration", type=int, default=10, help="seconds per scenario (10)")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL.rsplit("/", 1)[0] + "/bench_stats"
        ),
    )
    parser.add_argument("--results", type=Path, default=HERE / "results")
    parser.add_argument(
        "--reuse-sqlite",
        type=Path,
        help="measure an existing SQLite file generated earlier (its officers created), skipping setup",
    )
    parser.add_argument(
        "--reuse-postgres",
        action="store_true",
        help="measure the database at --postgres-url generated earlier, skipping setup",
    )
    parser.add_argument(
        "--generate-only",
        action="store_true",
        help="generate and keep the database (with its officers), measure nothing",
    )
    parser.add_argument("--workdir", type=Path, help="keep the run's files here, not in /tmp")
    args = parser.parse_args(argv)
    args.learners = args.learners or [100_000]
    args.database = args.database or ["sqlite", "postgresql"]
    checked_database_name(args.postgres_url)
    return args


def lms(database: Database, *args: str, stdin: str | None = None, timeout: int = 7200) -> str:
    """Run an lms command (long ones allowed: generating a million learners takes a while)."""
    result = subprocess.run(  # noqa: S603 - fixed command
        [str(BIN / "lms"), *args],
        env=database.env,
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise SetupError(f"lms {' '.join(args)} failed", result.stdout + result.stderr)
    return result.stdout + result.stderr


def signed_in(base_url: str, login: str) -> str:
    browser = Browser(base_url)
    form = browser.get("/dang-nhap").form(has_field="password")
    page = browser.submit(form, login=login, password=PASSWORD)
    if page.status != 200 or "/dang-nhap" in page.url:
        raise SetupError(f"sign-in failed for {login}: {page.status} {page.url}")
    return browser.cookie_header()


def measure(
    wrk: str, base_url: str, path: str, headers: dict[str, str], settings: LoadSettings
) -> dict:
    from client import fetch

    probe = fetch(base_url, path, headers)
    if probe.status != 200:
        raise SetupError(f"{path} answered {probe.status}, not 200")
    run_wrk(wrk, base_url, Request(path, headers=headers), settings, duration=settings.warmup)
    result = run_wrk(wrk, base_url, Request(path, headers=headers), settings)
    return {**asdict(result), "bytes": len(probe.body)}


def run_one(
    kind: str, learners: int, args: argparse.Namespace, wrk: str, hello: dict, workdir: Path
) -> dict:
    reused: str | None = None
    if kind == "sqlite" and args.reuse_sqlite is not None:
        reused = f"sqlite:///{args.reuse_sqlite}"
    elif kind == "postgresql" and args.reuse_postgres:
        reused = args.postgres_url
    if reused is not None:
        # A database a previous run generated and kept (its officers exist): measure only.
        (workdir / "instance").mkdir(parents=True, exist_ok=True)
        database: Database | Skipped = Database(
            "SQLite" if kind == "sqlite" else "PostgreSQL", reused, workdir / "instance"
        )
    elif kind == "sqlite":
        database = sqlite_database(workdir)
    else:
        database = postgres_database(workdir, args.postgres_url)
    if isinstance(database, Skipped):
        return {"database": kind, "learners": learners, "skipped": database.reason}
    try:
        timings: dict[str, float] = {}
        if reused is not None:
            # Generated by an earlier checkout, maybe: bring its schema (and copies) up to date.
            started = time.perf_counter()
            lms(database, "db", "upgrade")
            timings["migrate"] = time.perf_counter() - started
        else:
            timings = prepare(database)
            started = time.perf_counter()
            # prepare() made the run's one signed-in learner: a throwaway database, so --force.
            output = lms(database, "demo", "generate", "--learners", str(learners), "--force")
            timings["generate"] = time.perf_counter() - started
            log(f"  {database.name} {learners}: {output.strip().splitlines()[-1]}")
        for login, options in OFFICERS.values() if reused is None else ():
            lms(
                database,
                "users",
                "create",
                login,
                *options,
                "--password-stdin",
                stdin=PASSWORD + "\n",
            )
        if args.generate_only:
            log(f"  kept: {database.url}")
            return {
                "database": database.name,
                "learners": learners,
                "timings_s": timings,
                "rows": [],
                "kept": database.url,
            }
        for fmt in ("csv", "xlsx"):
            started = time.perf_counter()
            lms(
                database,
                "stats",
                "export",
                "--period",
                PERIOD,
                "--format",
                fmt,
                "--out",
                str(workdir / f"country.{fmt}"),
            )
            timings[f"cli export country {fmt}"] = time.perf_counter() - started
        settings = LoadSettings(
            duration=args.duration, warmup=args.warmup, connections=args.connections
        )
        rows = []
        with ServerPool(GunicornSettings(), workdir) as pool:
            server = pool.start(
                f"lms-{kind}", "lms:create_app()", database.env, ready_path="/healthz"
            )
            cookies = {
                role: signed_in(server.base_url, login) for role, (login, _) in OFFICERS.items()
            }
            for name, role, path in SCENARIOS:
                result = measure(wrk, server.base_url, path, {"Cookie": cookies[role]}, settings)
                result.update(
                    name=name,
                    rps_ratio=result["rps"] / hello["rps"],
                    p50_ratio=result["p50_ms"] / hello["p50_ms"],
                    p99_ratio=result["p99_ms"] / hello["p99_ms"],
                )
                rows.append(result)
                log(
                    f"  {name:22} {result['rps']:8.1f} req/s  p50 {result['p50_ms']:8.1f} ms  "
                    f"÷hello {result['rps_ratio']:.4f}×  errors {sum(result['errors'].values())}"
                )
        return {"database": database.name, "learners": learners, "timings_s": timings, "rows": rows}
    finally:
        if reused is None and not args.generate_only:
            database.drop()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wrk = find_wrk()
    report = {"started": datetime.now(UTC).isoformat(), "period": PERIOD, "runs": []}
    with tempfile.TemporaryDirectory(prefix="bench-stats-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        settings = LoadSettings(
            duration=args.duration, warmup=args.warmup, connections=args.connections
        )
        hello: dict = {}
        if not args.generate_only:
            with ServerPool(GunicornSettings(), workdir) as pool:
                server = pool.start("hello", "hello:app", dict(os.environ), pythonpath=HERE)
                hello = measure(wrk, server.base_url, "/", {}, settings)
            log(f"hello-world {hello['rps']:.1f} req/s, p50 {hello['p50_ms']:.2f} ms")
        report["hello"] = hello
        for learners in args.learners:
            for kind in args.database:
                run_dir = workdir / f"{kind}-{learners}"
                run_dir.mkdir(exist_ok=args.reuse_sqlite is not None or args.reuse_postgres)
                log(f"{kind}, {learners} learners")
                try:
                    report["runs"].append(run_one(kind, learners, args, wrk, hello, run_dir))
                except SetupError as error:  # the other runs' figures are kept and printed
                    log(f"  {kind} {learners}: {error}")
                    report["runs"].append(
                        {"database": kind, "learners": learners, "skipped": str(error)}
                    )
    args.results.mkdir(parents=True, exist_ok=True)
    path = args.results / f"stats-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps(report, indent=1, default=str))
    print(table(report))
    log(f"written {path}")
    return 0


def table(report: dict) -> str:
    lines = [
        "| database | learners | scenario | req/s | p50 ms | p99 ms | req/s ÷ hello | p50 ÷ hello | errors |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for run in report["runs"]:
        if "skipped" in run:
            lines.append(
                f"| {run['database']} | {run['learners']:,} | skipped: {run['skipped']} | | | | | | |"
            )
            continue
        for row in run["rows"]:
            lines.append(
                f"| {run['database']} | {run['learners']:,} | {row['name']} | {row['rps']:.1f} | "
                f"{row['p50_ms']:.1f} | {row['p99_ms']:.1f} | {row['rps_ratio']:.4f}× | "
                f"{row['p50_ratio']:.1f}× | {sum(row['errors'].values())} |"
            )
        timings = ", ".join(f"{k} {v:.1f} s" for k, v in run["timings_s"].items())
        lines.append(f"| {run['database']} | {run['learners']:,} | setup: {timings} | | | | | | |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
