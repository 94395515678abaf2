"""The benchmark's scenarios. To measure another page, add one entry to SCENARIOS.

A scenario is a name and either a fixed `path` or a `setup(context)` that prepares
what it needs on the running server (signs in, enrols, finds a slug...) and returns
the Request wrk will repeat: path, headers (e.g. the session cookie), method, body.
A request that must not be repeated (a quiz submission grades an attempt once) comes
with a Feed instead: many prepared requests, each sent once (see bench/quiz.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from client import Browser, Page
from databases import LEARNER_LOGIN, Database, SetupError

if TYPE_CHECKING:
    from loadgen import Measurement

BASELINE = "hello-world"
# The beginners' course, so the figures stay comparable as the catalog grows.
PREFERRED_COURSE = "lam-quen-dien-thoai-thong-minh"
PREFERRED_QUIZ = "kiem-tra-cuoi-khoa"  # its final quiz: 12 questions of 6 types


class Feed:
    """Requests prepared in advance, one per line of `file`, each sent once by wrk.

    bench/submit.lua reads the lines from `offset` on; after each wrk run, `offset` moves
    past the lines used. The measuring loop calls the hooks below: check_probe() on the
    answer to the request sent before loading, after_warmup() with what the warm-up did
    (it may prepare more), before_measure() and after_measure() around the measured run
    (the latter returns what to report)."""

    script = Path(__file__).resolve().parent / "submit.lua"

    def __init__(self, file: Path, size: int, offset: int = 0) -> None:
        self.file = file
        self.size = size
        self.offset = offset

    def check_probe(self, page: Page) -> None:
        """Raise SetupError unless the probe's answer is right (the status alone is not)."""

    def after_warmup(self, measurement: Measurement) -> None:
        """Raise SetupError if the warm-up shows the requests are not doing their work."""

    def before_measure(self) -> None:
        """Note what is needed to judge the measured run afterwards."""

    def after_measure(self, measurement: Measurement) -> dict[str, Any]:
        """Return what the measured run did (for the report); may add to its errors."""
        return {}


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    method: str = "GET"
    body: bytes | None = None
    feed: Feed | None = None  # when set, wrk sends the feed's requests, this one is the probe


class Context:
    """What a setup function may use: the server under test, its database, a learner,
    and how wrk will load it (seconds of warm-up and measurement, connections), so that a
    scenario preparing one request per submission can prepare enough."""

    def __init__(self, base_url: str, database: Database | None, warmup: int = 2,
                 duration: int = 10, connections: int = 16,
                 quiz_attempts: int | None = None) -> None:
        self.base_url = base_url
        self.database = database
        self.warmup = warmup
        self.duration = duration
        self.connections = connections
        self.quiz_attempts = quiz_attempts  # --quiz-attempts: prepare exactly this many
        self._learner: Browser | None = None
        self._course_slug: str | None = None

    def browser(self) -> Browser:
        """A new anonymous browser."""
        return Browser(self.base_url)

    def learner(self) -> Browser:
        """A browser signed in as the run's learner (one sign-in per server)."""
        if self._learner is None:
            if self.database is None:
                raise SetupError("a signed-in scenario needs the platform, not the hello app")
            browser = self.browser()
            form = browser.get("/dang-nhap").form(has_field="password")
            password = self.database.learner_password
            page = browser.submit(form, login=LEARNER_LOGIN, password=password)
            if page.status != 200 or "/dang-nhap" in page.url:
                raise SetupError(f"sign-in failed: {page.status} at {page.url}")
            self._learner = browser
        return self._learner

    def course_slug(self) -> str:
        """The course the course and lesson scenarios use."""
        if self._course_slug is None:
            browser = self.browser()
            if browser.get(f"/khoa-hoc/{PREFERRED_COURSE}").status == 200:
                self._course_slug = PREFERRED_COURSE
            else:
                links = browser.get("/khoa-hoc").links()
                slugs = [link.removeprefix("/khoa-hoc/") for link in links
                         if link.startswith("/khoa-hoc/") and link.count("/") == 2]
                if not slugs:
                    raise SetupError("the catalog lists no course: was content/ loaded?")
                self._course_slug = slugs[0]
        return self._course_slug


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str | None = None
    setup: Callable[[Context], Request] | None = None
    method: str = "GET"
    body: bytes | None = None
    app: Literal["lms", "hello"] = "lms"
    expect_status: int = 200
    about: str = ""

    def request(self, context: Context) -> Request:
        if self.setup is not None:
            return self.setup(context)
        if self.path is None:
            raise SetupError(f"scenario {self.name} has neither a path nor a setup")
        return Request(self.path, method=self.method, body=self.body)


def course_page(context: Context) -> Request:
    return Request(f"/khoa-hoc/{context.course_slug()}")


def lesson_page(context: Context) -> Request:
    """Sign in, enrol in the course (POST with the form's CSRF token), land on its first lesson."""
    learner = context.learner()
    slug = context.course_slug()
    course: Page = learner.get(f"/khoa-hoc/{slug}")
    lesson = learner.submit(course.form(action_endswith=f"/khoa-hoc/{slug}/dang-ky-hoc"))
    path = lesson.url.removeprefix(context.base_url)
    if lesson.status != 200 or f"/khoa-hoc/{slug}/bai/" not in path:
        raise SetupError(f"enrolling did not lead to a lesson: {lesson.status} at {lesson.url}")
    return Request(path, headers={"Cookie": learner.cookie_header()})


def quiz_submission(context: Context) -> Request:
    """Prepare open attempts at the course's final quiz, enough that each request submits one."""
    from quiz import prepare_submissions  # it needs Feed and Request from here

    return prepare_submissions(context, PREFERRED_COURSE, PREFERRED_QUIZ)

SCENARIOS: list[Scenario] = [
    Scenario(BASELINE, path="/", app="hello", about="bench/hello.py: one route, “Xin chào”"),
    Scenario("catalog", path="/khoa-hoc", about="the course catalog, first page, anonymous"),
    Scenario("course", setup=course_page, about="a course page, anonymous"),
    Scenario("lesson", setup=lesson_page, about="a lesson, signed in as an enrolled learner"),
    Scenario("quiz-submit", setup=quiz_submission, method="POST", expect_status=302,
             about="submit a quiz attempt (save the answers, grade once), each a new attempt"),
]
