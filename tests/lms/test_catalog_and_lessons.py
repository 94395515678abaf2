"""Catalog, course pages, lessons and progress, through the Flask client."""

from __future__ import annotations

import re

from sqlalchemy import select

from lms.catalog.models import Course, LearnerGroup
from lms.extensions import db
from lms.learning.models import Enrolment, LessonProgress
from tests.conftest import csrf_token

SLUG = "lam-quen-dien-thoai-thong-minh"


def test_front_page_shows_the_four_programs(client):
    html = client.get("/").get_data(as_text=True)
    for name in ("Học sinh, sinh viên", "Người dân"):
        assert name in html


def test_catalog_lists_courses_with_pagination(app, client):
    html = client.get("/khoa-hoc").get_data(as_text=True)
    with app.app_context():
        total = db.session.scalar(select(db.func.count(Course.id)))
    assert f"Tìm thấy {total} khoá học." in html
    if total > app.config["PAGE_SIZE"]:
        assert 'rel="next"' in html
        assert "Trang 2" in client.get("/khoa-hoc?page=2").get_data(as_text=True)


def test_search_ignores_diacritics_and_case(client):
    html = client.get("/khoa-hoc?q=dien+thoai+thong+minh").get_data(as_text=True)
    assert "Làm quen với điện thoại thông minh" in html
    html = client.get("/khoa-hoc?q=ĐIỆN THOẠI").get_data(as_text=True)
    assert "Làm quen với điện thoại thông minh" in html


def test_search_with_no_match_shows_an_empty_state(client):
    html = client.get("/khoa-hoc?q=khong-co-khoa-nao-nhu-the").get_data(as_text=True)
    assert "Tìm thấy 0 khoá học." in html
    assert "Không có khoá học nào khớp" in html


def test_filters_by_group_competence_domain_and_level(app, client):
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == SLUG))
        competence = course.competences[0]
        group = course.groups[0].code
        level = course.level
        domain = competence.domain_code
        others = db.session.scalars(select(Course).where(Course.level != level)).all()
    for query in (
        f"group={group}",
        f"competence={competence.code}",
        f"domain={domain}",
        f"level={level}",
    ):
        assert course.title in client.get(f"/khoa-hoc?{query}").get_data(as_text=True), query
    if others:
        assert course.title not in client.get(
            f"/khoa-hoc?level={others[0].level}&q=dien+thoai+thong+minh"
        ).get_data(as_text=True)


def test_course_page_lists_lessons_and_competences(app, client):
    html = client.get(f"/khoa-hoc/{SLUG}").get_data(as_text=True)
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == SLUG))
        titles = [lesson.title for lesson in course.current_version.lessons]
        codes = [c.code for c in course.competences]
    for title in titles:
        assert title in html
    for code in codes:
        assert code in html
    assert "Đăng nhập để bắt đầu học" in html


def test_unknown_course_is_a_friendly_404(client):
    response = client.get("/khoa-hoc/khong-ton-tai")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.get_data(as_text=True)


def test_enrol_read_and_complete_lessons_saves_progress(app, make_user, client, login):
    user_id = make_user()
    login("user1@example.com")
    token = csrf_token(client, f"/khoa-hoc/{SLUG}")
    response = client.post(f"/khoa-hoc/{SLUG}/dang-ky-hoc", data={"csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        lessons = db.session.scalar(
            select(Course).where(Course.slug == SLUG)
        ).current_version.lessons
        slugs = [lesson.slug for lesson in lessons]
    assert response.headers["Location"].endswith(f"/bai/{slugs[0]}")
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'rel="next"' in html
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    done = client.post(f"/khoa-hoc/{SLUG}/bai/{slugs[0]}/hoan-thanh", data={"csrf_token": token})
    assert done.headers["Location"].endswith(f"/bai/{slugs[1]}")
    again = client.post(f"/khoa-hoc/{SLUG}/bai/{slugs[0]}/hoan-thanh", data={"csrf_token": token})
    assert again.status_code == 302
    with app.app_context():
        progress = db.session.scalars(
            select(LessonProgress.lesson_slug).where(LessonProgress.user_id == user_id)
        ).all()
        assert progress == [slugs[0]]
        enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == user_id))
        assert enrolment.last_lesson_slug == slugs[0]
    my = client.get("/hoc-tap-cua-toi").get_data(as_text=True)
    percent = round(100 / len(slugs))
    assert f"{percent}%" in my


def test_lesson_needs_sign_in_and_enrolment(app, make_user, client, login):
    with app.app_context():
        lesson = (
            db.session.scalar(select(Course).where(Course.slug == SLUG))
            .current_version.lessons[0]
            .slug
        )
    response = client.get(f"/khoa-hoc/{SLUG}/bai/{lesson}")
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]
    make_user()
    login("user1@example.com")
    response = client.get(f"/khoa-hoc/{SLUG}/bai/{lesson}")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/khoa-hoc/{SLUG}"
    )


def test_completing_a_lesson_without_enrolment_is_forbidden(app, make_user, client, login):
    make_user()
    login("user1@example.com")
    token = csrf_token(client, f"/khoa-hoc/{SLUG}")
    with app.app_context():
        lesson = (
            db.session.scalar(select(Course).where(Course.slug == SLUG))
            .current_version.lessons[0]
            .slug
        )
    response = client.post(f"/khoa-hoc/{SLUG}/bai/{lesson}/hoan-thanh", data={"csrf_token": token})
    assert response.status_code == 403


def test_my_learning_shows_the_group_program(app, make_user, client, login):
    make_user(learner_group="student")
    login("user1@example.com")
    html = client.get("/hoc-tap-cua-toi").get_data(as_text=True)
    with app.app_context():
        group = db.session.get(LearnerGroup, "student")
        titles = [item.course.title for item in group.program]
    assert titles
    for title in titles:
        assert title in html
    assert "Bạn chưa đăng ký khoá học nào." in html


