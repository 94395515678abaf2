"""Teachers' view of quizzes: attempts, score distribution, item analysis, CSV export.

A teacher sees the quizzes of the courses they author or co-author; admins see every quiz.
It lives in authoring because that is where authorship is known (authoring sits above quizzes)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template
from flask_login import current_user
from sqlalchemy import select

from lms.authoring.access import can_edit, editable_courses_query
from lms.catalog.models import Quiz as QuizRow
from lms.core.csvfile import csv_text
from lms.core.security import roles_required
from lms.extensions import db
from lms.quizzes.services import quiz_of
from lms.quizzes.stats import FLAG_LABELS, item_analysis, quiz_summaries

bp = Blueprint("quiz_stats", __name__, url_prefix="/giang-vien/kiem-tra")


@bp.route("")
@roles_required("teacher", "admin")
def index() -> str:
    """Every quiz with its number of submitted attempts."""
    course_ids = select(editable_courses_query(current_user).subquery().c.id)
    return render_template("quizzes/stats_index.html", summaries=quiz_summaries(course_ids))


def _authored_quiz(quiz_id: int) -> QuizRow:
    quiz_row = db.session.get(QuizRow, quiz_id) or abort(404)
    if not can_edit(current_user, quiz_row.version.course):
        abort(403)
    return quiz_row


@bp.route("/<int:quiz_id>")
@roles_required("teacher", "admin")
def detail(quiz_id: int) -> str:
    """Score distribution and item analysis of one quiz version."""
    quiz_row = _authored_quiz(quiz_id)
    analysis = item_analysis(quiz_row)
    quiz = quiz_of(quiz_row)
    return render_template(
        "quizzes/stats.html",
        quiz_row=quiz_row,
        quiz=quiz,
        analysis=analysis,
        flag_labels=FLAG_LABELS,
        peak=max(analysis.distribution or (0,)) or 1,
    )


@bp.route("/<int:quiz_id>/phan-tich.csv")
@roles_required("teacher", "admin")
def export(quiz_id: int) -> Response:
    """The item analysis as CSV (UTF-8 with BOM, formula-like cells neutralised)."""
    quiz_row = _authored_quiz(quiz_id)
    analysis = item_analysis(quiz_row)
    quiz = quiz_of(quiz_row)
    rows = [
        (
            item.question_id,
            quiz.question(item.question_id).prompt,
            item.presented,
            item.answered,
            "" if item.facility is None else round(item.facility, 3),
            "" if item.discrimination is None else round(item.discrimination, 3),
            "; ".join(str(FLAG_LABELS.get(f, f)) for f in item.flags),
        )
        for item in analysis.items
    ]
    body = csv_text(
        ["ma_cau", "cau_hoi", "so_lan_gap", "so_lan_tra_loi", "do_de", "do_phan_biet", "canh_bao"],
        rows,
    )
    filename = (
        f"phan-tich-{quiz_row.version.course.slug}-{quiz_row.slug}-v{quiz_row.version.number}.csv"
    )
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
