"""Real-browser fixtures: the app served over HTTP in a thread, driven by Debian's chromium.

The session-scoped ``app`` of tests/conftest.py (a migrated file SQLite or PostgreSQL database
with the shipped content loaded) is served by a werkzeug server in a daemon thread, so the
browser, the server threads and the test code share one database. Without /usr/bin/chromium the
browser tests are skipped, unless REQUIRE_BROWSER=1 (CI), where they fail instead.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

CHROMIUM = Path("/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"
NO_CHROMIUM = (
    f"{CHROMIUM} is absent: install Debian's chromium (apt-get install chromium) "
    "to run the real-browser tests"
)
E2E_DIR = Path(__file__).resolve().parent

# A mid-range phone, the device most learners use.
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test here as a browser test; skip them all when chromium is missing."""
    for item in items:
        if E2E_DIR not in Path(str(item.path)).resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        if not CHROMIUM.exists() and not REQUIRE_BROWSER:
            item.add_marker(pytest.mark.skip(reason=NO_CHROMIUM))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Launch Debian's chromium, never a browser downloaded by ``playwright install``."""
    if not CHROMIUM.exists():
        # Only reached with REQUIRE_BROWSER=1: a browser test may not skip in CI.
        pytest.fail(f"REQUIRE_BROWSER=1 but {NO_CHROMIUM}", pytrace=False)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
        ],
    }


class _QuietHandler(WSGIRequestHandler):
    """Serve requests without logging each one to stderr."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    """Serve the test app on a free local port for the whole session; yield its root URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    """Relative URLs in page.goto() resolve against the live server."""
    return live_server


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    """Every context speaks Vietnamese (its viewport is set by ``new_context``)."""
    return {**browser_context_args, "locale": "vi-VN"}


@pytest.fixture
def new_context(new_context, request: pytest.FixtureRequest):
    """pytest-playwright's context factory: a phone unless told otherwise, and short waits.

    The viewport is a default here rather than in ``browser_context_args``, so that a test can
    still pass its own, to new_context(viewport=...) or @pytest.mark.browser_context_args.
    """
    marker = request.node.get_closest_marker("browser_context_args")
    marked = set(marker.kwargs) if marker else set()

    def make(**kwargs):
        if "viewport" not in marked:
            kwargs.setdefault("viewport", PHONE)
        context = new_context(**kwargs)
        # A local server answers in milliseconds: long waits would only slow down failures.
        context.set_default_timeout(5_000)
        context.set_default_navigation_timeout(10_000)
        return context

    return make


@pytest.fixture
def sign_in():
    """Sign a page in through the form: sign_in(page, "user@example.com", "password")."""
    from playwright.sync_api import expect

    def do(page, login: str, password: str, expect_path: str = "/hoc-tap-cua-toi"):
        page.goto("/dang-nhap")
        page.get_by_label("Số điện thoại hoặc email", exact=True).fill(login)
        page.get_by_label("Mật khẩu", exact=True).fill(password)
        page.get_by_role("button", name="Đăng nhập").click()
        expect(page).to_have_url(re.compile(re.escape(expect_path) + "$"))

    return do
