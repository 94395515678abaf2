"""Reading and validating content packages (DESIGN §4) into plain data, without the database."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lms.core.markdown import image_sources
from lms.core.text import nfc
from lms.core.yamlfile import ContentError, YamlDoc, parse_yaml

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LESSON_FILE = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
QUIZ_FILE = re.compile(r"^([a-z0-9]+(?:-[a-z0-9]+)*)\.(quiz\.yaml|gift)$")
MEDIA_KINDS = ("audio", "video", "slides")
MEDIA_TYPES = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "gif": "image/gif",
    "mp3": "audio/mpeg",
    "ogg": "audio/ogg",
    "oga": "audio/ogg",
    "m4a": "audio/mp4",
    "wav": "audio/wav",
    "mp4": "video/mp4",
    "webm": "video/webm",
    "pdf": "application/pdf",
    "vtt": "text/vtt",
}
IMAGE_EXTENSIONS = ("svg", "png", "jpg", "jpeg", "webp", "gif")
LESSON_HTML_BUDGET = 40_000  # bytes of lesson HTML; a lesson page stays under 60 KB before media


@dataclass(frozen=True)
class MediaRef:
    """A player shown after a lesson's text."""

    file: str
    kind: str
    title: str
    transcript: str = ""
    captions: str = ""  # a WebVTT file in media/, for audio and video


@dataclass(frozen=True)
class LessonFile:
    """A lesson as read from NN-<slug>.md."""

    slug: str
    position: int
    title: str
    minutes: int
    body: str
    media: tuple[MediaRef, ...]
    source: str


@dataclass(frozen=True)
class QuizFile:
    """A quiz file of a package, kept as its path for the assessments parser."""

    slug: str
    path: Path


@dataclass
class CoursePackage:
    """A course package read from content/courses/<slug>/."""

    slug: str
    title: str
    summary: str
    level: int
    groups: list[str]
    competences: list[str]
    minutes: int
    required_lessons: list[str]
    required_quizzes: list[str]
    manifest: dict[str, Any]
    lessons: list[LessonFile]
    quizzes: list[QuizFile]
    media: dict[str, Path]
    content_hash: str
    warnings: list[str] = field(default_factory=list)


def _text(doc: YamlDoc, data: dict[str, Any], key: str, *, required: bool = True) -> str:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise doc.error("thiếu giá trị bắt buộc", key)
        return ""
    if not isinstance(value, str):
        raise doc.error("cần là một chuỗi văn bản", key)
    return nfc(value.strip())


def _int(
    doc: YamlDoc, data: dict[str, Any], key: str, lo: int, hi: int, default: int | None = None
) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise doc.error(f"cần là số nguyên từ {lo} đến {hi}", key)
    return value


