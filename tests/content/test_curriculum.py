"""The shipped curriculum: every package valid, every quiz answerable and passable, programs whole."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from assessments import check_answerable, load_quiz_file
from lms.catalog.packages import LESSON_HTML_BUDGET, CoursePackage, read_course
from lms.core.markdown import image_sources, render_markdown

CONTENT = Path(__file__).resolve().parents[2] / "content"
COURSES = sorted(p for p in (CONTENT / "courses").iterdir() if p.is_dir())
FRAMEWORK = yaml.safe_load((CONTENT / "framework" / "competences.yaml").read_text(encoding="utf-8"))
GROUPS = yaml.safe_load((CONTENT / "framework" / "groups.yaml").read_text(encoding="utf-8"))[
    "groups"
]
COMPETENCES = {c["code"] for d in FRAMEWORK["domains"] for c in d["competences"]}
GROUP_CODES = {g["code"] for g in GROUPS}
IDS = [p.name for p in COURSES]


def package(folder: Path) -> CoursePackage:
    return read_course(folder, COMPETENCES, GROUP_CODES)


def test_framework_has_the_official_shape():
    assert len(FRAMEWORK["levels"]) == 8
    domains = FRAMEWORK["domains"]
    assert [d["code"] for d in domains] == ["0", "1", "2", "3", "4", "5", "6"]
    assert sum(len(d["competences"]) for d in domains if d["code"] != "0") == 24
    assert GROUP_CODES == {"public_servant", "student", "enterprise_worker", "citizen"}


@pytest.mark.parametrize("group", GROUPS, ids=[g["code"] for g in GROUPS])
def test_each_group_has_a_program_of_4_to_6_existing_courses(group):
    program = group["program"]
    assert 4 <= len(program) <= 6
    assert len(set(program)) == len(program)
    for slug in program:
        assert (CONTENT / "courses" / slug / "course.yaml").is_file(), slug
    assert set(group["targets"]) == {2025, 2026}


def test_every_course_belongs_to_a_program_and_lists_its_groups():
    in_programs: dict[str, set[str]] = {}
    for group in GROUPS:
        for slug in group["program"]:
            in_programs.setdefault(slug, set()).add(group["code"])
    for folder in COURSES:
        assert folder.name in in_programs, f"{folder.name} is in no program"
        assert in_programs[folder.name] <= set(package(folder).groups), folder.name


@pytest.mark.parametrize("folder", COURSES, ids=IDS)
def test_course_package_is_valid_and_well_formed(folder):
    course = package(folder)  # raises ContentError naming file, line and field
    assert 1 <= course.level <= 8
    assert course.competences and set(course.competences) <= COMPETENCES
    assert 3 <= len(course.lessons) <= 6
    assert course.required_lessons == [lesson.slug for lesson in course.lessons]
    assert course.required_quizzes, "a final quiz is required for completion"
    assert course.summary


@pytest.mark.parametrize("folder", COURSES, ids=IDS)
def test_lessons_are_short_illustrated_and_light(folder):
    course = package(folder)
    images = 0
    for lesson in course.lessons:
        assert 5 <= lesson.minutes <= 10, lesson.source
        assert unicodedata.is_normalized("NFC", lesson.body), lesson.source
        assert re.search(r"tóm tắt", lesson.body, re.IGNORECASE), f"{lesson.source} has no summary"
        html = render_markdown(lesson.body)
        assert len(html.encode()) < LESSON_HTML_BUDGET, lesson.source
        for src, alt in image_sources(lesson.body):
            assert alt.strip(), f"{lesson.source}: {src} has no alt text"
            images += 1
    assert images >= 1, f"{folder.name} has no illustration"


@pytest.mark.parametrize("folder", COURSES, ids=IDS)
def test_media_is_small_and_safe(folder):
    for path in (folder / "media").rglob("*") if (folder / "media").is_dir() else []:
        data = path.read_bytes()
        assert len(data) < 200_000, path
        if path.suffix == ".svg":
            text = data.decode("utf-8").lower()
            assert "<script" not in text and "javascript:" not in text, path
            assert not re.search(r"\son\w+\s*=", text), path
            assert not re.search(r'(href|src)\s*=\s*"(https?:)?//', text), path


@pytest.mark.parametrize("folder", COURSES, ids=IDS)
def test_final_quiz_is_answerable_passable_and_explained(folder):
    course = package(folder)
    for quiz_file in course.quizzes:
        quiz = load_quiz_file(quiz_file.path)
        assert check_answerable(quiz) == [], quiz_file.path
        assert len(quiz.questions) >= 8, quiz_file.path
        assert len({q.type for q in quiz.questions}) >= 3, quiz_file.path
        assert 0 < quiz.policy.pass_percent <= 100
        for question in quiz.questions:
            assert question.explanation, f"{quiz_file.path}: {question.id} has no explanation"
            assert question.feedback, f"{quiz_file.path}: {question.id} has no feedback"
            if question.competence:
                assert question.competence in COMPETENCES, question.id
