"""Small real files and a course built through the authoring services, for the tests."""

from __future__ import annotations

import io
import math
import struct
import wave

from PIL import Image

from lms.extensions import db


def png_bytes(
    width: int = 40, height: int = 30, colour: tuple[int, int, int] = (200, 30, 30)
) -> bytes:
    """Return a real PNG made with Pillow."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def jpeg_bytes() -> bytes:
    """Return a real JPEG with EXIF metadata (which re-encoding must drop)."""
    out = io.BytesIO()
    image = Image.new("RGB", (32, 32), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "Máy ảnh bí mật"  # Make
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def wav_bytes(seconds: float = 0.3, frequency: float = 440.0, rate: int = 8000) -> bytes:
    """Return a short real WAV tone, made with the standard library."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        frames = b"".join(
            struct.pack("<h", int(12000 * math.sin(2 * math.pi * frequency * n / rate)))
            for n in range(int(seconds * rate))
        )
        w.writeframes(frames)
    return out.getvalue()


def pdf_bytes() -> bytes:
    """Return a minimal one-page PDF."""
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


SINGLE = {
    "type": "single_choice",
    "prompt": "Biểu tượng nào dùng để gọi điện?",
    "options": [
        {"id": "a", "text": "Ống nghe", "correct": True},
        {"id": "b", "text": "Máy ảnh", "correct": False},
    ],
    "feedback": {"correct": "Đúng rồi!", "incorrect": "Chưa đúng."},
    "explanation": "Ứng dụng Điện thoại có biểu tượng ống nghe.",
}
TRUE_FALSE = {"type": "true_false", "prompt": "Mật khẩu nên giữ bí mật.", "answer": True}
SHORT = {
    "type": "short_answer",
    "prompt": "Số điện thoại khẩn cấp của Công an?",
    "answers": ["113"],
}
MULTIPLE = {
    "type": "multiple_choice",
    "scoring": "partial",
    "prompt": "Dấu hiệu lừa đảo?",
    "options": [
        {"id": "a", "text": "Giục chuyển tiền gấp", "correct": True},
        {"id": "b", "text": "Đường link lạ", "correct": True},
        {"id": "c", "text": "Tổng đài chính thức", "correct": False, "feedback": "Không phải."},
    ],
    "points": 2,
}
NUMERIC = {"type": "numeric", "prompt": "Mã OTP có mấy chữ số?", "value": 6, "tolerance": 0}
MATCHING = {
    "type": "matching",
    "scoring": "partial",
    "prompt": "Nối ứng dụng với việc nó làm.",
    "pairs": [{"left": "Zalo", "right": "Nhắn tin"}, {"left": "VNeID", "right": "Định danh"}],
    "distractors": ["Chơi trò chơi"],
}
ORDERING = {
    "type": "ordering",
    "prompt": "Sắp xếp các bước kết nối Wi-Fi.",
    "items": ["Mở Cài đặt", "Chọn Wi-Fi", "Nhập mật khẩu"],
}
ALL_TYPES = [SINGLE, MULTIPLE, TRUE_FALSE, SHORT, NUMERIC, MATCHING, ORDERING]


def build_course(author, slug: str = "test-soan-bai", *, quiz_questions=None, publish=True):
    """Create a course with two lessons (one with an image and audio) and a quiz; return it."""
    from lms.authoring import bank, drafts, publishing

    course = drafts.create_course(author, "Khoá học soạn thử", slug)
    draft = drafts.get_draft(author, course)
    drafts.update_course_info(
        author,
        course,
        drafts.CourseInfo(
            title="Khoá học soạn thử",
            summary="Một khoá học nhỏ soạn trong trình duyệt.",
            level=1,
            minutes=0,
            groups=["citizen"],
            competences=["0.1"],
            required_lessons="all",
            required_quizzes=[],
        ),
    )
    first = drafts.add_lesson(author, course, "Gọi điện")
    drafts.save_lesson(author, course, first.slug, "Gọi điện", 5, "Bấm vào **ống nghe**.\n")
    drafts.insert_image(author, course, first.slug, png_bytes(), "man-hinh.png", "Màn hình chính")
    drafts.add_player(
        author,
        course,
        first.slug,
        wav_bytes(),
        "huong-dan.wav",
        "audio",
        "Nghe hướng dẫn",
        "Bước 1",
    )
    second = drafts.add_lesson(author, course, "Nhắn tin")
    drafts.save_lesson(author, course, second.slug, "Nhắn tin", 4, "Mở ứng dụng **Tin nhắn**.\n")
    quiz = bank.create_quiz(author, course, "Kiểm tra cuối khoá")
    for data in quiz_questions or [SINGLE, TRUE_FALSE, SHORT]:
        bank.create_question(author, course, dict(data), quiz.slug)
    bank.update_quiz(
        author,
        course,
        quiz.slug,
        "Kiểm tra cuối khoá",
        {"pass_percent": 60, "shuffle_questions": False},
    )
    info = draft
    drafts.update_course_info(
        author,
        course,
        drafts.CourseInfo(
            title=info.title,
            summary=info.summary,
            level=1,
            minutes=0,
            groups=["citizen"],
            competences=["0.1"],
            required_lessons="all",
            required_quizzes=[quiz.slug],
        ),
    )
    if publish:
        publishing.publish_course(author, course)
    db.session.flush()
    return course


def vtt_bytes(text: str = "Bước 1: mở ứng dụng Điện thoại.") -> bytes:
    """Return a one-cue WebVTT captions file."""
    return f"WEBVTT\n\n00:00:00.000 --> 00:00:00.300\n{text}\n".encode()
