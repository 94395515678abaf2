"""Course drafts: creating courses, editing their card, authors, lessons, media and history.

Every function takes the person acting, checks that they may edit the course, records what
changed in the audit trail, and flushes (the view commits)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.accounts.services import find_user, parse_login
from lms.authoring.access import (
    require_author_role,
    require_editor,
    require_owner,
)
from lms.authoring.audit import record_event
from lms.authoring.models import (
    COAUTHOR,
    OWNER,
    BankQuestion,
    CourseAuthor,
    CourseDraft,
    DraftLesson,
    DraftMedia,
    DraftQuiz,
    DraftQuizQuestion,
    LessonRevision,
)
from lms.authoring.uploads import check_upload, kind_of_format, package_name, store_file
from lms.catalog.importer import media_url
from lms.catalog.models import Competence, Course, CourseVersion, LearnerGroup, Level, MediaAsset
from lms.catalog.packages import SLUG
from lms.core.markdown import image_sources, render_markdown
from lms.core.text import clean_line, fold_diacritics, nfc, search_key
from lms.extensions import db

MAX_BODY = 100_000  # characters of Markdown in one lesson
MEDIA_KINDS = ("audio", "video", "slides")


class AuthoringError(ValueError):
    """A rule of authoring was broken; the message is for the teacher, the field says where."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def slugify(text: str, fallback: str = "muc") -> str:
    """Return a slug of text: ASCII lower case, digits and hyphens."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold_diacritics(nfc(text)).lower().replace("đ", "d"))
    return slug.strip("-")[:60].strip("-") or fallback


def unique_name(base: str, taken: set[str]) -> str:
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def checked_title(raw: str, field: str = "title") -> str:
    """Return a title cleaned to one line, or raise AuthoringError naming the field."""
    title = clean_line(raw)
    if not title:
        raise AuthoringError(_("Hãy nhập tiêu đề."), field)
    if len(title) > 200:
        raise AuthoringError(_("Tiêu đề dài quá 200 ký tự."), field)
    return title


# --- Courses and drafts ---------------------------------------------------------------------


def create_course(actor: User, title: str, slug: str = "") -> Course:
    """Create an unpublished course with an empty draft; the creator becomes its owner."""
    require_author_role(actor)
    clean_title = checked_title(title)
    taken = set(db.session.scalars(select(Course.slug)))
    if slug.strip():
        slug = slug.strip().lower()
        if not SLUG.match(slug) or len(slug) > 80:
            raise AuthoringError(
                _("Tên đường dẫn chỉ gồm chữ thường không dấu, chữ số và dấu '-'."), "slug"
            )
        if slug in taken:
            raise AuthoringError(_("Tên đường dẫn này đã có khoá học khác dùng."), "slug")
    else:
        slug = unique_name(slugify(clean_title, "khoa-hoc"), taken)
    course = Course(
        slug=slug,
        title=clean_title,
        summary="",
        level=1,
        minutes=0,
        search_key=search_key(clean_title),
        is_published=False,
    )
    db.session.add(course)
    db.session.flush()
    db.session.add(CourseDraft(course_id=course.id, title=clean_title, summary=""))
    db.session.add(CourseAuthor(course_id=course.id, user_id=actor.id, role=OWNER))
    record_event(actor, course, "course.create", clean_title)
    db.session.flush()
    return course


def get_draft(actor: User, course: Course) -> CourseDraft:
    """Return the course's draft, made from its current version the first time."""
    require_editor(actor, course)
    draft = db.session.get(CourseDraft, course.id)
    if draft is None:
        draft = draft_from_version(course, course.current_version)
    return draft


