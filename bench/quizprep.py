"""Prepare open quiz attempts for the `quiz-submit` scenario, with the app's own services.

Run by bench/quiz.py in the environment of the server under test (DATABASE_URL,
LMS_INSTANCE_PATH, SECRET_KEY), never by hand:

    python bench/quizprep.py prepare --course SLUG --quiz SLUG --count N --first K \
        --user-agent UA --remote-addr 127.0.0.1 --out FILE
    python bench/quizprep.py count --first-id A --last-id B [--expect N [--timeout S]]

`prepare` creates N learners (one shared, precomputed Argon2 hash instead of one hash each),
enrols each in the course, signs each in (a server-side session, and the signed Flask
session cookie a browser would then hold, with its CSRF token), starts one attempt each,
and appends one line per attempt to FILE. Like the app's own bulk writer (`lms demo
generate`), it leaves the reports rollup alone while writing, then rebuilds it as
`lms stats rebuild` does: kept up to date on every flush, the rollup would cost half the
preparation time, and the result is the same. The lines are:

    <attempt id> TAB <submit path> TAB <Cookie header> TAB <result path> TAB <form body>

where the body is the form a browser sends on “Nộp bài” with every drawn question answered
correctly (the engine's correct_response(), shown through the attempt's random tokens).
It prints a JSON summary on its last line. `count` prints how many attempts in an id range
are graded, as JSON.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BATCH = 250  # learners per transaction


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    prepare = commands.add_parser("prepare")
    prepare.add_argument("--course", required=True)
    prepare.add_argument("--quiz", required=True)
    prepare.add_argument("--count", type=int, required=True)
    prepare.add_argument("--first", type=int, default=0, help="number of the first learner")
    prepare.add_argument("--tag", required=True, help="makes the learners' logins unique")
    prepare.add_argument("--user-agent", required=True)
    prepare.add_argument("--remote-addr", default="127.0.0.1")
    prepare.add_argument("--out", type=Path, required=True)
    count = commands.add_parser("count")
    count.add_argument("--first-id", type=int, required=True)
    count.add_argument("--last-id", type=int, required=True)
    count.add_argument("--expect", type=int, default=0,
                       help="count again until this many are graded (requests still being "
                            "served when wrk stopped), for at most --timeout seconds")
    count.add_argument("--timeout", type=float, default=10.0)
    return parser.parse_args(argv)


def form_fields(quiz: Any, attempt: Any, csrf_token: str) -> list[tuple[str, str]]:
    """The fields a browser sends for take.html with every question answered correctly."""
    from assessments import AttemptLayout
    from lms.quizzes.presenting import show_questions

    layout = AttemptLayout.from_dict(attempt.layout)
    right = {qid: quiz.question(qid).correct_response() for qid in layout.question_ids}
    fields = [("csrf_token", csrf_token)]
    for q in show_questions(quiz, layout, attempt.tokens, right):
        fields.append(("present", q.field))
        answer = q.answer
        if q.type in ("single_choice", "true_false"):
            fields.append((q.field, answer or ""))
        elif q.type == "multiple_choice":
            fields += [(q.field, c.value) for c in q.choices if c.value in (answer or ())]
        elif q.type == "short_answer":
            fields.append((q.field, answer or ""))
        elif q.type == "numeric":
            fields.append((q.field, "" if answer is None else format(answer, "g")))
        elif q.type == "matching":
            fields += [(f"{q.field}-{left.value}", (answer or {}).get(left.value) or "")
                       for left in q.lefts]
        elif q.type == "ordering":
            fields += [(f"{q.field}-{c.value}", str((answer or {}).get(c.value, "")))
                       for c in q.choices]
        else:
            raise SystemExit(f"quizprep: no form for question type {q.type!r}; teach form_fields")
    return fields


@contextmanager
def rollup_rebuilt_after(timings: dict[str, float]) -> Iterator[None]:
    """Detach the rollup's flush listeners, if the app has them, and rebuild it at the end."""
    try:
        from sqlalchemy import event
        from sqlalchemy.orm import Session

        from lms.extensions import db
        from lms.reports import listeners
        from lms.reports.rollup import rebuild_rollup
    except ImportError:  # an app without the reports rollup
        yield
        return
    hooks = [(Session, name, getattr(listeners, f"_{name}", None))
             for name in ("before_flush", "after_flush")]
    detached = [hook for hook in hooks if hook[2] is not None and event.contains(*hook)]
    for hook in detached:
        event.remove(*hook)
    try:
        yield
    finally:
        for hook in detached:
            event.listen(*hook)
    if detached:
        started = time.perf_counter()
        rebuild_rollup(db.session.connection())
        db.session.commit()
        timings["rollup_rebuild"] = time.perf_counter() - started


