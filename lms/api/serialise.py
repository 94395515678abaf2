"""How the API writes the platform's objects as JSON (names as in the OpenAPI description)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from flask import url_for

from lms.catalog.models import Course, CourseVersion, Lesson, Level
from lms.catalog.models import Quiz as QuizRow
from lms.learning.services import CourseProgress
from lms.quizzes.models import QuizAttempt
from lms.quizzes.presenting import ShownQuestion


def moment(value: datetime | None) -> str | None:
    """Return a UTC moment in ISO 8601, or None."""
    return value.isoformat() if value else None


def number(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def level(info: Level) -> dict[str, Any]:
    return {"bac": info.bac, "code": info.code, "name": info.name_vi, "name_en": info.name_en}


def course_summary(course: Course) -> dict[str, Any]:
    """Return what the catalog shows of a course."""
    return {
        "slug": course.slug,
        "title": course.title,
        "summary": course.summary,
        "level": level(course.level_info),
        "minutes": course.minutes,
        "groups": sorted(g.code for g in course.groups),
        "competences": [c.code for c in course.competences],
        "links": {
            "self": url_for("api.course", slug=course.slug),
            "html": url_for("catalog.course", slug=course.slug),
        },
    }


def lesson_item(version: CourseVersion, lesson: Lesson) -> dict[str, Any]:
    return {
        "slug": lesson.slug,
        "position": lesson.position,
        "title": lesson.title,
        "minutes": lesson.minutes,
        "required": lesson.slug in version.required_lessons,
    }


def quiz_item(version: CourseVersion, quiz: QuizRow) -> dict[str, Any]:
    return {
        "slug": quiz.slug,
        "title": quiz.title,
        "required": quiz.slug in version.required_quizzes,
    }


def course_detail(course: Course, version: CourseVersion) -> dict[str, Any]:
    """Return a course with the lessons and quizzes of one of its versions."""
    return {
        **course_summary(course),
        "version": version.number,
        "lessons": [lesson_item(version, lesson) for lesson in version.lessons],
        "quizzes": [quiz_item(version, quiz) for quiz in version.quizzes],
    }


def progress(item: CourseProgress, passed: dict[str, bool] | None = None) -> dict[str, Any]:
    """Return a learner's progress in a course."""
    enrolment = item.enrolment
    result: dict[str, Any] = {
        "course": {"slug": item.course.slug, "title": item.course.title},
        "enrolled": enrolment is not None,
        "enrolled_at": moment(enrolment.enrolled_at) if enrolment else None,
        "version": enrolment.version.number if enrolment else None,
        "completed": bool(enrolment and enrolment.completed_at),
        "completed_at": moment(enrolment.completed_at) if enrolment else None,
        "required_lessons": list(item.required),
        "done_lessons": sorted(item.done),
        "done_required": item.done_required,
        "percent": item.percent,
        "resume_lesson": item.resume_slug,
    }
    if passed is not None:
        result["quizzes"] = [{"slug": slug, "passed": ok} for slug, ok in passed.items()]
    return result


def attempt_summary(attempt: QuizAttempt, course_slug: str) -> dict[str, Any]:
    """Return an attempt's state and, once submitted, its grade (no answers, no keys)."""
    return {
        "id": attempt.id,
        "course": course_slug,
        "quiz": attempt.quiz_slug,
        "number": attempt.number,
        "status": attempt.status,
        "started_at": moment(attempt.started_at),
        "deadline_at": moment(attempt.deadline_at),
        "submitted_at": moment(attempt.submitted_at),
        "closed_by": attempt.closed_by,
        "score": attempt.score,
        "max_score": attempt.max_score,
        "percent": attempt.percent,
        "passed": attempt.passed,
        "pass_percent": attempt.policy.get("pass_percent"),
        "links": {
            "self": url_for("api.attempt", attempt_id=attempt.id),
            "result": url_for("api.attempt_result", attempt_id=attempt.id),
        },
    }


def shown_answer(question: ShownQuestion) -> Any:
    """Return a saved answer in the shape it is sent (ordering: the tokens in order)."""
    if question.type == "ordering" and isinstance(question.answer, dict):
        return [token for token, _ in sorted(question.answer.items(), key=lambda kv: kv[1])]
    return question.answer


def question(shown: ShownQuestion) -> dict[str, Any]:
    """Return a question as the learner sees it while answering: no keys, no feedback."""
    return {
        "id": shown.field.removeprefix("q-"),
        "number": shown.number,
        "type": shown.type,
        "prompt": shown.prompt,
        "points": shown.points,
        "choices": [{"value": c.value, "text": c.text} for c in shown.choices],
        "lefts": [{"key": c.value, "text": c.text} for c in shown.lefts],
        "answer": shown_answer(shown),
    }


def _response_text(value: Any) -> str | None:
    return value or None


def review_item(item: dict[str, Any]) -> dict[str, Any]:
    """Return one reviewed question of a submitted attempt (only when the quiz allows review)."""
    result = item["result"]
    return {
        "question_id": result.question_id,
        "prompt": item["question"].prompt,
        "type": item["question"].type,
        "status": result.status,
        "points": result.points,
        "max_points": result.max_points,
        "given": _response_text(item["given"]),
        "right": _response_text(item["right"]),
        "feedback": result.feedback,
        "explanation": getattr(item["question"], "explanation", None),
    }


def figure(fig: Any) -> dict[str, Any]:
    """Return one figure in the export's column names (DESIGN §6)."""
    return {
        "place_code": fig.place_code,
        "place_name": fig.place_name,
        "province_code": fig.province_code,
        "learner_group": fig.learner_group,
        "population": fig.population,
        "registered": fig.counts.registered,
        "active_30d": fig.counts.active,
        "completed_any_course": fig.counts.completed,
        "attained": fig.counts.attained,
        "attainment_percent": number(fig.attainment_percent),
        "target_percent": number(fig.target_percent),
        "gap_percent": number(fig.gap_percent),
    }