def _str_list(doc: YamlDoc, data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        raise doc.error("cần là một danh sách", key)
    return [str(v) for v in value]


def _content_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def split_front_matter(text: str, source: str) -> tuple[YamlDoc, str]:
    """Split a lesson into its YAML front matter and Markdown body."""
    if not text.startswith("---"):
        raise ContentError(source, "bài học cần bắt đầu bằng phần đầu YAML giữa hai dòng '---'", 1)
    parts = text.split("\n---", 1)
    if len(parts) != 2:
        raise ContentError(source, "không tìm thấy dòng '---' kết thúc phần đầu YAML", 1)
    header = parts[0][3:]
    body = parts[1].split("\n", 1)[1] if "\n" in parts[1] else ""
    doc = parse_yaml(header, source, offset=0)
    if not isinstance(doc.data, dict):
        raise ContentError(source, "phần đầu YAML cần là các cặp khoá: giá trị", 1)
    return doc, body


def _media_path(folder: Path, relative: str, doc_source: str, line: int | None, name: str) -> str:
    clean = relative.strip()
    if clean.startswith(("/", "\\")) or ".." in Path(clean).parts or not clean.startswith("media/"):
        raise ContentError(
            doc_source, f"tệp phương tiện phải nằm trong thư mục media/: {clean}", line, name
        )
    path = folder / clean
    if not path.is_file():
        raise ContentError(doc_source, f"không tìm thấy tệp {clean}", line, name)
    extension = path.suffix.lower().lstrip(".")
    if extension not in MEDIA_TYPES:
        raise ContentError(doc_source, f"loại tệp không được hỗ trợ: .{extension}", line, name)
    return clean


def _line_of(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else None


def read_lesson(folder: Path, path: Path, position: int, slug: str) -> LessonFile:
    """Read and check one lesson file."""
    source = f"{folder.name}/{path.name}"
    text = nfc(path.read_text(encoding="utf-8"))
    doc, body = split_front_matter(text, source)
    data: dict[str, Any] = doc.data
    title = _text(doc, data, "title")
    minutes = _int(doc, data, "minutes", 1, 120, default=5)
    for src, alt in image_sources(body):
        line = _line_of(text, src)
        if src.startswith(("http://", "https://", "//")):
            raise ContentError(
                source, f"ảnh phải nằm trong media/ của khoá học: {src}", line, "image"
            )
        _media_path(folder, src, source, line, "image")
        if Path(src).suffix.lower().lstrip(".") not in IMAGE_EXTENSIONS:
            raise ContentError(source, f"tệp không phải ảnh: {src}", line, "image")
        if not alt.strip():
            raise ContentError(source, f"ảnh {src} thiếu mô tả (alt text)", line, "alt")
    media = []
    raw_media = data.get("media") or []
    if not isinstance(raw_media, list):
        raise doc.error("cần là một danh sách", "media")
    for index, item in enumerate(raw_media):
        if not isinstance(item, dict):
            raise doc.error("mỗi mục cần có file, kind, title", "media", index)
        kind = item.get("kind")
        if kind not in MEDIA_KINDS:
            raise doc.error("kind cần là audio, video hoặc slides", "media", index, "kind")
        file = _media_path(
            folder,
            str(item.get("file", "")),
            source,
            doc.line("media", index, "file"),
            "media.file",
        )
        title_text = nfc(str(item.get("title") or "").strip())
        if not title_text:
            raise doc.error("thiếu tiêu đề", "media", index, "title")
        captions = ""
        if item.get("captions"):
            if kind == "slides":
                raise doc.error("bài trình chiếu không có phụ đề", "media", index, "captions")
            captions = _media_path(
                folder,
                str(item["captions"]),
                source,
                doc.line("media", index, "captions"),
                "media.captions",
            )
            if not captions.lower().endswith(".vtt"):
                raise doc.error("phụ đề cần là tệp .vtt (WebVTT)", "media", index, "captions")
        media.append(
            MediaRef(
                file, kind, title_text, nfc(str(item.get("transcript") or "").strip()), captions
            )
        )
    return LessonFile(slug, position, title, minutes, body, tuple(media), source)


def read_course(folder: Path, competence_codes: set[str], group_codes: set[str]) -> CoursePackage:
    """Read and check a course package folder; raises ContentError on the first problem."""
    slug = folder.name
    if not SLUG.match(slug):
        raise ContentError(slug, "tên thư mục khoá học chỉ gồm chữ thường không dấu, số và dấu '-'")
    manifest_path = folder / "course.yaml"
    if not manifest_path.is_file():
        raise ContentError(f"{slug}/course.yaml", "không tìm thấy tệp course.yaml")
    doc = parse_yaml(nfc(manifest_path.read_text(encoding="utf-8")), f"{slug}/course.yaml")
    if not isinstance(doc.data, dict):
        raise doc.error("cần là các cặp khoá: giá trị")
    data: dict[str, Any] = doc.data
    groups = _str_list(doc, data, "groups")
    for index, code in enumerate(groups):
        if code not in group_codes:
            raise doc.error(f"nhóm đối tượng không tồn tại: {code}", "groups", index)
    competences = _str_list(doc, data, "competences")
    for index, code in enumerate(competences):
        if code not in competence_codes:
            raise doc.error(f"mã năng lực không có trong khung: {code}", "competences", index)

    lessons: list[LessonFile] = []
    quizzes: list[QuizFile] = []
    for path in sorted(folder.iterdir()):
        if path.is_dir() or path.name == "course.yaml":
            continue
        if match := LESSON_FILE.match(path.name):
            lessons.append(read_lesson(folder, path, int(match.group(1)), match.group(2)))
        elif match := QUIZ_FILE.match(path.name):
            quizzes.append(QuizFile(match.group(1), path))
        else:
            raise ContentError(
                f"{slug}/{path.name}", "tên tệp không đúng quy ước (NN-ten-bai.md, ten.quiz.yaml)"
            )
    if not lessons:
        raise ContentError(f"{slug}/", "khoá học cần ít nhất một bài học")
    _check_unique([ls.position for ls in lessons], f"{slug}/", "hai bài học trùng số thứ tự")
    _check_unique([ls.slug for ls in lessons], f"{slug}/", "hai bài học trùng tên")
    _check_unique([q.slug for q in quizzes], f"{slug}/", "hai bài kiểm tra trùng tên")

    completion = data.get("completion") or {}
    if not isinstance(completion, dict):
        raise doc.error("cần có lessons và quizzes", "completion")
    lesson_rule = completion.get("lessons", "all")
    lesson_slugs = [ls.slug for ls in lessons]
    if lesson_rule == "all":
        required_lessons = lesson_slugs
    elif isinstance(lesson_rule, list):
        required_lessons = [str(s) for s in lesson_rule]
        for index, name in enumerate(required_lessons):
            if name not in lesson_slugs:
                raise doc.error(f"không có bài học '{name}'", "completion", "lessons", index)
    else:
        raise doc.error("cần là 'all' hoặc danh sách tên bài học", "completion", "lessons")
    required_quizzes = [str(s) for s in completion.get("quizzes") or []]
    for index, name in enumerate(required_quizzes):
        if name not in {q.slug for q in quizzes}:
            raise doc.error(f"không có bài kiểm tra '{name}'", "completion", "quizzes", index)

    cover = _text(doc, data, "cover", required=False)
    if cover:
        _media_path(folder, cover, f"{slug}/course.yaml", doc.line("cover"), "cover")
        if Path(cover).suffix.lower().lstrip(".") not in IMAGE_EXTENSIONS:
            raise doc.error(f"ảnh bìa phải là ảnh: {cover}", "cover")
        if not _text(doc, data, "cover_alt", required=False):
            raise doc.error("ảnh bìa cần mô tả (alt text)", "cover_alt")

    media = (
        {
            p.relative_to(folder).as_posix(): p
            for p in sorted((folder / "media").rglob("*"))
            if p.is_file()
        }
        if (folder / "media").is_dir()
        else {}
    )
    return CoursePackage(
        slug=slug,
        title=_text(doc, data, "title"),
        summary=_text(doc, data, "summary", required=False),
        level=_int(doc, data, "level", 1, 8),
        groups=groups,
        competences=competences,
        minutes=_int(doc, data, "minutes", 1, 10_000, default=sum(ls.minutes for ls in lessons)),
        required_lessons=required_lessons,
        required_quizzes=required_quizzes,
        manifest=data,
        lessons=sorted(lessons, key=lambda ls: ls.position),
        quizzes=quizzes,
        media=media,
        content_hash=_content_hash(folder),
    )


def _check_unique(values: list[Any], source: str, message: str) -> None:
    if len(values) != len(set(values)):
        raise ContentError(source, message)
