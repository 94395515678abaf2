"""The quiz-submit scenario: quiz submissions per second, each grading a different attempt.

Submitting is not a request that can be repeated: the first POST to /lam-bai/<id>/nop
saves the answers and grades the attempt, a second one finds it graded and only
redirects. So the scenario prepares more open attempts than wrk can submit (one per
learner: the app allows one open attempt per learner and quiz), some before the warm-up
and the rest once the warm-up's rate is known, and bench/submit.lua sends each prepared
submission once. See bench/README.md.
"""

from __future__ import annotations

import json
import math
import secrets
import sys
import time
from pathlib import Path
from typing import Any

from client import USER_AGENT, Page
from databases import Database, SetupError
from loadgen import Measurement
from scenarios import Context, Feed, Request

QUIZPREP = Path(__file__).resolve().parent / "quizprep.py"
# How many attempts to prepare. Preparing costs 10–30 ms per learner here, so not many
# more than needed: first enough for the warm-up at WARMUP_RATE submissions/s (several
# times what 2 cores manage), then, knowing the warm-up's rate, enough for HEADROOM times
# that rate over the measured run (the 2 s warm-up, cold, runs at half the steady rate or
# more). A wrk thread that runs out anyway stops rather than re-submit a graded attempt,
# and the report says so (wrk then understates req/s: it divides by the whole duration).
WARMUP_RATE = 150
NO_WARMUP_RATE = 250  # with --warmup 0, for the whole measured run at once
HEADROOM = 3.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def prepare_submissions(context: Context, course: str, quiz: str) -> Request:
    """Prepare the attempts and their submissions; return the first one (the probe) with them."""
    database = context.database
    if database is None:
        raise SetupError("submitting a quiz needs the platform, not the hello app")
    feed = QuizFeed(context, database, course, quiz)
    if context.quiz_attempts:
        feed.prepare(context.quiz_attempts)
    elif context.warmup:
        feed.prepare(1 + WARMUP_RATE * context.warmup + 2 * context.connections)
    else:
        feed.prepare(1 + NO_WARMUP_RATE * context.duration + 2 * context.connections)
    with feed.file.open(encoding="utf-8") as lines:
        _attempt_id, path, cookie, result_path, body = lines.readline().rstrip("\n").split("\t")
    feed.probe_result_path = result_path
    return Request(path, headers={"Cookie": cookie,
                                  "Content-Type": "application/x-www-form-urlencoded"},
                   method="POST", body=body.encode(), feed=feed)


def _json(output: str) -> dict[str, Any]:
    return json.loads(output.strip().splitlines()[-1])


