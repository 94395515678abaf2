"""Authoring pages through the Flask client: the journey, refusals, uploads, packages."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from sqlalchemy import select

from lms.accounts.models import User
from lms.authoring import drafts
from lms.authoring.models import AuditEvent
from lms.catalog.models import Course
from lms.extensions import db
from tests.conftest import csrf_token
from tests.lms.authoring_helpers import (
    build_course,
    jpeg_bytes,
    pdf_bytes,
    png_bytes,
    wav_bytes,
)

TEACHER = "co.giao@example.com"


@pytest.fixture
def teacher(make_user, login):
    make_user(role="teacher", login=TEACHER, full_name="Cô Giáo Lan")
    login(TEACHER)
    return TEACHER


def _course_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Course.id).where(Course.slug == slug))


def _post(client, path: str, data: dict, *, token_from: str | None = None, **kwargs):
    data = {"csrf_token": csrf_token(client, token_from or path), **data}
    return client.post(path, data=data, **kwargs)


def _built(app, slug: str = "test-trang-soan", **kwargs) -> int:
    with app.test_request_context():
        author = db.session.scalar(select(User).where(User.email == TEACHER))
        course = build_course(author, slug, **kwargs)
        db.session.commit()
        return course.id


def test_teacher_creates_writes_previews_and_publishes(app, client, teacher, scratch):
    response = _post(
        client, "/soan-bai/khoa-hoc-moi", {"title": "Dùng Zalo an toàn", "slug": "test-zalo"}
    )
    assert response.status_code == 302
    course_id = _course_id(app, "test-zalo")
    base = f"/soan-bai/{course_id}"
    assert "Chưa có bài học nào" in client.get(base).get_data(as_text=True)
    assert client.get("/khoa-hoc/test-zalo").status_code == 404  # learners see nothing yet

    response = _post(client, f"{base}/bai-hoc", {"title": "Cài đặt Zalo"}, token_from=base)
    assert response.headers["Location"].endswith(f"{base}/bai-hoc/cai-dat-zalo")
    lesson = f"{base}/bai-hoc/cai-dat-zalo"
    body = "Mở **Cửa hàng** và tìm Zalo.\n\n<script>alert(1)</script>"
    # "Xem trước" without JavaScript: the unsaved text rendered by the publishing renderer.
    page = _post(
        client, lesson, {"title": "Cài đặt Zalo", "minutes": "6", "body": body, "action": "preview"}
    )
    html = page.get_data(as_text=True)
    assert "<strong>Cửa hàng</strong>" in html and "<script>alert(1)" not in html
    assert (
        _post(client, lesson, {"title": "Cài đặt Zalo", "minutes": "6", "body": body}).status_code
        == 302
    )
    image = client.post(
        f"{lesson}/anh",
        data={
            "csrf_token": csrf_token(client, lesson),
            "alt": "Biểu tượng Zalo",
            "image": (io.BytesIO(png_bytes()), "zalo.png"),
        },
        content_type="multipart/form-data",
    )
    assert image.status_code == 302
    audio = client.post(
        f"{lesson}/phuong-tien",
        data={
            "csrf_token": csrf_token(client, lesson),
            "kind": "audio",
            "media_title": "Nghe hướng dẫn",
            "transcript": "",
            "file": (io.BytesIO(wav_bytes()), "huong-dan.wav"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Nên thêm lời thoại" in audio.get_data(as_text=True)  # encouraged, not required
    # JSON live preview gives exactly the HTML that publishing stores.
    with app.test_request_context():
        draft_body = drafts.lesson_of(
            drafts.get_draft(
                db.session.scalar(select(User).where(User.email == TEACHER)),
                db.session.get(Course, course_id),
            ),
            "cai-dat-zalo",
        ).body_source
    live = client.post(
        f"{base}/xem-truoc-markdown",
        data={"csrf_token": csrf_token(client, lesson), "body": draft_body},
        headers={"Accept": "application/json"},
    ).get_json()
    assert 'alt="Biểu tượng Zalo"' in live["html"] and live["problem"] == ""

    quiz = _post(client, f"{base}/kiem-tra", {"title": "Kiểm tra nhanh"}, token_from=base)
    quiz_path = quiz.headers["Location"]
    new_q = f"{base}/cau-hoi/moi?type=true_false&quiz=kiem-tra-nhanh"
    saved = _post(
        client,
        new_q,
        {
            "type": "true_false",
            "quiz": "kiem-tra-nhanh",
            "prompt": "Zalo miễn phí?",
            "answer": "true",
            "points": "1",
        },
    )
    assert saved.status_code == 302
    choice = f"{base}/cau-hoi/moi?type=single_choice&quiz=kiem-tra-nhanh"
    more = _post(
        client, choice, {"type": "single_choice", "rows": "2", "opt-0-text": "Có", "action": "more"}
    )
    assert 'name="opt-3-text"' in more.get_data(as_text=True)  # two more rows, nothing lost
    assert 'value="Có"' in more.get_data(as_text=True)
    saved = _post(
        client,
        choice,
        {
            "type": "single_choice",
            "quiz": "kiem-tra-nhanh",
            "rows": "3",
            "prompt": "Ai được xem tin nhắn?",
            "opt-0-text": "Chỉ người nhận",
            "opt-1-text": "Mọi người",
            "opt-2-text": "",
            "correct": "0",
        },
    )
    assert saved.status_code == 302
    settings = _post(
        client,
        quiz_path,
        {
            "action": "settings",
            "title": "Kiểm tra nhanh",
            "pass_percent": "50",
            "max_attempts": "0",
            "time_limit_minutes": "0",
            "draw": "0",
            "attempt_counts": "best",
            "review": "full",
        },
    )
    assert settings.status_code == 302

    preview = client.get(f"{quiz_path}/xem-truoc").get_data(as_text=True)
    assert "Zalo miễn phí?" in preview and "correct" not in preview
    state = re.search(r'name="state" value="([^"]+)"', preview).group(1)
    graded = client.post(
        f"{quiz_path}/xem-truoc", data={"csrf_token": csrf_token(client, quiz_path), "state": state}
    )
    assert "Kết quả làm thử" in graded.get_data(as_text=True)

    assert "Cài đặt Zalo" in client.get(f"{base}/xem-truoc").get_data(as_text=True)
    assert "Biểu tượng Zalo" in client.get(f"{base}/xem-truoc/bai/cai-dat-zalo").get_data(
        as_text=True
    )
    published = _post(client, f"{base}/xuat-ban", {}, follow_redirects=True)
    assert "Đã xuất bản phiên bản 1" in published.get_data(as_text=True)
    again = _post(client, f"{base}/xuat-ban", {}, follow_redirects=True)
    assert "không có gì mới để xuất bản" in again.get_data(as_text=True)
    catalog = client.get("/khoa-hoc/test-zalo").get_data(as_text=True)
    assert "Dùng Zalo an toàn" in catalog
    with app.app_context():
        actions = set(
            db.session.scalars(select(AuditEvent.action).where(AuditEvent.course_id == course_id))
        )
    assert {
        "course.create",
        "lesson.create",
        "lesson.update",
        "media.upload",
        "question.create",
        "course.publish",
    } <= actions
    assert "Cô Giáo Lan" in client.get(f"{base}/nhat-ky").get_data(as_text=True)


def test_every_page_of_a_course_renders(app, client, teacher, scratch):
    course_id = _built(app)
    base = f"/soan-bai/{course_id}"
    pages = [
        "/soan-bai",
        "/soan-bai/khoa-hoc-moi",
        "/soan-bai/nhap-goi",
        base,
        f"{base}/thong-tin",
        f"{base}/tac-gia",
        f"{base}/nhat-ky",
        f"{base}/xuat-ban",
        f"{base}/xem-truoc",
        f"{base}/bai-hoc/goi-dien",
        f"{base}/bai-hoc/goi-dien/lich-su",
        f"{base}/bai-hoc/goi-dien/lich-su/1",
        f"{base}/bai-hoc/goi-dien/xoa",
        f"{base}/xem-truoc/bai/goi-dien",
        f"{base}/ngan-hang",
        f"{base}/tep",
        f"{base}/kiem-tra/kiem-tra-cuoi-khoa",
        f"{base}/kiem-tra/kiem-tra-cuoi-khoa/xem-truoc",
        f"{base}/kiem-tra/kiem-tra-cuoi-khoa/xoa",
        f"{base}/cau-hoi/q1",
        f"{base}/cau-hoi/q1/xoa",
    ] + [
        f"{base}/cau-hoi/moi?type={t}"
        for t in (
            "single_choice",
            "multiple_choice",
            "true_false",
            "short_answer",
            "numeric",
            "matching",
            "ordering",
        )
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Content-Security-Policy" in response.headers
    assert client.get(f"{base}/bai-hoc/khong-co").status_code == 404
    _post(client, f"{base}/bai-hoc", {"title": "Bài chưa viết"}, token_from=base)
    empty = client.get(f"{base}/bai-hoc/bai-chua-viet/lich-su")
    assert empty.status_code == 200 and "chưa được lưu lần nào" in empty.get_data(as_text=True)
    assert client.get(f"{base}/cau-hoi/moi?type=essay").status_code == 404
    assert client.get("/soan-bai/999999").status_code == 404


def test_refusals(app, client, make_user, login, scratch):
    make_user(role="teacher", login=TEACHER)
    course_id = _built(app)
    base = f"/soan-bai/{course_id}"
    assert client.get("/soan-bai").status_code == 302  # not signed in: to the sign-in page
    make_user(login="hoc.vien@example.com")
    login("hoc.vien@example.com")
    assert client.get("/soan-bai").status_code == 403
    client.post("/dang-xuat", data={"csrf_token": csrf_token(client, "/")})
    make_user(role="teacher", login="khac@example.com")
    login("khac@example.com")
    assert client.get("/soan-bai").status_code == 200
    for path in (
        base,
        f"{base}/bai-hoc/goi-dien",
        f"{base}/ngan-hang",
        f"{base}/nhat-ky",
        f"{base}/goi.zip",
    ):
        assert client.get(path).status_code == 403, path
    token = csrf_token(client, "/soan-bai")
    assert client.post(f"{base}/xuat-ban", data={"csrf_token": token}).status_code == 403
    assert (
        client.post(f"{base}/bai-hoc", data={"csrf_token": token, "title": "X"}).status_code == 403
    )
    assert client.post(f"{base}/bai-hoc", data={"title": "X"}).status_code == 400  # no CSRF token


UPLOADS = [
    (
        "html-as-png",
        "image",
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        "anh.png",
        "trang HTML",
    ),
    (
        "svg-with-script",
        "image",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "a.svg",
        "SVG không an toàn",
    ),
    (
        "svg-onload",
        "image",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "a.svg",
        "SVG không an toàn",
    ),
    ("exe-as-mp3", "audio", b"MZ\x90\x00" + b"\x00" * 100, "bai.mp3", "chương trình"),
    ("pdf-as-audio", "audio", pdf_bytes(), "nghe.mp3", "tài liệu PDF"),
    ("text-as-pdf", "slides", b"just some text, not a PDF", "slides.pdf", "không nhận ra"),
    (
        "png-header-garbage",
        "image",
        b"\x89PNG\r\n\x1a\n" + b"<script>alert(1)</script>" * 10,
        "x.png",
        "bị hỏng",
    ),
]


@pytest.mark.parametrize(
    ("kind", "data", "name", "message"), [u[1:] for u in UPLOADS], ids=[u[0] for u in UPLOADS]
)
def test_disguised_uploads_are_refused(app, client, teacher, scratch, kind, data, name, message):
    course_id = _built(app, publish=False)
    lesson = f"/soan-bai/{course_id}/bai-hoc/goi-dien"
    if kind == "image":
        form = {"alt": "Ảnh", "image": (io.BytesIO(data), name)}
        target = f"{lesson}/anh"
    else:
        form = {"kind": kind, "media_title": "Tệp", "file": (io.BytesIO(data), name)}
        target = f"{lesson}/phuong-tien"
    response = client.post(
        target,
        data={"csrf_token": csrf_token(client, lesson), **form},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert message in response.get_data(as_text=True)
    with app.app_context():
        files = drafts.get_draft(
            db.session.scalar(select(User).where(User.email == TEACHER)),
            db.session.get(Course, course_id),
        ).files
        assert len(files) == 2  # only the image and audio of build_course


def test_oversized_upload_gets_a_clear_message(app, teacher, scratch):
    from lms.authoring.uploads import LIMITS, UploadRefused, check_upload

    message = r"^Tệp quá lớn: 20,0 MB\. Giới hạn cho bài trình chiếu PDF là 20,0 MB\.$"
    with app.test_request_context(), pytest.raises(UploadRefused, match=message):
        check_upload(b"%PDF-" + b"0" * LIMITS["slides"], "slides")


def test_images_are_reencoded_and_media_served_safely(app, client, teacher, scratch):
    course_id = _built(app, publish=False)
    lesson = f"/soan-bai/{course_id}/bai-hoc/goi-dien"
    original = jpeg_bytes() + b"<script>alert(1)</script>"  # trailing bytes after the picture
    client.post(
        f"{lesson}/anh",
        data={
            "csrf_token": csrf_token(client, lesson),
            "alt": "Ảnh chụp",
            "image": (io.BytesIO(original), "chup.jpg"),
        },
        content_type="multipart/form-data",
    )
    html = client.get(lesson).get_data(as_text=True)
    url = re.search(r'src="(/media/[0-9a-f]{64}\.jpg)"', html).group(1)
    served = client.get(url)
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served.headers["Content-Security-Policy"]
    data = served.get_data()
    served.close()
    assert b"<script>" not in data and "Máy ảnh bí mật".encode() not in data and data != original
    from PIL import Image

    assert Image.open(io.BytesIO(data)).size == (32, 32)


def test_safe_svg_is_kept_and_gif_becomes_png(app, teacher, scratch):
    from lms.authoring.uploads import check_upload

    svg = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><title>O vuong</title><rect width="4" height="4" fill="#123456"/></svg>'
    with app.test_request_context():
        assert check_upload(svg, "image").data == svg
        gif = io.BytesIO()
        from PIL import Image

        Image.new("P", (5, 5)).save(gif, "GIF")
        checked = check_upload(gif.getvalue(), "image")
        assert checked.extension == "png" and checked.data.startswith(b"\x89PNG")
        for bad in (
            b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div/></foreignObject></svg>',
            b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>',
            b'<svg xmlns="http://www.w3.org/2000/svg"><image href="https://x.vn/a.png"/></svg>',
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg"/>',
            b'<svg xmlns="http://www.w3.org/2000/svg"><h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script></svg>',
            b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(https://x.vn/a)"/></svg>',
        ):
            with pytest.raises(Exception, match="SVG"):
                check_upload(bad, "image")


def test_zip_export_then_import_round_trips(app, client, teacher, scratch):
    course_id = _built(app)
    exported = client.get(f"/soan-bai/{course_id}/goi.zip", buffered=True)
    assert exported.status_code == 200 and exported.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(exported.get_data())).namelist()
    assert "test-trang-soan/course.yaml" in names and "test-trang-soan/01-goi-dien.md" in names
    assert any(n.startswith("test-trang-soan/media/") and n.endswith(".wav") for n in names)
    same = client.post(
        "/soan-bai/nhap-goi",
        data={
            "csrf_token": csrf_token(client, "/soan-bai/nhap-goi"),
            "package": (io.BytesIO(exported.get_data()), "goi.zip"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "không có gì thay đổi" in same.get_data(as_text=True)
    # Renamed into a new course: the same package makes a new course owned by the importer.
    source = zipfile.ZipFile(io.BytesIO(exported.get_data()))
    renamed = io.BytesIO()
    with zipfile.ZipFile(renamed, "w") as target:
        for name in source.namelist():
            target.writestr(
                name.replace("test-trang-soan/", "test-trang-soan-2/"), source.read(name)
            )
    created = client.post(
        "/soan-bai/nhap-goi",
        data={
            "csrf_token": csrf_token(client, "/soan-bai/nhap-goi"),
            "package": (io.BytesIO(renamed.getvalue()), "goi.zip"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Đã tạo khoá học" in created.get_data(as_text=True)
    with app.app_context():
        one = db.session.scalar(select(Course).where(Course.slug == "test-trang-soan"))
        two = db.session.scalar(select(Course).where(Course.slug == "test-trang-soan-2"))
        assert [ls.body_source for ls in one.current_version.lessons] == [
            ls.body_source for ls in two.current_version.lessons
        ]
        assert (
            one.current_version.quizzes[0].definition == two.current_version.quizzes[0].definition
        )


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


COURSE_YAML = "title: Gói xấu\nlevel: 1\ngroups: [citizen]\ncompetences: ['0.1']\n".encode()
LESSON = b"---\ntitle: Bai\n---\nNoi dung.\n"
BAD_ZIPS = [
    (
        "traversal",
        {
            "test-xau/course.yaml": COURSE_YAML,
            "test-xau/01-bai.md": LESSON,
            "test-xau/../../evil.txt": b"x",
        },
        "Đường dẫn không hợp lệ",
    ),
    ("absolute", {"/etc/test-xau/course.yaml": COURSE_YAML}, "Đường dẫn không hợp lệ"),
    (
        "backslash",
        {"test-xau\\..\\evil.md": b"x", "test-xau/course.yaml": COURSE_YAML},
        "Đường dẫn không hợp lệ",
    ),
    ("no-manifest", {"test-xau/01-bai.md": LESSON}, "course.yaml"),
    (
        "html-media",
        {
            "test-xau/course.yaml": COURSE_YAML,
            "test-xau/01-bai.md": LESSON,
            "test-xau/media/a.png": b"<html><script>alert(1)</script>",
        },
        "trang HTML",
    ),
    (
        "mismatch",
        {
            "test-xau/course.yaml": COURSE_YAML,
            "test-xau/01-bai.md": LESSON,
            "test-xau/media/a.mp3": b"OggS" + b"\x00" * 50,
        },
        "không khớp",
    ),
    ("bad-yaml", {"test-xau/course.yaml": b"title: [", "test-xau/01-bai.md": LESSON}, "YAML"),
    ("not-zip", None, "không phải là tệp nén ZIP"),
]


@pytest.mark.parametrize(
    ("entries", "message"), [b[1:] for b in BAD_ZIPS], ids=[b[0] for b in BAD_ZIPS]
)
def test_unsafe_or_broken_packages_are_refused(app, client, teacher, scratch, entries, message):
    data = _zip(entries) if entries is not None else b"PK\x03\x04 this is not a zip"
    response = client.post(
        "/soan-bai/nhap-goi",
        data={
            "csrf_token": csrf_token(client, "/soan-bai/nhap-goi"),
            "package": (io.BytesIO(data), "goi.zip"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Course).where(Course.slug == "test-xau")) is None


def test_symlink_in_zip_is_refused(app, teacher, scratch):
    from lms.authoring.publishing import extract_package

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("test-xau/course.yaml", COURSE_YAML)
        link = zipfile.ZipInfo("test-xau/media/link.png")
        link.external_attr = 0o120777 << 16
        archive.writestr(link, "/etc/passwd")
    with app.test_request_context(), pytest.raises(drafts.AuthoringError, match="symlink"):
        extract_package(out.getvalue(), __import__("pathlib").Path("/tmp/never-used"), None)


def test_importing_another_authors_course_is_refused(app, client, make_user, login, scratch):
    make_user(role="teacher", login=TEACHER)
    course_id = _built(app)
    login(TEACHER)
    exported = client.get(f"/soan-bai/{course_id}/goi.zip").get_data()
    client.post("/dang-xuat", data={"csrf_token": csrf_token(client, "/")})
    make_user(role="teacher", login="khac@example.com")
    login("khac@example.com")
    response = client.post(
        "/soan-bai/nhap-goi",
        data={
            "csrf_token": csrf_token(client, "/soan-bai/nhap-goi"),
            "package": (io.BytesIO(exported), "goi.zip"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and "không phải tác giả" in response.get_data(as_text=True)


def test_gift_export_download_and_import_through_pages(app, client, teacher, scratch):
    course_id = _built(app, publish=False)
    gift = client.get(f"/soan-bai/{course_id}/ngan-hang/xuat.gift?quiz=kiem-tra-cuoi-khoa")
    assert gift.status_code == 200 and "attachment" in gift.headers["Content-Disposition"]
    other = _post(client, "/soan-bai/khoa-hoc-moi", {"title": "Nhận", "slug": "test-nhan-gift"})
    other_id = _course_id(app, "test-nhan-gift")
    bank_path = f"/soan-bai/{other_id}/ngan-hang"
    response = client.post(
        bank_path,
        data={
            "csrf_token": csrf_token(client, bank_path),
            "format": "gift",
            "file": (io.BytesIO(gift.get_data()), "cau-hoi.gift"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Đã nhập 3 câu hỏi" in response.get_data(as_text=True)
    with app.app_context():
        from lms.authoring.models import BankQuestion

        def defs(cid):
            return [
                r.definition
                for r in db.session.scalars(
                    select(BankQuestion)
                    .where(BankQuestion.course_id == cid)
                    .order_by(BankQuestion.id)
                )
            ]

        assert defs(other_id) == defs(course_id)
    assert other.status_code == 302


def _info_form(**extra):
    return {
        "title": "Khoá học soạn thử",
        "summary": "Tóm tắt",
        "level": "1",
        "minutes": "0",
        "groups": "citizen",
        "competences": "0.1",
        "required_lessons_rule": "all",
        "required_quizzes": "kiem-tra-cuoi-khoa",
        **extra,
    }


def test_cover_image_needs_alt_text_and_is_shown_to_learners(app, client, teacher, scratch):
    course_id = _built(app)
    info = f"/soan-bai/{course_id}/thong-tin"
    refused = client.post(
        info,
        data={
            "csrf_token": csrf_token(client, info),
            **_info_form(cover_alt=""),
            "cover": (io.BytesIO(png_bytes()), "bia.png"),
        },
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400 and "mô tả ảnh bìa" in refused.get_data(as_text=True)
    saved = client.post(
        info,
        data={
            "csrf_token": csrf_token(client, info),
            **_info_form(cover_alt="Bàn tay cầm điện thoại"),
            "cover": (io.BytesIO(png_bytes(64, 48)), "bia.png"),
        },
        content_type="multipart/form-data",
    )
    assert saved.status_code == 302
    _post(client, f"/soan-bai/{course_id}/xuat-ban", {})
    page = client.get("/khoa-hoc/test-trang-soan").get_data(as_text=True)
    assert re.search(
        r'<img class="course-cover" src="/media/[0-9a-f]{64}\.png" alt="Bàn tay cầm điện thoại">',
        page,
    )
    exported = zipfile.ZipFile(
        io.BytesIO(client.get(f"/soan-bai/{course_id}/goi.zip", buffered=True).get_data())
    )
    manifest = exported.read("test-trang-soan/course.yaml").decode()
    assert "cover: media/bia-" in manifest and "cover_alt: Bàn tay cầm điện thoại" in manifest


def test_package_cover_without_alt_text_is_refused(app, teacher, scratch):
    from lms.authoring.publishing import import_zip

    entries = {
        "test-bia/course.yaml": COURSE_YAML + b"cover: media/bia.png\n",
        "test-bia/01-bai.md": LESSON,
        "test-bia/media/bia.png": png_bytes(),
    }
    with app.test_request_context():
        user = db.session.scalar(select(User).where(User.email == TEACHER))
        with pytest.raises(drafts.AuthoringError, match="alt text"):
            import_zip(user, _zip(entries))
        db.session.rollback()


def test_captions_are_checked_published_and_served(app, client, teacher, scratch):
    from tests.lms.authoring_helpers import vtt_bytes

    course_id = _built(app, publish=False)
    lesson = f"/soan-bai/{course_id}/bai-hoc/goi-dien"
    refused = client.post(
        f"{lesson}/phuong-tien/0",
        data={
            "csrf_token": csrf_token(client, lesson),
            "action": "captions",
            "captions": (io.BytesIO(b"<html><script>alert(1)</script>"), "phu-de.vtt"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "không phải phụ đề WebVTT" in refused.get_data(as_text=True)
    saved = client.post(
        f"{lesson}/phuong-tien/0",
        data={
            "csrf_token": csrf_token(client, lesson),
            "action": "captions",
            "captions": (io.BytesIO(vtt_bytes()), "phu-de.vtt"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Đã lưu phụ đề." in saved.get_data(as_text=True) and "Có phụ đề" in saved.get_data(
        as_text=True
    )
    _post(client, f"/soan-bai/{course_id}/xuat-ban", {})
    client.post(
        "/khoa-hoc/test-trang-soan/dang-ky-hoc",
        data={"csrf_token": csrf_token(client, "/khoa-hoc/test-trang-soan")},
    )
    page = client.get("/khoa-hoc/test-trang-soan/bai/goi-dien").get_data(as_text=True)
    track = re.search(r'<track kind="captions" src="(/media/[0-9a-f]{64}\.vtt)" srclang="vi"', page)
    assert track, "the learner's audio player carries the captions"
    served = client.get(track.group(1), buffered=True)
    assert served.mimetype == "text/vtt" and served.get_data().startswith(b"WEBVTT")
    exported = zipfile.ZipFile(
        io.BytesIO(client.get(f"/soan-bai/{course_id}/goi.zip", buffered=True).get_data())
    )
    assert "captions: media/phu-de-" in exported.read("test-trang-soan/01-goi-dien.md").decode()
    removed = client.post(
        f"{lesson}/phuong-tien/0",
        data={"csrf_token": csrf_token(client, lesson), "action": "remove_captions"},
        follow_redirects=True,
    )
    assert "Đã bỏ phụ đề." in removed.get_data(as_text=True)


def test_slides_take_no_captions_and_packages_need_vtt(app, teacher, scratch):
    from tests.lms.authoring_helpers import vtt_bytes

    with app.test_request_context():
        user = db.session.scalar(select(User).where(User.email == TEACHER))
        course = db.session.get(Course, _built(app, publish=False))
        with pytest.raises(drafts.AuthoringError, match="không có phụ đề"):
            drafts.add_player(
                user,
                course,
                "goi-dien",
                pdf_bytes(),
                "s.pdf",
                "slides",
                "Slide",
                "",
                (vtt_bytes(), "p.vtt"),
            )
        db.session.rollback()
        from lms.authoring.publishing import import_zip

        lesson = "---\ntitle: Bai\nmedia:\n  - {file: media/a.wav, kind: audio, title: Nghe, captions: media/b.ogg}\n---\nNoi dung.\n"
        entries = {
            "test-phu-de/course.yaml": COURSE_YAML,
            "test-phu-de/01-bai.md": lesson.encode(),
            "test-phu-de/media/a.wav": wav_bytes(),
            "test-phu-de/media/b.ogg": b"OggS" + b"\x00" * 60,
        }
        with pytest.raises(drafts.AuthoringError, match=r"phụ đề cần là tệp \.vtt"):
            import_zip(user, _zip(entries))
        db.session.rollback()


def test_the_question_editor_refuses_to_overwrite_a_newer_save(app, client, teacher, scratch):
    """The editor carries the fingerprint of the question it opened; a save made on an
    older one (a co-author saved meanwhile) is refused and the teacher keeps their text."""
    course_id = _built(app)
    editor = f"/soan-bai/{course_id}/cau-hoi/q1"
    page = client.get(editor).get_data(as_text=True)
    opened = re.search(r'name="based_on" value="([0-9a-f]{16})"', page).group(1)
    fields = {
        "type": "single_choice",
        "rows": "2",
        "prompt": "Câu hỏi đã sửa?",
        "opt-0-text": "Có",
        "opt-1-text": "Không",
        "correct": "0",
    }
    stale = _post(client, editor, {**fields, "based_on": "0" * 16})
    text = stale.get_data(as_text=True)
    assert stale.status_code == 400 and "vừa lưu câu hỏi này" in text
    assert "Câu hỏi đã sửa?" in text  # nothing the teacher wrote is lost from the page
    saved = _post(client, editor, {**fields, "based_on": opened})
    assert saved.status_code == 302


def test_the_files_page_deletes_an_unused_file_after_asking(app, client, teacher, scratch):
    from tests.lms.authoring_helpers import jpeg_bytes

    course_id = _built(app)
    base = f"/soan-bai/{course_id}"
    with app.test_request_context():
        author = db.session.scalar(select(User).where(User.email == TEACHER))
        spare = drafts.upload_file(
            author, db.session.get(Course, course_id), jpeg_bytes(), "thua.jpg", "image"
        ).path
        db.session.commit()
    page = client.get(f"{base}/tep").get_data(as_text=True)
    assert spare in page and "Bài “Gọi điện”" in page and "Không dùng ở đâu" in page
    used = re.search(r"<code>(media/[^<]+\.png)</code>", page).group(1)
    ask = client.get(f"{base}/tep/xoa?path={spare}").get_data(as_text=True)
    assert "Xoá tệp" in ask and spare in ask
    refused = _post(
        client, f"{base}/tep/xoa", {"path": used}, token_from=f"{base}/tep/xoa?path={spare}"
    )
    assert refused.status_code == 302
    assert "đang được dùng ở" in client.get(f"{base}/tep").get_data(as_text=True)
    done = _post(
        client, f"{base}/tep/xoa", {"path": spare}, token_from=f"{base}/tep/xoa?path={spare}"
    )
    assert done.status_code == 302
    after = client.get(f"{base}/tep").get_data(as_text=True)
    assert f"Đã xoá tệp “{spare}”" in after and f"<code>{spare}</code>" not in after
    assert client.get(f"{base}/tep/xoa?path=media/khong-co.png").status_code == 404