def test_lesson_images_are_served_with_type_nosniff_and_sandbox(app, make_user, client, login):
    make_user()
    login("user1@example.com")
    token = csrf_token(client, f"/khoa-hoc/{SLUG}")
    location = client.post(f"/khoa-hoc/{SLUG}/dang-ky-hoc", data={"csrf_token": token}).headers[
        "Location"
    ]
    html = "".join(client.get(location).get_data(as_text=True) for _ in range(1))
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == SLUG))
        bodies = " ".join(lesson.body_html for lesson in course.current_version.lessons)
    sources = re.findall(r'src="(/media/[^"]+)"', bodies + html)
    assert sources, "the course ships at least one illustration"
    response = client.get(sources[0])
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"].startswith("sandbox")
    assert response.mimetype.startswith("image/")
    response.close()
    assert client.get("/media/" + "0" * 64 + ".svg").status_code == 404


def test_pages_carry_security_headers_without_unsafe_inline(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "script-src 'self'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_language_switch_to_english_and_back(client):
    token = csrf_token(client, "/")
    client.post("/ngon-ngu", data={"csrf_token": token, "lang": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    token = csrf_token(client, "/")
    client.post("/ngon-ngu", data={"csrf_token": token, "lang": "vi", "next": "/"})
    assert '<html lang="vi">' in client.get("/").get_data(as_text=True)


def _open_lesson(app, client, login, make_user, slug, lesson_slug):
    make_user()
    login("user1@example.com")
    token = csrf_token(client, f"/khoa-hoc/{slug}")
    client.post(f"/khoa-hoc/{slug}/dang-ky-hoc", data={"csrf_token": token})
    return client.get(f"/khoa-hoc/{slug}/bai/{lesson_slug}").get_data(as_text=True)


def test_audio_with_transcript_and_pdf_slides_are_offered(app, make_user, client, login):
    html = _open_lesson(app, client, login, make_user, SLUG, "goi-dien-va-luu-danh-ba")
    audio = re.search(r'<audio controls preload="none" src="(/media/[^"]+\.mp3)"', html)
    assert audio and "Lời thoại" in html and "Bước một" in html
    response = client.get(audio.group(1))
    assert response.mimetype == "audio/mpeg" and response.headers[
        "Content-Security-Policy"
    ].startswith("sandbox")
    response.close()
    html = client.get(f"/khoa-hoc/{SLUG}/bai/doc-tin-tuc-dang-tin-cay").get_data(as_text=True)
    slides = re.search(r'href="(/media/[^"]+\.pdf)"', html)
    assert slides and "Mở bài trình chiếu (PDF" in html
    response = client.get(slides.group(1))
    assert response.mimetype == "application/pdf"
    response.close()


def test_video_lessons_get_a_player_with_a_download_fallback(
    app, scratch, make_user, client, login
):
    from lms.catalog.importer import load_content

    folder = scratch / "test-video"
    (folder / "media").mkdir(parents=True)
    (folder / "course.yaml").write_text(
        "title: Video\nlevel: 1\ngroups: [citizen]\ncompetences: ['0.1']\nminutes: 5\n",
        encoding="utf-8",
    )
    (folder / "01-xem.md").write_text(
        "---\ntitle: Xem video\nmedia:\n  - {file: media/clip.mp4, kind: video, title: Video ngắn, transcript: Lời thoại.}\n---\nNội dung.\n",
        encoding="utf-8",
    )
    (folder / "media" / "clip.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64)
    with app.test_request_context():
        load_content(folder)
        db.session.commit()
    html = _open_lesson(app, client, login, make_user, "test-video", "xem")
    assert re.search(r'<video controls preload="none" src="/media/[^"]+\.mp4"', html)
    assert "Tải video" in html


def test_catalog_pages_use_a_fixed_number_of_queries(app, client):
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine
    count = [0]

    def counter(*_args):
        count[0] += 1

    event.listen(engine, "before_cursor_execute", counter)
    try:
        for path, budget in (
            ("/", 4),
            ("/khoa-hoc", 7),
            ("/chuong-trinh", 4),
            (f"/khoa-hoc/{SLUG}", 10),
        ):
            count[0] = 0
            assert client.get(path).status_code == 200
            assert count[0] <= budget, f"{path}: {count[0]} queries"
    finally:
        event.remove(engine, "before_cursor_execute", counter)


def test_server_errors_get_a_friendly_page_without_a_stack_trace(tmp_path):
    from lms import create_app
    from lms.config import TestConfig

    app = create_app(TestConfig(f"sqlite:///{tmp_path / 'e.sqlite3'}", tmp_path / "instance"))
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/__loi-thu__")
    def boom():
        raise RuntimeError("secret internal detail")

    client = app.test_client()
    response = client.get("/__loi-thu__")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Hệ thống gặp sự cố" in html
    assert "secret internal detail" not in html and "Traceback" not in html
    json_response = client.get("/__loi-thu__", headers={"Accept": "application/json"})
    assert json_response.status_code == 500
    assert json_response.get_json()["error"]["code"] == "server_error"


def test_too_many_requests_page_is_friendly(make_user, client):
    make_user(login="target@example.com")
    for _ in range(6):
        token = csrf_token(client, "/dang-nhap")
        response = client.post(
            "/dang-nhap",
            data={"login": "target@example.com", "password": "x" * 9, "csrf_token": token},
        )
    assert response.status_code == 429
    assert "Bạn đã thử quá nhiều lần" in response.get_data(as_text=True)
