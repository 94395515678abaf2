"""Drive a server with wrk and read back the line bench/report.lua prints."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from client import USER_AGENT
from scenarios import Request

LUA_SCRIPT = Path(__file__).resolve().parent / "report.lua"
MARKER = "BENCH_RESULT "


@dataclass(frozen=True)
class LoadSettings:
    duration: int = 10  # seconds per scenario
    warmup: int = 2  # seconds of unrecorded load first (imports, template compilation)
    connections: int = 16
    threads: int = 2  # wrk threads
    timeout: int = 10  # seconds before wrk counts a request as timed out


@dataclass(frozen=True)
class Measurement:
    requests: int
    duration_s: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    bytes_per_response: float
    errors: dict[str, int]
    # From bench/submit.lua: prepared requests used; answers that were the expected
    # redirect (submitted), 5xx (failed), anything else (wrong); whether a thread ran out.
    feed: dict[str, int] | None = None

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def find_wrk() -> str:
    """Return wrk's path, or exit telling how to install it."""
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit("wrk is not installed; the benchmark needs it. "
                         "Install it with: sudo apt-get install wrk")
    return path


def run_wrk(wrk: str, base_url: str, request: Request, settings: LoadSettings,
            duration: int | None = None) -> Measurement:
    """Run wrk against base_url + request.path for `duration` seconds and parse its report."""
    if not base_url.startswith("http://127.0.0.1:"):
        raise ValueError("the benchmark only loads servers on the loopback interface")
    seconds = settings.duration if duration is None else duration
    feed = request.feed
    headers = {"User-Agent": USER_AGENT, **request.headers}
    if feed is not None:
        headers.pop("Cookie", None)  # each prepared request carries its own
    command = [
        wrk, f"--threads={settings.threads}", f"--connections={settings.connections}",
        f"--duration={seconds}s", f"--timeout={settings.timeout}s",
        f"--script={feed.script if feed else LUA_SCRIPT}",
    ]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    command.append(base_url + request.path)
    with tempfile.NamedTemporaryFile(prefix="bench-body-") as body:
        env = {**os.environ, "BENCH_METHOD": request.method, "BENCH_BODY_FILE": ""}
        if feed is not None:
            env.update(BENCH_REQUESTS_FILE=str(feed.file), BENCH_REQUESTS_OFFSET=str(feed.offset),
                       BENCH_THREADS=str(settings.threads))
        elif request.body is not None:
            body.write(request.body)
            body.flush()
            env["BENCH_BODY_FILE"] = body.name
        result = subprocess.run(  # noqa: S603 - fixed command
            command, env=env, capture_output=True, text=True, timeout=seconds + 60,
        )
    for line in result.stdout.splitlines():
        if line.startswith(MARKER):
            data = json.loads(line.removeprefix(MARKER))
            break
    else:
        raise RuntimeError(f"wrk printed no result (exit {result.returncode}):\n"
                           f"{result.stdout}{result.stderr}")
    requests = int(data["requests"])
    errors = {name: int(count) for name, count in data["errors"].items()}
    fed = None
    if feed is not None:
        fed = {name: int(data[name]) for name in (
            "used", "submitted", "failed", "wrong", "first_wrong_status", "exhausted")}
        feed.offset = int(data["next_offset"])
        # Answers of 400 and above are wrk's status errors already; the others that were not
        # the expected redirect (a 200, a redirect to the sign-in page) are errors too.
        errors["unexpected"] = max(0, fed["wrong"] + fed["failed"] - errors["status"])
    return Measurement(
        requests=requests,
        duration_s=float(data["duration_s"]),
        rps=float(data["rps"]),
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        bytes_per_response=data["bytes"] / requests if requests else 0.0,
        errors=errors,
        feed=fed,
    )