def draft_from_version(course: Course, version: CourseVersion | None) -> CourseDraft:
    """Replace the course's draft by the content of a version (or an empty draft)."""
    old = db.session.get(CourseDraft, course.id)
    kept_bank: list[dict[str, Any]] = []
    if old is not None:
        # Questions of the bank are the teacher's work even when no quiz uses them: keep them.
        kept_bank = [
            dict(row.definition)
            for row in db.session.scalars(
                select(BankQuestion).where(BankQuestion.course_id == course.id)
            )
        ]
        db.session.delete(old)
        db.session.flush()
    manifest: dict[str, Any] = dict(version.manifest) if version else {}
    completion = manifest.get("completion") or {}
    draft = CourseDraft(
        course_id=course.id,
        title=str(manifest.get("title") or course.title),
        summary=str(manifest.get("summary") or "").strip(),
        level=int(manifest.get("level") or course.level or 1),
        minutes=int(manifest.get("minutes") or 0),
        groups=[str(g) for g in manifest.get("groups") or []],
        competences=[str(c) for c in manifest.get("competences") or []],
        required_lessons=completion.get("lessons", "all"),
        required_quizzes=[str(q) for q in completion.get("quizzes") or []],
        cover_file=manifest.get("cover") or None,
        cover_alt=str(manifest.get("cover_alt") or ""),
    )
    db.session.add(draft)
    db.session.flush()
    if version is not None:
        _fill_from_version(course, version)
    taken = set(
        db.session.scalars(select(BankQuestion.qid).where(BankQuestion.course_id == course.id))
    )
    for data in kept_bank:
        if data.get("id") not in taken:
            db.session.add(BankQuestion(course_id=course.id, qid=str(data["id"]), definition=data))
    db.session.flush()
    db.session.refresh(draft)
    return draft


def _fill_from_version(course: Course, version: CourseVersion) -> None:
    for position, lesson in enumerate(version.lessons, start=1):
        media = [
            {k: m.get(k) or "" for k in ("file", "kind", "title", "transcript", "captions")}
            for m in lesson.media
        ]
        db.session.add(
            DraftLesson(
                course_id=course.id,
                slug=lesson.slug,
                position=position,
                title=lesson.title,
                minutes=lesson.minutes,
                body_source=lesson.body_source,
                media=media,
            )
        )
        if not _revisions_exist(course, lesson.slug):
            _add_revision(
                None,
                course,
                lesson.slug,
                lesson.title,
                lesson.minutes,
                lesson.body_source,
                media,
                _("Phiên bản %(n)d đã xuất bản", n=version.number),
            )
    for path, filename in version.media.items():
        digest = filename.partition(".")[0]
        asset = db.session.scalar(select(MediaAsset).where(MediaAsset.sha256 == digest))
        if asset is not None:
            kind = _kind_of_path(path)
            db.session.add(DraftMedia(course_id=course.id, path=path, asset_id=asset.id, kind=kind))
    taken: set[str] = set()
    for quiz in version.quizzes:
        definition = dict(quiz.definition)
        questions = definition.pop("questions", [])
        title = str(definition.pop("title", quiz.title))
        draft_quiz = DraftQuiz(
            course_id=course.id, slug=quiz.slug, title=title, settings=definition
        )
        db.session.add(draft_quiz)
        db.session.flush()
        for position, data in enumerate(questions):
            qid = str(data["id"])
            if qid in taken:  # ids are unique per quiz; the bank needs them unique per course
                qid = unique_name(f"{quiz.slug}-{qid}"[:70], taken)
            taken.add(qid)
            row = BankQuestion(course_id=course.id, qid=qid, definition={**data, "id": qid})
            db.session.add(row)
            db.session.flush()
            db.session.add(
                DraftQuizQuestion(quiz_id=draft_quiz.id, question_id=row.id, position=position)
            )
    db.session.flush()


def _kind_of_path(path: str) -> str:
    extension = path.rsplit(".", 1)[-1].lower()
    return kind_of_format({"jpeg": "jpg", "oga": "ogg"}.get(extension, extension)) or "file"


