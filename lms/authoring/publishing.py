"""Publishing a draft as a new course version, and course packages as zip files.

A draft is published by writing it as a content package and loading that package with the
loader of `lms content load` (lms.catalog.importer.load_course_folder): the same validation,
the same versioning. A zip is read by extracting it safely (no path leaves the folder, sizes
and counts are limited, media are checked like uploads) and loading it the same way."""

from __future__ import annotations

import io
import stat
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from assessments import QuizFormatError, check_answerable, parse_quiz
from lms.accounts.models import User
from lms.authoring.access import can_edit, require_author_role, require_editor
from lms.authoring.audit import record_event
from lms.authoring.drafts import AuthoringError, draft_from_version, get_draft
from lms.authoring.models import OWNER, CourseAuthor, CourseDraft
from lms.authoring.snapshot import CourseSnapshot, draft_snapshot, version_snapshot
from lms.authoring.uploads import MB, UploadRefused, check_package_file
from lms.catalog.importer import LoadReport, load_course_folder, write_package
from lms.catalog.models import Course, CourseVersion
from lms.catalog.packages import SLUG
from lms.core.markdown import image_sources
from lms.core.yamlfile import ContentError
from lms.extensions import db

ZIP_LIMIT = 60 * MB  # the zip as uploaded
UNPACKED_LIMIT = 200 * MB  # everything inside it
MAX_ENTRIES = 500


def draft_problems(draft: CourseDraft) -> list[str]:
    """Return what keeps the draft from being published, in words for the teacher."""
    problems = []
    if not draft.lessons:
        problems.append(_("Khoá học cần ít nhất một bài học."))
    files = {item.path: item for item in draft.files}
    for lesson in draft.lessons:
        if not lesson.body_source.strip():
            problems.append(_("Bài “%(t)s” chưa có nội dung.", t=lesson.title))
        for src, alt in image_sources(lesson.body_source):
            item = files.get(src.strip())
            if item is None or item.kind != "image":
                problems.append(_("Bài “%(t)s”: không có ảnh %(src)s.", t=lesson.title, src=src))
            elif not alt.strip():
                problems.append(_("Bài “%(t)s”: ảnh %(src)s thiếu mô tả.", t=lesson.title, src=src))
        for m in lesson.media:
            for key in ("file", "captions"):
                if (m.get(key) or key == "file") and m.get(key) not in files:
                    problems.append(
                        _("Bài “%(t)s”: thiếu tệp %(f)s.", t=lesson.title, f=m.get(key, ""))
                    )
    for quiz in draft.quizzes:
        if not quiz.items:
            problems.append(_("Bài kiểm tra “%(t)s” chưa có câu hỏi.", t=quiz.title))
            continue
        try:
            engine = parse_quiz(
                {
                    "title": quiz.title,
                    **quiz.settings,
                    "questions": [item.question.definition for item in quiz.items],
                },
                quiz.slug,
            )
        except QuizFormatError as exc:
            problems.append(_("Bài kiểm tra “%(t)s”: %(m)s", t=quiz.title, m=exc.message))
            continue
        problems.extend(
            _("Bài kiểm tra “%(t)s”: %(m)s", t=quiz.title, m=problem)
            for problem in check_answerable(engine)
        )
    if draft.cover_file and draft.cover_file not in files:
        problems.append(_("Không tìm thấy ảnh bìa."))
    return problems


def draft_changed(course: Course, draft: CourseDraft) -> bool:
    """Return whether the draft differs from the published version (True if none yet)."""
    version = course.current_version
    if version is None:
        return True
    return draft_snapshot(draft).fingerprint() != version_snapshot(version).fingerprint()


@dataclass
class PublishOutcome:
    """A publication: the version learners now get, whether it is new, and warnings."""

    version: CourseVersion | None
    created: bool
    warnings: list[str] = field(default_factory=list)


def _load_snapshot(course: Course, snapshot: CourseSnapshot) -> tuple[LoadReport, Course]:
    with tempfile.TemporaryDirectory(prefix="lms-publish-") as tmp:
        folder = write_package(
            Path(tmp) / course.slug, snapshot.texts(), snapshot.referenced_media()
        )
        report = LoadReport()
        try:
            loaded = load_course_folder(folder, report)
        except ContentError as exc:
            raise AuthoringError(_("Gói nội dung không hợp lệ: %(e)s", e=str(exc))) from exc
    return report, loaded


def publish_course(actor: User, course: Course) -> PublishOutcome:
    """Publish the draft as a new version; an unchanged draft publishes nothing."""
    draft = get_draft(actor, course)
    problems = draft_problems(draft)
    if problems:
        raise AuthoringError(problems[0])
    if not draft_changed(course, draft):
        if not course.is_published:
            course.is_published = True
            db.session.flush()
        return PublishOutcome(course.current_version, False)
    report, loaded = _load_snapshot(course, draft_snapshot(draft))
    loaded.is_published = True
    version = loaded.current_version
    assert version is not None
    record_event(actor, course, "course.publish", f"v{version.number}", number=version.number)
    db.session.flush()
    return PublishOutcome(version, bool(report.created or report.updated), report.warnings)


# --- Zip packages ---------------------------------------------------------------------------


