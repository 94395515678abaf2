"""Gunicorn servers for the benchmark: started on a free loopback port, always stopped."""

from __future__ import annotations

import atexit
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class GunicornSettings:
    """The serving settings shared by every app in a run, so the ratios compare like with like."""

    workers: int = 2
    threads: int = 4
    timeout: int = 60

    def describe(self) -> str:
        return f"gunicorn gthread, {self.workers} workers × {self.threads} threads"


@dataclass
class Server:
    """One gunicorn master (and its workers) in its own process group."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def free_port() -> int:
    """Return a loopback port nobody is listening on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServerError(RuntimeError):
    """A server did not start."""


class ServerPool:
    """Start servers and guarantee they stop: on exit, on an exception, on Ctrl+C or SIGTERM."""

    def __init__(self, settings: GunicornSettings, log_dir: Path) -> None:
        self.settings = settings
        self.log_dir = log_dir
        self.running: list[Server] = []

    def __enter__(self) -> ServerPool:
        atexit.register(self.stop_all)
        # Ctrl+C raises KeyboardInterrupt even where the shell started us with SIGINT ignored.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for number in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(number, _exit_on_signal)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop_all()
        atexit.unregister(self.stop_all)

    def start(self, name: str, target: str, env: dict[str, str], pythonpath: Path | None = None,
              ready_path: str = "/") -> Server:
        """Serve the WSGI `target` (e.g. 'lms:create_app()') and wait until it answers."""
        port = free_port()
        log_path = self.log_dir / f"gunicorn-{name}.log"
        command = [
            str(BIN / "gunicorn"),
            "--bind", f"127.0.0.1:{port}",
            "--worker-class", "gthread",
            "--workers", str(self.settings.workers),
            "--threads", str(self.settings.threads),
            "--timeout", str(self.settings.timeout),
            "--graceful-timeout", "5",
            "--log-level", "warning",
            "--error-logfile", str(log_path),
            "--chdir", str(ROOT),
        ]
        if pythonpath is not None:
            command += ["--pythonpath", str(pythonpath)]
        command.append(target)
        # A session of its own: one killpg() reaches the workers, and the terminal's Ctrl+C
        # reaches only us, so the order of shutdown stays ours.
        process = subprocess.Popen(  # noqa: S603 - fixed command
            command, env=env, cwd=ROOT, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        server = Server(name, process, port, log_path)
        self.running.append(server)
        self._wait_ready(server, ready_path)
        return server

    def _wait_ready(self, server: Server, path: str, limit: float = 60.0) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                self.stop(server)
                raise ServerError(f"{server.name}: gunicorn exited with code "
                                  f"{server.process.returncode}\n{server.log_tail()}")
            try:
                with urllib.request.urlopen(server.base_url + path, timeout=5):
                    return
            except urllib.error.HTTPError:
                return  # it answered; whether the page is right is the scenario's concern
            except OSError:
                time.sleep(0.2)
        self.stop(server)
        raise ServerError(f"{server.name}: not answering after {limit:.0f} s\n{server.log_tail()}")

    def stop(self, server: Server) -> None:
        """Stop the master and its workers (TERM, then KILL after 10 s)."""
        if server in self.running:
            self.running.remove(server)
        if server.process.poll() is not None:
            _signal_group(server.process.pid, signal.SIGKILL)  # workers outliving their master
            return
        for sig, grace in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
            if not _signal_group(server.process.pid, sig):
                return
            try:
                server.process.wait(timeout=grace)
                return
            except subprocess.TimeoutExpired:
                continue

    def stop_all(self) -> None:
        for server in list(reversed(self.running)):
            self.stop(server)


def _signal_group(pgid: int, sig: int) -> bool:
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        return False
    return True


def _exit_on_signal(number: int, frame: object) -> None:
    # Turn SIGTERM/SIGHUP into SystemExit so `finally` and `with` blocks stop the servers.
    raise SystemExit(128 + number)