@dataclass
class CourseInfo:
    """What a teacher sets on a course's card."""

    title: str
    summary: str
    level: int
    minutes: int
    groups: list[str]
    competences: list[str]
    required_lessons: str | list[str]
    required_quizzes: list[str]


def update_course_info(actor: User, course: Course, info: CourseInfo) -> CourseDraft:
    """Check and set the draft's title, summary, level, groups, competences, time and rule."""
    draft = get_draft(actor, course)
    title = checked_title(info.title)
    summary = nfc(info.summary or "").strip()
    if len(summary) > 1000:
        raise AuthoringError(_("Phần giới thiệu dài quá 1000 ký tự."), "summary")
    if db.session.get(Level, info.level) is None:
        raise AuthoringError(_("Hãy chọn bậc từ 1 đến 8."), "level")
    if not 0 <= info.minutes <= 10_000:
        raise AuthoringError(_("Thời lượng cần từ 0 đến 10000 phút."), "minutes")
    known_groups = set(db.session.scalars(select(LearnerGroup.code)))
    if not set(info.groups) <= known_groups:
        raise AuthoringError(_("Nhóm đối tượng không hợp lệ."), "groups")
    known_competences = set(db.session.scalars(select(Competence.code)))
    if not set(info.competences) <= known_competences:
        raise AuthoringError(_("Mã năng lực không có trong khung năng lực số."), "competences")
    lesson_slugs = [lesson.slug for lesson in draft.lessons]
    if info.required_lessons != "all":
        required = [s for s in lesson_slugs if s in set(info.required_lessons)]
        if not required:
            raise AuthoringError(
                _("Hãy chọn ít nhất một bài học bắt buộc, hoặc chọn “tất cả bài học”."),
                "required_lessons",
            )
        info.required_lessons = required
    quiz_slugs = {quiz.slug for quiz in draft.quizzes}
    if not set(info.required_quizzes) <= quiz_slugs:
        raise AuthoringError(_("Bài kiểm tra bắt buộc không có trong khoá học."), "quizzes")
    draft.title, draft.summary, draft.level, draft.minutes = (
        title,
        summary,
        info.level,
        info.minutes,
    )
    draft.groups = sorted(set(info.groups))
    draft.competences = sorted(set(info.competences))
    draft.required_lessons = info.required_lessons
    draft.required_quizzes = [q.slug for q in draft.quizzes if q.slug in info.required_quizzes]
    record_event(actor, course, "course.update", title)
    db.session.flush()
    return draft


def save_course_card(
    actor: User, course: Course, info: CourseInfo, cover: tuple[bytes, str], cover_alt: str | None
) -> CourseDraft:
    """Save the card, then a new cover image (bytes, name) or the cover's new description."""
    draft = update_course_info(actor, course, info)
    data, name = cover
    if data:
        set_cover(actor, course, data, name, cover_alt or "")
    elif cover_alt is not None:
        set_cover_alt(actor, course, cover_alt)
    return draft


def set_cover(actor: User, course: Course, data: bytes, original: str, alt: str) -> CourseDraft:
    """Upload a cover image (alt text required) for the draft."""
    draft = get_draft(actor, course)
    alt_text = clean_line(alt)
    if not alt_text:
        raise AuthoringError(
            _("Hãy mô tả ảnh bìa (alt text) cho người không nhìn thấy ảnh."), "alt"
        )
    item = upload_file(actor, course, data, original, "image")
    draft.cover_file, draft.cover_alt = item.path, alt_text[:300]
    record_event(actor, course, "course.cover", item.path)
    db.session.flush()
    return draft


def set_cover_alt(actor: User, course: Course, alt: str) -> None:
    """Change the description of the draft's cover image (required while there is one)."""
    draft = get_draft(actor, course)
    alt_text = clean_line(alt)
    if draft.cover_file and not alt_text:
        raise AuthoringError(_("Hãy mô tả ảnh bìa (alt text)."), "alt")
    if draft.cover_file and alt_text[:300] != draft.cover_alt:
        draft.cover_alt = alt_text[:300]
        record_event(actor, course, "course.cover", draft.cover_file, alt=draft.cover_alt)
        db.session.flush()