class QuizFeed(Feed):
    """The prepared submissions, and the checks that each measured one graded an attempt.

    Line i of the file is attempt ids[i]. A wrk run uses the lines from its start offset
    to the offset after it; the attempts graded among those are counted in the database,
    once the server has finished the requests wrk left in flight when it stopped."""

    def __init__(self, context: Context, database: Database, course: str, quiz: str) -> None:
        super().__init__(database.instance_path / "quiz-submissions.tsv", size=0, offset=1)
        self.context = context  # line 0 is the probe, wrk starts at line 1
        self.database = database
        self.course, self.quiz = course, quiz
        self.tag = secrets.token_hex(3)  # the learners' logins: nopbai.<tag>.<n>@example.com
        self.ids: list[int] = []
        self.questions = 0
        self.setup_seconds = 0.0
        self.probe_result_path = ""
        self.run_start = 1

    def prepare(self, count: int) -> None:
        """Add `count` learners with an open attempt, and their submissions, to the file."""
        log(f"[{self.database.name}] quiz-submit: preparing {count:,} learners with an open "
            f"attempt at {self.course}/{self.quiz}…")
        started = time.perf_counter()
        summary = _json(self.database.script(
            QUIZPREP, "prepare", "--course", self.course, "--quiz", self.quiz,
            "--count", str(count), "--first", str(self.size), "--tag", self.tag,
            "--user-agent", USER_AGENT, "--remote-addr", "127.0.0.1", "--out", str(self.file),
        ))
        seconds = time.perf_counter() - started
        self.setup_seconds += seconds
        with self.file.open(encoding="utf-8") as lines:
            self.ids = [int(line.split("\t", 1)[0]) for line in lines]
        self.size = len(self.ids)
        self.questions = summary["questions"]
        log(f"[{self.database.name}] quiz-submit: {summary['attempts']:,} attempts of "
            f"{self.questions} questions in {seconds:.1f} s; seconds spent: {summary['timings']}")

    def _count(self, start: int, stop: int, expect: int = 0) -> dict[str, Any]:
        """Count the graded attempts of lines start..stop-1, waiting until `expect` are."""
        if stop <= start:
            return {"open": 0, "graded": 0, "graded_by": {}, "mean_percent": None}
        first, last = self.ids[start], self.ids[stop - 1]
        return _json(self.database.script(
            QUIZPREP, "count", "--first-id", str(first), "--last-id", str(last),
            "--expect", str(expect), "--timeout", "10",
        ))

    def _run_counts(self, measurement: Measurement) -> dict[str, Any]:
        """What the wrk run that just ended did, wrk's side and the database's."""
        fed = measurement.feed or {}
        sent = max(0, fed.get("used", 0) - 1)  # wrk builds one request to check, never sends it
        in_flight = max(0, sent - measurement.requests)
        redirects = fed.get("submitted", 0)
        counts = self._count(self.run_start, self.offset, expect=redirects + in_flight)
        self.run_start = self.offset
        return {
            "sent": sent,
            "answers": measurement.requests,
            "redirects_to_result": redirects,
            "server_errors": fed.get("failed", 0),
            "other_answers": fed.get("wrong", 0),
            "in_flight_at_end": in_flight,
            "graded": counts["graded"],
            "mean_percent": counts["mean_percent"],
            "ran_out": bool(fed.get("exhausted")),
        }

    def check_probe(self, page: Page) -> None:
        location = page.headers.get("Location", "")
        if not location.endswith(self.probe_result_path):
            raise SetupError(f"the submission redirected to {location or 'nowhere'}, "
                             f"not to {self.probe_result_path}")
        counts = self._count(0, 1)
        if counts["graded"] != 1:
            raise SetupError(f"the probe's attempt {self.ids[0]} was not graded: {counts}")
        if counts["mean_percent"] != 100:
            raise SetupError(f"the probe's answers, all right, scored {counts['mean_percent']}%: "
                             "the prepared form no longer matches the quiz page")

    def after_warmup(self, measurement: Measurement) -> None:
        fed = measurement.feed or {}
        if fed.get("wrong"):  # 5xx are the app's failures, reported; these are ours
            raise SetupError(f"during the warm-up {fed['wrong']} of {measurement.requests} "
                             "submissions were answered neither with the redirect to their "
                             f"result nor with a server error (first status "
                             f"{fed['first_wrong_status']}): the prepared requests are wrong")
        self._run_counts(measurement)  # also waits for the warm-up's last requests
        if self.context.quiz_attempts:
            return
        rate = measurement.rps
        if fed.get("exhausted"):  # it ran out before its time: the true rate is higher
            rate *= 2
        needed = math.ceil(HEADROOM * rate * self.context.duration
                           + 2 * self.context.connections)
        left = self.size - self.offset
        if left < needed:
            log(f"[{self.database.name}] quiz-submit: the warm-up ran at "
                f"{measurement.rps:.0f}/s, {left:,} attempts left")
            self.prepare(needed - left)

    def before_measure(self) -> None:
        self.run_start = self.offset

    def after_measure(self, measurement: Measurement) -> dict[str, Any]:
        details = self._run_counts(measurement)
        # A redirect to the result page with no attempt graded behind it is an error too.
        measurement.errors["not_graded"] = max(0, details["redirects_to_result"]
                                               - details["graded"])
        if details["ran_out"]:  # wrk divides by the whole duration: req/s is understated
            measurement.errors["ran_out"] = 1
        return {
            "attempts_prepared": self.size,
            "setup_s": round(self.setup_seconds, 1),
            "questions_per_attempt": self.questions,
            **details,
            "attempts_left": max(0, self.size - self.offset),
        }


def _others(details: dict[str, Any]) -> str:
    parts = []
    if details.get("server_errors"):
        parts.append(f"{details['server_errors']:,} server errors (5xx)")
    if details.get("other_answers"):
        parts.append(f"{details['other_answers']:,} other answers")
    return f" ({', '.join(parts)})" if parts else ""


def describe(database: str, details: dict[str, Any]) -> str:
    """One line for the report under the table."""
    text = (
        f"Quiz submissions on {database}: {details['attempts_prepared']:,} open attempts "
        f"({details['questions_per_attempt']} questions each) prepared in "
        f"{details['setup_s']:.0f} s; in the measured run wrk sent {details['sent']:,} "
        f"submissions and got {details['answers']:,} answers, "
        f"{details['redirects_to_result']:,} of them the redirect to the result page"
        f"{_others(details)}; "
        f"{details['graded']:,} attempts were graded "
        f"({details['in_flight_at_end']} requests were still in flight when wrk stopped)"
    )
    if details["mean_percent"] is not None:
        text += (f"; every answer sent is right, and the graded attempts scored "
                 f"{details['mean_percent']:.0f}% on average")
    if details["ran_out"]:
        text += (". RAN OUT of prepared attempts before the end, so req/s is understated: "
                 "raise --quiz-attempts")
    return text + "."
