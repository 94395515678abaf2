"""A course's content as plain data, from a published version or from a draft.

Both sides give the same shape, so "has the draft changed since the version?" is a comparison
of fingerprints, and a draft is published by writing it as a content package and loading that
package the way `lms content load` does.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from assessments import QuizFormatError, parse_quiz, quiz_to_dict
from lms.authoring.models import CourseDraft
from lms.catalog.importer import PackageLesson, package_texts, version_lessons
from lms.catalog.models import CourseVersion
from lms.core.markdown import image_sources

MEDIA_KEYS = ("file", "kind", "title", "transcript", "captions")


@dataclass
class CourseSnapshot:
    """What a package says: its manifest, lessons, quizzes, and media (path -> stored file)."""

    manifest: dict[str, Any]
    lessons: list[PackageLesson]
    quizzes: list[tuple[str, dict[str, Any]]]
    media: dict[str, str] = field(default_factory=dict)

    def referenced_media(self) -> dict[str, str]:
        """Return only the media the course uses: lesson images and players, and the cover."""
        used = set()
        for lesson in self.lessons:
            used.update(src.strip() for src, _alt in image_sources(lesson.body))
            used.update(str(m.get("file", "")) for m in lesson.media)
            used.update(str(m["captions"]) for m in lesson.media if m.get("captions"))
        if self.manifest.get("cover"):
            used.add(str(self.manifest["cover"]))
        return {path: name for path, name in self.media.items() if path in used}

    def texts(self) -> dict[str, str]:
        """Return the package's text files."""
        return package_texts(self.manifest, self.lessons, self.quizzes)

    def fingerprint(self) -> str:
        """Return a hash of the content that ignores file layout and unused media."""
        canonical = {
            "manifest": _canonical_manifest(self.manifest),
            "lessons": [
                [
                    lesson.slug,
                    lesson.title,
                    lesson.minutes,
                    lesson.body,
                    [{k: m.get(k) or "" for k in MEDIA_KEYS} for m in lesson.media],
                ]
                for lesson in self.lessons
            ],
            "quizzes": sorted([slug, _canonical_quiz(slug, d)] for slug, d in self.quizzes),
            "media": self.referenced_media(),
        }
        text = json.dumps(canonical, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def _canonical_quiz(slug: str, definition: dict[str, Any]) -> dict[str, Any]:
    try:
        return dict(quiz_to_dict(parse_quiz(definition, slug)))
    except QuizFormatError:  # an unfinished quiz: compared as it is
        return definition


def _canonical_manifest(manifest: dict[str, Any]) -> dict[str, Any]:
    completion = manifest.get("completion") or {}
    return {
        "title": str(manifest.get("title", "")).strip(),
        "summary": str(manifest.get("summary") or "").strip(),
        "level": manifest.get("level"),
        "groups": [str(g) for g in manifest.get("groups") or []],
        "competences": [str(c) for c in manifest.get("competences") or []],
        "minutes": manifest.get("minutes"),
        "lessons": completion.get("lessons", "all"),
        "quizzes": [str(q) for q in completion.get("quizzes") or []],
        "cover": manifest.get("cover") or None,
        "cover_alt": manifest.get("cover_alt") or None,
    }


def version_snapshot(version: CourseVersion) -> CourseSnapshot:
    """Return a published version's content."""
    return CourseSnapshot(
        manifest=dict(version.manifest),
        lessons=version_lessons(version),
        quizzes=[(quiz.slug, quiz.definition) for quiz in version.quizzes],
        media=dict(version.media),
    )


def draft_manifest(draft: CourseDraft) -> dict[str, Any]:
    """Return the course.yaml mapping a draft would publish."""
    manifest: dict[str, Any] = {
        "title": draft.title,
        "summary": draft.summary,
        "level": draft.level,
        "groups": list(draft.groups),
        "competences": list(draft.competences),
    }
    if draft.minutes:
        manifest["minutes"] = draft.minutes
    manifest["completion"] = {
        "lessons": draft.required_lessons,
        "quizzes": list(draft.required_quizzes),
    }
    if draft.cover_file:
        manifest["cover"] = draft.cover_file
        manifest["cover_alt"] = draft.cover_alt
    return manifest


def quiz_definition(quiz: Any) -> dict[str, Any]:
    """Return a draft quiz as a quiz-file mapping (settings and its pool of bank questions)."""
    return {
        "title": quiz.title,
        **quiz.settings,
        "questions": [item.question.definition for item in quiz.items],
    }


def draft_snapshot(draft: CourseDraft) -> CourseSnapshot:
    """Return a draft's content (quizzes without questions are left out: they cannot publish)."""
    return CourseSnapshot(
        manifest=draft_manifest(draft),
        lessons=[
            PackageLesson(
                lesson.slug, lesson.title, lesson.minutes, lesson.body_source, list(lesson.media)
            )
            for lesson in draft.lessons
        ],
        quizzes=[(quiz.slug, quiz_definition(quiz)) for quiz in draft.quizzes],
        media={item.path: item.asset.filename for item in draft.files},
    )
