"""A test course whose quiz has every question type and a strict policy."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from lms.catalog.importer import load_content
from lms.catalog.models import Course
from lms.extensions import db

QUIZ_SLUG = "kiem-tra"
COURSE_SLUG = "test-quiz-course"
EXPLANATION = "GIẢI-THÍCH-BÍ-MẬT-{id}"
FEEDBACK = "NHẬN-XÉT-BÍ-MẬT-{id}"

QUIZ_YAML = f"""\
title: Kiểm tra đủ loại câu hỏi
pass_percent: 60
max_attempts: 2
time_limit_minutes: 5
shuffle_questions: true
shuffle_options: true
questions:
  - id: sc
    type: single_choice
    prompt: Biểu tượng nào dùng để gọi điện?
    options:
      - {{id: opt-right, text: Ống nghe, correct: true}}
      - {{id: opt-wrong, text: Máy ảnh}}
      - {{id: opt-other, text: Đồng hồ}}
    feedback: {{correct: "{FEEDBACK.format(id="sc")}", incorrect: "{FEEDBACK.format(id="sc")}"}}
    explanation: "{EXPLANATION.format(id="sc")}"
  - id: mc
    type: multiple_choice
    scoring: partial
    prompt: Dấu hiệu lừa đảo?
    options:
      - {{id: m-right-1, text: Giục chuyển tiền gấp, correct: true}}
      - {{id: m-right-2, text: Gửi đường link lạ, correct: true}}
      - {{id: m-wrong, text: Gọi qua tổng đài chính thức}}
    explanation: "{EXPLANATION.format(id="mc")}"
  - id: tf
    type: true_false
    prompt: Mật khẩu nên giữ bí mật.
    answer: true
    explanation: "{EXPLANATION.format(id="tf")}"
  - id: sa
    type: short_answer
    prompt: Số điện thoại khẩn cấp của Công an?
    answers: ["MỘT-MỘT-BA-BÍ-MẬT"]
    ignore_diacritics: true
  - id: nu
    type: numeric
    prompt: Mã OTP thường có mấy chữ số?
    value: 6
    tolerance: 0
  - id: ma
    type: matching
    scoring: partial
    prompt: Nối ứng dụng với việc nó làm.
    pairs:
      - {{left: Zalo, right: Nhắn tin}}
      - {{left: VNeID, right: Định danh điện tử}}
    distractors: [Chơi trò chơi]
  - id: or
    type: ordering
    prompt: Sắp xếp các bước kết nối Wi-Fi.
    items: [Mở Cài đặt, Chọn Wi-Fi, Chọn tên mạng, Nhập mật khẩu]
"""

COURSE_YAML = f"""\
title: Khoá thử bài kiểm tra
summary: Dùng cho kiểm thử.
level: 1
groups: [citizen]
competences: ["0.1"]
minutes: 10
completion:
  lessons: all
  quizzes: [{QUIZ_SLUG}]
"""

SECRETS = [EXPLANATION.format(id=i) for i in ("sc", "mc", "tf")] + [
    FEEDBACK.format(id="sc"),
    "MỘT-MỘT-BA-BÍ-MẬT",
    "opt-right",
    "opt-wrong",
    "m-right-1",
    "m-wrong",
    '"correct"',
    "correct: true",
]


def write_quiz_course(root: Path, quiz_yaml: str = QUIZ_YAML) -> Path:
    folder = root / COURSE_SLUG
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "course.yaml").write_text(COURSE_YAML, encoding="utf-8")
    (folder / "01-bai-mot.md").write_text("---\ntitle: Bài một\n---\nNội dung.\n", encoding="utf-8")
    (folder / f"{QUIZ_SLUG}.quiz.yaml").write_text(quiz_yaml, encoding="utf-8")
    return folder


@pytest.fixture
def quiz_course(app, scratch):
    """Load the test course; return its id."""
    folder = write_quiz_course(scratch)
    with app.test_request_context():
        load_content(folder)
        db.session.commit()
        return db.session.scalar(select(Course.id).where(Course.slug == COURSE_SLUG))