def remove_cover(actor: User, course: Course) -> None:
    """Take the cover image off the draft."""
    draft = get_draft(actor, course)
    draft.cover_file, draft.cover_alt = None, ""
    record_event(actor, course, "course.cover", "")
    db.session.flush()


# --- Authors --------------------------------------------------------------------------------


def course_authors(actor: User, course: Course) -> list[CourseAuthor]:
    """Return the course's authors, owner first."""
    require_editor(actor, course)
    rows = db.session.scalars(select(CourseAuthor).where(CourseAuthor.course_id == course.id))
    return sorted(rows, key=lambda row: (row.role != OWNER, row.user.full_name))


def add_coauthor(actor: User, course: Course, login: str) -> CourseAuthor:
    """Make a teacher (found by phone or e-mail) a co-author of the course."""
    require_owner(actor, course)
    parsed = parse_login(login)
    user = find_user(parsed) if parsed else None
    if user is None:
        raise AuthoringError(
            _("Không tìm thấy tài khoản với số điện thoại hoặc email này."), "login"
        )
    if user.role not in ("teacher", "admin"):
        raise AuthoringError(_("Chỉ giáo viên mới có thể là đồng tác giả."), "login")
    if db.session.get(CourseAuthor, (course.id, user.id)) is not None:
        raise AuthoringError(_("Người này đã là tác giả của khoá học."), "login")
    row = CourseAuthor(course_id=course.id, user_id=user.id, role=COAUTHOR)
    db.session.add(row)
    record_event(actor, course, "author.add", user.full_name)
    db.session.flush()
    return row


def remove_coauthor(actor: User, course: Course, user_id: int) -> None:
    """Remove a co-author (the owner stays)."""
    require_owner(actor, course)
    row = db.session.get(CourseAuthor, (course.id, user_id))
    if row is None:
        raise AuthoringError(_("Người này không phải tác giả của khoá học."))
    if row.role == OWNER:
        raise AuthoringError(_("Không thể bỏ người tạo khoá học."))
    record_event(actor, course, "author.remove", row.user.full_name)
    db.session.delete(row)
    db.session.flush()


# --- Files ----------------------------------------------------------------------------------


def upload_file(actor: User, course: Course, data: bytes, original: str, kind: str) -> DraftMedia:
    """Check an upload by its content, store it once, and add it to the draft's files."""
    draft = get_draft(actor, course)
    checked = check_upload(data, kind)  # raises UploadRefused with the reason
    asset = store_file(checked)
    existing = next((item for item in draft.files if item.asset_id == asset.id), None)
    if existing is not None:
        return existing
    taken = {item.path for item in draft.files}
    path = "media/" + package_name(original, checked)
    path = unique_name(path.rsplit(".", 1)[0], {p.rsplit(".", 1)[0] for p in taken})
    path = f"{path}.{checked.extension}"
    item = DraftMedia(
        course_id=course.id,
        path=path,
        asset_id=asset.id,
        kind=checked.kind,
        original_name=clean_line(original)[:200],
    )
    draft.files.append(item)
    record_event(actor, course, "media.upload", path, name=item.original_name)
    db.session.flush()
    return item


def file_uses(draft: CourseDraft) -> dict[str, list[str]]:
    """Return, for every file of the draft, where the draft uses it (in words for the teacher).

    A file nothing uses can be deleted from the draft; the stored asset stays for the
    published versions that may use it."""
    uses: dict[str, list[str]] = {item.path: [] for item in draft.files}

    def used(path: str | None, where: str) -> None:
        places = uses.get((path or "").strip())
        if places is not None and where not in places:
            places.append(where)

    used(draft.cover_file, _("Ảnh bìa khoá học"))
    for lesson in draft.lessons:
        where = _("Bài “%(t)s”", t=lesson.title)
        for src, _alt in image_sources(lesson.body_source):
            used(src, where)
        for item in lesson.media:
            used(item.get("file"), where)
            used(item.get("captions"), where)
    return uses