def prepare(args: argparse.Namespace) -> dict[str, Any]:
    from flask import g, session, url_for
    from flask_wtf.csrf import generate_csrf

    from lms import create_app
    from lms.accounts.models import User
    from lms.accounts.passwords import hash_password
    from lms.accounts.sessions import sign_in
    from lms.catalog.services import course_by_slug
    from lms.core.text import search_key
    from lms.extensions import db
    from lms.learning.services import enrol
    from lms.quizzes.services import quiz_of, start_attempt

    app = create_app()
    timings: dict[str, float] = {}
    with app.app_context():
        course = course_by_slug(args.course)
        if course is None or course.current_version is None:
            raise SystemExit(f"quizprep: no published course {args.course!r}")
        quiz_row = next((q for q in course.current_version.quizzes if q.slug == args.quiz), None)
        if quiz_row is None:
            raise SystemExit(f"quizprep: course {args.course!r} has no quiz {args.quiz!r}")
        quiz = quiz_of(quiz_row)
        quiz_id = quiz_row.id
        serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
        if serializer is None:
            raise SystemExit("quizprep: the app has no SECRET_KEY to sign sessions with")
        cookie_name = app.config["SESSION_COOKIE_NAME"]
        csrf_field = app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        started = time.perf_counter()
        shared_hash = hash_password(secrets.token_urlsafe(16))  # one Argon2 hash for everyone
        timings["hash"] = time.perf_counter() - started
        timings.update(accounts=0.0, sign_in=0.0, attempts=0.0, forms=0.0, commit=0.0)
        ids: list[int] = []
        questions = 0
        environ = {"REMOTE_ADDR": args.remote_addr}
        with rollup_rebuilt_after(timings), args.out.open("a", encoding="utf-8") as out:
            for start in range(args.first, args.first + args.count, BATCH):
                numbers = range(start, min(start + BATCH, args.first + args.count))
                clock = time.perf_counter()
                learners = []
                for n in numbers:
                    name = f"Học viên nộp bài {n + 1}"
                    learners.append(User(
                        full_name=name, name_key=search_key(name),
                        email=f"nopbai.{args.tag}.{n + 1}@example.com",
                        password_hash=shared_hash, role="learner", learner_group="citizen",
                    ))
                db.session.add_all(learners)
                db.session.flush()
                for learner in learners:
                    enrol(learner, course)
                timings["accounts"] += time.perf_counter() - clock
                lines = []
                for learner in learners:
                    clock = time.perf_counter()
                    with app.test_request_context(
                        "/", headers={"User-Agent": args.user_agent}, environ_base=environ
                    ):
                        sign_in(learner)  # user_sessions row + Flask-Login's keys in the session
                        # g belongs to the app context, which every learner shares here:
                        # forget the previous learner's token, as a new request would.
                        g.pop(csrf_field, None)
                        csrf_token = generate_csrf()  # its raw token goes in the session too
                        cookie = f"{cookie_name}={serializer.dumps(dict(session))}"
                        timings["sign_in"] += time.perf_counter() - clock
                        clock = time.perf_counter()
                        attempt = start_attempt(learner, course, quiz_row)
                        submit_path = url_for("quizzes.submit", attempt_id=attempt.id)
                        result_path = url_for("quizzes.result", attempt_id=attempt.id)
                        timings["attempts"] += time.perf_counter() - clock
                    clock = time.perf_counter()
                    fields = form_fields(quiz, attempt, csrf_token)
                    questions = max(questions, sum(1 for name, _ in fields if name == "present"))
                    body = urllib.parse.urlencode(fields)
                    lines.append(f"{attempt.id}\t{submit_path}\t{cookie}\t{result_path}\t{body}\n")
                    ids.append(attempt.id)
                    timings["forms"] += time.perf_counter() - clock
                clock = time.perf_counter()
                db.session.commit()
                out.writelines(lines)
                timings["commit"] += time.perf_counter() - clock
    return {
        "attempts": len(ids),
        "first_id": min(ids, default=None),
        "last_id": max(ids, default=None),
        "quiz_id": quiz_id,
        "questions": questions,
        "timings": {k: round(v, 2) for k, v in timings.items()},
    }


def count(args: argparse.Namespace) -> dict[str, Any]:
    from sqlalchemy import func, select

    from lms import create_app
    from lms.extensions import db
    from lms.quizzes.models import OPEN, QuizAttempt

    query = (
        select(QuizAttempt.status, QuizAttempt.closed_by, func.count(),
               func.sum(QuizAttempt.percent))
        .where(QuizAttempt.id.between(args.first_id, args.last_id))
        .group_by(QuizAttempt.status, QuizAttempt.closed_by)
    )
    app = create_app()
    deadline = time.monotonic() + args.timeout
    with app.app_context():
        while True:
            rows = db.session.execute(query).all()
            graded_now = sum(n for status, _, n, _ in rows if status != OPEN)
            if graded_now >= args.expect or time.monotonic() > deadline:
                break
            db.session.rollback()  # a new transaction sees what was committed meanwhile
            time.sleep(0.25)
    graded = [(by, n, total) for status, by, n, total in rows if status != OPEN]
    return {
        "open": sum(n for status, _, n, _ in rows if status == OPEN),
        "graded": sum(n for _, n, _ in graded),
        "graded_by": {str(by): n for by, n, _ in graded},
        "mean_percent": (sum(total or 0 for _, _, total in graded) / sum(n for _, n, _ in graded)
                         if graded else None),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    summary = prepare(args) if args.command == "prepare" else count(args)
    summary["seconds"] = round(time.perf_counter() - started, 2)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
