"""Loading the framework and course packages into the database, and writing them back."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from flask import current_app
from sqlalchemy import select

from assessments import QuizFormatError, check_answerable, load_quiz_file, parse_quiz, quiz_to_dict
from lms.catalog.models import (
    Competence,
    Course,
    CourseVersion,
    Domain,
    GroupTarget,
    LearnerGroup,
    Lesson,
    Level,
    MediaAsset,
    ProgramCourse,
    Quiz,
)
from lms.catalog.packages import LESSON_HTML_BUDGET, MEDIA_TYPES, CoursePackage, read_course
from lms.core.markdown import render_markdown
from lms.core.text import nfc, search_key
from lms.core.yamlfile import ContentError, parse_yaml
from lms.extensions import db


@dataclass
class LoadReport:
    """What a load did: courses created, updated (new version) or unchanged, and warnings."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _read_yaml(path: Path, source: str) -> Any:
    return parse_yaml(nfc(path.read_text(encoding="utf-8")), source)


def load_framework(folder: Path) -> None:
    """Load competences.yaml (domains, competences, levels) and the groups of groups.yaml."""
    doc = _read_yaml(folder / "competences.yaml", "framework/competences.yaml")
    data = doc.data
    for item in data.get("levels") or []:
        level = db.session.get(Level, int(item["bac"])) or Level(bac=int(item["bac"]))
        level.code, level.name_en = str(item["code"]), str(item["en"])
        level.name_vi = str(item["trinh_do"])
        db.session.add(level)
    for d_pos, domain_data in enumerate(data.get("domains") or []):
        code = str(domain_data["code"])
        domain = db.session.get(Domain, code) or Domain(code=code)
        domain.name_vi, domain.name_en, domain.position = (
            domain_data["vi"],
            domain_data["en"],
            d_pos,
        )
        db.session.add(domain)
        for c_pos, comp in enumerate(domain_data.get("competences") or []):
            c_code = str(comp["code"])
            competence = db.session.get(Competence, c_code) or Competence(code=c_code)
            competence.domain_code, competence.position = code, c_pos
            competence.name_vi, competence.name_en = comp["vi"], comp["en"]
            db.session.add(competence)
    groups_doc = _read_yaml(folder / "groups.yaml", "framework/groups.yaml")
    for position, item in enumerate(groups_doc.data.get("groups") or []):
        group = db.session.get(LearnerGroup, item["code"]) or LearnerGroup(code=item["code"])
        group.name_vi, group.name_en, group.position = item["vi"], item["en"], position
        db.session.add(group)
    db.session.flush()


def load_programs(folder: Path) -> None:
    """Set each group's program and default targets from groups.yaml (after the courses)."""
    doc = _read_yaml(folder / "groups.yaml", "framework/groups.yaml")
    for g_index, item in enumerate(doc.data.get("groups") or []):
        group = db.session.get(LearnerGroup, item["code"])
        slugs = [str(s) for s in item.get("program") or []]
        courses = {
            c.slug: c for c in db.session.scalars(select(Course).where(Course.slug.in_(slugs)))
        }
        for index, slug in enumerate(slugs):
            if slug not in courses:
                raise doc.error(
                    f"chương trình nhắc tới khoá học không có: {slug}",
                    "groups",
                    g_index,
                    "program",
                    index,
                )
        group.program = [
            ProgramCourse(group_code=group.code, course_id=courses[slug].id, position=index)
            for index, slug in enumerate(slugs)
        ]
        group.targets = [
            GroupTarget(group_code=group.code, year=int(year), percent=float(percent))
            for year, percent in (item.get("targets") or {}).items()
        ]
    db.session.flush()


def _store_media(path: Path) -> MediaAsset:
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    asset = db.session.scalar(select(MediaAsset).where(MediaAsset.sha256 == digest))
    extension = path.suffix.lower().lstrip(".")
    if asset is None:
        asset = MediaAsset(
            sha256=digest, extension=extension, content_type=MEDIA_TYPES[extension], size=len(data)
        )
        db.session.add(asset)
    target = Path(current_app.config["MEDIA_ROOT"]) / digest[:2] / asset.filename
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return asset


MEDIA_URL_PREFIX = "/media/"


def media_url(asset_filename: str) -> str:
    """Return the URL a media file is served at (a fixed path, so stored HTML can hold it)."""
    return MEDIA_URL_PREFIX + asset_filename


def _build_version(
    course: Course, package: CoursePackage, number: int, report: LoadReport
) -> CourseVersion:
    assets = {rel: _store_media(path) for rel, path in package.media.items()}
    files = {rel: asset.filename for rel, asset in assets.items()}

    def resolve(src: str) -> str | None:
        filename = files.get(src.strip())
        return media_url(filename) if filename else None

    version = CourseVersion(
        course_id=course.id,
        number=number,
        content_hash=package.content_hash,
        manifest=package.manifest,
        required_lessons=package.required_lessons,
        required_quizzes=package.required_quizzes,
        media=files,
    )
    for lesson in package.lessons:
        html = render_markdown(lesson.body, resolve)
        if len(html.encode()) > LESSON_HTML_BUDGET:
            report.warnings.append(
                f"{lesson.source}: bài học dài {len(html.encode())} byte, quá {LESSON_HTML_BUDGET}"
            )
        version.lessons.append(
            Lesson(
                slug=lesson.slug,
                position=lesson.position,
                title=lesson.title,
                minutes=lesson.minutes,
                body_source=lesson.body,
                body_html=html,
                media=[
                    {
                        "file": m.file,
                        "kind": m.kind,
                        "title": m.title,
                        "transcript": m.transcript,
                        "captions": m.captions,
                        "captions_url": resolve(m.captions) if m.captions else None,
                        "url": resolve(m.file),
                        "content_type": assets[m.file].content_type,
                        "size": assets[m.file].size,
                    }
                    for m in lesson.media
                ],
            )
        )
    for quiz_file in package.quizzes:
        source = f"{package.slug}/{quiz_file.path.name}"
        try:
            quiz = load_quiz_file(quiz_file.path)
        except QuizFormatError as exc:
            raise ContentError(source, exc.message, exc.line, exc.field) from exc
        problems = check_answerable(quiz)
        if problems:
            raise ContentError(source, "; ".join(problems))
        version.quizzes.append(
            Quiz(slug=quiz_file.slug, title=quiz.title, definition=quiz_to_dict(quiz))
        )
    return version


