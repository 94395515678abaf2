"""Content packages: validation with file/line/field errors, idempotent loads, versions, export."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from lms.catalog.importer import export_course, load_content
from lms.catalog.models import Course, CourseVersion
from lms.core.markdown import render_markdown, sanitise_html
from lms.core.yamlfile import ContentError
from lms.extensions import db
from lms.learning.models import Enrolment, LessonProgress
from tests.conftest import CONTENT

COURSE_YAML = """\
title: Khoá thử nghiệm
summary: Một khoá học nhỏ để kiểm thử.
level: 1
groups: [citizen]
competences: ["0.1"]
minutes: 10
completion:
  lessons: all
  quizzes: [kiem-tra]
"""
LESSON = """\
---
title: Bài {n}
minutes: 5
---
Nội dung bài {n}.

![Hình minh hoạ một chiếc điện thoại](media/phone.svg)
"""
QUIZ = """\
title: Kiểm tra
pass_percent: 50
questions:
  - id: q1
    type: true_false
    prompt: Mật khẩu nên giữ bí mật.
    answer: true
"""
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>'


def write_package(root: Path, slug: str = "test-khoa-thu") -> Path:
    folder = root / "courses" / slug
    (folder / "media").mkdir(parents=True)
    (folder / "course.yaml").write_text(COURSE_YAML, encoding="utf-8")
    for n in (1, 2):
        (folder / f"0{n}-bai-{n}.md").write_text(LESSON.format(n=n), encoding="utf-8")
    (folder / "kiem-tra.quiz.yaml").write_text(QUIZ, encoding="utf-8")
    (folder / "media" / "phone.svg").write_text(SVG, encoding="utf-8")
    return folder


def test_shipped_content_loads_without_warnings(app):
    report = app.config["CONTENT_LOAD_REPORT"]
    assert report.warnings == []
    assert len(report.created) >= 2


def test_loading_the_same_content_again_changes_nothing(app):
    with app.test_request_context():
        versions_before = db.session.scalar(select(db.func.count(CourseVersion.id)))
        report = load_content(CONTENT)
        db.session.commit()
        assert report.created == [] and report.updated == []
        assert db.session.scalar(select(db.func.count(CourseVersion.id))) == versions_before


def test_changed_package_becomes_a_new_version_and_progress_is_kept(app, scratch, make_user):
    folder = write_package(scratch)
    user_id = make_user()
    with app.test_request_context():
        load_content(folder)
        course = db.session.scalar(select(Course).where(Course.slug == "test-khoa-thu"))
        first_version = course.current_version_id
        db.session.add(Enrolment(user_id=user_id, course_id=course.id, version_id=first_version))
        db.session.add(LessonProgress(user_id=user_id, course_id=course.id, lesson_slug="bai-1"))
        db.session.commit()
    (folder / "01-bai-1.md").write_text(LESSON.format(n="1 (sửa)"), encoding="utf-8")
    with app.test_request_context():
        report = load_content(folder)
        db.session.commit()
        assert report.updated == ["test-khoa-thu"]
        course = db.session.scalar(select(Course).where(Course.slug == "test-khoa-thu"))
        assert course.current_version.number == 2
        assert course.current_version.lessons[0].title == "Bài 1 (sửa)"
        assert (
            db.session.scalar(
                select(LessonProgress.lesson_slug).where(LessonProgress.user_id == user_id)
            )
            == "bai-1"
        )
    from lms.accounts.models import User
    from lms.learning.services import enrolment_for, progress_in

    with app.test_request_context():
        user = db.session.get(User, user_id)
        course = db.session.scalar(select(Course).where(Course.slug == "test-khoa-thu"))
        enrolment = enrolment_for(user, course)
        assert enrolment.version_id == course.current_version_id  # moved forward
        assert progress_in(user, course).done == frozenset({"bai-1"})


def test_media_is_stored_once_and_image_urls_rewritten(app, scratch):
    folder = write_package(scratch)
    with app.test_request_context():
        load_content(folder)
        course = db.session.scalar(select(Course).where(Course.slug == "test-khoa-thu"))
        html = course.current_version.lessons[0].body_html
    assert 'src="/media/' in html and 'alt="Hình minh hoạ một chiếc điện thoại"' in html
    assert 'loading="lazy"' in html


def test_export_then_load_gives_the_same_content(app, scratch, tmp_path_factory):
    folder = write_package(scratch)
    out = tmp_path_factory.mktemp("export")
    with app.test_request_context():
        load_content(folder)
        db.session.commit()
        exported = export_course("test-khoa-thu", out)
    assert sorted(p.name for p in exported.iterdir()) == [
        "01-bai-1.md",
        "02-bai-2.md",
        "course.yaml",
        "kiem-tra.quiz.yaml",
        "media",
    ]
    assert (exported / "media" / "phone.svg").read_text(encoding="utf-8") == SVG
    with app.test_request_context():
        report = load_content(exported)
        db.session.commit()
        course = db.session.scalar(select(Course).where(Course.slug == "test-khoa-thu"))
        assert [ls.title for ls in course.current_version.lessons] == ["Bài 1", "Bài 2"]
        assert report.created == []
        assert report.updated + report.unchanged == ["test-khoa-thu"]


def test_cli_content_load_and_export(app, scratch, tmp_path_factory):
    folder = write_package(scratch)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["content", "load", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Khoá học mới: 1" in result.output
    out = tmp_path_factory.mktemp("cli-export")
    result = runner.invoke(args=["content", "export", "test-khoa-thu", str(out)])
    assert result.exit_code == 0 and (out / "test-khoa-thu" / "course.yaml").is_file()
    assert runner.invoke(args=["content", "export", "khong-co", str(out)]).exit_code != 0


def _error_for(app, scratch, mutate) -> ContentError:
    folder = write_package(scratch)
    mutate(folder)
    with app.test_request_context():
        with pytest.raises(ContentError) as caught:
            load_content(folder)
        db.session.rollback()
    return caught.value


def test_unknown_competence_names_file_line_and_field(app, scratch):
    def mutate(folder):
        text_ = (
            (folder / "course.yaml")
            .read_text(encoding="utf-8")
            .replace('["0.1"]', '["0.1", "9.9"]')
        )
        (folder / "course.yaml").write_text(text_, encoding="utf-8")

    error = _error_for(app, scratch, mutate)
    assert error.source == "test-khoa-thu/course.yaml"
    assert error.line == 5
    assert error.field == "competences.1"
    assert "9.9" in str(error)


def test_image_without_alt_text_is_refused_with_its_line(app, scratch):
    def mutate(folder):
        (folder / "02-bai-2.md").write_text(
            "---\ntitle: Bài 2\n---\nMột.\n\nHai.\n\n![](media/phone.svg)\n", encoding="utf-8"
        )

    error = _error_for(app, scratch, mutate)
    assert (error.source, error.line, error.field) == ("test-khoa-thu/02-bai-2.md", 8, "alt")


def test_missing_media_and_escaping_paths_are_refused(app, scratch):
    def missing(folder):
        (folder / "01-bai-1.md").write_text(
            "---\ntitle: A\n---\n![Ảnh](media/khong-co.png)\n", encoding="utf-8"
        )

    assert "không tìm thấy tệp" in str(_error_for(app, scratch, missing))


def test_broken_quiz_is_refused_with_question_and_field(app, scratch):
    def mutate(folder):
        (folder / "kiem-tra.quiz.yaml").write_text(
            QUIZ.replace("    answer: true\n", ""), encoding="utf-8"
        )

    error = _error_for(app, scratch, mutate)
    assert error.source == "test-khoa-thu/kiem-tra.quiz.yaml"
    assert "answer" in str(error)


def test_completion_naming_a_missing_quiz_is_refused(app, scratch):
    def mutate(folder):
        (folder / "kiem-tra.quiz.yaml").unlink()

    error = _error_for(app, scratch, mutate)
    assert error.field == "completion.quizzes.0"


def test_yaml_syntax_error_names_the_line(app, scratch):
    def mutate(folder):
        (folder / "course.yaml").write_text("title: [unclosed\nlevel: 1\n", encoding="utf-8")

    error = _error_for(app, scratch, mutate)
    assert error.line is not None and "YAML" in str(error)


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[bấm vào đây](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src=//evil></iframe>",
        '<svg onload="alert(1)">',
        "<style>body{display:none}</style>",
    ],
)
def test_markdown_is_sanitised_at_load(payload):
    tags = parsed_tags(render_markdown(payload))
    assert not {"script", "iframe", "style", "svg"} & {tag for tag, _ in tags}
    for _, attrs in tags:
        assert not any(name.startswith("on") for name, _ in attrs)
        assert not any(
            (value or "").strip().lower().startswith("javascript:") for _, value in attrs
        )


def parsed_tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Return the real elements of html (escaped text is not an element)."""
    from html.parser import HTMLParser

    found: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collector().feed(html)
    return found


@pytest.mark.parametrize(
    "html",
    [
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<img src="x" onerror=alert(1)>',
        "<scr<script>ipt>alert(1)</script>",
        '<div style="background:url(javascript:alert(1))">x</div>',
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    ],
)
def test_sanitiser_neutralises_raw_html_payloads(html):
    tags = parsed_tags(sanitise_html(html))
    for tag, attrs in tags:
        assert tag not in {"script", "style", "div", "math"}
        assert not any(name.startswith("on") or name == "style" for name, _ in attrs)
        assert not any("javascript" in (value or "").lower() for _, value in attrs)


def test_sanitiser_drops_script_content_not_just_tags():
    assert "alert" not in sanitise_html("<p>Xin chào</p><script>alert(1)</script>")
    assert sanitise_html("<p>Xin chào</p>") == "<p>Xin chào</p>"


def test_shipped_packages_copy_cleanly(tmp_path):
    # The export format is the load format: a shipped course copied elsewhere is still a package.
    source = Path(__file__).resolve().parents[2] / "content" / "courses"
    first = sorted(p for p in source.iterdir() if p.is_dir())[0]
    shutil.copytree(first, tmp_path / first.name)
    assert (tmp_path / first.name / "course.yaml").is_file()
