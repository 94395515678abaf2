"""Authoring rules called directly: permissions, drafts, publishing, versions, history, bank."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assessments import parse_gift, question_to_dict
from lms.accounts.models import User
from lms.authoring import bank, drafts, publishing
from lms.authoring.access import AuthoringDenied, can_edit
from lms.authoring.models import AuditEvent, CourseAuthor
from lms.catalog.models import Course, CourseVersion
from lms.extensions import db
from lms.learning.services import enrol, enrolment_for
from lms.quizzes.services import save_answers, start_attempt, submit_attempt
from tests.lms.authoring_helpers import ALL_TYPES, SINGLE, build_course, png_bytes


@pytest.fixture
def people(app, make_user):
    """An owner teacher, a co-author, another teacher, an admin and a learner (ids)."""
    return {
        "owner": make_user(role="teacher", full_name="Cô Lan"),
        "coauthor": make_user(role="teacher", full_name="Thầy Minh", login="minh@example.com"),
        "stranger": make_user(role="teacher", full_name="Cô Hoa"),
        "admin": make_user(role="admin", full_name="Quản trị"),
        "learner": make_user(),
    }


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    user.is_authenticated  # noqa: B018 - a loaded, signed-in-like user for the rules
    return user


def test_only_authors_and_admins_edit_a_course(app, scratch, people):
    with app.test_request_context():
        owner, stranger = _user(people["owner"]), _user(people["stranger"])
        course = build_course(owner, publish=False)
        drafts.add_coauthor(owner, course, "minh@example.com")
        coauthor, admin = _user(people["coauthor"]), _user(people["admin"])
        learner = _user(people["learner"])
        assert can_edit(owner, course) and can_edit(coauthor, course) and can_edit(admin, course)
        assert not can_edit(stranger, course) and not can_edit(learner, course)
        for actor in (stranger, learner):
            with pytest.raises(AuthoringDenied):
                drafts.add_lesson(actor, course, "Bài lạ")
            with pytest.raises(AuthoringDenied):
                publishing.publish_course(actor, course)
            with pytest.raises(AuthoringDenied):
                bank.bank_of(actor, course)
        with pytest.raises(AuthoringDenied):  # a co-author edits but does not manage authors
            drafts.add_coauthor(coauthor, course, "user3@example.com")
        drafts.add_lesson(coauthor, course, "Bài của đồng tác giả")
        with pytest.raises(AuthoringDenied):
            drafts.create_course(learner, "Khoá của học viên")
        db.session.rollback()


def test_shipped_course_without_authors_is_editable_by_admins_only(app, people):
    with app.test_request_context():
        course = db.session.scalar(select(Course).where(Course.is_published.is_(True)))
        assert can_edit(_user(people["admin"]), course)
        assert not can_edit(_user(people["owner"]), course)
        db.session.rollback()


def test_publish_makes_a_version_and_an_unchanged_draft_publishes_nothing(app, scratch, people):
    with app.test_request_context():
        owner = _user(people["owner"])
        course = build_course(owner)
        db.session.commit()
        version = course.current_version
        assert version.number == 1 and course.is_published
        assert [lesson.title for lesson in version.lessons] == ["Gọi điện", "Nhắn tin"]
        assert 'src="/media/' in version.lessons[0].body_html
        assert 'alt="Màn hình chính"' in version.lessons[0].body_html
        assert version.lessons[0].media[0]["kind"] == "audio"
        assert version.required_quizzes == ["kiem-tra-cuoi-khoa"]
        again = publishing.publish_course(owner, course)
        assert again.created is False and again.version.id == version.id
        assert (
            db.session.scalar(
                select(db.func.count(CourseVersion.id)).where(CourseVersion.course_id == course.id)
            )
            == 1
        )
        drafts.save_lesson(owner, course, "nhan-tin", "Nhắn tin", 4, "Nội dung mới.\n")
        outcome = publishing.publish_course(owner, course)
        assert outcome.created and outcome.version.number == 2
        assert outcome.version.lessons[1].body_source == "Nội dung mới.\n"
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.course_id == course.id)
        ).all()
        assert actions.count("course.publish") == 2 and "lesson.update" in actions
        db.session.commit()


def test_draft_of_a_loaded_course_publishes_nothing_until_changed(app, people):
    with app.test_request_context():
        admin = _user(people["admin"])
        course = db.session.scalar(select(Course).where(Course.slug == "vneid-va-dich-vu-cong"))
        before = course.current_version_id
        draft = drafts.get_draft(admin, course)
        assert not publishing.draft_changed(course, draft)
        assert publishing.publish_course(admin, course).created is False
        assert course.current_version_id == before
        db.session.rollback()


def test_new_version_keeps_attempt_in_progress_and_moves_learner_forward(app, scratch, people):
    with app.test_request_context():
        owner, learner = _user(people["owner"]), _user(people["learner"])
        course = build_course(owner)
        first = course.current_version
        enrol(learner, course)
        attempt = start_attempt(learner, course, first.quizzes[0])
        save_answers(attempt, {"q1": "a"})
        db.session.commit()
        bank.update_question(owner, course, "q1", {**SINGLE, "prompt": "Câu hỏi đã sửa?"})
        drafts.save_lesson(owner, course, "goi-dien", "Gọi điện (sửa)", 5, "Nội dung đã sửa.\n")
        second = publishing.publish_course(owner, course).version
        db.session.commit()
        assert second.number == 2
        assert enrolment_for(learner, course).version_id == second.id  # moved forward
        assert attempt.quiz_id == first.quizzes[0].id  # the attempt keeps its quiz version
        save_answers(attempt, {"q2": True, "q3": "113"})
        graded = submit_attempt(attempt)
        assert graded.passed and graded.percent == 100.0
        assert first.quizzes[0].definition["questions"][0]["prompt"] != "Câu hỏi đã sửa?"
        db.session.commit()


def test_lesson_history_keeps_every_save_and_restores(app, scratch, people):
    with app.test_request_context():
        owner = _user(people["owner"])
        course = build_course(owner, publish=False)
        drafts.save_lesson(owner, course, "nhan-tin", "Nhắn tin", 4, "Bản hai.\n")
        drafts.save_lesson(owner, course, "nhan-tin", "Nhắn tin", 4, "Bản ba.\n")
        history = drafts.lesson_history(owner, course, "nhan-tin")
        assert [r.body_source for r in history[:3]] == [
            "Bản ba.\n",
            "Bản hai.\n",
            "Mở ứng dụng **Tin nhắn**.\n",
        ]
        assert history[0].saved_by_name == "Cô Lan"
        restored = drafts.restore_revision(owner, course, "nhan-tin", history[1].number)
        assert restored.body_source == "Bản hai.\n"
        drafts.delete_lesson(owner, course, "nhan-tin")
        drafts.restore_revision(owner, course, "nhan-tin", history[2].number)
        draft = drafts.get_draft(owner, course)
        assert [lesson.slug for lesson in draft.lessons] == ["goi-dien", "nhan-tin"]
        with pytest.raises(AuthoringDenied):
            drafts.lesson_history(_user(people["stranger"]), course, "nhan-tin")
        db.session.rollback()


def test_images_need_alt_text_and_must_be_course_files(app, scratch, people):
    with app.test_request_context():
        owner = _user(people["owner"])
        course = build_course(owner, publish=False)
        path = drafts.get_draft(owner, course).files[0].path
        with pytest.raises(drafts.AuthoringError, match="thiếu mô tả"):
            drafts.save_lesson(owner, course, "goi-dien", "Gọi điện", 5, f"![]({path})")
        with pytest.raises(drafts.AuthoringError, match="không có trong tệp"):
            drafts.save_lesson(
                owner, course, "goi-dien", "Gọi điện", 5, "![Ảnh](https://x.vn/a.png)"
            )
        with pytest.raises(drafts.AuthoringError, match="mô tả"):
            drafts.insert_image(owner, course, "goi-dien", png_bytes(), "a.png", "   ")
        db.session.rollback()


def test_every_question_type_round_trips_through_the_bank_and_gift(app, scratch, people):
    with app.test_request_context():
        owner = _user(people["owner"])
        course = build_course(owner, quiz_questions=ALL_TYPES, publish=False)
        gift, warnings = bank.export_questions(owner, course, "gift", "kiem-tra-cuoi-khoa")
        assert any("ordering" in w or "sắp xếp" in w for w in warnings)
        exported = [row.definition for row in bank.bank_of(owner, course)]
        other = drafts.create_course(owner, "Khoá nhận câu hỏi", "test-nhan-cau-hoi")
        outcome = bank.import_questions(owner, other, gift, "gift")
        imported = {row.qid: row.definition for row in bank.bank_of(owner, other)}
        gift_types = [d for d in exported if d["type"] != "ordering"]
        assert outcome.added == [d["id"] for d in gift_types]
        assert [imported[d["id"]] for d in gift_types] == gift_types
        assert parse_gift(gift).questions  # the engine reads what it wrote
        yaml_text, _ = bank.export_questions(owner, course, "yaml", "kiem-tra-cuoi-khoa")
        third = drafts.create_course(owner, "Khoá YAML", "test-nhan-yaml")
        bank.import_questions(owner, third, yaml_text, "yaml")
        assert [row.definition for row in bank.bank_of(owner, third)] == exported
        again = bank.import_questions(owner, third, yaml_text, "yaml")  # ids taken: renamed
        assert set(again.renamed) == {d["id"] for d in exported}
        db.session.rollback()


def test_question_errors_name_the_field(app, scratch, people):
    with app.test_request_context():
        owner = _user(people["owner"])
        course = build_course(owner, publish=False)
        broken = {
            **SINGLE,
            "options": [{"id": "a", "text": "Một", "correct": False}, {"id": "b", "text": "Hai"}],
        }
        with pytest.raises(drafts.AuthoringError) as caught:
            bank.create_question(owner, course, broken)
        assert "đúng một phương án đúng" in caught.value.message
        with pytest.raises(drafts.AuthoringError, match="GIFT|dòng|câu"):
            bank.import_questions(owner, course, "::q::Câu hỏi {=a ~b", "gift")
        with pytest.raises(drafts.AuthoringError):
            bank.import_questions(owner, course, "questions:\n  - id: x\n    type: nope\n", "yaml")
        db.session.rollback()


def test_quiz_settings_are_checked(app, scratch, people):
    with app.test_request_context():
        owner = _user(people["owner"])
        course = build_course(owner, publish=False)
        with pytest.raises(drafts.AuthoringError):
            bank.update_quiz(owner, course, "kiem-tra-cuoi-khoa", "K", {"pass_percent": 140})
        with pytest.raises(drafts.AuthoringError, match="Số câu rút"):
            bank.update_quiz(owner, course, "kiem-tra-cuoi-khoa", "K", {"draw": 9})
        quiz = bank.update_quiz(
            owner,
            course,
            "kiem-tra-cuoi-khoa",
            "K",
            {"draw": 2, "max_attempts": 3, "review": "score"},
        )
        assert quiz.settings["draw"] == 2 and quiz.settings["review"] == "score"
        db.session.rollback()


def test_publish_refuses_a_quiz_nobody_can_pass(app, scratch, people):
    with app.test_request_context():
        owner = _user(people["owner"])
        course = build_course(owner, publish=False)
        bank.create_quiz(owner, course, "Bài trống")
        problems = publishing.draft_problems(drafts.get_draft(owner, course))
        assert any("chưa có câu hỏi" in p for p in problems)
        with pytest.raises(drafts.AuthoringError):
            publishing.publish_course(owner, course)
        db.session.rollback()


def test_owner_manages_coauthors(app, scratch, people):
    with app.test_request_context():
        owner = _user(people["owner"])
        course = build_course(owner, publish=False)
        with pytest.raises(drafts.AuthoringError, match="Chỉ giáo viên"):
            drafts.add_coauthor(owner, course, db.session.get(User, people["learner"]).login)
        drafts.add_coauthor(owner, course, "minh@example.com")
        with pytest.raises(drafts.AuthoringError, match="đã là tác giả"):
            drafts.add_coauthor(owner, course, "minh@example.com")
        drafts.remove_coauthor(owner, course, people["coauthor"])
        assert db.session.get(CourseAuthor, (course.id, people["coauthor"])) is None
        with pytest.raises(drafts.AuthoringError):
            drafts.remove_coauthor(owner, course, people["owner"])
        db.session.rollback()


def test_same_upload_is_stored_once(app, scratch, people):
    with app.test_request_context():
        owner = _user(people["owner"])
        course = build_course(owner, publish=False)
        one = drafts.upload_file(owner, course, png_bytes(9, 9), "mot.png", "image")
        two = drafts.upload_file(owner, course, png_bytes(9, 9), "hai.png", "image")
        assert one.id == two.id and one.path.startswith("media/mot-")
        db.session.rollback()


def test_question_ids_stay_when_edited(app, scratch, people):
    with app.test_request_context():
        owner = _user(people["owner"])
        course = build_course(owner, publish=False)
        row = bank.update_question(owner, course, "q1", {**SINGLE, "id": "khac"})
        assert row.qid == "q1" and row.definition["id"] == "q1"
        assert question_to_dict(bank.validate_question(row.definition)) == row.definition
        db.session.rollback()


def test_a_coauthors_question_save_is_never_overwritten_silently(app, scratch, people):
    """Both open question q1; the co-author saves first; the owner's save is refused (naming
    the co-author) unless it is identical, and goes through once reopened on the new text."""
    with app.test_request_context():
        owner, coauthor = _user(people["owner"]), _user(people["coauthor"])
        course = build_course(owner, publish=False)
        drafts.add_coauthor(owner, course, "minh@example.com")
        opened = bank.fingerprint(bank.bank_question(owner, course, "q1").definition)
        minh = {**SINGLE, "prompt": "Câu của Minh?"}
        bank.update_question(coauthor, course, "q1", minh, opened)
        with pytest.raises(drafts.AuthoringError, match="Thầy Minh vừa lưu câu hỏi này"):
            bank.update_question(owner, course, "q1", {**SINGLE, "prompt": "Câu của Lan?"}, opened)
        assert bank.bank_question(owner, course, "q1").definition["prompt"] == "Câu của Minh?"
        bank.update_question(owner, course, "q1", minh, opened)  # the same text: no conflict
        latest = bank.fingerprint(bank.bank_question(owner, course, "q1").definition)
        row = bank.update_question(
            owner, course, "q1", {**SINGLE, "prompt": "Câu của Lan?"}, latest
        )
        assert row.definition["prompt"] == "Câu của Lan?"
        db.session.rollback()


def test_a_coauthors_save_is_never_overwritten_silently(app, scratch, people):
    with app.test_request_context():
        owner, coauthor = _user(people["owner"]), _user(people["coauthor"])
        course = build_course(owner, publish=False)
        drafts.add_coauthor(owner, course, "minh@example.com")
        opened = drafts.latest_revision(course, "nhan-tin").number  # both open the editor
        drafts.save_lesson(coauthor, course, "nhan-tin", "Nhắn tin", 4, "Bản của Minh.\n", opened)
        with pytest.raises(drafts.AuthoringError, match="Thầy Minh vừa lưu bài này"):
            drafts.save_lesson(owner, course, "nhan-tin", "Nhắn tin", 4, "Bản của Lan.\n", opened)
        assert drafts.lesson_of(drafts.get_draft(owner, course), "nhan-tin").body_source == (
            "Bản của Minh.\n"
        )
        latest = drafts.latest_revision(course, "nhan-tin").number
        assert drafts.save_lesson(
            owner, course, "nhan-tin", "Nhắn tin", 4, "Bản của Lan.\n", latest
        )
        db.session.rollback()


def test_a_file_nothing_uses_is_deleted_and_a_used_one_is_refused(app, scratch, people):
    """The image and the audio of the first lesson are used; an extra upload is not. Deleting
    the extra one removes it from the draft only; the image is refused, naming the lesson."""
    from tests.lms.authoring_helpers import jpeg_bytes

    with app.test_request_context():
        owner, other = _user(people["owner"]), _user(people["stranger"])
        course = build_course(owner)
        spare = drafts.upload_file(owner, course, jpeg_bytes(), "thua.jpg", "image")
        draft = drafts.get_draft(owner, course)
        uses = drafts.file_uses(draft)
        image = next(p for p in uses if p.endswith(".png"))
        assert uses[image] == ["Bài “Gọi điện”"] and uses[spare.path] == []
        with pytest.raises(drafts.AuthoringError, match="Gọi điện"):
            drafts.delete_file(owner, course, image)
        with pytest.raises(AuthoringDenied):
            drafts.delete_file(other, course, spare.path)
        drafts.delete_file(owner, course, spare.path)
        paths = {item.path for item in drafts.get_draft(owner, course).files}
        assert spare.path not in paths and image in paths
        assert (
            db.session.scalar(select(AuditEvent.target).where(AuditEvent.action == "media.delete"))
            == spare.path
        )
        with pytest.raises(LookupError):
            drafts.delete_file(owner, course, spare.path)
        # The published version still has its own files: publishing again is unaffected.
        assert publishing.draft_problems(drafts.get_draft(owner, course)) == []
        db.session.rollback()