def export_zip(actor: User, course: Course, source: str = "published") -> tuple[str, bytes]:
    """Return a zip of the course package (the published version, or the draft)."""
    require_editor(actor, course)
    if source == "draft":
        snapshot = draft_snapshot(get_draft(actor, course))
        media = snapshot.referenced_media()
        name = f"{course.slug}-ban-nhap.zip"
    else:
        if course.current_version is None:
            raise AuthoringError(_("Khoá học chưa có phiên bản nào được xuất bản."))
        snapshot = version_snapshot(course.current_version)
        media = snapshot.media
        name = f"{course.slug}-v{course.current_version.number}.zip"
    media_root = Path(current_app.config["MEDIA_ROOT"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for relative, text in snapshot.texts().items():
            archive.writestr(f"{course.slug}/{relative}", text.encode("utf-8"))
        for relative, filename in sorted(media.items()):
            archive.write(media_root / filename[:2] / filename, f"{course.slug}/{relative}")
    record_event(actor, course, "course.export", name)
    return name, buffer.getvalue()


def _safe_members(archive: zipfile.ZipFile) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    """Return the files of a zip with their paths, refusing anything that could escape."""
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise AuthoringError(_("Gói có quá nhiều tệp (tối đa %(n)d).", n=MAX_ENTRIES))
    members = []
    total = 0
    for info in infos:
        name = info.filename
        if info.is_dir():
            continue
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise AuthoringError(_("Gói chứa liên kết tượng trưng (symlink): %(n)s", n=name))
        path = PurePosixPath(name)
        if (
            "\\" in name
            or name.startswith("/")
            or ":" in name
            or any(part in ("..", "") for part in path.parts)
            or "\0" in name
        ):
            raise AuthoringError(_("Đường dẫn không hợp lệ trong gói: %(n)s", n=name))
        if info.flag_bits & 0x1:
            raise AuthoringError(_("Gói có tệp được mã hoá bằng mật khẩu."))
        total += info.file_size
        if total > UNPACKED_LIMIT:
            raise AuthoringError(_("Nội dung gói sau khi giải nén quá lớn (tối đa 200 MB)."))
        if path.parts[0] in ("__MACOSX",) or path.name in (".DS_Store", "Thumbs.db"):
            continue
        members.append((info, path))
    return members


def _course_root(members: list[tuple[zipfile.ZipInfo, PurePosixPath]]) -> tuple[str | None, int]:
    """Return the course folder inside the zip (None: files at the top) and its depth."""
    if any(path.parts == ("course.yaml",) for _, path in members):
        return None, 0
    roots = {path.parts[0] for _, path in members}
    if len(roots) == 1 and any(path.parts[1:] == ("course.yaml",) for _, path in members):
        return roots.pop(), 1
    raise AuthoringError(_("Không tìm thấy course.yaml ở đầu gói hoặc trong một thư mục."))


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    # Read at most the declared size plus one byte: a lying header cannot flood the disk.
    with archive.open(info) as stream:
        data = stream.read(info.file_size + 1)
    if len(data) != info.file_size:
        raise AuthoringError(_("Tệp trong gói bị hỏng: %(n)s", n=info.filename))
    return data


def extract_package(data: bytes, target: Path, slug_hint: str | None) -> Path:
    """Extract a course package zip safely into target/<slug>; return that folder."""
    if len(data) > ZIP_LIMIT:
        raise AuthoringError(_("Tệp gói quá lớn (tối đa 60 MB)."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise AuthoringError(_("Tệp không phải là tệp nén ZIP hợp lệ.")) from exc
    with archive:
        members = _safe_members(archive)
        root, depth = _course_root(members)
        slug = root or slug_hint
        if not slug or not SLUG.match(slug):
            raise AuthoringError(
                _("Tên thư mục khoá học trong gói chỉ gồm chữ thường không dấu, số và '-'.")
            )
        folder = target / slug
        folder.mkdir(parents=True)
        for info, path in members:
            relative = PurePosixPath(*path.parts[depth:])
            content = _read_member(archive, info)
            if relative.parts[0] == "media":
                try:
                    content = check_package_file(content, relative.as_posix())
                except UploadRefused as exc:
                    raise AuthoringError(str(exc)) from exc
            destination = folder.joinpath(*relative.parts)
            if folder.resolve() not in destination.resolve().parents:
                raise AuthoringError(_("Đường dẫn không hợp lệ trong gói: %(n)s", n=info.filename))
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(content)
    return folder


@dataclass
class PackageImport:
    """An imported package: its course, and whether it made a new course or version."""

    course: Course
    created: bool
    updated: bool
    warnings: list[str]


def import_zip(actor: User, data: bytes, into: Course | None = None) -> PackageImport:
    """Load a course package zip as `lms content load` would; the importer must be its editor.

    A new slug creates a course owned by the importer. The draft is replaced by what was
    loaded when a new version was made."""
    require_author_role(actor)
    if into is not None:
        require_editor(actor, into)
    with tempfile.TemporaryDirectory(prefix="lms-import-") as tmp:
        folder = extract_package(data, Path(tmp), into.slug if into else None)
        if into is not None and folder.name != into.slug:
            raise AuthoringError(
                _("Gói là của khoá học “%(s)s”, không phải khoá học này.", s=folder.name)
            )
        existing = db.session.scalar(select(Course).where(Course.slug == folder.name))
        if existing is not None and not can_edit(actor, existing):
            raise AuthoringError(
                _("Đã có khoá học “%(s)s” và bạn không phải tác giả của nó.", s=folder.name)
            )
        report = LoadReport()
        try:
            course = load_course_folder(folder, report)
        except ContentError as exc:
            raise AuthoringError(str(exc)) from exc
    changed = bool(report.created or report.updated)
    if report.created:
        course.is_published = True
        db.session.add(CourseAuthor(course_id=course.id, user_id=actor.id, role=OWNER))
    if existing is not None and not existing.is_published and changed:
        course.is_published = True
    if changed:
        draft_from_version(course, course.current_version)
    record_event(
        actor,
        course,
        "course.import",
        folder.name,
        version=course.current_version.number if course.current_version else None,
        changed=changed,
    )
    db.session.flush()
    return PackageImport(course, bool(report.created), bool(report.updated), report.warnings)