def delete_file(actor: User, course: Course, path: str) -> DraftMedia:
    """Delete a file the draft no longer uses; refused, naming where, while it is used."""
    draft = get_draft(actor, course)
    item = next((f for f in draft.files if f.path == path), None)
    if item is None:
        raise LookupError(path)
    places = file_uses(draft)[path]
    if places:
        raise AuthoringError(
            _(
                "Tệp “%(path)s” đang được dùng ở: %(places)s. Hãy bỏ tệp khỏi những chỗ đó "
                "trước rồi xoá.",
                path=path,
                places="; ".join(places),
            ),
            "file",
        )
    draft.files.remove(item)
    record_event(actor, course, "media.delete", path, name=item.original_name)
    db.session.flush()
    return item


def media_resolver(draft: CourseDraft):  # type: ignore[no-untyped-def]
    """Return the function that turns "media/x.png" into its URL, as publishing does."""
    files = {item.path: item.asset.filename for item in draft.files}

    def resolve(src: str) -> str | None:
        filename = files.get(src.strip())
        return media_url(filename) if filename else None

    return resolve


def render_preview(draft: CourseDraft, body: str) -> str:
    """Return the HTML learners will see for this Markdown (the same renderer and sanitiser)."""
    return render_markdown(nfc(body), media_resolver(draft))


def lesson_players(draft: CourseDraft, lesson: DraftLesson) -> list[dict[str, Any]]:
    """Return a lesson's players in the shape published lessons have (with url and size)."""
    by_path = {item.path: item for item in draft.files}
    players = []
    for m in lesson.media:
        item = by_path.get(m.get("file", ""))
        captions = by_path.get(m.get("captions") or "")
        players.append(
            {
                **m,
                "captions_url": media_url(captions.asset.filename) if captions else None,
                "url": media_url(item.asset.filename) if item else None,
                "content_type": item.asset.content_type if item else "",
                "size": item.asset.size if item else 0,
            }
        )
    return players


# --- Lessons --------------------------------------------------------------------------------


def lesson_of(draft: CourseDraft, slug: str) -> DraftLesson:
    """Return the draft's lesson with this slug (LookupError if absent)."""
    lesson = next((lesson for lesson in draft.lessons if lesson.slug == slug), None)
    if lesson is None:
        raise LookupError(slug)
    return lesson


def add_lesson(actor: User, course: Course, title: str) -> DraftLesson:
    """Add an empty lesson at the end of the draft."""
    draft = get_draft(actor, course)
    clean_title = checked_title(title)
    if len(draft.lessons) >= 99:
        raise AuthoringError(_("Một khoá học có tối đa 99 bài học."), "title")
    taken = {lesson.slug for lesson in draft.lessons} | set(
        db.session.scalars(
            select(LessonRevision.lesson_slug).where(LessonRevision.course_id == course.id)
        )
    )  # a slug once used keeps its history and learners' progress: never reuse it
    slug = unique_name(slugify(clean_title, "bai-hoc"), taken)
    lesson = DraftLesson(
        course_id=course.id,
        slug=slug,
        position=len(draft.lessons) + 1,
        title=clean_title,
        minutes=5,
        body_source="",
        media=[],
    )
    draft.lessons.append(lesson)
    record_event(actor, course, "lesson.create", slug, title=clean_title)
    db.session.flush()
    return lesson


