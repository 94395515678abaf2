"""A teacher writes, previews and publishes a course in a real browser; a learner completes it.

Then the teacher edits the published course while a learner is in the middle of its quiz: the
new version is published and the attempt in progress finishes on the version it started on."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from lms.catalog.models import Course
from lms.extensions import db
from lms.quizzes.models import QuizAttempt
from tests.conftest import PASSWORD
from tests.e2e.test_accessibility import assert_no_axe_violations
from tests.lms.authoring_helpers import build_course, png_bytes, wav_bytes

# When chromium stops downloading an audio file half way (it has read the metadata), the
# development server thread leaves that file to the garbage collector; a real server closes it.
SERVER_FILE_NOT_CLOSED = pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <_io.FileIO name=.*media:pytest.PytestUnraisableExceptionWarning",
    "ignore:unclosed file <_io.BufferedReader name=.*media:ResourceWarning",
)
LAPTOP = {"width": 1280, "height": 800}
TABLET = {"width": 820, "height": 1180}
SLUG = "test-dung-dien-thoai"


def _watch(page: Page) -> list[str]:
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss())
    )
    return problems


def _required(page: Page, label: str):
    """A field whose label ends with the (hidden from screen readers) required mark."""
    return page.get_by_label(re.compile("^" + re.escape(label) + r"\s*\*?$"))


def _upload(name: str, mime: str, data: bytes) -> dict:
    return {"name": name, "mimeType": mime, "buffer": data}


def _write_question(page: Page, kind: str) -> None:
    page.get_by_role("link", name=kind, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(kind)


@SERVER_FILE_NOT_CLOSED
def test_teacher_builds_previews_publishes_and_a_learner_completes(
    app, make_user, new_context, sign_in, scratch
):
    make_user(role="teacher", login="co.lan@example.com", full_name="Cô Lan")
    make_user(login="hoc.vien@example.com", full_name="Bà Tư")
    context = new_context(viewport=LAPTOP)
    page = context.new_page()
    problems = _watch(page)
    sign_in(page, "co.lan@example.com", PASSWORD)

    page.get_by_role("link", name="Soạn bài").click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Tạo khoá học mới").click()
    page.get_by_label("Tên khoá học").fill("Dùng điện thoại hằng ngày")
    page.get_by_label("Đường dẫn (không bắt buộc)").fill(SLUG)
    page.get_by_role("button", name="Tạo khoá học").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dùng điện thoại hằng ngày")

    # Lesson 1: text with live preview, an image (alt text required) and an audio file.
    page.get_by_label("Tên bài học mới").fill("Gọi điện")
    page.get_by_role("button", name="Thêm bài học").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Soạn bài: Gọi điện")
    body = page.get_by_label("Nội dung (Markdown)")
    body.fill("Bấm vào **ống nghe** để gọi.\n\n- Nhập số\n- Bấm gọi")
    preview = page.locator("[data-preview] .lesson-body")
    expect(preview.locator("strong")).to_have_text("ống nghe")  # live, before saving
    expect(preview.locator("li")).to_have_count(2)
    page.get_by_role("button", name="Lưu bài học").click()
    expect(page.get_by_text("Đã lưu bài học.")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_label("Tệp ảnh (PNG, JPEG, WebP, GIF, SVG; tối đa 8 MB)").set_input_files(
        _upload("trang.png", "image/png", b"<html><script>alert(1)</script></html>")
    )
    page.get_by_label("Mô tả ảnh (bắt buộc)").fill("Ảnh giả")
    page.get_by_role("button", name="Tải lên và chèn vào cuối bài").click()
    expect(page.get_by_text("Nội dung tệp là trang HTML")).to_be_visible()  # disguised: refused

    page.get_by_label("Tệp ảnh (PNG, JPEG, WebP, GIF, SVG; tối đa 8 MB)").set_input_files(
        _upload("man-hinh.png", "image/png", png_bytes(120, 80))
    )
    page.get_by_label("Mô tả ảnh (bắt buộc)").fill("Màn hình gọi điện với nút ống nghe màu xanh")
    page.get_by_role("button", name="Tải lên và chèn vào cuối bài").click()
    expect(page.get_by_text("Đã chèn ảnh")).to_be_visible()
    image = page.locator("[data-preview] img")
    expect(image).to_have_attribute("alt", "Màn hình gọi điện với nút ống nghe màu xanh")
    assert image.evaluate("img => img.decode().then(() => img.naturalWidth)") == 120

    page.get_by_label("Loại").select_option("audio")
    page.get_by_label("Tệp", exact=True).set_input_files(
        _upload("huong-dan.wav", "audio/wav", wav_bytes())
    )
    page.get_by_label("Tiêu đề", exact=True).last.fill("Nghe hướng dẫn gọi điện")
    page.get_by_label("Lời thoại / mô tả nội dung (nên có)").fill("Bước 1: mở ứng dụng Điện thoại.")
    page.get_by_role("button", name="Tải lên", exact=True).click()
    expect(page.get_by_text("Đã thêm tệp vào bài học.")).to_be_visible()

    # Lesson 2.
    page.get_by_role("link", name="Tổng quan").click()
    page.get_by_label("Tên bài học mới").fill("Nhắn tin")
    page.get_by_role("button", name="Thêm bài học").click()
    page.get_by_label("Nội dung (Markdown)").fill("Mở ứng dụng *Tin nhắn* rồi bấm **Soạn**.")
    page.get_by_role("button", name="Lưu bài học").click()
    expect(page.get_by_text("Đã lưu bài học.")).to_be_visible()

    # A quiz with three question types.
    page.get_by_role("link", name="Tổng quan").click()
    page.get_by_label("Tên bài kiểm tra mới").fill("Kiểm tra cuối khoá")
    page.get_by_role("button", name="Thêm bài kiểm tra").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bài kiểm tra: Kiểm tra cuối khoá")

    _write_question(page, "Chọn một đáp án")
    _required(page, "Câu hỏi").fill("Biểu tượng nào dùng để gọi điện?")
    page.get_by_label("Phương án 1", exact=True).fill("Ống nghe")
    page.get_by_label("Phương án 2", exact=True).fill("Máy ảnh")
    page.get_by_label("Phương án 3", exact=True).fill("Đồng hồ")
    page.get_by_label("Phương án 1 là đáp án đúng").check()
    page.get_by_label("Nhận xét khi trả lời sai").fill("Hãy tìm hình ống nghe.")
    page.get_by_role("button", name="Lưu câu hỏi").click()
    expect(page.get_by_text("Đã lưu câu hỏi q1.")).to_be_visible()

    _write_question(page, "Đúng / Sai")
    _required(page, "Câu hỏi").fill("Có thể nhắn tin khi không có mạng di động hay Wi-Fi.")
    page.get_by_label("Sai", exact=True).check()
    page.get_by_role("button", name="Lưu câu hỏi").click()
    expect(page.get_by_text("Đã lưu câu hỏi q2.")).to_be_visible()

    _write_question(page, "Trả lời ngắn")
    _required(page, "Câu hỏi").fill("Số điện thoại khẩn cấp của Công an là số mấy?")
    page.get_by_label("Các đáp án được chấp nhận, mỗi dòng một đáp án").fill("113")
    page.get_by_role("button", name="Lưu câu hỏi").click()
    expect(page.get_by_text("Đã lưu câu hỏi q3.")).to_be_visible()

    page.get_by_label("Điểm đạt (%)").fill("60")
    page.get_by_role("button", name="Lưu cài đặt").click()
    expect(page.get_by_text("Đã lưu cài đặt bài kiểm tra.")).to_be_visible()
    assert_no_axe_violations(page)

    # Course card: groups, competence, and the quiz required to complete the course.
    page.get_by_role("link", name="Thông tin", exact=True).click()
    page.get_by_label("Giới thiệu ngắn").fill("Gọi điện và nhắn tin cho người mới dùng điện thoại.")
    page.get_by_label("Người dân").check()
    page.locator("summary", has_text="0.").first.click()
    page.locator("input[name=competences]").first.check()
    page.get_by_label("Kiểm tra cuối khoá").check()
    page.get_by_role("button", name="Lưu thông tin").click()
    expect(page.get_by_text("Đã lưu thông tin khoá học.")).to_be_visible()

    # Preview as a learner: the lesson with its image and playable audio, and the quiz.
    page.get_by_role("link", name="Xem trước", exact=True).first.click()
    page.get_by_role("link", name="Gọi điện").click()
    expect(
        page.get_by_role("img", name="Màn hình gọi điện với nút ống nghe màu xanh")
    ).to_be_visible()
    duration = page.locator("audio").evaluate(
        """a => new Promise((ok, fail) => { a.preload = 'auto';
             a.addEventListener('loadedmetadata', () => ok(a.duration)); a.addEventListener('error', fail); a.load(); })"""
    )
    assert 0.2 < duration < 0.5
    assert_no_axe_violations(page)
    page.goto(page.url.split("/xem-truoc")[0] + "/kiem-tra/kiem-tra-cuoi-khoa/xem-truoc")
    page.get_by_label("Ống nghe").check()
    page.locator("fieldset", has_text="khi không có mạng").get_by_label("Sai", exact=True).check()
    page.locator("fieldset", has_text="Công an").get_by_role("textbox").fill("113")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Nộp bài làm thử").click()
    expect(page.locator(".result-summary")).to_contain_text("100.0%")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Xuất bản", exact=True).click()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Xuất bản phiên bản mới").click()
    expect(page.get_by_text("Đã xuất bản phiên bản 1.")).to_be_visible()
    assert problems == []
    context.close()

    # The learner, on a phone, completes the course.
    phone = new_context()
    learner = phone.new_page()
    problems = _watch(learner)
    sign_in(learner, "hoc.vien@example.com", PASSWORD)
    learner.goto(f"/khoa-hoc/{SLUG}")
    learner.get_by_role("button", name="Bắt đầu học").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("Gọi điện")
    expect(
        learner.get_by_role("img", name="Màn hình gọi điện với nút ống nghe màu xanh")
    ).to_be_visible()
    expect(learner.locator("audio")).to_have_count(1)
    learner.get_by_role("button", name="Đã học xong, sang bài tiếp").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("Nhắn tin")
    learner.get_by_role("button", name="Đã học xong bài cuối").click()
    learner.goto(f"/khoa-hoc/{SLUG}/kiem-tra/kiem-tra-cuoi-khoa")
    learner.get_by_role("button", name="Bắt đầu làm bài").click()
    learner.get_by_label("Ống nghe").check()
    learner.locator("fieldset", has_text="khi không có mạng").get_by_label(
        "Sai", exact=True
    ).check()
    learner.locator("fieldset", has_text="Công an").get_by_role("textbox").fill("113")
    learner.get_by_role("button", name="Nộp bài").click()
    expect(learner.locator(".result-summary")).to_contain_text("Đạt")
    learner.goto(f"/khoa-hoc/{SLUG}")
    expect(learner.get_by_text("Bạn đã hoàn thành khoá học này")).to_be_visible()
    assert problems == []
    phone.close()


def test_edit_after_publication_leaves_an_attempt_in_progress_unharmed(
    app, make_user, new_context, sign_in, scratch
):
    teacher_id = make_user(role="teacher", login="co.lan@example.com", full_name="Cô Lan")
    make_user(login="hoc.vien@example.com")
    with app.test_request_context():
        from lms.accounts.models import User

        course = build_course(db.session.get(User, teacher_id), SLUG)
        db.session.commit()
        course_id, first_version = course.id, course.current_version_id

    phone = new_context()
    learner = phone.new_page()
    sign_in(learner, "hoc.vien@example.com", PASSWORD)
    learner.goto(f"/khoa-hoc/{SLUG}")
    learner.get_by_role("button", name="Bắt đầu học").click()
    learner.goto(f"/khoa-hoc/{SLUG}/kiem-tra/kiem-tra-cuoi-khoa")
    learner.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(learner).to_have_url(re.compile(r"/lam-bai/\d+$"))
    learner.get_by_label("Ống nghe").check()
    expect(learner.locator("[data-save-status]")).to_contain_text("Đã lưu lúc")

    # Meanwhile the teacher, on a tablet, rewrites a question and a lesson and publishes.
    tablet = new_context(viewport=TABLET)
    page = tablet.new_page()
    sign_in(page, "co.lan@example.com", PASSWORD)
    page.goto(f"/soan-bai/{course_id}/cau-hoi/q1")
    _required(page, "Câu hỏi").fill("Câu hỏi đã viết lại sau khi xuất bản?")
    page.get_by_role("button", name="Lưu câu hỏi").click()
    page.goto(f"/soan-bai/{course_id}/bai-hoc/nhan-tin")
    page.get_by_label("Nội dung (Markdown)").fill("Nội dung **mới** của bài nhắn tin.")
    page.get_by_role("button", name="Lưu bài học").click()
    assert_no_axe_violations(page)
    page.goto(f"/soan-bai/{course_id}/xuat-ban")
    page.get_by_role("button", name="Xuất bản phiên bản mới").click()
    expect(page.get_by_text("Đã xuất bản phiên bản 2.")).to_be_visible()
    tablet.close()

    # The learner's page still holds the old question; saving and submitting work as before.
    learner.locator("fieldset", has_text="Mật khẩu").get_by_label("Đúng", exact=True).check()
    learner.locator("fieldset", has_text="Công an").get_by_role("textbox").fill("113")
    learner.get_by_role("button", name="Nộp bài").click()
    expect(learner.locator(".result-summary")).to_contain_text("100.0%")
    expect(learner.get_by_text("Biểu tượng nào dùng để gọi điện?")).to_be_visible()
    with app.app_context():
        attempt = db.session.scalar(select(QuizAttempt).where(QuizAttempt.course_id == course_id))
        assert attempt.quiz.version_id == first_version and attempt.passed
        assert db.session.get(Course, course_id).current_version.number == 2
    # Lessons move forward to the new version.
    learner.goto(f"/khoa-hoc/{SLUG}/bai/nhan-tin")
    expect(learner.locator(".lesson-body strong")).to_have_text("mới")
    phone.close()


def test_lesson_editor_works_without_javascript(app, make_user, new_context, sign_in, scratch):
    teacher_id = make_user(role="teacher", login="co.lan@example.com", full_name="Cô Lan")
    with app.test_request_context():
        from lms.accounts.models import User

        course = build_course(db.session.get(User, teacher_id), SLUG, publish=False)
        db.session.commit()
        course_id = course.id
    context = new_context(viewport=TABLET, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, "co.lan@example.com", PASSWORD)
    page.goto(f"/soan-bai/{course_id}/bai-hoc/nhan-tin")
    expect(page.locator("[data-toolbar]")).to_be_hidden()  # the toolbar needs JavaScript
    page.get_by_label("Nội dung (Markdown)").fill("## Bước đầu\n\nBấm **Soạn tin**.")
    page.get_by_role("button", name="Xem trước", exact=True).click()
    preview = page.locator("[data-preview] .lesson-body")
    expect(preview.locator("h2")).to_have_text("Bước đầu")
    expect(page.get_by_label("Nội dung (Markdown)")).to_have_value(
        "## Bước đầu\n\nBấm **Soạn tin**."
    )
    page.get_by_role("button", name="Lưu bài học").click()
    expect(page.get_by_text("Đã lưu bài học.")).to_be_visible()
    page.get_by_role("link", name="Tổng quan").click()
    page.get_by_role("button", name="Lên Nhắn tin").click()  # reorder with plain forms
    expect(page.locator(".author-list li").first).to_contain_text("Nhắn tin")
    context.close()


@SERVER_FILE_NOT_CLOSED
def test_learner_player_loads_the_teachers_captions(app, make_user, new_context, sign_in, scratch):
    from lms.authoring import drafts, publishing
    from tests.lms.authoring_helpers import vtt_bytes

    teacher_id = make_user(role="teacher", login="co.lan@example.com")
    make_user(login="hoc.vien@example.com")
    with app.test_request_context():
        from lms.accounts.models import User

        teacher = db.session.get(User, teacher_id)
        course = build_course(teacher, SLUG, publish=False)
        drafts.set_player_captions(teacher, course, "goi-dien", 0, vtt_bytes("Xin chào"), "p.vtt")
        publishing.publish_course(teacher, course)
        db.session.commit()
    context = new_context()
    page = context.new_page()
    sign_in(page, "hoc.vien@example.com", PASSWORD)
    page.goto(f"/khoa-hoc/{SLUG}")
    page.get_by_role("button", name="Bắt đầu học").click()
    cue = page.locator("audio").evaluate(
        """a => new Promise((ok, fail) => {
             const track = a.querySelector('track');
             const done = () => ok(a.textTracks[0].cues ? a.textTracks[0].cues[0].text : null);
             if (track.readyState === 2) { done(); return; }
             track.addEventListener('load', done);
             track.addEventListener('error', () => fail(new Error('captions did not load')));
             a.textTracks[0].mode = 'hidden';
             setTimeout(() => fail(new Error('captions: no load event')), 4000); })"""
    )
    assert cue == "Xin chào"
    context.close()


def test_leaving_the_lesson_editor_with_unsaved_text_asks_first(
    app, scratch, make_user, new_context, sign_in
):
    """Typing then pressing an upload button would reload the page and lose the text: the
    browser asks first. Saving asks nothing."""
    teacher = make_user(role="teacher", login="co.lan@example.com", full_name="Cô Lan")
    with app.test_request_context():
        from lms.accounts.models import User

        course = build_course(db.session.get(User, teacher), publish=False)
        db.session.commit()
        course_id = course.id
    page = new_context(viewport=LAPTOP).new_page()
    sign_in(page, "co.lan@example.com", PASSWORD)
    page.goto(f"/soan-bai/{course_id}/bai-hoc/nhan-tin")
    expect(page.locator("form[data-preview-url][data-ready]")).to_be_attached()
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.get_by_label("Nội dung (Markdown)").fill("Chữ mới, chưa lưu.")
    page.get_by_label("Tệp ảnh (PNG, JPEG, WebP, GIF, SVG; tối đa 8 MB)").set_input_files(
        _upload("anh.png", "image/png", png_bytes(40, 30))
    )
    page.get_by_label("Mô tả ảnh (bắt buộc)").fill("Một ảnh")
    page.get_by_role("button", name="Tải lên và chèn vào cuối bài").click()
    expect(page.get_by_label("Nội dung (Markdown)")).to_have_value("Chữ mới, chưa lưu.")
    assert asked == ["beforeunload"]  # dismissed: the page stayed, the text is still there
    page.get_by_role("button", name="Lưu bài học").click()
    expect(page.get_by_text("Đã lưu bài học.")).to_be_visible()
    assert asked == ["beforeunload"]