def load_course(package: CoursePackage, report: LoadReport) -> Course:
    """Create or update one course from its package; unchanged content is left alone."""
    course = db.session.scalar(select(Course).where(Course.slug == package.slug))
    current = course.current_version if course is not None else None
    if course is not None and current is not None and current.content_hash == package.content_hash:
        report.unchanged.append(package.slug)
        return course
    is_new = course is None
    if course is None:
        course = Course(slug=package.slug)
        db.session.add(course)
    course.title, course.summary = package.title, package.summary
    course.level, course.minutes = package.level, package.minutes
    course.search_key = search_key(f"{package.title} {package.summary}")
    course.groups = list(
        db.session.scalars(select(LearnerGroup).where(LearnerGroup.code.in_(package.groups)))
    )
    course.competences = list(
        db.session.scalars(select(Competence).where(Competence.code.in_(package.competences)))
    )
    db.session.flush()
    number = 1 + (
        db.session.scalar(
            select(db.func.max(CourseVersion.number)).where(CourseVersion.course_id == course.id)
        )
        or 0
    )
    version = _build_version(course, package, number, report)
    db.session.add(version)
    db.session.flush()
    course.current_version = version
    (report.created if is_new else report.updated).append(package.slug)
    return course


def load_course_folder(folder: Path, report: LoadReport) -> Course:
    """Check one course package folder and load it (a new version only if it changed)."""
    competence_codes = set(db.session.scalars(select(Competence.code)))
    group_codes = set(db.session.scalars(select(LearnerGroup.code)))
    package = read_course(folder, competence_codes, group_codes)
    report.warnings.extend(package.warnings)
    return load_course(package, report)


def load_content(root: Path) -> LoadReport:
    """Load the framework and every course under root (a content/ folder or one course folder)."""
    report = LoadReport()
    framework = root / "framework"
    if framework.is_dir():
        load_framework(framework)
    if (root / "course.yaml").is_file():
        folders = [root]
    else:
        courses_dir = root / "courses"
        folders = (
            sorted(p for p in courses_dir.iterdir() if p.is_dir()) if courses_dir.is_dir() else []
        )
    for folder in folders:
        load_course_folder(folder, report)
    if framework.is_dir():
        load_programs(framework)
    return report


@dataclass(frozen=True)
class PackageLesson:
    """A lesson as written into a package: NN-<slug>.md with its front matter."""

    slug: str
    title: str
    minutes: int
    body: str
    media: list[dict[str, Any]]


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def package_texts(
    manifest: dict[str, Any],
    lessons: list[PackageLesson],
    quizzes: list[tuple[str, dict[str, Any]]],
) -> dict[str, str]:
    """Return the text files of a package by relative path (lessons numbered in list order)."""
    texts = {"course.yaml": _dump(manifest)}
    for number, lesson in enumerate(lessons, start=1):
        header: dict[str, Any] = {"title": lesson.title, "minutes": lesson.minutes}
        if lesson.media:
            header["media"] = [
                {k: m[k] for k in ("file", "kind", "title", "transcript", "captions") if m.get(k)}
                for m in lesson.media
            ]
        texts[f"{number:02d}-{lesson.slug}.md"] = f"---\n{_dump(header)}---\n{lesson.body}"
    for slug, definition in quizzes:
        texts[f"{slug}.quiz.yaml"] = _dump(quiz_to_dict(parse_quiz(definition, slug)))
    return texts


def write_package(folder: Path, texts: dict[str, str], media: dict[str, str]) -> Path:
    """Write a package folder: its texts, and media copied from the store (path -> filename)."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for relative, text in texts.items():
        (folder / relative).write_text(text, encoding="utf-8")
    media_root = Path(current_app.config["MEDIA_ROOT"])
    for relative, filename in media.items():
        destination = folder / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(media_root / filename[:2] / filename, destination)
    return folder


def version_lessons(version: CourseVersion) -> list[PackageLesson]:
    """Return a version's lessons as package lessons, in order."""
    return [
        PackageLesson(lesson.slug, lesson.title, lesson.minutes, lesson.body_source, lesson.media)
        for lesson in version.lessons
    ]


def export_course(slug: str, target: Path) -> Path:
    """Write a course's current version back as a content package under target/<slug>."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None or course.current_version is None:
        raise LookupError(slug)
    version = course.current_version
    texts = package_texts(
        version.manifest,
        version_lessons(version),
        [(quiz.slug, quiz.definition) for quiz in version.quizzes],
    )
    return write_package(target / slug, texts, version.media)