def check_lesson_body(draft: CourseDraft, body: str) -> None:
    """Refuse images without alt text or not among the course's files."""
    paths = {item.path: item for item in draft.files}
    for src, alt in image_sources(body):
        clean = src.strip()
        item = paths.get(clean)
        if item is None:
            raise AuthoringError(
                _(
                    "Ảnh “%(src)s” không có trong tệp của khoá học. "
                    "Hãy tải ảnh lên bằng ô “Chèn ảnh”.",
                    src=clean,
                ),
                "body",
            )
        if item.kind != "image":
            raise AuthoringError(_("Tệp “%(src)s” không phải ảnh.", src=clean), "body")
        if not alt.strip():
            raise AuthoringError(
                _(
                    "Ảnh “%(src)s” thiếu mô tả. Viết mô tả giữa hai dấu ngoặc vuông: "
                    "![mô tả ảnh](%(src)s)",
                    src=clean,
                ),
                "body",
            )


def latest_revision(course: Course, slug: str) -> LessonRevision | None:
    """Return the newest saved version of a lesson."""
    return db.session.scalar(
        select(LessonRevision)
        .where(LessonRevision.course_id == course.id, LessonRevision.lesson_slug == slug)
        .order_by(LessonRevision.number.desc())
        .limit(1)
    )


def save_lesson(
    actor: User,
    course: Course,
    slug: str,
    title: str,
    minutes: int,
    body: str,
    based_on: int | None = None,
) -> bool:
    """Save a lesson's title, time and text; returns whether anything changed.

    based_on is the saved version the editor was opened on: if a co-author saved the lesson
    since, nothing is written over their work and the teacher is told."""
    draft = get_draft(actor, course)
    lesson = lesson_of(draft, slug)
    latest = latest_revision(course, slug)
    if based_on is not None and latest is not None and latest.number != based_on:
        raise AuthoringError(
            _(
                "%(name)s vừa lưu bài này (bản #%(n)d). Nội dung của bạn chưa được lưu: hãy "
                "chép lại phần bạn viết, tải lại trang rồi sửa tiếp trên bản mới nhất.",
                name=latest.saved_by_name or _("Một tác giả khác"),
                n=latest.number,
            ),
            "body",
        )
    clean_title = checked_title(title)
    if not 1 <= minutes <= 120:
        raise AuthoringError(_("Thời lượng bài học cần từ 1 đến 120 phút."), "minutes")
    text = nfc(body).replace("\r\n", "\n")
    if len(text) > MAX_BODY:
        raise AuthoringError(_("Bài học dài quá %(n)d ký tự.", n=MAX_BODY), "body")
    check_lesson_body(draft, text)
    if (lesson.title, lesson.minutes, lesson.body_source) == (clean_title, minutes, text):
        return False
    lesson.title, lesson.minutes, lesson.body_source = clean_title, minutes, text
    _revise(actor, course, lesson, "")
    record_event(actor, course, "lesson.update", slug, title=clean_title)
    db.session.flush()
    return True


def move_lesson(actor: User, course: Course, slug: str, delta: int) -> None:
    """Move a lesson up (-1) or down (+1)."""
    draft = get_draft(actor, course)
    lessons = list(draft.lessons)
    index = lessons.index(lesson_of(draft, slug))
    target = index + (1 if delta > 0 else -1)
    if not 0 <= target < len(lessons):
        return
    lessons[index], lessons[target] = lessons[target], lessons[index]
    for position, lesson in enumerate(lessons, start=1):
        lesson.position = position
    record_event(actor, course, "lesson.move", slug, to=target + 1)
    db.session.flush()
    db.session.refresh(draft)


def delete_lesson(actor: User, course: Course, slug: str) -> None:
    """Remove a lesson from the draft (its history stays and it can be restored)."""
    draft = get_draft(actor, course)
    lesson = lesson_of(draft, slug)
    draft.lessons.remove(lesson)
    for position, other in enumerate(draft.lessons, start=1):
        other.position = position
    if isinstance(draft.required_lessons, list) and slug in draft.required_lessons:
        draft.required_lessons = [s for s in draft.required_lessons if s != slug] or "all"
    record_event(actor, course, "lesson.delete", slug, title=lesson.title)
    db.session.flush()


