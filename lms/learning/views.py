"""Enrolling, reading lessons, marking them done, "Học tập của tôi"."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from lms.catalog.services import course_by_slug, group_program
from lms.completion.services import attainment_of
from lms.extensions import db
from lms.learning.services import (
    LearningError,
    complete_lesson,
    done_lessons,
    enrol,
    enrolled_lesson,
    my_enrolments,
    open_lesson,
    progress_in,
)

bp = Blueprint("learning", __name__)


@bp.route("/khoa-hoc/<slug>/dang-ky-hoc", methods=["POST"])
@login_required
def enrol_course(slug: str) -> Response:
    """Enrol in a course and go to its first unfinished lesson."""
    course = course_by_slug(slug) or abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    enrol(current_user, course)
    progress = progress_in(current_user, course)
    db.session.commit()
    target = progress.resume_slug or progress.required[0] if progress.required else None
    if target is None:
        return redirect(url_for("catalog.course", slug=slug))
    return redirect(url_for("learning.lesson", slug=slug, lesson_slug=target))


@bp.route("/khoa-hoc/<slug>/bai/<lesson_slug>")
@login_required
def lesson(slug: str, lesson_slug: str) -> str | Response:
    """Read a lesson of a course the learner is enrolled in."""
    course = course_by_slug(slug) or abort(404)
    try:
        enrolment, current = enrolled_lesson(current_user, course, lesson_slug)
    except LearningError as error:
        if error.code == "no_lesson":
            abort(404)
        flash(_("Hãy bấm “Bắt đầu học” để đăng ký khoá học trước."), "info")
        return redirect(url_for("catalog.course", slug=slug))
    version = enrolment.version
    open_lesson(enrolment, current)
    done = done_lessons(current_user, course)
    db.session.commit()
    index = version.lessons.index(current)
    previous = version.lessons[index - 1] if index > 0 else None
    following = version.lessons[index + 1] if index + 1 < len(version.lessons) else None
    return render_template(
        "learning/lesson.html",
        course=course,
        version=version,
        lesson=current,
        previous=previous,
        following=following,
        done=done,
        form=FlaskForm(),
    )


@bp.route("/khoa-hoc/<slug>/bai/<lesson_slug>/hoan-thanh", methods=["POST"])
@login_required
def complete(slug: str, lesson_slug: str) -> Response:
    """Mark a lesson done and go on to the next one."""
    course = course_by_slug(slug) or abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        enrolment, current = enrolled_lesson(current_user, course, lesson_slug)
    except LearningError as error:
        abort(404 if error.code == "no_lesson" else 403)
    version = enrolment.version
    complete_lesson(current_user, enrolment, current)
    db.session.commit()
    index = version.lessons.index(current)
    if index + 1 < len(version.lessons):
        return redirect(
            url_for("learning.lesson", slug=slug, lesson_slug=version.lessons[index + 1].slug)
        )
    flash(_("Bạn đã học xong các bài của khoá “%(title)s”.", title=course.title), "success")
    return redirect(url_for("catalog.course", slug=slug))


@bp.route("/hoc-tap-cua-toi")
@login_required
def my_learning() -> str:
    """The learner's courses with progress, and their group's program."""
    enrolled = my_enrolments(current_user)
    group = group_program(current_user.learner_group)
    by_course = {p.course.id: p for p in enrolled}
    attainment = attainment_of(current_user)
    db.session.commit()
    return render_template(
        "learning/my_learning.html",
        enrolled=enrolled,
        group=group,
        by_course=by_course,
        attainment=attainment,
    )