def insert_image(
    actor: User, course: Course, slug: str, data: bytes, original: str, alt: str
) -> DraftMedia:
    """Upload an image (alt text required) and add it at the end of a lesson."""
    alt_text = clean_line(alt).replace("[", "(").replace("]", ")")
    if not alt_text:
        raise AuthoringError(
            _("Hãy mô tả ảnh (alt text): người khiếm thị nghe mô tả này thay cho ảnh."), "alt"
        )
    draft = get_draft(actor, course)
    lesson = lesson_of(draft, slug)
    item = upload_file(actor, course, data, original, "image")
    body = lesson.body_source.rstrip("\n")
    snippet = f"![{alt_text}]({item.path})"
    lesson.body_source = f"{body}\n\n{snippet}\n" if body else f"{snippet}\n"
    _revise(actor, course, lesson, _("Chèn ảnh"))
    record_event(actor, course, "lesson.update", slug, image=item.path)
    db.session.flush()
    return item


def add_player(
    actor: User,
    course: Course,
    slug: str,
    data: bytes,
    original: str,
    kind: str,
    title: str,
    transcript: str,
    captions: tuple[bytes, str] = (b"", ""),
) -> DraftMedia:
    """Upload audio, video or PDF slides (and captions) and show it after the lesson's text."""
    if kind not in MEDIA_KINDS:
        raise AuthoringError(_("Hãy chọn âm thanh, video hoặc bài trình chiếu."), "kind")
    clean_title = checked_title(title, "media_title")
    draft = get_draft(actor, course)
    lesson = lesson_of(draft, slug)
    item = upload_file(actor, course, data, original, kind)
    entry = {
        "file": item.path,
        "kind": kind,
        "title": clean_title,
        "transcript": nfc(transcript or "").strip(),
        "captions": "",
    }
    if captions[0]:
        if kind == "slides":
            raise AuthoringError(_("Bài trình chiếu không có phụ đề."), "captions")
        entry["captions"] = upload_file(actor, course, captions[0], captions[1], "captions").path
    lesson.media = [*lesson.media, entry]
    _revise(actor, course, lesson, _("Thêm %(t)s", t=clean_title))
    record_event(actor, course, "lesson.media", slug, added=item.path)
    db.session.flush()
    return item


def update_player(
    actor: User, course: Course, slug: str, index: int, title: str, transcript: str
) -> None:
    """Change a player's title and transcript."""
    draft = get_draft(actor, course)
    lesson = lesson_of(draft, slug)
    if not 0 <= index < len(lesson.media):
        raise LookupError(index)
    media = [dict(m) for m in lesson.media]
    media[index]["title"] = checked_title(title, "media_title")
    media[index]["transcript"] = nfc(transcript or "").strip()
    if media == lesson.media:
        return
    lesson.media = media
    _revise(actor, course, lesson, "")
    record_event(actor, course, "lesson.media", slug, updated=media[index]["file"])
    db.session.flush()


def set_player_captions(
    actor: User, course: Course, slug: str, index: int, data: bytes, original: str
) -> None:
    """Give an audio or video player a WebVTT captions file (no file: take captions off)."""
    draft = get_draft(actor, course)
    lesson = lesson_of(draft, slug)
    if not 0 <= index < len(lesson.media):
        raise LookupError(index)
    media = [dict(m) for m in lesson.media]
    if media[index]["kind"] == "slides":
        raise AuthoringError(_("Bài trình chiếu không có phụ đề."), "captions")
    path = upload_file(actor, course, data, original, "captions").path if data else ""
    media[index]["captions"] = path
    lesson.media = media
    _revise(actor, course, lesson, _("Phụ đề") if path else _("Bỏ phụ đề"))
    record_event(actor, course, "lesson.media", slug, captions=path or None)
    db.session.flush()


def remove_player(actor: User, course: Course, slug: str, index: int) -> None:
    """Take a player off a lesson (the file stays among the course's files)."""
    draft = get_draft(actor, course)
    lesson = lesson_of(draft, slug)
    if not 0 <= index < len(lesson.media):
        raise LookupError(index)
    media = list(lesson.media)
    removed = media.pop(index)
    lesson.media = media
    _revise(actor, course, lesson, _("Bỏ %(t)s", t=removed.get("title", "")))
    record_event(actor, course, "lesson.media", slug, removed=removed.get("file", ""))
    db.session.flush()


# --- History --------------------------------------------------------------------------------


def _revisions_exist(course: Course, slug: str) -> bool:
    return (
        db.session.scalar(
            select(LessonRevision.id).where(
                LessonRevision.course_id == course.id, LessonRevision.lesson_slug == slug
            )
        )
        is not None
    )


def _add_revision(
    actor: User | None,
    course: Course,
    slug: str,
    title: str,
    minutes: int,
    body: str,
    media: list[dict[str, Any]],
    note: str,
) -> LessonRevision:
    number = 1 + (
        db.session.scalar(
            select(func.max(LessonRevision.number)).where(
                LessonRevision.course_id == course.id, LessonRevision.lesson_slug == slug
            )
        )
        or 0
    )
    revision = LessonRevision(
        course_id=course.id,
        lesson_slug=slug,
        number=number,
        title=title,
        minutes=minutes,
        body_source=body,
        media=[dict(m) for m in media],
        note=note[:200],
        saved_by_id=actor.id if actor else None,
        saved_by_name=actor.full_name if actor else "",
    )
    db.session.add(revision)
    db.session.flush()
    return revision


def _revise(actor: User, course: Course, lesson: DraftLesson, note: str) -> LessonRevision:
    return _add_revision(
        actor,
        course,
        lesson.slug,
        lesson.title,
        lesson.minutes,
        lesson.body_source,
        lesson.media,
        note,
    )


def lesson_history(actor: User, course: Course, slug: str) -> list[LessonRevision]:
    """Return a lesson's saved versions, newest first."""
    require_editor(actor, course)
    return list(
        db.session.scalars(
            select(LessonRevision)
            .where(LessonRevision.course_id == course.id, LessonRevision.lesson_slug == slug)
            .order_by(LessonRevision.number.desc())
        )
    )


def lesson_revision(actor: User, course: Course, slug: str, number: int) -> LessonRevision:
    """Return one saved version of a lesson (LookupError if absent)."""
    require_editor(actor, course)
    revision = db.session.scalar(
        select(LessonRevision).where(
            LessonRevision.course_id == course.id,
            LessonRevision.lesson_slug == slug,
            LessonRevision.number == number,
        )
    )
    if revision is None:
        raise LookupError(number)
    return revision


def restore_revision(actor: User, course: Course, slug: str, number: int) -> DraftLesson:
    """Make a saved version the lesson's current text again (re-adding a deleted lesson)."""
    revision = lesson_revision(actor, course, slug, number)
    draft = get_draft(actor, course)
    try:
        lesson = lesson_of(draft, slug)
    except LookupError:
        lesson = DraftLesson(
            course_id=course.id,
            slug=slug,
            position=len(draft.lessons) + 1,
            title=revision.title,
            minutes=revision.minutes,
            body_source="",
            media=[],
        )
        draft.lessons.append(lesson)
    known = {item.path for item in draft.files}
    lesson.title, lesson.minutes = revision.title, revision.minutes
    lesson.body_source = revision.body_source
    lesson.media = [dict(m) for m in revision.media if m.get("file") in known]
    _revise(actor, course, lesson, _("Khôi phục từ bản #%(n)d", n=number))
    record_event(actor, course, "lesson.restore", slug, revision=number)
    db.session.flush()
    return lesson
